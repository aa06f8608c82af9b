"""Photo robustness: recall of copied photos after common edits, at a fixed false-positive rate.

The registered photo is an original LFW file; each copy is that photo after one edit (or a
chain of edits), encoded to bytes and hashed as an import would see it (``imaging.analyse``).
False positives are measured on every pair of photos of *different people* in the LFW subset,
all of them the same passport-like layout (a centred face), which is the hard case for
perceptual hashes. Every method is compared at the same false-positive rate on those pairs
(``OperatingPoint``), and clonecheck also at its own thresholds, with the rate they give.

Methods:

- plain pHash: ``imagehash.phash(Image.open(bytes))`` of the whole image, no border trimming,
  no mirror image;
- clonecheck, whole image: the combined distance of ``imaging.hash_distance`` (median of
  pHash, dHash and wHash, border trimmed, best of plain and mirrored) to the registered photo
  alone, to show what trimming and mirroring give;
- clonecheck: ``imaging.best_hash_match``, as a scan scores a photo: that distance to the
  registered photo or to the closest of its ten crops (``imaging.crop_hashes``).

    uv run python scripts/bench_robustness.py        # under a minute on 2 cores
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import os
import random
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import imagehash
import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

from clonecheck.config import DEFAULT
from clonecheck.features import faces, imaging
from clonecheck.models import PhotoFeatures
from docs_section import write_section

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CLONECHECK_SHARED_DATA") or ROOT.parent / "shared" / "data")
SEED = 20261124
#: target false-positive rates on different-person pairs
FPRS = (0.001, 0.01)
#: the candidate stage also sends a photo to the face model when its pHash or dHash (plain or
#: mirrored) is within hash_weak + this of a registered photo, or within hash_weak - CROP_MARGIN
#: of one of its crops (``match/candidates.py``)
CANDIDATE_SLACK = 6
CROP_MARGIN = 2
#: every edit that is not itself an encoding is saved like this, as platforms serve photos
SAVE_QUALITY = 85
#: an edit is counted as covered when at least this share of its copies is
COVERED = 0.95

METHODS = ("plain pHash", "clonecheck, whole image", "clonecheck")


def lfw() -> list[tuple[Path, str]]:
    base = DATA / "faces" / "lfw_dev"
    with (base / "LABELS.csv").open(newline="") as handle:
        return [(base / row["file"], row["identity"]) for row in csv.DictReader(handle)]


# --- encodings --------------------------------------------------------------------------------


def encode(image: Image.Image, kind: str = "JPEG", quality: int = SAVE_QUALITY) -> bytes:
    buffer = io.BytesIO()
    if kind == "PNG":
        image.save(buffer, "PNG")
    else:
        image.convert("RGB").save(buffer, kind, quality=quality)
    return buffer.getvalue()


# --- edits (image -> image); the corner of off-centre crops comes from the seeded rng ----------


def resize(image: Image.Image, side: int) -> Image.Image:
    return image.resize((side, side), Image.Resampling.LANCZOS)


def centre_crop(image: Image.Image, fraction: float) -> Image.Image:
    """``fraction`` of the width and of the height removed, half on each side."""
    w, h = image.size
    dx, dy = round(w * fraction / 2), round(h * fraction / 2)
    return image.crop((dx, dy, w - dx, h - dy))


def corner_crop(image: Image.Image, fraction: float, corner: int) -> Image.Image:
    """``fraction`` of the width and of the height removed, all of it from one corner's sides
    (0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right are kept)."""
    w, h = image.size
    dx, dy = round(w * fraction), round(h * fraction)
    left, top = (0 if corner in (0, 2) else dx), (0 if corner in (0, 1) else dy)
    return image.crop((left, top, left + w - dx, top + h - dy))


def side_crop(image: Image.Image, side: int, fraction: float) -> Image.Image:
    """``fraction`` of the length removed from one side (0 left, 1 top, 2 right, 3 bottom)."""
    w, h = image.size
    cut_w, cut_h = round(w * fraction), round(h * fraction)
    boxes = ((cut_w, 0, w, h), (0, cut_h, w, h), (0, 0, w - cut_w, h), (0, 0, w, h - cut_h))
    return image.crop(boxes[side])


def random_crop(image: Image.Image, rng: random.Random, most: float) -> Image.Image:
    """Each side cut by its own share of the length, drawn between 0 and ``most``."""
    w, h = image.size
    left, top, right, bottom = (rng.uniform(0, most) for _ in range(4))
    return image.crop(
        (round(w * left), round(h * top), w - round(w * right), h - round(h * bottom))
    )


def rotate(image: Image.Image, degrees: float) -> Image.Image:
    return image.rotate(degrees, Image.Resampling.BICUBIC, expand=False, fillcolor=(0, 0, 0))


def border(image: Image.Image, fraction: float, colour: str) -> Image.Image:
    return ImageOps.expand(image, border=round(image.width * fraction), fill=colour)


def letterbox(image: Image.Image) -> Image.Image:
    """The photo centred on a black 16:9 canvas (bars left and right)."""
    w, h = image.size
    canvas = Image.new("RGB", (round(h * 16 / 9), h), (0, 0, 0))
    canvas.paste(image, ((canvas.width - w) // 2, 0))
    return canvas


def warm(image: Image.Image) -> Image.Image:
    """An Instagram-style warm filter: red up, blue down, more saturation and contrast."""
    r, g, b = image.convert("RGB").split()
    r = r.point(lambda v: min(255, round(v * 1.12 + 8)))
    b = b.point(lambda v: round(v * 0.82))
    out = Image.merge("RGB", (r, g, b))
    out = ImageEnhance.Color(out).enhance(1.3)
    return ImageEnhance.Contrast(out).enhance(1.1)


def sepia(image: Image.Image) -> Image.Image:
    matrix = (0.393, 0.769, 0.189, 0, 0.349, 0.686, 0.168, 0, 0.272, 0.534, 0.131, 0)
    return image.convert("RGB").convert("RGB", matrix)


def grayscale(image: Image.Image) -> Image.Image:
    return ImageOps.grayscale(image).convert("RGB")


def sticker(image: Image.Image) -> Image.Image:
    """A yellow smiley of 15 % of the side in the bottom-right corner."""
    out = image.copy()
    draw = ImageDraw.Draw(out)
    side = min(out.size)
    d = round(side * 0.15)
    x, y = out.width - d - round(side * 0.03), out.height - d - round(side * 0.03)
    draw.ellipse([x, y, x + d, y + d], fill=(255, 205, 40), outline=(120, 80, 0), width=2)
    eye = max(2, d // 8)
    for ex in (x + d * 0.33, x + d * 0.67):
        draw.ellipse([ex - eye / 2, y + d * 0.3, ex + eye / 2, y + d * 0.3 + eye], fill=(0, 0, 0))
    draw.arc([x + d * 0.25, y + d * 0.35, x + d * 0.75, y + d * 0.8], 20, 160, fill=(0, 0, 0))
    return out


def caption(image: Image.Image) -> Image.Image:
    """A line of white text with a dark outline along the bottom."""
    out = image.copy()
    draw = ImageDraw.Draw(out)
    font = ImageFont.load_default(size=max(10, out.height // 12))
    draw.text(
        (out.width * 0.06, out.height * 0.86),
        "follow my new account!",
        font=font,
        fill=(255, 255, 255),
        stroke_width=2,
        stroke_fill=(0, 0, 0),
    )
    return out


Transform = Callable[[Image.Image, random.Random], bytes]

TRANSFORMS: dict[str, Transform] = {
    "JPEG q30": lambda im, _: encode(im, "JPEG", 30),
    "JPEG q50": lambda im, _: encode(im, "JPEG", 50),
    "JPEG q95": lambda im, _: encode(im, "JPEG", 95),
    "WebP q80": lambda im, _: encode(im, "WEBP", 80),
    "PNG": lambda im, _: encode(im, "PNG"),
    "resize 48 px": lambda im, _: encode(resize(im, 48)),
    "resize 73 px": lambda im, _: encode(resize(im, 73)),
    "resize 200 px": lambda im, _: encode(resize(im, 200)),
    "resize 400 px": lambda im, _: encode(resize(im, 400)),
    "resize 1024 px": lambda im, _: encode(resize(im, 1024)),
    "centre crop 10 %": lambda im, _: encode(centre_crop(im, 0.10)),
    "centre crop 20 %": lambda im, _: encode(centre_crop(im, 0.20)),
    "off-centre crop 10 %": lambda im, rng: encode(corner_crop(im, 0.10, rng.randrange(4))),
    "off-centre crop 20 %": lambda im, rng: encode(corner_crop(im, 0.20, rng.randrange(4))),
    # the crops above line up with the registered photo's stored crops; these do not
    "off-centre crop 15 %": lambda im, rng: encode(corner_crop(im, 0.15, rng.randrange(4))),
    "off-centre crop 25 %": lambda im, rng: encode(corner_crop(im, 0.25, rng.randrange(4))),
    "one side cropped 15 %": lambda im, rng: encode(side_crop(im, rng.randrange(4), 0.15)),
    "random crop 0–12.5 % per side": lambda im, rng: encode(random_crop(im, rng, 0.125)),
    "mirror": lambda im, _: encode(ImageOps.mirror(im)),
    "rotate +5°": lambda im, _: encode(rotate(im, 5)),
    "rotate −5°": lambda im, _: encode(rotate(im, -5)),
    "border 8 % white": lambda im, _: encode(border(im, 0.08, "white")),
    "border 8 % black": lambda im, _: encode(border(im, 0.08, "black")),
    "letterbox 16:9 black": lambda im, _: encode(letterbox(im)),
    "warm filter": lambda im, _: encode(warm(im)),
    "sepia": lambda im, _: encode(sepia(im)),
    "grayscale": lambda im, _: encode(grayscale(im)),
    "sticker 15 %": lambda im, _: encode(sticker(im)),
    "text overlay": lambda im, _: encode(caption(im)),
    "crop 10 % + 200 px + JPEG q60": lambda im, _: encode(
        resize(centre_crop(im, 0.10), 200), "JPEG", 60
    ),
    "mirror + warm + text + 400 px WebP q75": lambda im, _: encode(
        resize(caption(warm(ImageOps.mirror(im))), 400), "WEBP", 75
    ),
}


# --- hashing and distances --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hashed:
    plain_phash: imagehash.ImageHash
    features: PhotoFeatures


def hashed(data: bytes, source: str, *, registered: bool = False) -> Hashed:
    """A photo's hashes as an import stores them; a registered photo's with its crops."""
    features, image = imaging.analyse(data, source, DEFAULT)
    if registered:
        features = replace(features, crops=imaging.crop_hashes(image))
    with Image.open(io.BytesIO(data)) as opened:
        plain = imagehash.phash(opened)
    return Hashed(plain, features)


def bits(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def nearest_bits(registered: Mapping[str, str], candidate: Mapping[str, str]) -> int:
    """The fewest bits apart of pHash and dHash, plain or mirrored: the candidate stage's test."""
    return min(
        bits(registered[kind], candidate[kind + suffix])
        for kind in ("phash", "dhash")
        for suffix in ("", "_mirror")
    )


