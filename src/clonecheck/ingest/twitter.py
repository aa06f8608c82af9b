"""Twitter/X: API v1.1 user objects, API v2 user lookups, the "Download your data" archive, and
the TwiBot-20 data set (v1.1 user objects inside records).

Every reader here sets ``platform`` to ``twitter`` (``--platform`` overrides it), ``account_id``
to the numeric user id (as text), ``link`` to ``https://x.com/<handle>``, ``url`` to the
expanded website when the record has ``entities.url`` (else the ``t.co`` link as given), and
``created_at`` to ISO 8601 for v1.1's ``Tue Feb 20 14:35:54 +0000 2007`` dates.

Photos: the APIs give the 48x48 ``_normal`` avatar; the photo source is its ``_400x400``
rendition because perceptual hashes of a 48 px image are mostly resampling noise and match
poorly (the original URL stays in ``raw``).
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from clonecheck.errors import FormatError
from clonecheck.ingest._common import (
    beyond_limits,
    count,
    dicts,
    flag,
    get_path,
    inside,
    is_url,
    load_document,
    parse_json,
    peek_document,
    photo_from,
    profile_or_problem,
    read_text,
    reject_mapping,
    text,
    timestamp,
)
from clonecheck.ingest.interface import RecordProblem
from clonecheck.models import Photo, Profile

PLATFORM = "twitter"


def profile_link(handle: str) -> str:
    return f"https://x.com/{handle}"


def _expanded_url(user: Mapping[str, Any]) -> str:
    urls = get_path(user, "entities", "url", "urls")
    if isinstance(urls, list):
        for entry in urls:
            expanded = text(get_path(entry, "expanded_url"))
            if expanded:
                return expanded
    return text(user.get("url"))


def v1_profile(user: Mapping[str, Any], platform: str | None, raw: Mapping[str, Any]) -> Profile:
    """A Profile from a v1.1 user object (which must have a screen_name)."""
    handle = text(user.get("screen_name")).lstrip("@")
    account_id = text(user.get("id_str")) or text(user.get("id")) or None
    photo_url = text(user.get("profile_image_url_https")) or text(user.get("profile_image_url"))
    return Profile(
        platform=platform or PLATFORM,
        handle=handle,
        name=text(user.get("name")),
        account_id=account_id,
        bio=text(user.get("description")),
        location=text(user.get("location")),
        url=_expanded_url(user),
        link=profile_link(handle),
        created_at=timestamp(user.get("created_at")),
        followers=count(user.get("followers_count"), "followers_count"),
        following=count(user.get("friends_count"), "friends_count"),
        posts=count(user.get("statuses_count"), "statuses_count"),
        verified=flag(user.get("verified")),
        default_photo=flag(user.get("default_profile_image")),
        photo=photo_from(photo_url),
        raw=dict(raw),
    )


def _is_v1_user(value: Any) -> bool:
    return isinstance(value, dict) and "screen_name" in value and "profile" not in value


def _v1_users(document: Any) -> Any:
    """The list of users in a v1.1 response (single user, list, or ``{"users": [...]}``)."""
    if isinstance(document, dict) and isinstance(document.get("users"), list):
        return document["users"]
    return document


class TwitterV1Reader:
    """API v1.1 user objects: users/show, users/lookup, users/search, verify_credentials."""

    name: str = "twitter-v1.1"
    description: str = 'Twitter API v1.1 user object, list of them, or {"users": [...]}'

    def sniff(self, path: Path, head: bytes) -> bool:
        users = _v1_users(peek_document(path, head))
        if isinstance(users, list):
            return bool(users) and _is_v1_user(users[0])
        return _is_v1_user(users)

    def read(
        self,
        path: Path,
        *,
        platform: str | None,
        mapping: Mapping[str, str] | None,
        photos_root: Path | None = None,
    ) -> Iterator[Profile | RecordProblem]:
        reject_mapping(self.name, path, mapping)
        users = _v1_users(load_document(path))
        for number, user in dicts(users):
            if not isinstance(user, dict) or not text(user.get("screen_name")):
                yield RecordProblem(str(path), f"record {number}", "no screen_name")
                continue
            yield profile_or_problem(
                str(path), f"record {number}", partial(v1_profile, user, platform, user)
            )


def v2_profile(user: Mapping[str, Any], platform: str | None) -> Profile:
    """A Profile from a v2 user object (which must have a username)."""
    handle = text(user.get("username")).lstrip("@")
    metrics = user.get("public_metrics")
    metrics = metrics if isinstance(metrics, dict) else {}
    return Profile(
        platform=platform or PLATFORM,
        handle=handle,
        name=text(user.get("name")),
        account_id=text(user.get("id")) or None,
        bio=text(user.get("description")),
        location=text(user.get("location")),
        url=_expanded_url(user),
        link=profile_link(handle),
        created_at=timestamp(user.get("created_at")),
        followers=count(metrics.get("followers_count"), "followers_count"),
        following=count(metrics.get("following_count"), "following_count"),
        posts=count(metrics.get("tweet_count"), "tweet_count"),
        verified=flag(user.get("verified")),
        photo=photo_from(text(user.get("profile_image_url"))),
        raw=dict(user),
    )


def _v2_error_type(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("https://api.twitter.com/2/problems/")


def _is_v2(document: Any) -> bool:
    if not isinstance(document, dict):
        return False
    data = document.get("data")
    first = data[0] if isinstance(data, list) and data else data
    if isinstance(first, dict) and "username" in first:
        return True
    if isinstance(get_path(document, "includes", "users"), list):
        return True
    errors = document.get("errors")
    if _v2_error_type(document.get("type")):
        return True
    return (
        isinstance(errors, list)
        and bool(errors)
        and all(isinstance(e, dict) and _v2_error_type(e.get("type")) for e in errors)
    )


class TwitterV2Reader:
    """API v2 responses: users from ``data`` (when they are users) and ``includes.users``.

    Each ``errors`` entry about a user (not found ...) or about the request (400) is a
    RecordProblem; errors about expanded tweets (pinned-tweet metrics) are not profile problems
    and are skipped. A user in both ``data`` and ``includes.users`` is yielded once.
    """

    name: str = "twitter-v2"
    description: str = 'Twitter API v2 response ({"data": ...}, includes.users, errors)'

    def sniff(self, path: Path, head: bytes) -> bool:
        return _is_v2(peek_document(path, head))

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
        if not isinstance(document, dict):
            raise FormatError(f"{path}: a Twitter API v2 response is a JSON object")
        file = str(path)
        seen: set[str] = set()
        data = document.get("data")
        sources: list[tuple[str, Any]] = []
        if isinstance(data, list):
            sources.extend((f"data[{i}]", item) for i, item in enumerate(data))
        elif isinstance(data, dict):
            sources.append(("data", data))
        users = get_path(document, "includes", "users")
        if isinstance(users, list):
            sources.extend((f"includes.users[{i}]", item) for i, item in enumerate(users))
        for location, item in sources:
            if not isinstance(item, dict):
                yield RecordProblem(file, location, "not a JSON object")
                continue
            if location.startswith("data") and "username" not in item and "text" in item:
                continue  # tweets in data; their authors are in includes.users
            if not text(item.get("username")):
                yield RecordProblem(file, location, "no username")
                continue
            key = text(item.get("id")) or text(item.get("username")).casefold()
            if key in seen:
                continue
            seen.add(key)
            yield profile_or_problem(file, location, partial(v2_profile, item, platform))
        errors = document.get("errors")
        if isinstance(errors, list):
            for i, error in enumerate(errors):
                if text(get_path(error, "resource_type")) not in ("", "user"):
                    continue  # about an expanded tweet or place, not about a profile
                yield RecordProblem(file, f"errors[{i}]", _error_reason(error, document))


def _error_reason(error: Any, document: Mapping[str, Any]) -> str:
    if not isinstance(error, dict):
        return "API error"
    detail = text(error.get("detail")) or text(error.get("message"))
    title = text(error.get("title")) or text(document.get("title"))
    reason = ": ".join(part for part in (title, detail) if part)
    return f"API error: {reason}" if reason else "API error"


_YTD_PREFIX = re.compile(r"\s*window\.YTD\.[\w.]+\s*=\s*")


def read_ytd(path: Path) -> Any:
    """The JSON of an archive ``.js`` file after its ``window.YTD.<name>.partN =`` prefix."""
    content = read_text(path)
    match = _YTD_PREFIX.match(content)
    if match is None:
        raise FormatError(f"{path} does not start with window.YTD.<name>.part0 = ")
    try:
        return parse_json(content[match.end() :])
    except json.JSONDecodeError as exc:
        column = exc.colno + (match.end() if exc.lineno == 1 else 0)
        raise FormatError(
            f"{path} is not valid JSON after its window.YTD prefix: "
            f"{exc.msg} at line {exc.lineno} column {column}"
        ) from exc
    except (RecursionError, ValueError) as exc:
        raise FormatError(f"{path} cannot be read as JSON: {beyond_limits(exc)}") from None


def _archive_data_dir(path: Path) -> Path | None:
    if path.is_dir():
        for candidate in (path / "data", path):
            if (candidate / "account.js").is_file():
                return candidate
        return None
    return path.parent


class TwitterArchiveReader:
    """ "Download your data" archive: ``data/account.js`` merged with ``data/profile.js``.

    Input: the archive root, its ``data`` folder, or any ``window.YTD`` file inside ``data``.
    The avatar is the archive's own copy in ``data/profile_media`` when present (named
    ``<accountId>-<file>`` by Twitter, or ``<file>``), else ``avatarMediaUrl``; local copies are
    used only inside the trusted photos folder (the archive folder itself when it is imported).
    """

    name: str = "twitter-archive"
    description: str = "Twitter archive folder, or its data/account.js"

    def sniff(self, path: Path, head: bytes) -> bool:
        if path.is_dir():
            return _archive_data_dir(path) is not None
        return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"window.YTD.")

    def read(
        self,
        path: Path,
        *,
        platform: str | None,
        mapping: Mapping[str, str] | None,
        photos_root: Path | None = None,
    ) -> Iterator[Profile | RecordProblem]:
        reject_mapping(self.name, path, mapping)
        data = _archive_data_dir(path)
        account_file = data / "account.js" if data is not None else None
        if account_file is None or not account_file.is_file():
            raise FormatError(f"{path}: no account.js found; give the archive's root folder")
        accounts = read_ytd(account_file)
        profile_file = account_file.parent / "profile.js"
        profiles = read_ytd(profile_file) if profile_file.is_file() else []
        profile_entry = profiles[0] if isinstance(profiles, list) and profiles else {}
        profile = get_path(profile_entry, "profile")
        profile = profile if isinstance(profile, dict) else {}
        where = f"{account_file.parent.name}/account.js"
        for number, entry in dicts(accounts):
            account = get_path(entry, "account")
            if not isinstance(account, dict) or not text(account.get("username")):
                yield RecordProblem(str(path), f"{where} record {number}", "no account.username")
                continue
            handle = text(account["username"])
            account_id = text(account.get("accountId")) or None
            yield Profile(
                platform=platform or PLATFORM,
                handle=handle,
                name=text(account.get("accountDisplayName")),
                account_id=account_id,
                bio=text(get_path(profile, "description", "bio")),
                location=text(get_path(profile, "description", "location")),
                url=text(get_path(profile, "description", "website")),
                link=profile_link(handle),
                created_at=timestamp(account.get("createdAt")),
                photo=_archive_photo(profile, account_file.parent, photos_root, account_id),
                raw={"account": account, "profile": profile},
            )


def _archive_photo(
    profile: Mapping[str, Any], data: Path, root: Path | None, account_id: str | None
) -> Photo | None:
    """The archive's own copy of the avatar, looked for only inside the trusted ``root``."""
    reference = text(profile.get("avatarMediaUrl"))
    if not reference:
        return None
    if root is None:
        return photo_from(reference)
    name = reference.rstrip("/").rsplit("/", 1)[-1]
    media = data / "profile_media"
    candidates = [media / f"{account_id}-{name}"] if account_id else []
    candidates.append(media / name)
    if not is_url(reference):
        candidates.append(root / reference)
    for candidate in candidates:
        if inside(candidate, root) and candidate.is_file():
            return Photo(source=str(candidate.resolve()))
    return photo_from(reference, root)


