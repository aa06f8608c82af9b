"""The Fediverse: ActivityPub actor documents and the Mastodon REST API ``Account`` entity.

Both set ``platform`` to ``fediverse`` (one namespace for Mastodon, Pleroma, Misskey, PeerTube
...: a handle ``user@host`` is unique across it) and ``handle`` to ``user@host``.

``account_id`` is left empty on purpose, so that :attr:`Profile.key` is handle-based
(``fediverse:@user@host``): the actor id URL and a Mastodon instance's numeric id are different
identifiers for the same account, and the numeric id is only meaningful on the server that
answered. Keyed by handle, one account imported from either format is the same profile. The
actor id stays in ``raw`` and, when the actor has no ``url``, in ``link``.

Limitation: the host is taken from the actor id (ActivityPub) or the account URL (Mastodon
local accounts); a server whose WebFinger domain differs from its web host (Mastodon's
``WEB_DOMAIN``) gives ``user@web-host``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from clonecheck.ingest._common import (
    clean_url,
    count,
    dicts,
    html_to_text,
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

PLATFORM = "fediverse"
ACTOR_TYPES = frozenset({"Person", "Service", "Application", "Group", "Organization"})


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _strip_emoji(value: str, shortcodes: set[str], *, one_line: bool = True) -> str:
    """Drop ``:shortcode:`` custom emoji (images on the server, noise in a name or bio)."""
    for code in shortcodes:
        if code:
            value = value.replace(f":{code}:", "")
    if one_line:
        return " ".join(value.split())
    return "\n".join(" ".join(line.split()) for line in value.split("\n")).strip()


def _actor_emoji(actor: Mapping[str, Any]) -> set[str]:
    tags = actor.get("tag")
    found: set[str] = set()
    for tag in tags if isinstance(tags, list) else []:
        if isinstance(tag, dict) and tag.get("type") == "Emoji":
            found.add(text(tag.get("name")).strip(":"))
    return found


def _first_url(value: Any, prefer_html: bool = False) -> str:
    """A URL from a string, a Link/Image object, or a list of them."""
    if isinstance(value, str):
        return clean_url(value)
    if isinstance(value, dict):
        return clean_url(value.get("href") or value.get("url"))
    if isinstance(value, list):
        if prefer_html:
            for item in value:
                if isinstance(item, dict) and item.get("mediaType") == "text/html":
                    return _first_url(item)
        for item in value:
            found = _first_url(item)
            if found:
                return found
    return ""


def _is_actor(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    kind = value.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    return "preferredUsername" in value and bool(kinds & ACTOR_TYPES)


def actor_profile(actor: Mapping[str, Any], platform: str | None) -> Profile | str:
    """A Profile from an ActivityPub actor, or the reason it has none."""
    username = text(actor.get("preferredUsername"))
    actor_id = clean_url(actor.get("id"))
    host = _host(actor_id) or _host(_first_url(actor.get("url")))
    if not username:
        return "no preferredUsername"
    if not host:
        return "no host in the actor id or url"
    link = _first_url(actor.get("url"), prefer_html=True) or actor_id
    return Profile(
        platform=platform or PLATFORM,
        handle=f"{username}@{host}",
        name=_strip_emoji(text(actor.get("name")), _actor_emoji(actor)),
        bio=_strip_emoji(html_to_text(actor.get("summary")), _actor_emoji(actor), one_line=False),
        link=link,
        created_at=timestamp(actor.get("published")),
        photo=photo_from(_first_url(actor.get("icon"))),
        raw=dict(actor),
    )


class ActivityPubReader:
    """ActivityPub actors (Person, Service, Application, Group, Organization); a list of them is
    also read. ``followers``/``following`` are collection URLs there, so counts stay empty."""

    name: str = "activitypub"
    description: str = "ActivityPub actor document (Mastodon, Pleroma, Misskey, PeerTube ...)"

    def sniff(self, path: Path, head: bytes) -> bool:
        document = peek_document(path, head)
        if isinstance(document, list):
            return bool(document) and _is_actor(document[0])
        return _is_actor(document)

    def read(
        self,
        path: Path,
        *,
        platform: str | None,
        mapping: Mapping[str, str] | None,
        photos_root: Path | None = None,
    ) -> Iterator[Profile | RecordProblem]:
        reject_mapping(self.name, path, mapping)
        for number, actor in dicts(load_document(path)):
            if not isinstance(actor, dict):
                yield RecordProblem(str(path), f"record {number}", "not a JSON object")
                continue
            yield profile_or_problem(
                str(path), f"record {number}", partial(actor_profile, actor, platform)
            )


def _is_account(value: Any) -> bool:
    return isinstance(value, dict) and "acct" in value and ("avatar" in value or "url" in value)


def account_profile(account: Mapping[str, Any], platform: str | None) -> Profile | str:
    """A Profile from a Mastodon Account entity, or the reason it has none."""
    acct = text(account.get("acct")).lstrip("@")
    url = clean_url(account.get("url"))
    if not acct:
        return "no acct"
    if "@" not in acct:  # a local account: acct is the bare username
        host = _host(url)
        if not host:
            return "local acct without a url to take the host from"
        acct = f"{acct}@{host}"
    emojis = account.get("emojis")
    shortcodes = {
        text(emoji.get("shortcode"))
        for emoji in (emojis if isinstance(emojis, list) else [])
        if isinstance(emoji, dict)
    }
    return Profile(
        platform=platform or PLATFORM,
        handle=acct,
        name=_strip_emoji(text(account.get("display_name")), shortcodes),
        bio=_strip_emoji(html_to_text(account.get("note")), shortcodes, one_line=False),
        link=url,
        created_at=timestamp(account.get("created_at")),
        followers=count(account.get("followers_count"), "followers_count"),
        following=count(account.get("following_count"), "following_count"),
        posts=count(account.get("statuses_count"), "statuses_count"),
        photo=photo_from(clean_url(account.get("avatar"))),
        raw=dict(account),
    )


class MastodonReader:
    """Mastodon REST API ``Account`` entities (a single account or a list, as from
    ``/api/v1/accounts/:id``, ``/followers``, ``/search``)."""

    name: str = "mastodon"
    description: str = "Mastodon REST API Account entity, or a list of them"

    def sniff(self, path: Path, head: bytes) -> bool:
        document = peek_document(path, head)
        if isinstance(document, dict) and isinstance(document.get("accounts"), list):
            document = document["accounts"]
        if isinstance(document, list):
            return bool(document) and _is_account(document[0])
        return _is_account(document)

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
        if isinstance(document, dict) and isinstance(document.get("accounts"), list):
            document = document["accounts"]  # /api/v2/search results
        for number, account in dicts(document):
            if not isinstance(account, dict):
                yield RecordProblem(str(path), f"record {number}", "not a JSON object")
                continue
            build = partial(account_profile, account, platform)
            yield profile_or_problem(str(path), f"record {number}", build)
