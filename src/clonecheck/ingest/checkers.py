"""Reports of the username checkers Sherlock and Maigret: the accounts they found become
candidate profiles.

Both tools try one username on hundreds of sites and report where it exists. Read shapes:

* **Sherlock** ``--csv``: ``username,name,url_main,url_user,exists,http_status,response_time_s``
  (``name`` is the site); and its plain-text report (``<username>.txt``): one URL a line, then
  ``Total Websites Username Detected On : N``.
* **Maigret** ``-C`` CSV: the same first six columns, then ``error_reason`` (older versions stop
  at ``http_status``); ``-J simple`` JSON: ``{site: {"url_user", "status": {"status", "ids",
  ...}, ...}}``; ``-J ndjson``: one such object a line with ``sitename``. Maigret's ``ids`` (what
  it parsed from the page: ``fullname``, ``bio``, ``image``, ``created_at``, ``follower_count``
  ...) fill the profile's name, bio, photo, creation date and counts.

Only accounts reported as ``Claimed`` are profiles; rows for sites where the name is free or
the check failed are not accounts and are skipped without a problem. The platform comes from the
site (Twitter/X -> ``twitter``, Bluesky -> ``bluesky``, Mastodon servers -> ``fediverse`` with a
``user@host`` handle, Instagram -> ``instagram``; any other site by its lower-cased name), or
from the URL's host for the text report.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from clonecheck.errors import FormatError
from clonecheck.ingest._common import (
    count,
    load_json,
    looks_like_json,
    photo_from,
    profile_or_problem,
    read_text,
    reject_mapping,
    text,
    timestamp,
)
from clonecheck.ingest.interface import RecordProblem
from clonecheck.models import Profile

CLAIMED = "claimed"
_CSV_HEAD = ("username", "name", "url_main", "url_user", "exists", "http_status")
_TOTAL_LINE = "total websites username detected on"
#: site name or host (lower-cased) -> clonecheck platform
_PLATFORMS: Mapping[str, str] = {
    "twitter": "twitter",
    "x": "twitter",
    "twitter.com": "twitter",
    "x.com": "twitter",
    "mobile.twitter.com": "twitter",
    "bluesky": "bluesky",
    "bsky.app": "bluesky",
    "instagram": "instagram",
    "instagram.com": "instagram",
}


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _last_segment(url: str) -> str:
    parts = [p for p in urlsplit(url).path.split("/") if p]
    return parts[-1].lstrip("@") if parts else ""


def site_account(site: str, username: str, url: str) -> tuple[str, str]:
    """(platform, handle) of an account a username checker found on ``site`` at ``url``."""
    key = site.strip().lower()
    host = _host(url)
    platform = _PLATFORMS.get(key) or _PLATFORMS.get(host)
    handle = username.strip().lstrip("@") or _last_segment(url)
    if platform == "bluesky":
        return platform, _last_segment(url) or handle
    if platform is None and ("mastodon" in key or "/@" in urlsplit(url).path):
        return "fediverse", f"{handle}@{host}" if host else handle
    return platform or key or host, handle


def _claimed(status: Any) -> bool:
    return text(status).lower() == CLAIMED


def _csv_rows(path: Path) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    return [{k.strip().lower(): text(v) for k, v in row.items() if k} for row in reader]


def _head_columns(head: bytes) -> list[str]:
    first = head.decode("utf-8-sig", "replace").splitlines()[0] if head.strip() else ""
    return [column.strip().strip('"').lower() for column in first.split(",")]


def _checker_csv(head: bytes) -> str | None:
    """``"sherlock"`` or ``"maigret"`` for a username-checker CSV header, else None."""
    columns = _head_columns(head)
    if tuple(columns[: len(_CSV_HEAD)]) != _CSV_HEAD:
        return None
    return "sherlock" if columns[len(_CSV_HEAD) :] == ["response_time_s"] else "maigret"


def _csv_profiles(path: Path, platform: str | None) -> Iterator[Profile | RecordProblem]:
    rows = _csv_rows(path)
    for number, row in enumerate(rows, start=2):
        if not _claimed(row.get("exists")):
            continue
        found_on, handle = site_account(
            row.get("name", ""), row.get("username", ""), row["url_user"]
        )
        if not handle:
            yield RecordProblem(str(path), f"line {number}", "no username and no url_user")
            continue
        yield Profile(
            platform=platform or found_on,
            handle=handle,
            link=row.get("url_user", ""),
            raw=row,
        )


class SherlockReader:
    """Sherlock's CSV and plain-text reports."""

    name: str = "sherlock"
    description: str = "Sherlock report (--csv, or the <username>.txt list of URLs)"

    def sniff(self, path: Path, head: bytes) -> bool:
        if _checker_csv(head) == "sherlock":
            return True
        lines = [line.strip() for line in head.decode("utf-8-sig", "replace").splitlines()]
        lines = [line for line in lines if line]
        # the text report: URLs, then the total line (reports are far smaller than the head)
        return (
            bool(lines)
            and lines[-1].lower().startswith(_TOTAL_LINE)
            and all(line.lower().startswith(("http://", "https://")) for line in lines[:-1])
        )

    def read(
        self,
        path: Path,
        *,
        platform: str | None,
        mapping: Mapping[str, str] | None,
        photos_root: Path | None = None,
    ) -> Iterator[Profile | RecordProblem]:
        reject_mapping(self.name, path, mapping)
        content = read_text(path)
        if _checker_csv(content[:4096].encode()) is not None:
            yield from _csv_profiles(path, platform)
            return
        username = path.stem
        for number, line in enumerate(content.splitlines(), start=1):
            url = line.strip()
            if not url or url.lower().startswith(_TOTAL_LINE):
                continue
            if not url.lower().startswith(("http://", "https://")):
                yield RecordProblem(str(path), f"line {number}", "not a URL")
                continue
            found_on, handle = site_account(_host(url), _last_segment(url) or username, url)
            yield Profile(platform=platform or found_on, handle=handle, link=url, raw={"url": url})


