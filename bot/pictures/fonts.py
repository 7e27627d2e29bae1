"""The CJK fonts pictures are drawn with: Noto Sans/Serif CJK (Debian's fonts-noto-cjk, installed by scripts/setup.sh),
the Simplified Chinese face of each collection. BOT_CJK_FONT_DIR names another folder holding the same files."""
from __future__ import annotations

import os
import unicodedata
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FOLDERS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/noto-cjk", "/usr/local/share/fonts/noto",
           "/System/Library/Fonts", "/Library/Fonts")
FILES = {("sans", False): "NotoSansCJK-Regular.ttc", ("sans", True): "NotoSansCJK-Bold.ttc",
         ("serif", False): "NotoSerifCJK-Regular.ttc", ("serif", True): "NotoSerifCJK-Bold.ttc"}
SC_FACE = 2  # the collections hold JP, KR, SC, TC, HK faces in this order


class NoFont(RuntimeError):
    """No CJK font is installed: pictures cannot be drawn (the bot posts their text instead)."""


def _path(style: str, bold: bool) -> Path | None:
    folders = [os.environ["BOT_CJK_FONT_DIR"]] if os.environ.get("BOT_CJK_FONT_DIR") else []
    for folder in (*folders, *FOLDERS):
        for name in (FILES[(style, bold)], FILES[("sans", bold)], FILES[("sans", False)]):
            if (p := Path(folder) / name).is_file():
                return p
    return None


def available() -> bool:
    """Is a CJK font installed?"""
    return _path("sans", False) is not None


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False, serif: bool = False) -> ImageFont.FreeTypeFont:
    path = _path("serif" if serif else "sans", bold)
    if path is None:
        raise NoFont("no CJK font found (Debian: apt-get install fonts-noto-cjk; scripts/setup.sh does it)")
    # the basic layout: Chinese needs no shaping, and it measures text several times faster than raqm
    return ImageFont.truetype(str(path), size, index=SC_FACE, layout_engine=ImageFont.Layout.BASIC)


def width(f: ImageFont.FreeTypeFont, text: str) -> float:
    """Text width in px, from per-character widths measured once per font (hundreds of names share few characters)."""
    cache = _widths.setdefault(id(f), {})
    total = 0.0
    for ch in text:
        w = cache.get(ch)
        if w is None:
            w = cache[ch] = f.getlength(ch)
        total += w
    return total


_widths: dict[int, dict[str, float]] = {}


def printable(text: str, limit: int = 24) -> str:
    """A member's name as the font can draw it: symbols, emoji and control characters dropped, cut at `limit`."""
    kept = "".join(ch for ch in text if ord(ch) < 0x10000 and unicodedata.category(ch)[0] not in "CS")
    kept = " ".join(kept.split())
    return kept if len(kept) <= limit else kept[:limit - 1] + "…"
