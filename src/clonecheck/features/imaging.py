"""Safe decoding of untrusted images and their perceptual hashes.

Every photo comes from strangers, so decoding refuses before doing expensive work: a byte cap
before parsing, and the header's pixel count and sides checked before any pixel is decoded
(decompression bombs). Whatever the mode (palette, alpha, CMYK, 16-bit, animated), the result
is one RGB frame with EXIF orientation applied, so hashes and faces see what a person sees.

Hashes: pHash, dHash and wHash (imagehash, 64 bits each) of the image and of its mirror image,
so a flipped copy still matches. A registered photo also has the hashes of ten crops of it
(``crop_hashes``): a crop moves every part of a picture under a whole-image hash by more than
separates two people's portraits, so a clone cropped from the registered photo is matched
against the crop it resembles instead.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageChops, ImageOps, UnidentifiedImageError

from clonecheck.config import Config
from clonecheck.errors import PhotoError
from clonecheck.models import HASH_KINDS, PhotoFeatures

#: every hash is computed from a grayscale square of this side (see ``hash_square``)
HASH_SIDE = 64
#: the sizes imagehash resizes to for pHash (hash_size 8 x highfreq_factor 4) and dHash
PHASH_SIDE = 32
DHASH_SIDE = 8
#: border detection looks at a copy no larger than this
_TRIM_PROBE = 128
#: channel difference under which a pixel counts as border colour
_TRIM_TOLERANCE = 24
#: opposite cuts differing by more than this fraction of the side are not a frame
_TRIM_SYMMETRY = 0.03
#: crops of a registered photo that are hashed besides the whole: the share of the width and
#: of the height removed, half on each side (centre) or all of it from the two sides that meet
#: at a corner. Chosen by measurement (``scripts/bench_robustness.py``, docs/benchmarks.md):
#: these ten also catch crops between and around them (a 25 % corner crop, one side only),
#: where fewer, or centre crops only, did not
CROP_FRACTIONS = (0.10, 0.20)
CROP_PLACES = ("centre", "top-left", "top-right", "bottom-left", "bottom-right")
#: borders peeled at most this many times
_TRIM_PASSES = 3


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
            # Pillow warns on a stranger's broken metadata ("Corrupt EXIF data", "Tag data
            # larger than file"): the pixels are fine and the warning is noise on stderr, so
            # it is dropped; a possible bomb is still an error
            warnings.simplefilter("ignore")
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
            return _to_rgb(_upright(image))
    except PhotoError:
        raise
    except UnidentifiedImageError:
        raise PhotoError(
            source, "not an image file (expected JPEG, PNG, GIF, WebP, BMP or TIFF)"
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(source, "too many pixels (possible decompression bomb)") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError) as error:
        raise PhotoError(
            source, f"truncated or corrupt image ({error}); download or export it again"
        ) from None
    except Exception as error:
        raise PhotoError(
            source,
            f"cannot decode this image ({type(error).__name__}); save it again as JPEG or PNG",
        ) from None


def _upright(image: Image.Image) -> Image.Image:
    """The image turned as its EXIF orientation says; a broken EXIF block is ignored rather
    than costing the photo, since the pixels themselves are fine."""
    try:
        return ImageOps.exif_transpose(image) or image
    except Exception:
        return image


def _to_rgb(image: Image.Image) -> Image.Image:
    """Convert any mode to RGB the way a viewer shows it: alpha over white, 16-bit scaled."""
    mode = image.mode
    if mode == "RGB":
        return image
    if mode in {"I;16", "I;16B", "I;16L", "I;16N", "I", "F"}:
        array = np.asarray(image, dtype=np.float64)
        top = 65535.0 if mode.startswith("I;16") else _full_scale(float(array.max()), mode == "F")
        scaled = np.clip(array / top * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return Image.fromarray(scaled).convert("RGB")
    if mode == "La":
        image = image.convert("LA")
    if (mode == "P" and "transparency" in image.info) or mode == "PA":
        image = image.convert("RGBA")
    if image.mode in {"RGBA", "LA", "RGBa", "La"}:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def _full_scale(peak: float, floats: bool) -> float:
    """White level of a 32-bit integer or float image: its container says nothing, so take the
    smallest usual range holding the brightest pixel (0..1 floats, 8-bit or 16-bit samples),
    and scale rather than clip, so a 16-bit photo keeps its tones."""
    for top in (1.0, 255.0, 65535.0) if floats else (255.0, 65535.0):
        if peak <= top:
            return top
    return peak


def trim_border(image: Image.Image) -> Image.Image:
    """The image without uniform borders or letterbox bars, so a framed copy hashes like the
    original. Borders are peeled repeatedly (a white frame added around a photo whose own edges
    are dark comes off in two passes), each only when the four corners agree and at least half
    of each side stays, so an original and its framed copy end up cut alike."""
    for _ in range(_TRIM_PASSES):
        trimmed = _trim_once(image)
        if trimmed.size == image.size:
            return image
        image = trimmed
    return image


def _trim_once(image: Image.Image) -> Image.Image:
    probe = image.convert("RGB")
    if max(probe.size) > _TRIM_PROBE:
        probe = probe.copy()
        probe.thumbnail((_TRIM_PROBE, _TRIM_PROBE), Image.Resampling.NEAREST)
    w, h = probe.size
    corners = [probe.getpixel(xy) for xy in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1))]
    first = corners[0]
    assert isinstance(first, tuple)
    if any(
        max(abs(int(a) - int(b)) for a, b in zip(first, corner, strict=True)) > _TRIM_TOLERANCE  # type: ignore[arg-type]
        for corner in corners
    ):
        return image
    background = Image.new("RGB", probe.size, first)
    diff = ImageChops.difference(probe, background).convert("L")
    box = diff.point(lambda v: 255 if v > _TRIM_TOLERANCE else 0).getbbox()
    if box is None:
        return image
    left, top, right, bottom = _symmetric(box, w, h)
    if (
        (right - left) < w / 2
        or (bottom - top) < h / 2
        or (left, top, right, bottom) == (0, 0, w, h)
    ):
        return image
    sx, sy = image.width / w, image.height / h
    return image.crop(
        (
            int(left * sx),
            int(top * sy),
            min(image.width, round(right * sx)),
            min(image.height, round(bottom * sy)),
        )
    )


def _symmetric(box: tuple[int, int, int, int], w: int, h: int) -> tuple[int, int, int, int]:
    """The box, with each axis cut alike on both sides unless its two cuts nearly agree.

    Frames and letterbox bars are symmetric; a plain background reaching one edge is not. An
    axis whose cuts differ by more than 3 % is cut by the smaller one on both sides: that
    removes a frame (plus background only where the original's own trim removes it too), and
    keeps a near-uniform background from being cut in one copy and not in another (grayscale,
    a 48-px resize or a caption decide it differently). Measured on 270 LFW photos: copies
    within hash_strong went from 99.3 % to 99.9 %, black 8 % frames from 83 % to 99 %."""
    left, top, right, bottom = box
    right_cut, bottom_cut = w - right, h - bottom
    if abs(left - right_cut) > max(2.0, _TRIM_SYMMETRY * w):
        left = right_cut = min(left, right_cut)
    if abs(top - bottom_cut) > max(2.0, _TRIM_SYMMETRY * h):
        top = bottom_cut = min(top, bottom_cut)
    return left, top, w - right_cut, h - bottom_cut


def hash_square(image: Image.Image) -> Image.Image:
    """The grayscale square every hash is computed from: border trimmed, HASH_SIDE pixels.

    Resizing once to 64 x 64 and hashing that (pHash looks at 32 x 32, dHash at 9 x 8, wHash at
    64 x 64) gives the same hashes for every copy of a photo and costs a fraction of hashing the
    full image three times over."""
    gray = trim_border(image).convert("L")
    return gray.resize((HASH_SIDE, HASH_SIDE), Image.Resampling.LANCZOS, reducing_gap=2.0)


def compute_hashes(image: Image.Image) -> dict[str, str]:
    """pHash, dHash, wHash of the image and of its mirror, 16 hex digits each.

    The mirror's wHash is the wHash bit matrix flipped left-right: Haar approximation
    coefficients of a mirrored image are the mirrored coefficients (checked bit for bit in the
    tests), so it needs no second wavelet transform."""
    import imagehash  # here, not at start-up: it pulls in scipy and PyWavelets

    square = hash_square(image)
    # each hash resizes its input to the size it looks at (pHash 32 x 32, dHash 9 x 8) and
    # leaves an image already that size as it is: resizing once here and mirroring the small
    # image gives the same bits as hashing the square and its mirror, at half the cost
    small = square.resize((PHASH_SIDE, PHASH_SIDE), Image.Resampling.LANCZOS)
    tiny = square.resize((DHASH_SIDE + 1, DHASH_SIDE), Image.Resampling.LANCZOS)
    # without removing the top-level Haar coefficient (the image mean) the bits are the same,
    # because every coefficient shifts by the same constant as the median they are compared to
    whash = imagehash.whash(square, image_scale=HASH_SIDE, remove_max_haar_ll=False).hash
    return {
        "phash": _hex(imagehash.phash(small).hash),
        "phash_mirror": _hex(imagehash.phash(ImageOps.mirror(small)).hash),
        "dhash": _hex(imagehash.dhash(tiny).hash),
        "dhash_mirror": _hex(imagehash.dhash(ImageOps.mirror(tiny)).hash),
        "whash": _hex(whash),
        "whash_mirror": _hex(np.fliplr(whash)),
    }


def crop_box(width: int, height: int, fraction: float, place: str) -> tuple[int, int, int, int]:
    """The box left after removing ``fraction`` of each side's length at ``place``."""
    cut_w, cut_h = round(width * fraction), round(height * fraction)
    if place == "centre":
        left, top = cut_w // 2, cut_h // 2
    else:
        vertical, horizontal = place.split("-")
        left = cut_w if horizontal == "right" else 0
        top = cut_h if vertical == "bottom" else 0
    return left, top, left + width - cut_w, top + height - cut_h


def crop_hashes(image: Image.Image) -> dict[str, dict[str, str]]:
    """Hashes of the crops of a registered photo (``CROP_FRACTIONS`` x ``CROP_PLACES``),
    by a label a report can show: ``"top-left 20 %"``."""
    trimmed = trim_border(image)
    width, height = trimmed.size
    return {
        f"{place} {round(fraction * 100)} %": compute_hashes(
            trimmed.crop(crop_box(width, height, fraction, place))
        )
        for fraction in CROP_FRACTIONS
        for place in CROP_PLACES
    }


def _hex(bits: npt.NDArray[np.bool_]) -> str:
    """An 8 x 8 bit matrix as 16 hex digits, most significant bit first: the same text as
    ``str(ImageHash)``, without its per-bit string building."""
    return np.packbits(bits.flatten()).tobytes().hex()


def original_size(data: bytes) -> tuple[int, int]:
    """Width and height as a viewer shows them (EXIF rotation applied), from the header.
    Pillow's warnings about a broken EXIF block are dropped here too (see ``decode``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if image.getexif().get(0x0112) in {5, 6, 7, 8}:
                return height, width
            return width, height


def analyse(data: bytes, source: str, config: Config) -> tuple[PhotoFeatures, Image.Image]:
    """Digest, size and hashes of a photo's bytes, and the image they were computed from.

    JPEGs are decoded in draft mode (DCT scaling) at no less than twice the hash square: all
    the hashes need, several times faster than a full decode, and the same for every copy of a
    photo. The returned image is that small decode; the face model and thumbnails decode the
    bytes again at the size they need (``decode``)."""
    image = decode(data, source, config, draft=(HASH_SIDE, HASH_SIDE))
    width, height = original_size(data)
    features = PhotoFeatures(
        digest=content_digest(data),
        width=width,
        height=height,
        hashes=compute_hashes(image),
    )
    return features, image


def analyse_for_store(
    data: bytes, source: str, config: Config
) -> tuple[PhotoFeatures | None, str | None]:
    """``analyse`` for a worker process: features, or the reason the photo is unusable
    (exceptions with custom constructors do not cross process boundaries)."""
    try:
        features, _ = analyse(data, source, config)
    except PhotoError as error:
        return None, error.reason
    return features, None


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
    #: the crop of the registered photo that fits best (``crop_hashes``), None for the whole
    crop: str | None = None


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


def best_hash_match(registered: PhotoFeatures, candidate: Mapping[str, str]) -> HashMatch:
    """``hash_distance`` to the registered photo or to the closest of its crops; the whole
    photo wins a tie."""
    best = hash_distance(registered.hashes, candidate)
    for label, hashes in registered.crops.items():
        found = hash_distance(hashes, candidate)
        if found.distance < best.distance:
            best = HashMatch(found.distance, found.mirrored, found.per_kind, label)
    return best
