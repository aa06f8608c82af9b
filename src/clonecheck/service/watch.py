"""Watch: discovery and a scan for every registered identity (or one), reporting only what is
new since the previous run or got stronger (a possible that became likely).

Each run is kept in the store (``watch_runs``) with, per identity and profile, the strongest
verdict reported so far (``watch_seen``): a clone reported once is not reported again unless its
evidence grows. A notification (a webhook POST of the run as JSON, or an e-mail through SMTP)
goes out only when a run has something to report. Both use what is already here (httpx, the
standard library's ``smtplib``) rather than a notification framework: two channels do not need
one, and a webhook reaches Slack, Matrix or ntfy bridges alike.

The scan is ``Service.scan``'s, as for ``clonecheck scan``: recorded the same way, and followed
by the same ``scan_history`` retention rule, so a watch run every few hours does not pile up
match rows.
"""

from __future__ import annotations

import json
import smtplib
from dataclasses import dataclass, field, replace
from email.message import EmailMessage

import httpx

from clonecheck.discover.settings import DiscoverySettings
from clonecheck.errors import InputError
from clonecheck.ingest.safenet import DEFAULT_USER_AGENT
from clonecheck.models import Match, Verdict
from clonecheck.service.discovery import DiscoverySummary, discover
from clonecheck.service.facade import Service
from clonecheck.service.scanning import ScanResult, chosen_identities
from clonecheck.store.discovery import (
    finish_watch_run,
    remember_verdicts,
    seen_verdicts,
    start_watch_run,
)


@dataclass(frozen=True, slots=True)
class Notify:
    """Where a run with something to report is sent."""

    webhook: str | None = None
    email_to: str | None = None
    email_from: str = "clonecheck@localhost"
    smtp_host: str = "localhost"
    smtp_port: int = 25


@dataclass(frozen=True, slots=True)
class WatchResult:
    """One watch run: the clones that are new, those that got stronger, and the rest."""

    run_id: int
    new: tuple[Match, ...]
    stronger: tuple[Match, ...]
    scan: ScanResult
    discoveries: tuple[DiscoverySummary, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    notified: tuple[str, ...] = ()

    @property
    def reported(self) -> tuple[Match, ...]:
        return tuple(sorted((*self.new, *self.stronger), key=lambda m: -m.score))

    @property
    def new_likely(self) -> int:
        return sum(1 for m in self.reported if m.verdict is Verdict.LIKELY_CLONE)


def watch(
    service: Service,
    settings: DiscoverySettings | None,
    *,
    identity: str | None = None,
    notify: Notify | None = None,
) -> WatchResult:
    """Discover (unless ``settings`` is None), scan (``Service.scan``, with its retention rule),
    and keep only what is new or stronger."""
    store = service.store
    people = chosen_identities(store, identity)
    with store.transaction():
        run_id = start_watch_run(store, identity)
    summaries = []
    notes: list[str] = []
    if settings is not None:
        photos = service.photos
        for person in people:
            summary = discover(photos, service.progress, person, settings)
            summaries.append(summary)
            notes.extend(summary.notes)
    result = service.scan(identity=identity)
    before = seen_verdicts(store)
    new: list[Match] = []
    stronger: list[Match] = []
    for match in result.matches:
        rank = match.verdict.rank
        if rank < 1:
            continue
        previous = before.get((match.identity.slug, match.profile.key))
        if previous is None:
            new.append(match)
        elif rank > previous[0]:
            stronger.append(match)
    with store.transaction():
        remember_verdicts(
            store,
            run_id,
            (
                (m.identity.slug, m.profile.key, m.verdict.rank, round(m.score, 6))
                for m in result.matches
                if m.verdict.rank >= 1
            ),
        )
        finish_watch_run(
            store,
            run_id,
            {
                "scan_id": result.scan_id,
                "found": sum(s.found for s in summaries),
                "new_likely": sum(1 for m in new if m.verdict is Verdict.LIKELY_CLONE),
                "new_possible": sum(1 for m in new if m.verdict is Verdict.POSSIBLE),
                "stronger": len(stronger),
                "notes": json.dumps(notes, ensure_ascii=False),
            },
        )
    outcome = WatchResult(
        run_id, tuple(new), tuple(stronger), result, tuple(summaries), tuple(notes)
    )
    if notify is None or not outcome.reported:
        return outcome
    return replace(outcome, notified=tuple(send_notifications(notify, outcome)))


def run_document(result: WatchResult) -> dict[str, object]:
    """The run as JSON: what the webhook receives and ``watch --format json`` prints."""

    def item(match: Match, kind: str) -> dict[str, object]:
        return {
            "change": kind,
            "identity": match.identity.slug,
            "profile": match.profile.key,
            "platform": match.profile.platform,
            "handle": match.profile.handle,
            "link": match.profile.link,
            "verdict": str(match.verdict),
            "score": round(match.score, 4),
            "reasons": [s.detail for s in match.signals if s.strength > 0],
        }

    return {
        "run": result.run_id,
        "scan": result.scan.scan_id,
        "new_likely": result.new_likely,
        "changes": [item(m, "new") for m in result.new]
        + [item(m, "stronger") for m in result.stronger],
        "notes": list(result.notes),
    }


def _summary_text(result: WatchResult) -> str:
    lines = [f"clonecheck watch run {result.run_id}: {len(result.reported)} new or stronger"]
    for match in result.reported:
        change = "new" if match in result.new else "stronger"
        lines.append(
            f"- {change}: {match.verdict} {match.profile.platform}:{match.profile.handle} "
            f"for {match.identity.slug} (score {match.score:.2f}) {match.profile.link}"
        )
    return "\n".join(lines)


def send_notifications(notify: Notify, result: WatchResult) -> list[str]:
    """Send the run to the webhook and the e-mail address; returns where it went. A channel
    that fails is an InputError naming it (the run itself is already stored)."""
    sent: list[str] = []
    if notify.webhook:
        try:
            response = httpx.post(
                notify.webhook,
                json=run_document(result),
                headers={"User-Agent": DEFAULT_USER_AGENT},
                timeout=15.0,
                trust_env=False,
            )
        except httpx.HTTPError as exc:
            raise InputError(f"--webhook {notify.webhook}: {exc}; the run is stored") from None
        if response.status_code >= 400:
            raise InputError(
                f"--webhook {notify.webhook}: HTTP {response.status_code}; the run is stored"
            )
        sent.append(f"webhook {notify.webhook}")
    if notify.email_to:
        message = EmailMessage()
        message["Subject"] = f"clonecheck: {len(result.reported)} new or stronger clone(s)"
        message["From"] = notify.email_from
        message["To"] = notify.email_to
        message.set_content(_summary_text(result))
        try:
            with smtplib.SMTP(notify.smtp_host, notify.smtp_port, timeout=15) as smtp:
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise InputError(
                f"--email {notify.email_to} via {notify.smtp_host}:{notify.smtp_port}: {exc}; "
                "the run is stored"
            ) from None
        sent.append(f"e-mail {notify.email_to}")
    return sent


def parse_every(text: str) -> float:
    """``6h``, ``30m``, ``90s``, ``1d`` -> seconds; InputError for anything else."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    value = text.strip().lower()
    if len(value) >= 2 and value[-1] in units and value[:-1].replace(".", "", 1).isdigit():
        seconds = float(value[:-1]) * units[value[-1]]
        if seconds >= 60:
            return seconds
    raise InputError(f"--every {text!r}: give a duration of a minute or more, such as 6h or 30m")
