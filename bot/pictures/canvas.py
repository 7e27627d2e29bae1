"""Drawing helpers shared by the pictures: a phone-sized canvas, centred and wrapped CJK text, flames and PNG bytes."""
from __future__ import annotations

import io

from PIL import Image, ImageDraw

from bot.pictures.fonts import font, width as measure

WIDTH = 1080  # phone screens are ~1080 px wide: text drawn at this size stays legible without zooming
INK, MUTED, PAPER = (38, 38, 48), (120, 120, 132), (255, 250, 243)
RED, ORANGE, GOLD = (214, 69, 52), (245, 130, 32), (196, 150, 60)


def new(height: int, color=PAPER) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGB", (WIDTH, height), color)
    return img, ImageDraw.Draw(img)


def centred(draw: ImageDraw.ImageDraw, y: int, text: str, size: int, fill=INK, bold: bool = False,
            serif: bool = False, x: int = WIDTH // 2, max_width: int = WIDTH - 120) -> int:
    """Draw text centred on x at top y, shrunk until it fits max_width; returns the y below it."""
    f = fitted(draw, text, size, max_width, bold, serif)
    draw.text((x, y), text, font=f, fill=fill, anchor="ma")
    return y + int(f.size * 1.35)


def fitted(draw, text: str, size: int, max_width: int, bold: bool = False, serif: bool = False):
    f = font(size, bold, serif)
    while size > 16 and draw.textlength(text, font=f) > max_width:
        size -= 2
        f = font(size, bold, serif)
    return f


def wrap(draw, words: list[str], f, width: int, sep: str = "  ") -> list[str]:
    """Words (names) laid into lines no wider than width, never split inside a word."""
    gap = measure(f, sep)
    lines, line, used = [], "", 0.0
    for w in words:
        size = measure(f, w)  # widths add up: each word is measured once (hundreds of names)
        if line and used + gap + size > width:
            lines.append(line)
            line, used = w, size
        else:
            line, used = (f"{line}{sep}{w}", used + gap + size) if line else (w, size)
    if line:
        lines.append(line)
    return lines


def flame(draw: ImageDraw.ImageDraw, x: int, y: int, h: int) -> None:
    """A streak flame h px tall with its top-left corner at (x, y) (colour emoji are not in the CJK font)."""
    w = int(h * 0.72)
    draw.ellipse((x, y + h * 0.35, x + w, y + h), fill=ORANGE)
    draw.polygon([(x + 1, y + h * 0.62), (x + w * 0.45, y), (x + w * 0.62, y + h * 0.3), (x + w * 0.8, y + h * 0.18),
                  (x + w - 1, y + h * 0.62)], fill=ORANGE)
    draw.ellipse((x + w * 0.25, y + h * 0.58, x + w * 0.75, y + h * 0.98), fill=(255, 206, 84))


def png(img: Image.Image, palette: Image.Image | None = None) -> bytes:
    """PNG bytes; flat-coloured cards are reduced to a palette, which keeps them far under 300 KB. With `palette` (the
    card's own colours, see palette_of) each pixel is looked up in it, several times cheaper than finding a palette."""
    buf = io.BytesIO()
    reduced = (img.quantize(palette=palette, dither=Image.Dither.NONE) if palette is not None else palette_of(img))
    reduced.save(buf, "PNG", compress_level=1)
    return buf.getvalue()


def palette_of(img: Image.Image) -> Image.Image:
    """The 64 colours that draw `img` (its flat colours and the anti-aliased edges between them), as a palette image:
    found once from a sample of a card whose colours never change, it serves every card drawn alike."""
    return img.quantize(colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)


def lay(draw, names: list[str], f, width: int, max_lines: int, sep: str = "  ") -> list[str]:
    """Names laid into at most max_lines lines; when they do not all fit, the last line ends '等 N 位'."""
    lines = wrap(draw, names, f, width, sep)
    if len(lines) <= max_lines:
        return lines
    gap = measure(f, sep)
    tail = gap + measure(f, f"等 {len(names)} 位")
    out, line, used, wide = [], "", 0, 0.0
    for i, name in enumerate(names):
        size = measure(f, name)
        last = len(out) == max_lines - 1
        if line and wide + gap + size + (tail if last else 0) > width:
            if last:
                break
            out.append(line)
            line, wide = name, size
        else:
            line, wide = (f"{line}{sep}{name}", wide + gap + size) if line else (name, size)
        used = i + 1
    out.append(f"{line}{sep}等 {len(names) - used} 位" if line else f"等 {len(names) - used} 位")
    return out
