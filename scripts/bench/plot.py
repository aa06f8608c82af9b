"""The precision-recall plot of the clonecheck score, drawn with Pillow."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

COLOURS = {
    "overall": (0, 0, 0),
    "photo+name": (31, 119, 180),
    "face": (214, 39, 40),
    "photo-only": (44, 160, 44),
    "name-only": (255, 127, 14),
}


def draw_pr(
    curves: dict[str, list[tuple[float, float, float]]],
    marks: dict[str, tuple[float, float]],
    path: Path,
    title: str,
) -> None:
    """A precision-recall plot with Pillow: axes, ticks, one line per clone kind + overall."""
    width, height, left, right, top, bottom = 940, 640, 90, 250, 60, 80
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=16)
    small = ImageFont.load_default(size=13)
    x0, x1, y0, y1 = left, width - right, height - bottom, top

    def at(recall: float, precision: float) -> tuple[float, float]:
        return x0 + recall * (x1 - x0), y0 - precision * (y0 - y1)

    for tick in range(11):
        value = tick / 10
        x, _ = at(value, 0)
        _, y = at(0, value)
        draw.line([(x, y0), (x, y1)], fill=(232, 232, 232))
        draw.line([(x0, y), (x1, y)], fill=(232, 232, 232))
        draw.line([(x, y0), (x, y0 + 6)], fill="black")
        draw.line([(x0 - 6, y), (x0, y)], fill="black")
        draw.text((x, y0 + 10), f"{value:.1f}", fill="black", font=small, anchor="mt")
        draw.text((x0 - 10, y), f"{value:.1f}", fill="black", font=small, anchor="rm")
    draw.rectangle([x0, y1, x1, y0], outline="black")
    draw.text(((x0 + x1) / 2, height - 30), "recall", fill="black", font=font, anchor="mm")
    label = Image.new("RGB", (120, 24), "white")
    ImageDraw.Draw(label).text((60, 12), "precision", fill="black", font=font, anchor="mm")
    image.paste(label.rotate(90, expand=True), (18, int((y0 + y1) / 2) - 60))
    draw.text((width / 2, 25), title, fill="black", font=font, anchor="mm")
    for kind, points in sorted(curves.items(), key=lambda item: item[0] == "overall"):
        colour = COLOURS[kind]
        line = [at(0, points[0][2] if points else 1.0)]
        for _, recall, precision in points:
            line.append(at(recall, precision))
        draw.line(line, fill=colour, width=3 if kind == "overall" else 2)
    for label, (recall, precision) in marks.items():
        x, y = at(recall, precision)
        draw.ellipse([x - 5, y - 5, x + 5, y + 5], outline="black", width=2)
        draw.text((x + 8, y + 4), label, fill="black", font=small, anchor="lt")
    legend_y = top + 10
    for kind in curves:
        draw.line([(x1 + 70, legend_y), (x1 + 100, legend_y)], fill=COLOURS[kind], width=3)
        draw.text((x1 + 108, legend_y), kind, fill="black", font=font, anchor="lm")
        legend_y += 26
    draw.text((x1 + 70, legend_y + 10), "o  default thresholds", fill="black", font=small)
    image.save(path)
