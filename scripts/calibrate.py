"""Measure the distributions the default thresholds are chosen from, on real labelled data.

For each signal it measures the raw value on pairs that are the same (a transformed copy of a
photo, another photo of the same person, an edited copy of a real handle) and on pairs that are
different (other people's photos, other real users' names), and prints percentiles and the
rates at the configured thresholds. The README's "How the defaults were chosen" quotes the
output, which is written to ``docs/calibration.md``.

Data: ``../shared/data/faces/lfw_dev`` (LFW subset, 54 people, 270 photos) and
``../shared/data/profiles/cresci2015/data/users.csv`` (1,481 real genuine Twitter accounts).

    uv run python scripts/calibrate.py            # about 3 minutes on 2 cores
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageOps

from clonecheck.config import DEFAULT
from clonecheck.errors import PhotoError
from clonecheck.features import faces, imaging, names

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CLONECHECK_SHARED_DATA") or ROOT.parent / "shared" / "data")
SEED = 20261123


def lfw() -> dict[str, list[Path]]:
    base = DATA / "faces" / "lfw_dev"
    grouped: dict[str, list[Path]] = {}
    with (base / "LABELS.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            grouped.setdefault(row["identity"], []).append(base / row["file"])
    return grouped


def jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def crop(image: Image.Image, fraction: float) -> Image.Image:
    w, h = image.size
    dx, dy = int(w * fraction / 2), int(h * fraction / 2)
    return image.crop((dx, dy, w - dx, h - dy))


def overlay(image: Image.Image) -> Image.Image:
    out = image.copy()
    draw = ImageDraw.Draw(out)
    w, h = out.size
    draw.rectangle([w * 0.05, h * 0.82, w * 0.5, h * 0.95], fill=(230, 30, 60))
    draw.text((w * 0.07, h * 0.84), "DM me", fill=(255, 255, 255))
    return out


TRANSFORMS: dict[str, Callable[[Image.Image], bytes]] = {
    "jpeg q30": lambda im: jpeg(im, 30),
    "jpeg q60": lambda im: jpeg(im, 60),
    "resize 48 px": lambda im: jpeg(im.resize((48, 48)), 85),
    "resize 96 px": lambda im: jpeg(im.resize((96, 96)), 85),
    "resize 400 px": lambda im: jpeg(im.resize((400, 400)), 85),
    "mirror": lambda im: jpeg(ImageOps.mirror(im), 85),
    "crop 10 %": lambda im: jpeg(crop(im, 0.10), 85),
    "crop 20 %": lambda im: jpeg(crop(im, 0.20), 85),
    "border 8 %": lambda im: jpeg(ImageOps.expand(im, border=im.size[0] // 12, fill="white"), 85),
    "grayscale": lambda im: jpeg(ImageOps.grayscale(im).convert("RGB"), 85),
    "colour filter": lambda im: jpeg(ImageEnhance.Color(im).enhance(1.8), 85),
    "text overlay": lambda im: jpeg(overlay(im), 85),
}


def percentiles(values: Sequence[float]) -> str:
    array = np.asarray(values, dtype=float)
    p = np.percentile(array, [1, 5, 50, 95, 99])
    return " | ".join(f"{v:.2f}" for v in p)


def rate(values: Sequence[float], test: Callable[[float], bool]) -> str:
    hits = sum(1 for v in values if test(v))
    return f"{100 * hits / len(values):.1f} % ({hits}/{len(values)})"


def measure_hashes(people: dict[str, list[Path]], out: list[str]) -> None:
    config = DEFAULT
    originals = {
        p: imaging.analyse(p.read_bytes(), str(p), config)[0] for ps in people.values() for p in ps
    }
    out.append("## Photo hashes (combined distance, bits of 64)\n")
    out.append(
        f"{len(originals)} LFW photos. Same photo transformed vs the original; different photos "
        "are every pair of photos of different people plus different photos of the same person.\n"
    )
    out.append("| pair | p1 | p5 | median | p95 | p99 | ≤ hash_strong | < hash_weak |")
    out.append("|---|---|---|---|---|---|---|---|")
    rng = random.Random(SEED)
    sample = rng.sample(sorted(originals), 80)
    for label, transform in TRANSFORMS.items():
        values = []
        for path in sample:
            copy = imaging.analyse(transform(Image.open(path).convert("RGB")), label, config)[0]
            values.append(imaging.hash_distance(originals[path].hashes, copy.hashes).distance)
        out.append(
            f"| copy, {label} | {percentiles(values)} | "
            f"{rate(values, lambda v: v <= config.hash_strong)} | "
            f"{rate(values, lambda v: v < config.hash_weak)} |"
        )
    different = [
        imaging.hash_distance(originals[a].hashes, originals[b].hashes).distance
        for a, b in itertools.combinations(sorted(originals), 2)
    ]
    out.append(
        f"| different photos | {percentiles(different)} | "
        f"{rate(different, lambda v: v <= config.hash_strong)} | "
        f"{rate(different, lambda v: v < config.hash_weak)} |"
    )
    out.append(f"\nSmallest distance between different photos: {min(different):g}.\n")


def measure_faces(people: dict[str, list[Path]], out: list[str]) -> None:
    config = DEFAULT
    encodings: dict[Path, tuple[float, ...]] = {}
    started = time.perf_counter()
    for path in (p for ps in people.values() for p in ps):
        image = imaging.decode(path.read_bytes(), str(path), config)
        _, found = faces.detect_faces(image, config)
        face = faces.largest_face(found)
        if face is not None:
            encodings[path] = face.encoding
    elapsed = time.perf_counter() - started
    owner = {p: who for who, ps in people.items() for p in ps}
    same, different = [], []
    closest: list[tuple[float, str, str]] = []  # the hardest different-person pairs
    for a, b in itertools.combinations(sorted(encodings), 2):
        d = float(np.linalg.norm(np.subtract(encodings[a], encodings[b])))
        (same if owner[a] == owner[b] else different).append(d)
        if owner[a] != owner[b] and d <= config.face_weak:
            closest.append((d, a.name, b.name))
    total = sum(len(ps) for ps in people.values())
    out.append("## Face embeddings (euclidean distance, dlib 128-d)\n")
    out.append(
        f"{len(encodings)} of {total} LFW photos gave a face at upsample "
        f"{config.face_upsample} ({elapsed / total:.2f} s per photo, one process).\n"
    )
    out.append(
        "| pairs | n | p1 | p5 | median | p95 | p99 | ≤ face_alone | ≤ face_strong | ≤ face_weak |"
    )
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    for label, values in (("same person", same), ("different people", different)):
        out.append(
            f"| {label} | {len(values)} | {percentiles(values)} | "
            f"{rate(values, lambda v: v <= config.face_alone)} | "
            f"{rate(values, lambda v: v <= config.face_strong)} | "
            f"{rate(values, lambda v: v <= config.face_weak)} |"
        )
    out.append("")
    out.append("The closest different-person pairs (the look-alikes a face alone would flag):\n")
    for d, a, b in sorted(closest)[:8]:
        out.append(f"- {d:.3f}: {a} and {b}")
    out.append("")


def measure_deepface_pairs(out: list[str]) -> None:
    """Accuracy of the face signal on deepface's labelled same/different pairs."""
    base = DATA / "faces" / "deepface"
    with (base / "PAIRS.csv").open(newline="") as handle:
        pairs = [
            (r["file_x"], r["file_y"], r["same_person"] == "Yes") for r in csv.DictReader(handle)
        ]
    config = DEFAULT
    cache: dict[str, tuple[float, ...] | None] = {}

    def encoding(name: str) -> tuple[float, ...] | None:
        if name not in cache:
            path = base / name
            try:
                image = imaging.decode(path.read_bytes(), name, config)
            except (OSError, PhotoError):  # a missing or bad file leaves the pair out
                cache[name] = None
            else:
                face = faces.largest_face(faces.detect_faces(image, config)[1])
                cache[name] = face.encoding if face else None
        return cache[name]

    counts = {"same": [0, 0, 0, 0], "different": [0, 0, 0, 0]}  # ≤ alone, strong, weak; n
    skipped = 0
    for x, y, same in pairs:
        a, b = encoding(x), encoding(y)
        if a is None or b is None:
            skipped += 1
            continue
        d = float(np.linalg.norm(np.subtract(a, b)))
        row = counts["same" if same else "different"]
        row[0] += d <= config.face_alone
        row[1] += d <= config.face_strong
        row[2] += d <= config.face_weak
        row[3] += 1
    out.append("## Face signal on deepface's labelled pairs\n")
    out.append(
        f"{len(pairs) - skipped} of {len(pairs)} pairs with a face in both photos "
        f"(`faces/deepface/PAIRS.csv`).\n"
    )
    out.append(
        "| pairs | n | ≤ face_alone (counts alone) | ≤ face_strong (full strength) "
        "| ≤ face_weak (some strength) |"
    )
    out.append("|---|---|---|---|---|")
    for label, (alone, strong, weak, total) in counts.items():
        if total:
            out.append(
                f"| {label} person | {total} | {100 * alone / total:.1f} % | "
                f"{100 * strong / total:.1f} % | {100 * weak / total:.1f} % |"
            )
    out.append("")