def _is_twibot(document: Any) -> bool:
    if not isinstance(document, list) or not document:
        return False
    first = document[0]
    return isinstance(first, dict) and "ID" in first and isinstance(first.get("profile"), dict)


def _python_literal(value: Any) -> Any:
    """TwiBot-20 stores nested objects as Python reprs (``"{'url': ...} "``); parse them safely."""
    if not isinstance(value, str):
        return value
    try:
        return ast.literal_eval(value.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None


class TwiBotReader:
    """TwiBot-20 records: ``{"ID", "profile": {v1.1 user, values with trailing blanks}, ...}``.

    ``raw`` keeps the record without its ``tweet`` list (up to 200 tweets, not profile data).
    """

    name: str = "twibot20"
    description: str = "TwiBot-20 data set (JSON list of {ID, profile, tweet, neighbor, domain})"

    def sniff(self, path: Path, head: bytes) -> bool:
        return _is_twibot(peek_document(path, head))

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
        if not isinstance(document, list):
            raise FormatError(f"{path}: the TwiBot-20 format is a JSON list of records")
        for number, record in enumerate(document, start=1):
            user = get_path(record, "profile")
            if not isinstance(user, dict) or not text(user.get("screen_name")):
                yield RecordProblem(str(path), f"record {number}", "no profile.screen_name")
                continue
            cleaned = {key: text(value) for key, value in user.items()}
            if not cleaned.get("id_str") and not cleaned.get("id"):
                cleaned["id_str"] = text(record.get("ID"))
            cleaned["entities"] = _python_literal(user.get("entities"))
            raw = {key: value for key, value in record.items() if key != "tweet"}
            yield profile_or_problem(
                str(path), f"record {number}", partial(v1_profile, cleaned, platform, raw)
            )
