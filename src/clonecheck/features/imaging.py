"""Safe decoding of untrusted images and their perceptual hashes.

Every photo comes from strangers, so decoding refuses before doing expensive work: a byte cap
before parsing, and the header's pixel count and sides checked before any pixel is decoded
(decompression bombs). Whatever the mode (palette, alpha, CMYK, 16-bit, animated), the result
is one RGB frame with EXIF orientation applied, so hashes and faces see what a person sees.

Hashes: pHash, dHash and wHash (imagehash, 64 bits each) of the image and of its mirror image,
so a flipped copy still matches.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import imagehash
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from clonecheck.config import Config
from clonecheck.errors import PhotoError
from clonecheck.models import HASH_KINDS, PhotoFeatures

_HASHERS = {
    "phash": imagehash.phash,
    "dhash": imagehash.dhash,
    "whash": imagehash.whash,
}
#: hashes are computed on a copy no larger than this: they look at 8x8 to 64x64 grids anyway
_HASH_SIDE = 256


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(
    data: bytes, source: str, config: Config, *, draft: tuple[int, int] | None = None
) -> Image.Image:
    """One RGB frame of an untrusted image, or PhotoError saying why not."""
    if len(data) > config.max_photo_bytes:
        limit = config.max_photo_bytes / 1024 / 1024
        raise PhotoError(source, f"larger than {limit:g} MB; use a smaller photo")
    if not data:
        raise PhotoError(source, "empty file: not an image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width <= 0 or height <= 0:
                raise PhotoError(source, "image has no pixels")
            if max(width, height) > config.max_dimension or width * height > config.max_pixels:
                raise PhotoError(
                    source,
                    f"{width}x{height} pixels is beyond the limit of {config.max_dimension} px a "
                    f"side and {config.max_pixels:,} pixels (possible decompression bomb)",
                )
            if draft is not None and image.format == "JPEG":
                image.draft("RGB", draft)
            image.seek(0)
            image.load()
            upright = ImageOps.exif_transpose(image) or image
            return _to_rgb(upright)
    except PhotoError:
        raise
    except UnidentifiedImageError:
        raise PhotoError(
            source, "not an image file (expected JPEG, PNG, GIF, WebP, BMP or TIFF)"
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(source, "too many pixels (possible decompression bomb)") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError) as error:
        raise PhotoError(source, f"truncated or corrupt image ({error})") from None
    except Exception as error:
        raise PhotoError(source, f"cannot decode image ({type(error).__name__})") from None


def _to_rgb(image: Image.Image) -> Image.Image:
    """Convert any mode to RGB the way a viewer shows it: alpha over white, 16-bit scaled."""
    mode = image.mode
    if mode == "RGB":
        return image
    if mode in {"I;16", "I;16B", "I;16L", "I;16N", "I", "F"}:
        array = np.asarray(image, dtype=np.float64)
        top = 65535.0 if mode.startswith("I;16") else max(float(array.max()), 1.0)
        if mode in {"I", "F"} and array.max() <= 255:
            top = 255.0
        scaled = np.clip(array / top * 255.0, 0, 255).astype(np.uint8)
        return Image.fromarray(scaled).convert("RGB")
    if (mode == "P" and "transparency" in image.info) or mode == "PA":
        image = image.convert("RGBA")
    if image.mode in {"RGBA", "LA", "RGBa", "La"}:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def compute_hashes(image: Image.Image) -> dict[str, str]:
    """pHash, dHash, wHash of the image and of its mirror, 16 hex digits each."""
    small = image
    if max(image.size) > _HASH_SIDE:
        small = image.copy()
        small.thumbnail((_HASH_SIDE, _HASH_SIDE), Image.Resampling.BILINEAR)
    mirrored = ImageOps.mirror(small)
    hashes: dict[str, str] = {}
    for kind in HASH_KINDS:
        hasher = _HASHERS[kind]
        hashes[kind] = str(hasher(small))
        hashes[f"{kind}_mirror"] = str(hasher(mirrored))
    return hashes


def analyse(data: bytes, source: str, config: Config) -> tuple[PhotoFeatures, Image.Image]:
    """Digest, size and hashes of a photo's bytes, and the decoded image for faces/thumbnails."""
    image = decode(data, source, config)
    features = PhotoFeatures(
        digest=content_digest(data),
        width=image.width,
        height=image.height,
        hashes=compute_hashes(image),
    )
    return features, image


def thumbnail_jpeg(image: Image.Image, px: int) -> bytes:
    small = image.copy()
    small.thumbnail((px, px), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    small.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True)
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class HashMatch:
    """How far apart two photos' hashes are, in the orientation that fits best."""

    distance: float
    mirrored: bool
    per_kind: dict[str, int]


def _bits(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def hash_distance(registered: Mapping[str, str], candidate: Mapping[str, str]) -> HashMatch:
    """Combined distance: the median of the pHash, dHash and wHash distances, in the better of
    the plain and mirrored orientations. The median ignores one hash kind thrown off by a
    particular edit (wHash by a border, dHash by a filter) while still needing two to agree."""
    best: HashMatch | None = None
    for mirrored in (False, True):
        suffix = "_mirror" if mirrored else ""
        per_kind = {k: _bits(registered[k], candidate[k + suffix]) for k in HASH_KINDS}
        distance = float(np.median(list(per_kind.values())))
        if best is None or distance < best.distance:
            best = HashMatch(distance, mirrored, per_kind)
    assert best is not None
    return best