def distances(registered: Hashed, candidate: Hashed) -> tuple[float, float, float, float]:
    """(plain pHash, clonecheck whole image, clonecheck, 1.0 if a hash candidate else 0.0)."""
    r, c = registered.features, candidate.features.hashes
    weak = DEFAULT.hash_weak
    candidate_stage = nearest_bits(r.hashes, c) <= weak + CANDIDATE_SLACK or any(
        nearest_bits(crop, c) <= weak - CROP_MARGIN for crop in r.crops.values()
    )
    return (
        float(registered.plain_phash - candidate.plain_phash),
        imaging.hash_distance(r.hashes, c).distance,
        imaging.best_hash_match(r, c).distance,
        float(candidate_stage),
    )


@dataclass(frozen=True, slots=True)
class OperatingPoint:
    """A match rule with a false-positive rate of exactly ``fpr`` on the negatives.

    Distances are whole bits (pHash distances are even: every pHash sets 32 of its 64 bits),
    so a plain threshold jumps over the target; the pairs at the distance ``edge`` where the
    target falls count with the share ``ties`` that makes the rate exact. This is the ROC curve
    between the thresholds ``edge - 1`` and ``edge``, and compares methods at the same rate."""

    fpr: float
    edge: float
    ties: float

    @classmethod
    def at(cls, negatives: np.ndarray, fpr: float) -> OperatingPoint:
        for value in np.unique(negatives):
            if np.mean(negatives <= value) > fpr:
                below = float(np.mean(negatives < value))
                return cls(fpr, float(value), (fpr - below) / float(np.mean(negatives == value)))
        return cls(float(np.mean(negatives <= negatives.max())), float("inf"), 0.0)

    def recall(self, distances: np.ndarray) -> float:
        return float(np.mean(distances < self.edge) + self.ties * np.mean(distances == self.edge))

    def describe(self) -> str:
        return f"< {self.edge:g} + {100 * self.ties:.0f} % of ties at {self.edge:g}"


