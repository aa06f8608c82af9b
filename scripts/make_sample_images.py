"""Build ``sample_images/``: the demo's photos and its crawl of profiles.

The only real photo is NASA's public-domain portrait of astronaut Eileen Collins, shipped inside
scikit-image's wheel (``skimage/data/astronaut.png``). Every other image is made here: copies of
that portrait altered the way clone makers alter photos, and plain generated avatars for the
innocent accounts. Deterministic: the same files every run.

    uv run python scripts/make_sample_images.py
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageOps
from skimage import data as skdata

OUT = Path(__file__).resolve().parents[1] / "sample_images"

# the portrait with the mission patch cut away: it would otherwise read as a second face
PORTRAIT_BOX = (40, 0, 440, 330)


def portrait() -> Image.Image:
    return Image.fromarray(skdata.astronaut()).crop(PORTRAIT_BOX)


def save_jpeg(image: Image.Image, name: str, quality: int) -> None:
    image.convert("RGB").save(OUT / name, "JPEG", quality=quality, optimize=True)


def avatar(seed: int, size: int = 256) -> Image.Image:
    """A generated avatar: a gradient with a few shapes, no face."""
    rng = random.Random(seed)
    top = tuple(rng.randrange(40, 220) for _ in range(3))
    bottom = tuple(rng.randrange(40, 220) for _ in range(3))
    image = Image.new("RGB", (size, size))
    draw = ImageDraw.Draw(image)
    for y in range(size):
        t = y / (size - 1)
        draw.line(
            [(0, y), (size, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    for _ in range(rng.randrange(3, 7)):
        x0, y0 = rng.randrange(size), rng.randrange(size)
        r = rng.randrange(size // 10, size // 3)
        colour = tuple(rng.randrange(256) for _ in range(3))
        shape = rng.choice([draw.ellipse, draw.rectangle])
        shape([x0 - r, y0 - r, x0 + r, y0 + r], fill=colour)
    return image


def default_avatar(size: int = 256) -> Image.Image:
    """A grey head-and-shoulders silhouette, like a platform's default picture."""
    image = Image.new("RGB", (size, size), (205, 212, 218))
    draw = ImageDraw.Draw(image)
    draw.ellipse([size * 0.32, size * 0.18, size * 0.68, size * 0.54], fill=(150, 160, 170))
    draw.ellipse([size * 0.15, size * 0.58, size * 0.85, size * 1.2], fill=(150, 160, 170))
    return image


PROFILES = [
    # platform, id, handle, name, bio, photo
    (
        "twitter",
        "1001",
        "eileencollins",
        "Eileen Collins",
        "Retired NASA astronaut. First woman to pilot and command a Space Shuttle.",
        "eileen_collins.jpg",
    ),
    (
        "twitter",
        "1002",
        "eiIeencollins",
        "Eileen Collins",
        "Retired NASA astronaut. First woman to pilot and command a Space Shuttle.",
        "clone_mirrored_small.jpg",
    ),
    (
        "twitter",
        "1003",
        "eileen_collins_",
        "Eileen Collins 🚀",
        "Astronaut. Pilot. Commander. DM for collabs.",
        "clone_cropped.jpg",
    ),
    (
        "twitter",
        "1004",
        "eileencolins1",
        "Eileen Colins",
        "space | aviation | follow back",
        "clone_face_crop.jpg",
    ),
    (
        "twitter",
        "1005",
        "real_eileencollins",
        "\u0415ileen Collins",
        "Official account.",
        "default_avatar.png",
    ),
    (
        "twitter",
        "1006",
        "eileencollins_fan",
        "Eileen Collins Fan Account",
        "Fan account, not affiliated with Eileen Collins or NASA.",
        "clone_filtered.png",
    ),
    (
        "twitter",
        "1007",
        "eileencooks",
        "Eileen Collins",
        "Baker in Cork. Sourdough every day.",
        "avatar_01.png",
    ),
    ("twitter", "1008", "mayaokafor", "Maya Okafor", "Urban planner, cyclist.", "avatar_02.png"),
    (
        "twitter",
        "1009",
        "tomas_rivera",
        "Tomás Rivera",
        "Photographer in Valencia.",
        "avatar_03.png",
    ),
    (
        "twitter",
        "1010",
        "li_wei_dev",
        "Li Wei",
        "Backend developer. Rust and coffee.",
        "avatar_04.png",
    ),
    (
        "twitter",
        "1011",
        "annakowalska",
        "Anna Kowalska",
        "Teacher, runner, reader.",
        "avatar_05.png",
    ),
    (
        "twitter",
        "1012",
        "collins_aerospace_fan",
        "Mark Collins",
        "Planes, trains and rockets.",
        "avatar_06.png",
    ),
    ("twitter", "1013", "spacefan1999", "Space Fan", "Launch photos and news.", "avatar_07.png"),
    ("twitter", "1014", "eileenmurphy", "Eileen Murphy", "Nurse. Dublin.", "avatar_08.png"),
]


def main() -> None:
    OUT.mkdir(exist_ok=True)
    base = portrait()
    save_jpeg(base, "eileen_collins.jpg", 92)

    # clone 1: mirrored, shrunk to a 200 px avatar, re-encoded at quality 70
    save_jpeg(ImageOps.mirror(base).resize((200, 165)), "clone_mirrored_small.jpg", 70)
    # clone 2: cropped 10 % off-centre, resized, quality 60
    w, h = base.size
    cropped = base.crop((int(w * 0.10), int(h * 0.02), w, int(h * 0.95)))
    save_jpeg(
        cropped.resize((320, int(320 * cropped.height / cropped.width))), "clone_cropped.jpg", 60
    )
    # clone 3: a tight crop of the face only: hashes differ, the face still matches
    face = base.crop((110, 40, 260, 200)).resize((150, 160))
    save_jpeg(face.filter(ImageFilter.SMOOTH), "clone_face_crop.jpg", 85)
    # clone 4: warm colour filter and a white border, as a PNG
    warm = Image.merge(
        "RGB",
        [
            band.point(lambda v, k=k: min(255, int(v * k)))
            for band, k in zip(base.split(), (1.15, 1.0, 0.8), strict=True)
        ],
    )
    ImageOps.expand(warm, border=18, fill="white").save(OUT / "clone_filtered.png")

    default_avatar().save(OUT / "default_avatar.png")
    for number in range(1, 9):
        avatar(number).save(OUT / f"avatar_{number:02d}.png")

    with (OUT / "demo_profiles.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["platform", "id", "handle", "name", "bio", "photo"])
        writer.writerows(PROFILES)
    print(f"wrote {len(list(OUT.iterdir()))} files to {OUT}")


if __name__ == "__main__":
    main()
