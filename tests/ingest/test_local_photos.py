"""Photo paths in imported records are a stranger's text: local files are read only inside the
folder the user trusts (--photos-dir), never elsewhere, and errors reveal neither content nor
which paths exist."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clonecheck.errors import InputError, PhotoError
from clonecheck.ingest import read_profiles, trusted_photos_root
from clonecheck.ingest.photos import FetchPolicy, PhotoFetcher
from clonecheck.models import Profile

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_images" / "eileen_collins.jpg"


def _import(csv: Path, reference: str, photos_dir: Path | None) -> tuple[str, bytes | str]:
    """Import one record naming ``reference`` as its photo and fetch it as an import does:
    (photo source, bytes or the error's reason)."""
    csv.write_text(f"platform,handle,photo\nx,someone,{reference}\n", encoding="utf-8")
    (profile,) = list(read_profiles(csv, photos_dir=photos_dir))
    assert isinstance(profile, Profile) and profile.photo is not None
    policy = FetchPolicy(local_files="none", photos_root=trusted_photos_root(csv, photos_dir))
    with PhotoFetcher(policy) as fetcher:
        try:
            return profile.photo.source, fetcher.fetch(profile.photo.source).data
        except PhotoError as error:
            assert error.source == profile.photo.source
            return profile.photo.source, error.reason


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(export folder with the CSV, trusted photos folder holding good.jpg, a secret jpg
    outside it)."""
    export = tmp_path / "export" / "crawl"
    trusted = tmp_path / "photos"
    export.mkdir(parents=True)
    trusted.mkdir()
    shutil.copyfile(SAMPLE, trusted / "good.jpg")
    secret = tmp_path / "secret.jpg"
    shutil.copyfile(SAMPLE, secret)
    return export / "crawl.csv", trusted, secret


def test_good_photo_inside_the_trusted_folder_is_read(layout) -> None:
    """A relative path resolves inside --photos-dir and its bytes are read; so does an absolute
    path inside it."""
    csv, trusted, _ = layout
    source, data = _import(csv, "good.jpg", trusted)
    assert source == str((trusted / "good.jpg").resolve())
    assert data == SAMPLE.read_bytes()
    assert _import(csv, str(trusted / "good.jpg"), trusted)[1] == SAMPLE.read_bytes()


@pytest.mark.parametrize("photos", [False, True], ids=["no-photos-dir", "photos-dir"])
@pytest.mark.parametrize(
    "reference",
    ["file:///etc/passwd", "/etc/passwd", "/proc/self/environ", "~root/.profile"],
)
def test_system_files_are_refused_without_their_content(layout, reference, photos) -> None:
    """file:///etc/passwd, /etc/passwd, /proc/self/environ and ~ paths are refused whether or
    not a trusted folder is given (~ is not expanded: with one, it is a name inside it), and
    the error shows none of the file's bytes."""
    csv, trusted, _ = layout
    source, outcome = _import(csv, reference, trusted if photos else None)
    assert isinstance(outcome, str)
    if reference.startswith("~") and photos:
        assert (source, outcome) == (str(trusted.resolve() / reference), "file not found")
    else:
        assert outcome.startswith("local file refused:")
    assert "root:" not in outcome and "PATH=" not in outcome


def test_dotdot_escape_is_refused_like_a_missing_file(layout) -> None:
    """../ out of the trusted folder is refused with the same message for an existing file and
    a missing one, so an error does not tell which paths exist."""
    csv, trusted, secret = layout
    _, existing = _import(csv, f"../{secret.name}", trusted)
    _, missing = _import(csv, "../no-such-file.jpg", trusted)
    _, deep = _import(csv, "../../../../../../../../etc/passwd", trusted)
    assert (
        existing
        == missing
        == deep
        == f"local file refused: outside the trusted photos folder {trusted.resolve()}"
    )


def test_symlink_out_of_the_trusted_folder_is_refused(layout) -> None:
    """A symlink inside the trusted folder that points outside it is refused, as is a file URL
    through it."""
    csv, trusted, secret = layout
    (trusted / "link.jpg").symlink_to(secret)
    (trusted / "sub").symlink_to(secret.parent)
    for reference in ("link.jpg", str(trusted / "link.jpg"), "sub/secret.jpg"):
        _, outcome = _import(csv, reference, trusted)
        assert isinstance(outcome, str) and outcome.startswith("local file refused:"), reference
    _, outcome = _import(csv, (trusted / "link.jpg").as_uri(), trusted)
    assert isinstance(outcome, str) and outcome.startswith("local file refused:")


def test_symlink_inside_the_trusted_folder_is_followed(layout) -> None:
    """A symlink that stays inside the trusted folder is fine: only where it leads matters."""
    csv, trusted, _ = layout
    (trusted / "alias.jpg").symlink_to(trusted / "good.jpg")
    assert _import(csv, "alias.jpg", trusted)[1] == SAMPLE.read_bytes()


def test_without_a_trusted_folder_no_local_file_is_read(layout) -> None:
    """Without --photos-dir, even a photo beside the export is refused, with the same message
    for a file that exists and one that does not."""
    csv, _, secret = layout
    shutil.copyfile(SAMPLE, csv.parent / "beside.jpg")
    _, beside = _import(csv, "beside.jpg", None)
    _, absolute = _import(csv, str(secret), None)
    _, missing = _import(csv, str(secret.parent / "missing.jpg"), None)
    assert beside == absolute == missing
    assert "--photos-dir" in beside


def test_non_image_inside_the_trusted_folder_is_not_echoed(layout) -> None:
    """A text file inside the trusted folder is refused as not an image without its bytes."""
    csv, trusted, _ = layout
    (trusted / "notes.jpg").write_text("root:x:0:0:root:/root:/bin/bash\n")
    _, outcome = _import(csv, "notes.jpg", trusted)
    assert outcome == "not an image (unrecognised format)"


def test_missing_trusted_folder_is_an_input_error(tmp_path: Path) -> None:
    """--photos-dir naming no folder is an InputError naming it."""
    csv = tmp_path / "crawl.csv"
    csv.write_text("platform,handle\nx,a\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"--photos-dir .*nowhere: no such folder"):
        read_profiles(csv, photos_dir=tmp_path / "nowhere")


def test_user_named_photos_stay_trusted(tmp_path: Path) -> None:
    """The default policy (register/check --photo) still reads any file the user names."""
    photo = tmp_path / "me.jpg"
    shutil.copyfile(SAMPLE, photo)
    with PhotoFetcher(FetchPolicy()) as fetcher:
        assert fetcher.fetch(str(photo)).data == SAMPLE.read_bytes()


def test_environment_is_not_readable_through_proc(layout, monkeypatch) -> None:
    """/proc/self/environ, which holds the importer's secrets, is refused even by file: URL."""
    csv, trusted, _ = layout
    monkeypatch.setenv("CLONECHECK_TEST_SECRET", "s3cret")
    for reference in ("file:///proc/self/environ", "/proc/self/environ"):
        _, outcome = _import(csv, reference, trusted)
        assert isinstance(outcome, str) and "s3cret" not in outcome
        assert outcome.startswith("local file refused:")