def pct(share: float) -> str:
    return f"{100 * share:.1f} %"


def fpr_text(share: float) -> str:
    return f"{100 * share:.2f} %" if share else "0 %"


# --- the run -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=80, help="photos transformed (seeded)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    if not (DATA / "faces" / "lfw_dev").is_dir():
        sys.exit(f"LFW subset not found under {DATA}; set CLONECHECK_SHARED_DATA")
    started = time.perf_counter()
    print(f"seed {args.seed}", flush=True)
    photos = lfw()
    originals = {path: hashed(path.read_bytes(), str(path), registered=True) for path, _ in photos}
    owner = dict(photos)
    # ordered pairs: A's registered photo (with its crops) against B's photo as imported
    negatives = np.array(
        [
            distances(originals[a], originals[b])
            for a, b in itertools.permutations(sorted(originals), 2)
            if owner[a] != owner[b]
        ],
        dtype=float,
    )

    rng = random.Random(args.seed)
    sample = rng.sample(sorted(originals), args.photos)
    positives: dict[str, np.ndarray] = {}
    copies: dict[str, list[bytes]] = {}
    for label, transform in TRANSFORMS.items():
        copies[label] = [transform(Image.open(path).convert("RGB"), rng) for path in sample]
        positives[label] = np.array(
            [
                distances(originals[path], hashed(data, label))
                for path, data in zip(sample, copies[label], strict=True)
            ],
            dtype=float,
        )
        print(f"  {label}: clonecheck median {np.median(positives[label][:, 2]):g}", flush=True)

    weak = DEFAULT.hash_weak
    weak_edits = [k for k, v in positives.items() if np.mean(v[:, 2] < weak) < COVERED]
    print(f"face model on the copies of {len(weak_edits)} edits", flush=True)
    face_rows = face_check(sample, {k: copies[k] for k in weak_edits}, positives)
    elapsed = time.perf_counter() - started

    lines = [
        "## Photos: robustness of the hashes to edits",
        "",
        f"`uv run python scripts/bench_robustness.py` — seed {args.seed}; {args.photos} LFW "
        f"photos (one copy is {100 / args.photos:g} % of a row), each copied through "
        f"{len(TRANSFORMS)} edits and hashed from the copy's bytes by `imaging.analyse`, "
        "against the original file (250 px JPEG). Every edit that is not itself an encoding is "
        f"saved as JPEG q{SAVE_QUALITY}; resized copies are compared as served, not scaled "
        "back; a crop of N % removes N % of the width and of the height, half on each side "
        "(centre) or all of it from the two sides of one corner, drawn per photo "
        "(off-centre); the 10 % and 20 % crops line up with crops clonecheck stores for a "
        "registered photo, the 15 %, 25 %, one-side and random crops do not and show how "
        "far that generalises; rotations keep the size and fill the corners black. "
        f"{elapsed:.0f} s on {os.cpu_count()} CPU cores, one process.",
        "",
        f"False positives: all {len(negatives):,} ordered pairs of photos of different people "
        "(one registered, with its crops; the other as imported) among "
        f"the {len(originals)} photos of {len(set(owner.values()))} people, all of them "
        "centred portraits of the same layout (the hard case for a perceptual hash: the "
        f"closest pair is {negatives[:, 2].min():g} bits apart for clonecheck, "
        f"{negatives[:, 0].min():g} for plain pHash). Recall is the share of copies matched by "
        "a rule with exactly the stated false-positive rate on those pairs: distances are whole "
        "bits, so the pairs at the distance where the rate is reached count in part (first "
        "row; the ROC curve between two thresholds). *plain pHash* is "
        "`imagehash.phash(Image.open(bytes))` of the whole image; *clonecheck, whole image* is "
        "the combined distance (median of pHash, dHash and wHash, borders trimmed, best of "
        "plain and mirrored) to the registered photo alone; *clonecheck* is what a scan scores: "
        "that distance to the registered photo or to the closest of its ten crops (10 % and "
        "20 %, centre and each corner). The last three columns are clonecheck's own "
        "thresholds; in the "
        "last, the candidate stage, a copy reaches the face model even when its hashes carry "
        "no strength, and the rate in its first row is the share of different-person pairs "
        "sent to the face model (a cost, not a false positive: the faces then decide).",
        "",
        *recall_table(positives, negatives),
        "",
        *face_table(face_rows),
        "",
        *summary(positives, negatives, face_rows),
        "",
    ]
    write_section(args.out, "robustness", "\n".join(lines))
    print("\n".join(lines))


