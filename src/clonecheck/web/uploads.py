"""Photos uploaded through the web app's forms: kept under the app's uploads folder by the
sha256 of their bytes (``uploads/<sha256>/<name>``), so a check and the case opened from it
find the same file, and a name sent by a browser never chooses where a file goes."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePath

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from clonecheck.errors import InputError
from clonecheck.web.context import Ctx

#: an upload's token: the sha256 of its bytes
UPLOAD_TOKEN = re.compile(r"[0-9a-f]{64}")


def _safe_filename(name: str) -> str:
    """The uploaded file's name reduced to letters, digits, '.', '_' and '-'."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).strip("._")[:64]
    return base or "upload"


def save_upload(uploads: Path, data: bytes, filename: str) -> tuple[str, Path]:
    """Keep an uploaded photo as ``uploads/<sha256>/<name>``; returns (token, path)."""
    token = hashlib.sha256(data).hexdigest()
    folder = uploads / token
    folder.mkdir(parents=True, exist_ok=True)
    existing = sorted(folder.iterdir())
    if existing:
        return token, existing[0]
    path = folder / _safe_filename(filename)
    path.write_bytes(data)
    return token, path


def find_upload(uploads: Path, token: str) -> Path:
    """The photo uploaded under ``token``; InputError when it is gone (a restart)."""
    folder = uploads / token
    found = sorted(folder.iterdir()) if UPLOAD_TOKEN.fullmatch(token) and folder.is_dir() else []
    if not found:
        raise InputError(
            "the uploaded photo is no longer on the server (it may have restarted); "
            "check the account again with its photo"
        )
    return found[0]


async def read_upload(ctx: Ctx, field: str = "photo") -> Path | None:
    """The photo uploaded in ``field`` of the form, kept in the uploads folder; None when
    none was chosen. InputError when it is empty or larger than the photo limit."""
    upload = ctx.form.get(field) if ctx.form is not None else None
    if not isinstance(upload, UploadFile) or not (upload.filename or upload.size):
        return None
    limit = ctx.web.config.max_photo_bytes
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise InputError(
            f"the photo is larger than {limit // (1024 * 1024)} MiB; upload a smaller one"
        )
    if not data:
        raise InputError("the uploaded photo is empty; choose the file again")
    _, path = await run_in_threadpool(
        save_upload, ctx.web.uploads, data, upload.filename or "upload"
    )
    return path


def uploaded_as(ctx: Ctx, path: Path, field: str = "photo") -> dict[str, str]:
    """What a photo uploaded in ``field`` and kept at ``path`` is recorded as, instead of the
    server's path: ``{path: "photo uploaded by MEMBER: FILE NAME"}``, the name as the browser
    sent it (its last part, control characters dropped)."""
    upload = ctx.form.get(field) if ctx.form is not None else None
    sent = upload.filename if isinstance(upload, UploadFile) and upload.filename else ""
    name = "".join(c for c in PurePath(sent.replace("\\", "/")).name if c.isprintable())
    return {str(path): f"photo uploaded by {ctx.user.username}: {name[:200] or path.name}"}