def measure_detector(people: dict[str, list[Path]], out: list[str]) -> None:
    """Face detection rate and time by avatar size and upsampling (HOG), and the CNN model."""
    import face_recognition

    rng = random.Random(SEED)
    sample = rng.sample([p for ps in people.values() for p in ps], 40)
    originals = [Image.open(p).convert("RGB") for p in sample]
    out.append("## Face detector settings (HOG unless noted)\n")
    out.append(
        f"{len(sample)} LFW photos resized to profile-photo sizes. Found: a face was detected; "
        "time: detection only, one process.\n"
    )
    out.append("| size | upsample 0 | upsample 1 | upsample 2 |")
    out.append("|---|---|---|---|")
    for side in (48, 64, 96, 150, 250):
        cells = []
        for upsample in (0, 1, 2):
            found = 0
            started = time.perf_counter()
            for image in originals:
                array = np.asarray(image.resize((side, side)))
                found += bool(face_recognition.face_locations(array, upsample, model="hog"))
            per = (time.perf_counter() - started) / len(originals)
            cells.append(f"{100 * found / len(originals):.0f} % ({per * 1000:.0f} ms)")
        out.append(f"| {side} px | " + " | ".join(cells) + " |")
    cnn_found = 0
    started = time.perf_counter()
    subset = originals[:8]
    for image in subset:
        array = np.asarray(image.resize((96, 96)))
        cnn_found += bool(face_recognition.face_locations(array, 1, model="cnn"))
    per = (time.perf_counter() - started) / len(subset)
    out.append(
        f"\nCNN model at 96 px, upsample 1: {cnn_found} of {len(subset)} found, "
        f"{per:.1f} s per photo on this CPU.\n"
    )