def recall_table(positives: dict[str, np.ndarray], negatives: np.ndarray) -> list[str]:
    strong, weak = DEFAULT.hash_strong, DEFAULT.hash_weak
    candidate_limit = weak + CANDIDATE_SLACK
    columns = [(m, fpr) for fpr in FPRS for m in range(3)]
    points = {key: OperatingPoint.at(negatives[:, key[0]], key[1]) for key in columns}
    header = (
        "| edit | "
        + " | ".join(f"{METHODS[m]} @ FPR {100 * fpr:g} %" for m, fpr in columns)
        + f" | clonecheck ≤ hash_strong {strong:g} (full strength) "
        f"| clonecheck < hash_weak {weak:g} (some strength) "
        f"| hash candidate (pHash or dHash ≤ {candidate_limit:g}, "
        f"or ≤ {weak - CROP_MARGIN:g} to a crop) |"
    )
    fpr_strong = float(np.mean(negatives[:, 2] <= strong))
    fpr_weak = float(np.mean(negatives[:, 2] < weak))
    fpr_candidate = float(np.mean(negatives[:, 3]))
    threshold_row = (
        "| *match rule in bits (FPR on different people)* | "
        + " | ".join(f"*{points[key].describe()} ({fpr_text(key[1])})*" for key in columns)
        + f" | *≤ {strong:g} ({fpr_text(fpr_strong)})* | *< {weak:g} ({fpr_text(fpr_weak)})* "
        f"| *candidate ({fpr_text(fpr_candidate)})* |"
    )
    table = [header, "|---" * (len(columns) + 4) + "|", threshold_row]
    for label, values in positives.items():
        cells = [pct(points[m, fpr].recall(values[:, m])) for m, fpr in columns]
        cells.append(pct(float(np.mean(values[:, 2] <= strong))))
        cells.append(pct(float(np.mean(values[:, 2] < weak))))
        cells.append(pct(float(np.mean(values[:, 3]))))
        table.append(f"| {label} | " + " | ".join(cells) + " |")
    return table


