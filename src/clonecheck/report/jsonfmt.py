"""``--format json``: the report for programs, schema ``clonecheck.report/1``.

One JSON object, indented by 2, UTF-8 (non-ASCII characters are written as they are, not as
``\\u`` escapes), ending with a newline. Keys appear in the order below; matches by score,
highest first. A later schema that removes or changes a field gets a new ``schema`` value;
fields may be added within ``/1``.

- ``schema``: ``"clonecheck.report/1"``
- ``title``: the report's title (string)
- ``generated_at``: when it was made, ISO 8601 in UTC to the second (``2025-03-01T12:00:00Z``)
- ``tool_version``: clonecheck's version (string)
- ``scanned``: ``{"profiles": int, "identities": int}``, how many were compared
- ``matches``: a list of objects, one per match:

  - ``score``: 0..1, rounded to 4 decimals
  - ``verdict``: ``"likely clone"``, ``"possible"`` or ``"none"``
  - ``identity``: ``{"slug", "name", "handles": [string]}``, the registered person
  - ``profile``: the suspect account:

    - ``key``: its stable key (``platform:id:ID`` or ``platform:@handle``)
    - ``platform``, ``handle`` (without ``@``), ``name`` (display name): strings
    - ``account_id``: string or null
    - ``link``: its own page on the platform (string, ``""`` when unknown)
    - ``url``: the website it links to (string, ``""`` when none)
    - ``bio``: string
    - ``photo``: ``{"source", "digest", "error"}`` (digest and error string or null), or null
      when the profile has no photo
    - ``created_at``: the account's creation date as the source gave it (``""`` when unknown)
    - ``followers``, ``following``, ``posts``: integers, or null when the source did not say
    - ``verified``, ``default_photo``: the platform's badge and default avatar, true, false
      or null when the source did not say

  - ``identity_photo``: digest (sha256) of the registered photo that matched best, or null
  - ``signals``: list of ``{"kind", "value", "strength", "detail", "evidence"}``:

    - ``kind``: ``"photo"``, ``"face"``, ``"name"``, ``"handle"``, ``"bio"``, ``"deception"``
      (a look-alike trick in the handle or name; its evidence names each trick) or
      ``"account"`` (the account's age and shape; its evidence starts with the facts)
    - ``value``: the raw measurement rounded to 4 decimals (photo: hash distance in bits of
      64; face: embedding distance; name, handle, bio: similarity 0..100; deception: number
      of tricks; account: the account-shape model's probability of a bought account, 0 when
      the source gave no counts)
    - ``strength``: the evidence on a 0..1 scale, rounded to 4 decimals
    - ``detail``: a sentence saying what was measured
    - ``evidence``: list of strings, the named edits or facts ("look-alike: I for l",
      "mirrored")

  - ``reasons``: list of strings, the sentences of the signals that carried evidence,
    strongest first, then the notes
  - ``notes``: list of strings, why the verdict was lowered (fan account, parody ...)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from clonecheck.models import Match, Photo, Signal
from clonecheck.report.interface import ReportContext, case_of, ordered, utc_timestamp

SCHEMA = "clonecheck.report/1"


def _photo(photo: Photo | None) -> dict[str, Any] | None:
    if photo is None:
        return None
    return {"source": photo.source, "digest": photo.digest, "error": photo.error}


def _signal(signal: Signal) -> dict[str, Any]:
    return {
        "kind": signal.kind.value,
        "value": round(signal.value, 4),
        "strength": round(signal.strength, 4),
        "detail": signal.detail,
        "evidence": list(signal.evidence),
    }


def match_to_dict(match: Match) -> dict[str, Any]:
    """One element of ``matches``."""
    identity, profile = match.identity, match.profile
    return {
        "score": round(match.score, 4),
        "verdict": match.verdict.value,
        "identity": {
            "slug": identity.slug,
            "name": identity.name,
            "handles": list(identity.handles),
        },
        "profile": {
            "key": profile.key,
            "platform": profile.platform,
            "handle": profile.handle,
            "name": profile.name,
            "account_id": profile.account_id,
            "link": profile.link,
            "url": profile.url,
            "bio": profile.bio,
            "photo": _photo(profile.photo),
            "created_at": profile.created_at,
            "followers": profile.followers,
            "following": profile.following,
            "posts": profile.posts,
            "verified": profile.verified,
            "default_photo": profile.default_photo,
        },
        "identity_photo": match.identity_photo,
        "signals": [_signal(signal) for signal in match.signals],
        "reasons": list(match.reasons),
        "notes": list(match.notes),
    }


def _case(context: ReportContext, match: Match) -> dict[str, Any] | None:
    mark = case_of(context, match)
    return None if mark is None else {"id": mark.id, "state": mark.state}


def report_to_dict(matches: Sequence[Match], context: ReportContext) -> dict[str, Any]:
    """The whole report as plain data, before encoding."""
    return {
        "schema": SCHEMA,
        "title": context.title,
        "generated_at": utc_timestamp(context.generated_at),
        "tool_version": context.tool_version,
        "scanned": {
            "profiles": context.scanned_profiles,
            "identities": context.scanned_identities,
        },
        "matches": [
            {**match_to_dict(match), "case": _case(context, match)} for match in ordered(matches)
        ],
    }


class JsonRenderer:
    """Renders matches as one JSON document (schema ``clonecheck.report/1``)."""

    def render(self, matches: Sequence[Match], context: ReportContext, out: TextIO) -> None:
        json.dump(report_to_dict(matches, context), out, indent=2, ensure_ascii=False)
        out.write("\n")