def _maigret_records(path: Path) -> Iterator[tuple[str, Any]]:
    """(location, record) of a simple (object by site) or ndjson (one a line) report."""
    content = load_json(path)
    if content.lines is not None:
        for line in content.lines:
            if line.error is not None:
                yield f"line {line.number}", line.error
            else:
                yield f"line {line.number}", line.value
        return
    document = content.document
    if not isinstance(document, dict):
        raise FormatError(f"{path}: a Maigret JSON report is an object keyed by site")
    for site, record in document.items():
        if not isinstance(record, dict):
            # a string here is the report's text, not one of our problem messages
            yield f"site {site}", "not a Maigret site result"
            continue
        if "sitename" not in record:
            record = {**record, "sitename": site}
        yield f"site {site}", record


def _is_maigret_record(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and "url_user" in value
        and isinstance(value.get("status"), dict)
        and "site_name" in value["status"]
    )


def _first(ids: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        value = ids.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if text(value):
            return value
    return None


def _maigret_profile(record: Mapping[str, Any], platform: str | None) -> Profile | str:
    status = record.get("status")
    if not isinstance(status, dict):
        return "no status"
    site = text(record.get("sitename")) or text(status.get("site_name"))
    url = text(record.get("url_user")) or text(status.get("url"))
    username = text(record.get("username")) or text(status.get("username"))
    found_on, handle = site_account(site, username, url)
    if not handle:
        return "no username and no url_user"
    found_ids = status.get("ids")
    ids: Mapping[str, Any] = found_ids if isinstance(found_ids, dict) else {}
    return Profile(
        platform=platform or found_on,
        handle=handle,
        name=text(_first(ids, "fullname", "name", "full_name", "display_name")),
        bio=text(_first(ids, "bio", "about", "description")),
        location=text(_first(ids, "location", "country", "city")),
        url=text(_first(ids, "website", "links")),
        link=url,
        created_at=timestamp(_first(ids, "created_at")),
        followers=count(_first(ids, "follower_count", "followers_count"), "follower_count"),
        following=count(_first(ids, "following_count"), "following_count"),
        photo=photo_from(text(_first(ids, "image", "avatar"))) if _is_web(ids) else None,
        raw=dict(record),
    )


def _is_web(ids: Mapping[str, Any]) -> bool:
    image = text(_first(ids, "image", "avatar"))
    return image.lower().startswith(("http://", "https://"))


class MaigretReader:
    """Maigret's JSON (simple and ndjson) and CSV reports."""

    name: str = "maigret"
    description: str = "Maigret report (-J simple, -J ndjson, or -C CSV)"

    def sniff(self, path: Path, head: bytes) -> bool:
        if _checker_csv(head) == "maigret":
            return True
        if not looks_like_json(head):
            return False
        sample = head.decode("utf-8-sig", "replace")
        return '"url_user"' in sample and '"site_name"' in sample and '"status"' in sample

    def read(
        self,
        path: Path,
        *,
        platform: str | None,
        mapping: Mapping[str, str] | None,
        photos_root: Path | None = None,
    ) -> Iterator[Profile | RecordProblem]:
        reject_mapping(self.name, path, mapping)
        if _checker_csv(read_text(path)[:4096].encode()) is not None:
            yield from _csv_profiles(path, platform)
            return
        file = str(path)
        for location, record in _maigret_records(path):
            if isinstance(record, str):
                yield RecordProblem(file, location, record)
                continue
            if not _is_maigret_record(record):
                yield RecordProblem(file, location, "not a Maigret site result")
                continue
            if not _claimed(record["status"].get("status")):
                continue
            yield profile_or_problem(file, location, partial(_maigret_profile, record, platform))
