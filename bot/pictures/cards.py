"""The pictures the bot posts: the day's tally card, the hometown map, the class graduation picture, a personal
certificate (结业证书) and the advisors' funnel chart. Each takes plain values (no database, no playbook) and returns
PNG bytes, 1080 px wide (portrait or square, legible on a phone)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

from PIL import Image, ImageDraw


from bot.pictures.canvas import (GOLD, INK, MUTED, ORANGE, RED, WIDTH, centred, fitted, flame, lay, new, palette_of,
                                 png)
from bot.pictures.china import draw_map, key, legend
from bot.pictures.fonts import font, printable


@dataclass(frozen=True)
class Tally:
    course: str
    day: int
    days: int
    date: str  # from the calendar: '12月3日 周四'
    count: int
    members: int
    leaders: list[tuple[str, int]] = field(default_factory=list)  # (name, streak days), best first: all of them
    top: int = 10  # how many the card lists (the rest are counted)


def tally_card(t: Tally) -> bytes:
    """The day's card: the day's number, the check-in rate as a bar, the streak leaderboard with flames."""
    return png(_tally(t), _tally_palette())


@lru_cache(maxsize=1)
def _tally_base() -> Image.Image:
    """What every tally card shows alike: the paper, the red band, the labels and the bar's track (copied, not drawn)."""
    img, d = new(1350)
    d.rectangle((0, 0, WIDTH, 300), fill=RED)
    d.text((60, 340), "今日打卡", font=font(36), fill=MUTED)
    d.rounded_rectangle((60, 550, WIDTH - 60, 586), 18, fill=(240, 226, 214))
    d.text((60, 615), "连续打卡榜", font=font(44, bold=True), fill=INK)
    return img


@lru_cache(maxsize=1)
def _tally_palette() -> Image.Image:
    """The tally card's colours, from a sample card showing every part of it (a full board, medals, flames, the bar)."""
    leaders = [(f"同学{i}", 12 - i) for i in range(12)]
    return palette_of(_tally(Tally("课程", 3, 7, "12月3日 周四", 5, 9, leaders)))


