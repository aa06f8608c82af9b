"""Impersonation cases: the use cases of a support team handling "this account pretends to be
me" reports. Open a case from a report or a scan match, decide it (confirm or dismiss, with the
reason), report it to the platform, close it, and keep every change in an append-only log.

What a decision teaches later scans (``filter_scan``): a pair dismissed as, say, a namesake is
not raised again while its evidence is the same; the photo and handle pattern of a confirmed
clone flag other profiles that reuse them.

Workflow::

    open -> confirmed clone -> reported to platform -> closed
    open -> dismissed (a DismissReason is required) -> closed
    closed | dismissed -> open   (reopen)

Over the project's 400-line guide on purpose: the state machine above and the moves that
enforce it belong together; ``store/cases.py`` holds the SQL.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from clonecheck.errors import InputError, NotFoundError
from clonecheck.models import (
    Case,
    CaseEvent,
    CaseState,
    DismissReason,
    Match,
    PhotoFeatures,
    Profile,
    Signal,
    SignalKind,
    Verdict,
    normalize_handle,
)
from clonecheck.service.facade import Service
from clonecheck.store import Store
from clonecheck.store import cases as case_store

if TYPE_CHECKING:  # the scan's module loads the matcher; a case command needs neither
    from clonecheck.service.scanning import ScanResult

#: state -> the states a case may move to from it
TRANSITIONS: dict[CaseState, tuple[CaseState, ...]] = {
    CaseState.OPEN: (CaseState.CONFIRMED, CaseState.DISMISSED),
    CaseState.CONFIRMED: (CaseState.REPORTED,),
    CaseState.REPORTED: (CaseState.CLOSED,),
    CaseState.DISMISSED: (CaseState.CLOSED, CaseState.OPEN),
    CaseState.CLOSED: (CaseState.OPEN,),
}

#: decimals of a signal's value that count as "the same evidence"
EVIDENCE_DECIMALS = 2


def evidence_digest(match: Match) -> str:
    """sha256 over the evidence that matters: the profile's photo digest, its normalised name,
    its handle, and the signals' kinds and rounded values. A new photo or a new name changes it;
    a re-scan of the same profile does not."""
    from clonecheck.features.names import normalize_text  # the matcher loads on use

    profile = match.profile
    parts = [
        f"photo={profile.photo.digest if profile.photo and profile.photo.digest else ''}",
        f"name={normalize_text(profile.name)}",
        f"handle={normalize_handle(profile.handle)}",
    ]
    parts += sorted(
        f"{signal.kind}={round(signal.value, EVIDENCE_DECIMALS):.{EVIDENCE_DECIMALS}f}"
        for signal in match.signals
    )
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


@dataclass
class CaseService:
    """Cases over the store of one ``Service``."""

    service: Service

    @property
    def store(self) -> Store:
        return self.service.store

    # --- opening -------------------------------------------------------------------------

    def open_from_report(
        self,
        *,
        identity: str | None,
        name: str = "",
        handle: str = "",
        photo: str | None = None,
        photo_source: str | None = None,
        platform: str = "reported",
        bio: str = "",
        actor: str,
        note: str = "",
    ) -> Case:
        """Open a case on a reported account: judged with ``Service.check`` against the named
        identity, or against everyone registered, taking the best match. Refused when the
        account resembles nobody. ``photo_source`` is what the case records as the photo's
        origin when ``photo`` is only where it lies now (an upload's temporary file)."""
        scored = self.service.check(
            name=name,
            handle=handle,
            photo=photo,
            photo_source=photo_source,
            bio=bio,
            platform=platform,
            identity=identity,
        )
        if not scored or scored[0].verdict is Verdict.NONE:
            closest = (
                f" (closest: {scored[0].identity.name}, score {scored[0].score:.2f})"
                if scored
                else ""
            )
            raise InputError(
                f"the reported account resembles no registered identity{closest}; "
                "no case opened: check the name, handle and photo, or register the person first"
            )
        return self._open(scored[0], actor=actor, note=note, reason="opened from a report")

    def open_from_scan(
        self,
        match_or_key: Match | str,
        *,
        identity: str | None = None,
        actor: str,
        note: str = "",
    ) -> Case:
        """Open a case on a stored profile: a scan's ``Match``, or a profile key (as the scan
        report shows it) and the identity it resembles, scored now."""
        if isinstance(match_or_key, Match):
            match = match_or_key
        else:
            if not identity:
                raise InputError("name the identity the profile impersonates with --identity")
            match = self.match_stored(match_or_key, identity)
        if match.verdict is Verdict.NONE:
            raise InputError(
                f"profile {match.profile.key} does not resemble {match.identity.name} "
                f"(score {match.score:.2f}); no case opened"
            )
        return self._open(match, actor=actor, note=note, reason="opened from a scan")

    def stored_profile(self, text: str) -> Profile:
        """The imported profile a user names: by its key as a scan report shows it
        (``twitter:id:1234``, ``twitter:@ada``), or by ``platform:@handle`` (or
        ``platform:handle``) whatever key it is stored under."""
        key = text.strip()
        found = list(self.store.profiles([key]))
        if found:
            return found[0]
        platform, sep, rest = key.partition(":")
        keys: list[str] = []
        if sep and rest.strip() and not rest.startswith("id:"):
            keys = self.store.profile_keys_by_handle(platform, rest.strip().lstrip("@"))
        if len(keys) > 1:
            raise InputError(
                f"{text!r} names {len(keys)} imported profiles ({', '.join(keys)}); "
                "give one of these keys"
            )
        if not keys:
            raise NotFoundError(
                f"no imported profile {text!r}; use the key a scan report shows "
                "(e.g. twitter:id:1234) or platform:@handle"
            )
        return next(iter(self.store.profiles(keys)))

    def match_stored(self, profile_key: str, identity: str) -> Match:
        """A stored profile scored against one identity now, as a scan would (known-bad
        photos and handle patterns of confirmed clones included)."""
        from clonecheck.match.score import score_pair

        person = self.store.identity(identity)
        profile = self.stored_profile(profile_key)
        digest = profile.photo.digest if profile.photo else None
        profile_photo: PhotoFeatures | None = None
        if digest:
            with self.store.transaction():
                profile_photo = self.service.ensure_faces([digest]).get(digest)
        identity_photos = self.service.identity_photos([person])
        match = score_pair(
            person,
            [identity_photos[p.digest] for p in person.photos if p.digest in identity_photos],
            profile,
            profile_photo,
            self.service.config,
            self.service.name_rarity(),
        )
        if match.verdict is Verdict.NONE:
            known = self._known_bad_match(profile, {person.slug: match})
            if known is not None:
                return known
        return match

    def _open(self, match: Match, *, actor: str, note: str, reason: str) -> Case:
        actor = _actor(actor)
        existing = case_store.active_case_ids(self.store, match.identity.slug, match.profile.key)
        if existing:
            raise InputError(
                f"case #{existing[0]} is already open for @{match.profile.handle} against "
                f"{match.identity.slug}; see `clonecheck cases show {existing[0]}`"
            )
        return case_store.open_case(
            self.store,
            match,
            evidence_digest=evidence_digest(match),
            actor=actor,
            note=note,
            reason=reason,
        )

    # --- reading -------------------------------------------------------------------------

    def get(self, case_id: int) -> Case:
        return case_store.get_case(self.store, case_id)

    def list_cases(self, state: CaseState | None = None) -> list[Case]:
        return case_store.list_cases(self.store, state)

    # --- deciding ------------------------------------------------------------------------

    def transition(
        self,
        case_id: int,
        to_state: CaseState,
        *,
        actor: str,
        reason: str = "",
        note: str = "",
    ) -> Case:
        """Move a case along the workflow, logging who, when, from, to and why. Dismissing
        needs a ``DismissReason``; any other move outside the workflow is refused with the
        moves allowed from where the case stands."""
        case = self.get(case_id)
        allowed = TRANSITIONS[case.state]
        if to_state not in allowed:
            names = " or ".join(f"'{s}'" for s in allowed)
            raise InputError(
                f"case #{case_id} is '{case.state}' and cannot become '{to_state}'; "
                f"from '{case.state}' it can become {names}"
            )
        reason = reason.strip()
        if to_state is CaseState.DISMISSED:
            choices = ", ".join(f"'{r}'" for r in DismissReason)
            if not reason:
                raise InputError(
                    f"dismissing case #{case_id} needs a reason: one of {choices} (--because)"
                )
            try:
                reason = str(DismissReason(reason))
            except ValueError:
                raise InputError(
                    f"unknown dismiss reason {reason!r}; use one of {choices}"
                ) from None
        with self.store.transaction():
            case_store.transition(
                self.store, case_id, to_state, actor=_actor(actor), reason=reason, note=note
            )
            if to_state is CaseState.CONFIRMED:
                self._record_known_bad(case)
            elif to_state is CaseState.OPEN:
                case_store.remove_known_bad(self.store, case_id)
        return self.get(case_id)

    def confirm(self, case_id: int, *, actor: str, reason: str = "", note: str = "") -> Case:
        return self.transition(case_id, CaseState.CONFIRMED, actor=actor, reason=reason, note=note)

    def dismiss(
        self, case_id: int, because: DismissReason | str, *, actor: str, note: str = ""
    ) -> Case:
        return self.transition(
            case_id, CaseState.DISMISSED, actor=actor, reason=str(because), note=note
        )

    def reopen(self, case_id: int, *, actor: str, reason: str = "", note: str = "") -> Case:
        return self.transition(case_id, CaseState.OPEN, actor=actor, reason=reason, note=note)

    def assign(self, case_id: int, assignee: str | None, *, actor: str) -> CaseEvent:
        """Assign the case to someone (logged)."""
        assignee = assignee.strip() if assignee else None
        return case_store.set_assignee(self.store, case_id, assignee or None, actor=_actor(actor))

    def note(self, case_id: int, text: str, *, actor: str) -> CaseEvent:
        """Add a note to the case's log; the state stays as it is."""
        if not text.strip():
            raise InputError("the note is empty; write what you want to record")
        return case_store.add_event(self.store, case_id, actor=_actor(actor), note=text.strip())

    def _record_known_bad(self, case: Case) -> None:
        # the handle readings alone, not the name comparisons (rapidfuzz): `cases confirm`
        from clonecheck.features.skeleton import skeleton_handle

        if case.match is None:
            return
        profile = case.match.profile
        digest = profile.photo.digest if profile.photo and profile.photo.digest else None
        if not _photo_was_evidence(case.match):
            # a name-only clone's photo (a default avatar, someone else's picture) says
            # nothing about who else is a clone: flagging every profile that shows it would
            # raise namesakes and strangers
            digest = None
        skeleton = skeleton_handle(profile.handle) if profile.handle != "(none)" else ""
        case_store.add_known_bad(
            self.store, case.id, photo_digest=digest, handle_skeleton=skeleton or None
        )

    # --- what decided cases change in a scan ---------------------------------------------

    def newest_cases(self) -> dict[tuple[str, str], tuple[int, str]]:
        """(identity slug, profile key) -> (id, state) of the newest case on each pair."""
        return {
            (slug, key): found
            for (slug, key), found in case_store.newest_cases(self.store).items()
            if slug is not None
        }

    def only_new(self, result: ScanResult) -> ScanResult:
        """``scan --new``: the matches no earlier scan reported (as far as the retention rule
        kept them) and the team has no case on."""
        seen = self.store.earlier_match_pairs(result.scan_id)
        cased = self.newest_cases()
        fresh = tuple(
            m
            for m in result.matches
            if (m.identity.slug, m.profile.key) not in seen
            and (m.identity.slug, m.profile.key) not in cased
        )
        return replace(result, matches=fresh)

    def filter_scan(self, result: ScanResult, *, identity: str | None = None) -> ScanResult:
        """A scan as a support team wants it: (a) without the pairs dismissed with the same
        evidence (changed evidence raises them again), and (b) with the profiles that reuse a
        confirmed clone's photo (likely clone) or handle pattern (possible). ``identity``: the
        scan was for this identity only, so only its confirmed clones add matches."""
        dismissed = case_store.dismissed_pairs(self.store)
        kept = [
            m
            for m in result.matches
            if dismissed.get((m.identity.slug, m.profile.key)) != evidence_digest(m)
        ]
        photos = case_store.known_bad_photos(self.store)
        handles = case_store.known_bad_handles(self.store)
        if photos or handles:
            if identity:
                slug = self.store.identity(identity).slug
                mine = {c.id for c in self.list_cases() if c.identity_slug == slug}
                photos = {k: v for k, v in photos.items() if v in mine}
                handles = {k: v for k, v in handles.items() if v in mine}
            kept = self._add_known_bad(kept, photos, handles)
        kept.sort(key=lambda m: (-m.score, m.identity.slug, m.profile.key))
        return replace(result, matches=tuple(kept))

    def _add_known_bad(
        self, matches: list[Match], photos: dict[str, int], handles: dict[str, int]
    ) -> list[Match]:
        """New matches for unmatched profiles that reuse a confirmed clone's photo or handle
        pattern; a profile already matched keeps its match, with the shared photo or pattern
        added as a note (and its verdict raised to what the shared evidence says)."""
        from clonecheck.features.names import skeleton_handle

        by_key: dict[str, list[int]] = {}
        for position, match in enumerate(matches):
            by_key.setdefault(match.profile.key, []).append(position)
        result = list(matches)
        # cheap columns first: only the profiles that share something are loaded whole
        candidates = {k for k, d in self.store.profile_photo_digests().items() if d in photos}
        if handles:
            candidates.update(
                key
                for key, handle, _ in self.store.profile_names()
                if skeleton_handle(handle) in handles
            )
        for profile in self.store.profiles(sorted(candidates)):
            known = self._known_bad_match(profile, {}, photos=photos, handles=handles)
            if known is None:
                continue
            positions = by_key.get(profile.key)
            if not positions:
                if not self._is_dismissed(known):
                    result.append(known)
                continue
            for position in positions:
                old = result[position]
                if old.identity.slug != known.identity.slug:
                    continue
                verdict = old.verdict if old.verdict.rank >= known.verdict.rank else known.verdict
                result[position] = replace(
                    old, verdict=verdict, notes=(*old.notes, known.signals[0].detail)
                )
        return result

    def _is_dismissed(self, match: Match) -> bool:
        dismissed = case_store.dismissed_pairs(self.store)
        return dismissed.get((match.identity.slug, match.profile.key)) == evidence_digest(match)

    def _known_bad_match(
        self,
        profile: Profile,
        scored: dict[str, Match],
        *,
        photos: dict[str, int] | None = None,
        handles: dict[str, int] | None = None,
    ) -> Match | None:
        """A match of ``profile`` with the identity of a confirmed clone it shares a photo
        (likely clone) or a handle pattern (possible) with; None when it shares neither."""
        from clonecheck.features.names import skeleton_handle

        photos = case_store.known_bad_photos(self.store) if photos is None else photos
        handles = case_store.known_bad_handles(self.store) if handles is None else handles
        digest = profile.photo.digest if profile.photo and profile.photo.digest else None
        found: tuple[int, Verdict, SignalKind, str] | None = None
        if digest and digest in photos:
            case_id = photos[digest]
            found = (case_id, Verdict.LIKELY_CLONE, SignalKind.PHOTO, "shares photo with")
        elif handles:
            skeleton = skeleton_handle(profile.handle)
            if skeleton in handles:
                case_id = handles[skeleton]
                found = (case_id, Verdict.POSSIBLE, SignalKind.HANDLE, "handle pattern of")
        if found is None:
            return None
        case_id, verdict, kind, phrase = found
        case = self.get(case_id)
        if case.match is None or case.profile_key == profile.key:
            return None
        try:
            identity = self.store.identity(case.match.identity.slug)
        except NotFoundError:
            return None
        if identity.owns(profile):
            return None
        base = scored.get(identity.slug)
        threshold = (
            self.service.config.likely_threshold
            if verdict is Verdict.LIKELY_CLONE
            else self.service.config.possible_threshold
        )
        detail = f"{phrase} confirmed clone #{case_id} (@{case.match.profile.handle})"
        signal = Signal(kind=kind, value=1.0, strength=1.0, detail=detail, evidence=(detail,))
        return Match(
            identity=identity,
            profile=profile,
            score=max(threshold, base.score if base else 0.0),
            verdict=verdict,
            signals=(signal, *(base.signals if base else ())),
            identity_photo=case.match.identity_photo,
            notes=(),
        )


def _photo_was_evidence(match: Match) -> bool:
    """Whether the clone's photo resembled the person's (by hash or by face)."""
    return any(
        signal.kind in (SignalKind.PHOTO, SignalKind.FACE) and signal.strength > 0
        for signal in match.signals
    )


def _actor(actor: str) -> str:
    actor = actor.strip()
    if not actor:
        raise InputError("name who acts with --as NAME")
    return actor
