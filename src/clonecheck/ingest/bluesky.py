"""Bluesky (AT Protocol) profiles: ``platform`` ``bluesky``, ``account_id`` the DID (stable when
the handle changes), ``link`` ``https://bsky.app/profile/<handle>``.

Read shapes:

* ``app.bsky.actor.defs#profileViewDetailed`` (and ``profileView``/``profileViewBasic``): an
  object with ``did`` and ``handle``; a list of them; or an API response holding them under
  ``profiles``, ``actors``, ``followers`` or ``follows`` (getProfiles, searchActors ...).
* ``app.bsky.actor.profile`` records next to the account's ``did`` and ``handle``
  (``{"did", "handle", "ProfileRecord": {...}}`` as in indigo's search fixtures, or
  ``{"did", "handle", "value": {...}}``). The avatar blob becomes its CDN URL
  ``https://cdn.bsky.app/img/avatar/plain/<did>/<cid>@jpeg``. A bare record has no handle and is
  a RecordProblem.
* indigo automod captures (``{"accountMeta": {"Identity": {"DID", "Handle"}, "Profile": ...}}``);
  they carry no avatar reference.

Lexicon files (``{"lexicon": 1, "id": "app.bsky.actor.profile", ...}``) are schemas, not profile
data: they are recognised so that the error says so.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from clonecheck.errors import FormatError
from clonecheck.ingest._common import (
    count,
    get_path,
    load_document,
    peek_document,
    photo_from,
    profile_or_problem,
    reject_mapping,
    text,
    timestamp,
)
from clonecheck.ingest.interface import RecordProblem
from clonecheck.models import Profile

PLATFORM = "bluesky"
_LIST_KEYS = ("profiles", "actors", "followers", "follows")
_RECORD_KEYS = ("ProfileRecord", "record", "value")
_PROFILE_TYPE = "app.bsky.actor.profile"


def _is_lexicon(document: Any) -> bool:
    return isinstance(document, dict) and "lexicon" in document and "defs" in document


def _is_capture(document: Any) -> bool:
    return isinstance(get_path(document, "accountMeta", "Identity"), dict)


def _looks_like_profile(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    if text(value.get("did")).startswith("did:") and "handle" in value:
        return True
    return text(value.get("$type")).startswith("app.bsky.actor.")


def _records(document: Any) -> list[Any] | None:
    """The profile objects of a document, or None when it holds none of the known shapes."""
    if isinstance(document, list):
        return document if document and _looks_like_profile(document[0]) else None
    if isinstance(document, dict):
        for key in _LIST_KEYS:
            listed = document.get(key)
            if isinstance(listed, list) and (not listed or _looks_like_profile(listed[0])):
                return listed
        if _looks_like_profile(document):
            return [document]
    return None


def avatar_url(avatar: Any, did: str) -> str:
    """The avatar as a URL: views give one; records give a blob whose CID names the image."""
    if isinstance(avatar, str):
        return avatar
    cid = text(get_path(avatar, "ref", "$link")) or text(get_path(avatar, "cid"))
    if cid and did:
        return f"https://cdn.bsky.app/img/avatar/plain/{did}/{cid}@jpeg"
    return ""


def _profile(value: Mapping[str, Any], platform: str | None) -> Profile | str:
    record: Mapping[str, Any] = value
    for key in _RECORD_KEYS:
        nested = value.get(key)
        if isinstance(nested, dict):
            record = nested
            break
    did = text(value.get("did"))
    handle = text(value.get("handle")).lstrip("@")
    if not handle:
        if text(value.get("$type")) == _PROFILE_TYPE:
            return "an app.bsky.actor.profile record without the account's handle"
        return "no handle"
    return Profile(
        platform=platform or PLATFORM,
        handle=handle,
        name=text(record.get("displayName")),
        account_id=did or None,
        bio=text(record.get("description")),
        link=f"https://bsky.app/profile/{handle}",
        created_at=timestamp(record.get("createdAt") or value.get("createdAt")),
        followers=count(value.get("followersCount"), "followersCount"),
        following=count(value.get("followsCount"), "followsCount"),
        posts=count(value.get("postsCount"), "postsCount"),
        photo=photo_from(avatar_url(record.get("avatar"), did)),
        raw=dict(value),
    )


def _capture_profile(document: Mapping[str, Any], platform: str | None) -> Profile | str:
    meta = document["accountMeta"]
    identity = meta["Identity"]
    handle = text(identity.get("Handle"))
    if not handle:
        return "no accountMeta.Identity.Handle"
    profile = meta.get("Profile") if isinstance(meta.get("Profile"), dict) else {}
    return Profile(
        platform=platform or PLATFORM,
        handle=handle,
        name=text(profile.get("DisplayName")),
        account_id=text(identity.get("DID")) or None,
        bio=text(profile.get("Description")),
        link=f"https://bsky.app/profile/{handle}",
        followers=count(meta.get("FollowersCount"), "FollowersCount"),
        following=count(meta.get("FollowsCount"), "FollowsCount"),
        posts=count(meta.get("PostsCount"), "PostsCount"),
        raw={key: value for key, value in document.items() if key != "postRecords"},
    )


class BlueskyReader:
    """Bluesky profile views, profile records with their account, automod captures."""

    name: str = "bluesky"
    description: str = "Bluesky/AT Protocol profile views, profile records, automod captures"

    def sniff(self, path: Path, head: bytes) -> bool:
        document = peek_document(path, head)
        if _is_lexicon(document):
            return text(get_path(document, "id")).startswith(("app.bsky.", "com.atproto."))
        return _is_capture(document) or _records(document) is not None

    def read(
        self,
        path: Path,
        *,
        platform: str | None,
        mapping: Mapping[str, str] | None,
        photos_root: Path | None = None,
    ) -> Iterator[Profile | RecordProblem]:
        reject_mapping(self.name, path, mapping)
        document = load_document(path)
        file = str(path)
        if _is_lexicon(document):
            raise FormatError(
                f"{path} is an AT Protocol Lexicon schema ({text(document.get('id'))}), "
                "which describes records but holds no profile records"
            )
        if _is_capture(document):
            yield profile_or_problem(
                file, "accountMeta", partial(_capture_profile, document, platform)
            )
            return
        records = _records(document)
        if records is None:
            raise FormatError(f"{path} holds no Bluesky profile records")
        for number, value in enumerate(records, start=1):
            if not isinstance(value, dict):
                yield RecordProblem(file, f"record {number}", "not a JSON object")
                continue
            yield profile_or_problem(file, f"record {number}", partial(_profile, value, platform))
