"""How the world's photos are made: a clone's copy of a reference photo with the edits clone
makers use, an innocent's re-encoded photo, and generated default avatars.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps


def jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def _crop(image: Image.Image, rng: random.Random) -> Image.Image:
    fraction = rng.uniform(0.05, 0.15)
    w, h = image.size
    dx, dy = int(w * fraction / 2), int(h * fraction / 2)
    return image.crop((dx, dy, w - dx, h - dy))


def _overlay(image: Image.Image, rng: random.Random) -> Image.Image:
    out = image.convert("RGB")
    draw = ImageDraw.Draw(out)
    w, h = out.size
    text = rng.choice(["DM me", "Follow back", "#1 fan", "Official", "Giveaway"])
    draw.rectangle([w * 0.05, h * 0.84, w * 0.55, h * 0.95], fill=(230, 30, 60))
    draw.text((w * 0.07, h * 0.86), text, fill=(255, 255, 255))
    return out


def _filter(image: Image.Image, rng: random.Random) -> Image.Image:
    choice = rng.choice(["saturate", "warm", "gray", "bright"])
    rgb = image.convert("RGB")
    if choice == "saturate":
        return ImageEnhance.Color(rgb).enhance(rng.uniform(1.4, 1.9))
    if choice == "gray":
        return ImageOps.grayscale(rgb).convert("RGB")
    if choice == "bright":
        return ImageEnhance.Brightness(rgb).enhance(rng.uniform(1.1, 1.3))
    r, g, b = rgb.split()
    return Image.merge("RGB", (r.point(lambda v: min(255, v + 25)), g, b.point(lambda v: v * 0.85)))


def random_resize(image: Image.Image, rng: random.Random) -> Image.Image:
    """A square resize to a side clone makers use (48-400 px)."""
    side = rng.choice([48, 64, 96, 128, 200, 300, 400])
    return image.resize((side, side), Image.Resampling.LANCZOS)


PHOTO_EDITS: dict[str, Callable[[Image.Image, random.Random], Image.Image]] = {
    "jpeg": lambda im, rng: im,  # every copy is re-encoded at quality 60-85 anyway
    "resize": random_resize,
    "crop": _crop,
    "mirror": lambda im, rng: ImageOps.mirror(im),
    "border": lambda im, rng: ImageOps.expand(
        im.convert("RGB"),
        border=max(2, im.size[0] // rng.randint(10, 16)),
        fill=rng.choice(["white", "black", (29, 161, 242)]),
    ),
    "filter": _filter,
    "overlay": _overlay,
}


def edited_photo(path: Path, rng: random.Random) -> tuple[bytes, str]:
    image = Image.open(path).convert("RGB")
    chosen = rng.sample(sorted(PHOTO_EDITS), rng.choice([1, 2]))
    # resizing last keeps the requested size whatever else was done
    chosen.sort(key=lambda e: e == "resize")
    for edit in chosen:
        image = PHOTO_EDITS[edit](image, rng)
    quality = rng.randint(60, 85)
    return jpeg(image, quality), "+".join(chosen) + f" q{quality}"


def reencoded(path: Path, rng: random.Random) -> bytes:
    """An innocent's photo: the file as it is, or resized and re-encoded."""
    if rng.random() < 0.5:
        return path.read_bytes()
    image = Image.open(path).convert("RGB")
    side = rng.choice([200, 300, 400])
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    return jpeg(image, rng.randint(70, 92))


def avatar(rng: random.Random) -> bytes:
    """A generated default avatar: a silhouette or initials on a flat colour, no face."""
    side = 400
    background = tuple(rng.randint(40, 220) for _ in range(3))
    image = Image.new("RGB", (side, side), background)
    draw = ImageDraw.Draw(image)
    light = tuple(min(255, c + 70) for c in background)
    if rng.random() < 0.6:
        draw.ellipse([140, 80, 260, 200], fill=light)
        draw.ellipse([80, 220, 320, 460], fill=light)
    else:
        letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTW") for _ in range(2))
        font = ImageFont.load_default(size=160)
        draw.text((side / 2, side / 2), letters, fill=light, font=font, anchor="mm")
    return jpeg(image, 90)