@dataclass(frozen=True, slots=True)
class FaceRow:
    label: str
    photos: int  # originals with a face
    found: float  # share of their copies with a face
    alone: float  # share within face_alone
    strong: float  # share within face_strong
    covered: float  # share with some hash strength or a face within face_strong


def face_check(
    sample: list[Path], copies: dict[str, list[bytes]], positives: dict[str, np.ndarray]
) -> list[FaceRow]:
    """The face signal on the copies of the edits the hashes miss: the registered person is the
    largest face of the original, compared with every face of the copy, as a scan does."""
    registered = []
    for path in sample:
        _, found = faces.detect_in_bytes(path.read_bytes(), str(path), DEFAULT)
        largest = faces.largest_face(found)
        registered.append((largest,) if largest else ())
    rows = []
    for label, datas in copies.items():
        with_face = [i for i, r in enumerate(registered) if r]
        dist: list[float | None] = []
        for i in with_face:
            _, found = faces.detect_in_bytes(datas[i], label, DEFAULT)
            dist.append(faces.face_distance(registered[i], found))
        hash_ok = positives[label][with_face, 2] < DEFAULT.hash_weak
        face_ok = np.array([d is not None and d <= DEFAULT.face_strong for d in dist])
        n = len(with_face)
        rows.append(
            FaceRow(
                label,
                n,
                sum(d is not None for d in dist) / n,
                sum(d is not None and d <= DEFAULT.face_alone for d in dist) / n,
                float(face_ok.mean()),
                float((hash_ok | face_ok).mean()),
            )
        )
    return rows