def edits(handle: str, rng: random.Random) -> dict[str, str]:
    i = rng.randrange(1, max(2, len(handle) - 1))
    return {
        "doubled letter": handle[:i] + handle[i] + handle[i:],
        "dropped letter": handle[:i] + handle[i + 1 :],
        "swapped neighbours": handle[: i - 1] + handle[i] + handle[i - 1] + handle[i + 1 :],
        "appended digits": handle + str(rng.randrange(1, 99)),
        "underscore": handle + "_",
        "l/I look-alike": handle.replace("l", "I", 1) if "l" in handle else handle + "1",
        "Cyrillic а": handle.replace("a", "а", 1) if "a" in handle else handle.replace("e", "е", 1),
        "prefix real": "real" + handle,
    }


def measure_names(out: list[str]) -> None:
    path = DATA / "profiles" / "cresci2015" / "data" / "users.csv"
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        users = [
            (row["screen_name"], row["name"])
            for row in csv.DictReader(handle)
            if len(row["screen_name"]) >= 6 and row["name"].strip()
        ]
    rng = random.Random(SEED)
    config = DEFAULT
    out.append("## Handles and names (rapidfuzz similarity 0-100 after normalisation)\n")
    out.append(
        f"{len(users)} real Cresci 2015 genuine accounts. Edited copies of each handle vs the "
        "original; different accounts are 20,000 random pairs of different users.\n"
    )
    out.append("| pair | p1 | p5 | median | p95 | p99 | ≥ handle_strong | > handle_weak |")
    out.append("|---|---|---|---|---|---|---|---|")
    by_edit: dict[str, list[float]] = {}
    for screen_name, _ in users:
        for label, edited in edits(screen_name, rng).items():
            by_edit.setdefault(label, []).append(
                names.compare_handles(screen_name, edited).similarity
            )
    for label, values in by_edit.items():
        out.append(
            f"| handle, {label} | {percentiles(values)} | "
            f"{rate(values, lambda v: v >= config.handle_strong)} | "
            f"{rate(values, lambda v: v > config.handle_weak)} |"
        )
    pairs = [tuple(rng.sample(users, 2)) for _ in range(20_000)]
    handles = [names.compare_handles(a[0], b[0]).similarity for a, b in pairs]
    to_name = [names.compare_handle_to_name(b[0], a[1]).similarity for a, b in pairs]
    out.append(
        f"| handle, different users | {percentiles(handles)} | "
        f"{rate(handles, lambda v: v >= config.handle_strong)} | "
        f"{rate(handles, lambda v: v > config.handle_weak)} |"
    )
    out.append(
        f"| handle vs other's name | {percentiles(to_name)} | "
        f"{rate(to_name, lambda v: v >= config.handle_strong)} | "
        f"{rate(to_name, lambda v: v > config.handle_weak)} |"
    )
    display = [names.compare_names(a[1], b[1]).similarity for a, b in pairs]
    out.append("\n| display names | p1 | p5 | median | p95 | p99 | ≥ name_strong | > name_weak |")
    out.append("|---|---|---|---|---|---|---|---|")
    out.append(
        f"| different users | {percentiles(display)} | "
        f"{rate(display, lambda v: v >= config.name_strong)} | "
        f"{rate(display, lambda v: v > config.name_weak)} |"
    )
    out.append("")


def main() -> None:
    if not DATA.is_dir():
        sys.exit(f"shared data not found at {DATA}; set CLONECHECK_SHARED_DATA")
    people = lfw()
    out = [
        "# Calibration: the distributions behind the default thresholds\n",
        "Written by `uv run python scripts/calibrate.py` (seed "
        f"{SEED}); thresholds are those of `clonecheck.config.DEFAULT`.\n",
    ]
    measure_hashes(people, out)
    measure_names(out)
    measure_faces(people, out)
    measure_deepface_pairs(out)
    measure_detector(people, out)
    text = "\n".join(out) + "\n"
    path = ROOT / "docs" / "calibration.md"
    # keep the sections other scripts write (scripts/train_account_model.py)
    kept = path.read_text(encoding="utf-8") if path.exists() else ""
    start = kept.find("<!-- account-model:start -->")
    if start >= 0:
        text += "\n" + kept[start:]
    path.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
