"""``Service``: the use cases behind one object, as the CLI, the web app and the scripts call
them. Each method hands on to its use-case module, imported when the method runs, so that a
command that only reads cases never loads the matcher, the face model or the HTTP client; the
object only holds what they share (the store, the configuration, the progress display, the
photo fetch policy)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from clonecheck.config import Config
from clonecheck.service.progress import Progress, SilentProgress

if TYPE_CHECKING:  # the use cases are imported by the methods that run them (start-up time)
    from concurrent.futures import Executor
    from pathlib import Path

    from clonecheck.match.rarity import NameRarity
    from clonecheck.models import Identity, Match, PhotoFeatures
    from clonecheck.service import identities as people
    from clonecheck.service.importing import ImportSummary
    from clonecheck.service.photos import PhotoAnalyser
    from clonecheck.service.scanning import ScanResult
    from clonecheck.store import Store
    from clonecheck.store.erasure import Erasure
    from clonecheck.store.identity_edits import IdentityChange


@dataclass
class Service:
    store: Store
    config: Config = field(default_factory=Config)
    progress: Progress = field(default_factory=SilentProgress)
    allow_private: bool = False
    offline: bool = False

    @property
    def photos(self) -> PhotoAnalyser:
        from clonecheck.service.photos import PhotoAnalyser

        return PhotoAnalyser(self.store, self.config, self.allow_private, self.offline)

    # --- identities ----------------------------------------------------------------------

    def register(
        self,
        name: str,
        *,
        handles: Sequence[str] = (),
        photos: Sequence[str] = (),
        own: Sequence[str] = (),
        bio: str = "",
        slug: str | None = None,
        photo_names: Mapping[str, str] | None = None,
    ) -> Identity:
        """Register a person. Every photo must be readable and show a face, or nothing is stored."""
        from clonecheck.service import registration

        return registration.register(
            self.photos,
            name,
            handles=handles,
            sources=photos,
            own=own,
            bio=bio,
            slug=slug,
            photo_names=photo_names,
        )

    def register_file(self, path: Path) -> list[Identity]:
        """Register everyone a CSV or JSON Lines file lists, all or none; an error names the
        file and the line (``registration.register_file``)."""
        from clonecheck.service import registration

        return registration.register_file(self.photos, self.progress, path)

    def identities(self) -> list[Identity]:
        return self.store.identities()

    def identity(self, slug: str) -> Identity:
        return self.store.identity(slug)

    def remove_identity(self, slug: str) -> Erasure:
        """Erase a person (``store/erasure.py``): what was removed, what was kept and why."""
        from clonecheck.store import identity_edits

        erased = self.store.erase_identity(slug)
        identity_edits.forget(self.store, erased.identity.slug)
        return erased

    def edit_identity(
        self, slug: str, edit: people.IdentityEdit, *, actor: str
    ) -> tuple[Identity, list[str]]:
        """Change a registered identity in place (``identities.edit_identity``)."""
        from clonecheck.service import identities as people

        return people.edit_identity(self.photos, slug, edit, actor=actor)

    def identity_history(self, slug: str) -> list[IdentityChange]:
        """The logged changes of an identity, oldest first."""
        from clonecheck.service import identities as people

        return people.identity_history(self.photos, slug)

    # --- import, scan, check -------------------------------------------------------------

    def import_file(
        self,
        path: Path,
        *,
        source_format: str | None = None,
        platform: str | None = None,
        mapping: dict[str, str] | None = None,
        photos_dir: Path | None = None,
    ) -> ImportSummary:
        """Import profiles from a file (``importing.import_file``); the records' local photo
        paths are read only inside ``photos_dir``."""
        from clonecheck.service import importing

        return importing.import_file(
            self.photos,
            self.progress,
            path,
            source_format=source_format,
            platform=platform,
            mapping=mapping,
            photos_dir=photos_dir,
        )

    def scan(
        self,
        *,
        identity: str | None = None,
        record: bool = True,
        cluster: str | None = None,
        dataset: str | None = None,
    ) -> ScanResult:
        """Every stored profile against every identity (or one), as one recorded scan; the
        match rows of scans older than the newest ``scan_history`` are then deleted.

        With ``cluster`` (a Dask scheduler address, ``local`` or ``local:N``) or ``dataset``
        (a Parquet crawl, scanned on ``cluster`` or local worker processes) the scan runs on
        a Dask cluster (``distributed.scan_on_cluster``): the same matches, recorded the same
        way, and the same retention rule after it."""
        if cluster is None and dataset is None:
            from clonecheck.service import scanning

            result = scanning.scan(self.photos, self.progress, identity=identity, record=record)
        else:
            from clonecheck.service.distributed import cluster_client, scan_on_cluster

            with cluster_client(cluster or "local", workers=self.photos.workers()) as client:
                result = scan_on_cluster(
                    self.photos,
                    self.progress,
                    client,
                    identity=identity,
                    dataset=dataset,
                    record=record,
                )
        if record:
            self.store.prune_scan_matches(self.config.scan_history)
        return result

    def check(
        self,
        *,
        name: str = "",
        handle: str = "",
        photo: str | None = None,
        photo_source: str | None = None,
        bio: str = "",
        platform: str = "reported",
        identity: str | None = None,
    ) -> list[Match]:
        """Judge one reported account against the registry (``checking.check``)."""
        from clonecheck.service import checking

        return checking.check(
            self.photos,
            name=name,
            handle=handle,
            photo=photo,
            photo_source=photo_source,
            bio=bio,
            platform=platform,
            identity=identity,
        )

    # --- photos and names, for the other use cases ---------------------------------------

    def ensure_faces(
        self, digests: Iterable[str], pool: Executor | None = None
    ) -> dict[str, PhotoFeatures]:
        """Features of these stored photos, the face model run on those that missed it."""
        return self.photos.ensure_faces(digests, pool)

    def identity_photos(self, identities: Sequence[Identity]) -> dict[str, PhotoFeatures]:
        """Registered photos' features (largest face only), with their crop hashes."""
        return self.photos.identity_photos(identities)

    def name_rarity(self) -> NameRarity:
        """Token frequencies of the stored profiles' names."""
        from clonecheck.service import scanning

        return scanning.name_rarity(self.store)

    def thumbnails(self, matches: Iterable[Match]) -> dict[str, bytes]:
        """Thumbnails of the photos the matches show, made and kept on first use."""
        from clonecheck.service import thumbnails

        return thumbnails.thumbnails(self.store, self.config, matches)
