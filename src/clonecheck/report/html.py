"""``--format html``: one self-contained web page to read, print or attach to a report.

The page needs nothing else: its CSS is inline, it has no script at all, it loads no font,
stylesheet or image from anywhere (a Content-Security-Policy says so to the browser too), and
the photos are embedded as ``data:`` URIs from ``ReportContext.photos``. For every match, the
registered photo that matched best and the suspect's photo side by side (a grey "no photo"
box, with the reason when known, where one is missing), the verdict, the score, the signals in
a table (kind, value, strength, detail, evidence), the notes, and links to the profile's page
and website. A link becomes a hyperlink only when it is ``http`` or ``https``; anything else
(``javascript:``, ``data:`` ...) is shown as text. At the top, a summary: title, time, version
and the number of matches by verdict.

Everything from profiles is HTML-escaped (Jinja2 autoescape).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TextIO
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined

from clonecheck.models import Match, Signal, Verdict
from clonecheck.report.interface import ReportContext, case_of, ordered, plural, utc_timestamp

#: leading bytes -> MIME type of the image formats a thumbnail may be in
_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)

_VERDICT_CLASS = {
    Verdict.LIKELY_CLONE: "likely",
    Verdict.POSSIBLE: "possible",
    Verdict.NONE: "none",
}


def safe_href(url: str) -> str | None:
    """``url`` when it is an absolute http(s) URL a browser will open as such, else None."""
    if not url or any(ord(char) <= 0x20 or ord(char) == 0x7F for char in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return url


def data_uri(image: bytes | None) -> str | None:
    """The image as a ``data:`` URI, or None when it is missing or not a known image format."""
    if not image:
        return None
    for magic, mime in _IMAGE_MAGIC:
        if image.startswith(magic):
            return f"data:{mime};base64,{base64.b64encode(image).decode('ascii')}"
    if image[:4] == b"RIFF" and image[8:12] == b"WEBP":
        return f"data:image/webp;base64,{base64.b64encode(image).decode('ascii')}"
    return None


@dataclass(frozen=True, slots=True)
class PhotoView:
    """One side of the side-by-side comparison."""

    caption: str
    alt: str
    uri: str | None
    #: why there is no picture, when there is none
    missing: str


@dataclass(frozen=True, slots=True)
class LinkView:
    label: str
    text: str
    href: str | None


@dataclass(frozen=True, slots=True)
class MatchView:
    """One match, prepared for the template."""

    anchor: str
    score: str
    verdict: str
    verdict_class: str
    identity_name: str
    identity_slug: str
    identity_handles: tuple[str, ...]
    platform: str
    handle: str
    name: str
    account_id: str
    profile_key: str
    bio: str
    photos: tuple[PhotoView, PhotoView]
    links: tuple[LinkView, ...]
    signals: tuple[Signal, ...]
    reasons: tuple[str, ...]
    notes: tuple[str, ...]


def _identity_photo(match: Match, photos: Mapping[str, bytes]) -> PhotoView:
    digest = match.identity_photo
    uri = data_uri(photos.get(digest)) if digest else None
    if digest is None:
        missing = "no registered photo matched"
    elif uri is None:
        missing = "thumbnail not available"
    else:
        missing = ""
    return PhotoView(
        caption=f"Registered: {match.identity.name}",
        alt=f"Registered photo of {match.identity.name}",
        uri=uri,
        missing=missing,
    )


def _profile_photo(match: Match, photos: Mapping[str, bytes]) -> PhotoView:
    profile, photo = match.profile, match.profile.photo
    uri = data_uri(photos.get(photo.digest)) if photo and photo.digest else None
    if photo is None:
        missing = "the profile has no photo"
    elif photo.error:
        missing = f"photo unusable: {photo.error}"
    elif uri is None:
        missing = "thumbnail not available"
    else:
        missing = ""
    who = f"@{profile.handle} on {profile.platform}"
    return PhotoView(
        caption=f"Suspect: @{profile.handle}",
        alt=f"Profile photo of {who}" + (f" ({profile.name})" if profile.name else ""),
        uri=uri,
        missing=missing,
    )


def _view(index: int, match: Match, photos: Mapping[str, bytes]) -> MatchView:
    profile = match.profile
    links = tuple(
        LinkView(label, url, safe_href(url))
        for label, url in (("Profile page", profile.link), ("Website", profile.url))
        if url
    )
    return MatchView(
        anchor=f"match-{index}",
        score=f"{match.score:.2f}",
        verdict=match.verdict.value,
        verdict_class=_VERDICT_CLASS[match.verdict],
        identity_name=match.identity.name,
        identity_slug=match.identity.slug,
        identity_handles=match.identity.handles,
        platform=profile.platform,
        handle=profile.handle,
        name=profile.name,
        account_id=profile.account_id or "",
        profile_key=profile.key,
        bio=profile.bio,
        photos=(_identity_photo(match, photos), _profile_photo(match, photos)),
        links=links,
        signals=match.signals,
        # the notes have their own list
        reasons=tuple(reason for reason in match.reasons if reason not in match.notes),
        notes=match.notes,
    )


def match_view(index: int, match: Match, photos: Mapping[str, bytes]) -> MatchView:
    """One match prepared for a template (photos side by side as ``data:`` URIs, safe links),
    as the HTML report and the evidence pack show it; the web app's pages use it too."""
    return _view(index, match, photos)


def _number(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("clonecheck.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["number"] = _number
    return env


def _case_text(context: ReportContext, match: Match) -> str:
    case = case_of(context, match)
    return f"#{case.id}: {case.state}" if case else "no case yet"


class HtmlRenderer:
    """Renders matches as one self-contained HTML page."""

    def render(self, matches: Sequence[Match], context: ReportContext, out: TextIO) -> None:
        shown = ordered(matches)
        counts = [
            (verdict.value, _VERDICT_CLASS[verdict], sum(m.verdict is verdict for m in shown))
            for verdict in sorted(Verdict, key=lambda v: -v.rank)
        ]
        template = _environment().get_template("report.html.j2")
        out.write(
            template.render(
                title=context.title,
                generated_at=utc_timestamp(context.generated_at),
                tool_version=context.tool_version,
                scanned=(
                    f"{plural(context.scanned_profiles, 'profile', 'profiles')} checked against "
                    f"{plural(context.scanned_identities, 'identity', 'identities')}"
                ),
                counts=counts,
                matches=[
                    _view(index, match, context.photos) for index, match in enumerate(shown, 1)
                ],
                cases=[_case_text(context, match) for match in shown],
            )
        )