def _tally(t: Tally) -> Image.Image:
    img = _tally_base().copy()
    d = ImageDraw.Draw(img)
    d.text((60, 50), f"DAY {t.day}", font=font(40, bold=True), fill=(255, 225, 215))
    d.text((60, 100), f"第{t.day}天 打卡榜", font=fitted(d, f"第{t.day}天 打卡榜", 84, WIDTH - 120, bold=True), fill="white")
    d.text((60, 220), printable(f"{t.course} · {t.date}", 40), font=font(34), fill=(255, 225, 215))
    rate = t.count / t.members if t.members else 0.0
    d.text((60, 390), f"{t.count}", font=font(120, bold=True), fill=INK)
    w = d.textlength(f"{t.count}", font=font(120, bold=True))
    d.text((60 + w + 12, 460), f"/ {t.members} 人", font=font(44), fill=MUTED)
    d.text((WIDTH - 60, 390), f"{rate * 100:.0f}%", font=font(120, bold=True), fill=RED, anchor="ra")
    if rate > 0:
        d.rounded_rectangle((60, 550, 60 + max(36, int((WIDTH - 120) * min(rate, 1))), 586), 18, fill=ORANGE)
    y, rows = 680, t.leaders[:max(1, min(t.top, 10))]
    row_h = 58 if len(rows) > 8 else 66
    if not rows:
        d.text((60, y), "还没有人连续打卡，明天见！", font=font(38), fill=MUTED)
    for rank, (name, streak) in enumerate(rows, 1):
        medal = {1: (230, 180, 40), 2: (170, 170, 180), 3: (200, 130, 70)}.get(rank, (225, 215, 205))
        d.ellipse((60, y, 60 + 48, y + 48), fill=medal)
        d.text((84, y + 24), str(rank), font=font(28, bold=True), fill="white" if rank <= 3 else INK, anchor="mm")
        d.text((130, y + 24), printable(name, 14), font=font(38), fill=INK, anchor="lm")
        label = f"{streak}天"
        lw = d.textlength(label, font=font(38, bold=True))
        d.text((WIDTH - 60, y + 24), label, font=font(38, bold=True), fill=RED, anchor="rm")
        flame(d, int(WIDTH - 60 - lw - 44), y + 4, 40)
        y += row_h
    if len(t.leaders) > len(rows):
        d.text((WIDTH // 2, 1350 - 50), f"另有 {len(t.leaders) - len(rows)} 位同学在连续打卡中", font=font(30), fill=MUTED, anchor="mm")
    return img


@dataclass(frozen=True)
class Hometowns:
    course: str
    counts: dict[str, int]  # province -> classmates
    people: int  # classmates who answered


def hometown_map(h: Hometowns) -> bytes:
    """China with provinces shaded by classmates, the number in each, and the five biggest provinces listed."""
    img, d = new(1200)
    y = centred(d, 50, "我们来自五湖四海", 72, INK, bold=True)
    provinces = {key(p) for p, n in h.counts.items() if n and p}
    centred(d, y, printable(f"{h.course} · {h.people} 位同学 · {len(provinces)} 个省份", 40), 36, MUTED)
    china = draw_map(h.counts, WIDTH - 40, 760)
    img.paste(china, (20, 190))
    legend(d, 300, 965, max(h.counts.values(), default=0))
    top = sorted(((n, p) for p, n in h.counts.items() if n and p), reverse=True)[:5]
    line = "   ".join(f"{printable(p, 8).rstrip('省市')} {n}" for n, p in top) or "还没有同学说家乡，快来签到吧！"
    centred(d, 1035, line, 38, INK, bold=True)
    centred(d, 1110, "在群里说「我是XX人」就能点亮家乡", 30, MUTED)
    return png(img)


@dataclass(frozen=True)
class ClassPicture:
    course: str
    dates: str  # '2026年12月1日 — 12月7日'
    graduates: list[str]
    counts: dict[str, int]  # the class's hometowns (province -> classmates)
    note: str = ""  # a line at the foot: how graduates get their certificates


def class_picture(c: ClassPicture) -> bytes:
    """The graduation picture: the course, the number of graduates, their names, and the class's map."""
    img, d = new(1350)
    d.rectangle((0, 0, WIDTH, 250), fill=(40, 60, 110))
    centred(d, 40, "毕业快乐", 84, (255, 255, 255), bold=True)
    centred(d, 160, printable(f"{c.course} · {c.dates}", 44), 34, (210, 220, 240))
    y = centred(d, 280, f"{len(c.graduates)} 位同学顺利毕业", 56, RED, bold=True) + 10
    names = [printable(n, 10) for n in c.graduates]
    top, bottom = y, 860
    for size in (56, 48, 40, 36, 32, 28, 24):  # the largest size at which every name fits, else '等 N 位'
        f = font(size)
        lines = lay(d, names, f, WIDTH - 120, max(1, (bottom - top) // int(size * 1.45)))
        if not lines or not lines[-1].endswith(" 位"):
            break
    y = top + max(0, (bottom - top) - len(lines) * int(f.size * 1.45)) // 2  # the block centred in its space
    for line in lines:
        d.text((WIDTH // 2, y), line, font=f, fill=INK, anchor="ma")
        y += int(f.size * 1.45)
    china = draw_map(c.counts, 760, 380, labels=False)
    img.paste(china, ((WIDTH - 760) // 2, 880))
    if c.note:
        centred(d, 1280, c.note, 30, MUTED)
    return png(img)


@dataclass(frozen=True)
class Certificate:
    name: str
    course: str
    dates: str  # '2026年12月1日至12月7日'
    checkins: int
    tasks: int
    issuer: str  # who signs it (the persona)
    issued: str  # '2026年12月7日'
    number: str = ""  # certificate number


def certificate(c: Certificate) -> bytes:
    """结业证书: a framed certificate with the name, the course, its dates, days checked in and tasks done."""
    return png(_certificate(c), _certificate_palette())


@lru_cache(maxsize=1)
def _certificate_palette() -> Image.Image:
    """The certificate's colours, from a sample (every certificate is drawn in the same ones)."""
    return palette_of(_certificate(Certificate("张同学", "课程", "2026年12月1日至12月7日", 7, 5, "导师·理财导师", "2026年12月7日",
                                               "20261201-001")))


def _certificate(c: Certificate) -> Image.Image:
    img, d = new(1350, (253, 248, 235))
    d.rectangle((30, 30, WIDTH - 30, 1320), outline=GOLD, width=10)
    d.rectangle((52, 52, WIDTH - 52, 1298), outline=GOLD, width=3)
    centred(d, 130, "结业证书", 110, (150, 30, 30), bold=True, serif=True)
    centred(d, 280, "CERTIFICATE OF COMPLETION", 30, GOLD, serif=True)
    centred(d, 400, printable(c.name, 16), 80, INK, bold=True, serif=True)
    d.line((260, 510, WIDTH - 260, 510), fill=GOLD, width=3)
    y = 560
    for line in (f"于 {c.dates}", f"参加《{printable(c.course, 30)}》", "完成全部课程，准予结业。"):
        y = centred(d, y, line, 42, INK, serif=True) + 6
    y += 40
    for i, (n, label) in enumerate(((c.checkins, "天打卡"), (c.tasks, "次实操"))):
        cx = WIDTH // 2 + (-200 if i == 0 else 200)
        d.text((cx, y), str(n), font=font(110, bold=True, serif=True), fill=(150, 30, 30), anchor="ma")
        d.text((cx, y + 150), label, font=font(40, serif=True), fill=MUTED, anchor="ma")
    d.text((WIDTH - 140, 1110), printable(c.issuer, 20), font=font(40, serif=True), fill=INK, anchor="ra")
    d.text((WIDTH - 140, 1170), c.issued, font=font(34, serif=True), fill=MUTED, anchor="ra")
    seal(d, 260, 1120, 95, printable(c.issuer, 8))
    if c.number:
        d.text((WIDTH - 140, 1225), f"证书编号 {c.number}", font=font(26), fill=MUTED, anchor="ra")
    return img


def seal(d: ImageDraw.ImageDraw, cx: int, cy: int, r: int, text: str) -> None:
    """A round red seal with a star and the issuer's name."""
    red = (200, 40, 40)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=7)
    star = [(cx + (r * 0.34 if i % 2 == 0 else r * 0.14) * math.sin(math.pi * i / 5),
             cy - 12 - (r * 0.34 if i % 2 == 0 else r * 0.14) * math.cos(math.pi * i / 5)) for i in range(10)]
    d.polygon(star, fill=red)
    f = fitted(d, text, int(r * 0.3), int(r * 1.3), bold=True)
    d.text((cx, cy + r * 0.45), text, font=f, fill=red, anchor="mm")


@dataclass(frozen=True)
class Funnel:
    title: str
    stages: list[tuple[str, int]]  # (label, people), widest first


def funnel_chart(f: Funnel) -> bytes:
    """The cohort funnel for advisors: one centred bar per stage, its number and its share of the previous stage."""
    img, d = new(1080, (255, 255, 255))
    centred(d, 50, printable(f.title, 40), 56, INK, bold=True)
    top = max((n for _, n in f.stages), default=0) or 1
    rows = max(1, len(f.stages))
    row_h = min(150, (1000 - 180) // rows)
    y = 180
    prev = None
    for i, (label, n) in enumerate(f.stages):
        w = max(8, int((WIDTH - 360) * n / top))
        colour = RED if i == len(f.stages) - 1 else (70 + i * 18, 110 + i * 12, 180)
        d.rounded_rectangle((WIDTH // 2 + 90 - w // 2, y, WIDTH // 2 + 90 + w // 2, y + row_h - 30), 12, fill=colour)
        d.text((40, y + (row_h - 30) // 2), label, font=fitted(d, label, 34, 250), fill=INK, anchor="lm")
        share = f"  ({n / prev * 100:.0f}%)" if prev else ""
        mid = y + (row_h - 30) // 2
        if w > 240:
            d.text((WIDTH // 2 + 90, mid), f"{n}{share}", font=font(32, bold=True), fill="white", anchor="mm")
        else:
            d.text((WIDTH // 2 + 90 + w // 2 + 16, mid), f"{n}{share}", font=font(32, bold=True), fill=INK, anchor="lm")
        prev = n or None
        y += row_h
    return png(img)