def face_table(rows: list[FaceRow]) -> list[str]:
    if not rows:
        return []
    d = DEFAULT
    return [
        f"The face signal on the edits where fewer than {100 * COVERED:g} % of copies keep "
        "some hash strength (largest face of the original against the copy's faces, as a scan "
        "compares them; photos whose original shows no face left out):",
        "",
        f"| edit | photos | face found in copy | face ≤ face_alone {d.face_alone:g} | face ≤ "
        f"face_strong {d.face_strong:g} | hashes < hash_weak or face ≤ face_strong |",
        "|---|---|---|---|---|---|",
        *(
            f"| {r.label} | {r.photos} | {pct(r.found)} | {pct(r.alone)} | {pct(r.strong)} "
            f"| {pct(r.covered)} |"
            for r in rows
        ),
    ]


def summary(
    positives: dict[str, np.ndarray], negatives: np.ndarray, face_rows: list[FaceRow]
) -> list[str]:
    """The paragraph under the tables, from the numbers: what fails, and what covers it."""
    strong, weak = DEFAULT.hash_strong, DEFAULT.hash_weak

    def listing(labels: Sequence[str], describe: Callable[[str], str]) -> str:
        return "; ".join(f"{label} ({describe(label)})" for label in labels) or "none"

    def recall(label: str, column: int, limit: float) -> float:
        return float(np.mean(positives[label][:, column] <= limit))

    def some(label: str) -> float:
        return float(np.mean(positives[label][:, 2] < weak))

    full = [k for k in positives if recall(k, 2, strong) < COVERED]
    weak_edits = [k for k in positives if some(k) < COVERED]
    ours = OperatingPoint.at(negatives[:, 2], FPRS[0])
    theirs = OperatingPoint.at(negatives[:, 0], FPRS[0])
    worse = {
        k: (ours.recall(v[:, 2]), theirs.recall(v[:, 0]))
        for k, v in positives.items()
        if ours.recall(v[:, 2]) < theirs.recall(v[:, 0])
    }
    escaped = [k for k in weak_edits if float(np.mean(positives[k][:, 3])) < COVERED]
    return [
        f"Edits where fewer than {100 * COVERED:g} % of copies reach full strength (≤ "
        "hash_strong): "
        + listing(full, lambda k: pct(recall(k, 2, strong)))
        + f". Of those, fewer than {100 * COVERED:g} % keep some strength (< hash_weak): "
        + listing(weak_edits, lambda k: pct(some(k)))
        + f". Edits where clonecheck recalls fewer copies than plain pHash at FPR "
        f"{100 * FPRS[0]:g} % (clonecheck vs plain pHash): "
        + listing(list(worse), lambda k: f"{pct(worse[k][0])} vs {pct(worse[k][1])}")
        + ".",
        "",
        "A crop shifts and rescales every part of the picture under a whole-image hash, by "
        "more than separates two people's portraits of the same layout (the *clonecheck, "
        "whole image* columns). A crop of the registered photo that lines up with the copy "
        "does not move, so each registered photo also keeps the hashes of ten crops, and the "
        "copy is scored against the closest; crops between or beyond those ten still land "
        "nearer one of them than the whole. The price is in the first row: different people's "
        "portraits come a little closer too (the closest pair and the share within hash_weak), "
        "while none reaches hash_strong; a merely similar photo with another person's face "
        'carries no photo evidence anyway (README, "How matching works"). The face signal '
        "covers what is left: a copy whose hashes carry little strength still reaches the face "
        "model through a name or handle match, the hash candidate stage (last column), or "
        "`--set faces_for_all=true`. Edits that escape the hash candidate stage in "
        f"{100 - 100 * COVERED:g} % of copies or more: "
        + listing(escaped, lambda k: f"{pct(float(np.mean(positives[k][:, 3])))} candidates")
        + ".",
    ]


if __name__ == "__main__":
    main()
