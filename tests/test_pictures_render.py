"""The pictures as pictures: each is a PNG 1080 px wide in portrait or square, at most 300 KB, really drawn (many
colours, text in place), for a dozen members and for 500; names the font cannot draw are cleaned."""
from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops

from bot import pictures
from bot.pictures.china import SHADES, draw_map, key
from bot.pictures.fonts import printable

NAMES = [f"{s}{g}" for s in "张王李赵刘陈杨黄周吴" for g in ("小明", "丽", "建国", "晓红", "子涵", "一鸣", "思雨", "浩", "婷婷", "欣怡")]
COUNTS = {"四川省": 40, "广东省": 80, "北京市": 20, "上海市": 35, "浙江省": 50, "新疆维吾尔自治区": 2, "内蒙古自治区": 5}


def opened(png: bytes) -> Image.Image:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(png) <= 300 * 1024
    img = Image.open(io.BytesIO(png))
    w, h = img.size
    assert w == 1080 and h >= w  # phone-friendly: portrait or square, full width
    assert len(img.convert("RGB").getcolors(1 << 16) or range(1 << 16)) > 8  # drawn, not a blank sheet
    return img


PICTURES = {
    "tally card": lambda n: pictures.tally_card(pictures.Tally(
        "7天小白理财实操课", 3, 7, "12月3日 周四", n // 2, n, [(name, 7 - i // 5) for i, name in enumerate((NAMES * 5)[:n])])),
    "hometown map": lambda n: pictures.hometown_map(pictures.Hometowns("7天小白理财实操课", COUNTS, n)),
    "class picture": lambda n: pictures.class_picture(pictures.ClassPicture(
        "7天小白理财实操课", "2026年12月1日 — 12月7日", (NAMES * 5)[:n], COUNTS, "私聊我「证书」领取")),
    "certificate": lambda n: pictures.certificate(pictures.Certificate(
        "张晓红", "7天小白理财实操课", "2026年12月1日至12月7日", 7, 5, "小金·专属理财导师", "2026年12月7日", "20261201-042")),
    "funnel chart": lambda n: pictures.funnel_chart(pictures.Funnel(
        "理财1期 转化漏斗", [("进群", n), ("打卡", n * 4 // 5), ("毕业", n * 3 // 5), ("报名", n // 10)])),
}


@pytest.mark.parametrize("members", [12, 500])
@pytest.mark.parametrize("name", list(PICTURES))
def test_each_picture_is_a_phone_sized_png_under_300_kb(name, members):
    opened(PICTURES[name](members))


def test_an_empty_day_still_draws_a_card_and_an_empty_map():
    opened(pictures.tally_card(pictures.Tally("课", 1, 7, "12月1日 周二", 0, 0, [])))
    opened(pictures.hometown_map(pictures.Hometowns("课", {}, 0)))
    opened(pictures.class_picture(pictures.ClassPicture("课", "—", [], {})))


def test_the_province_with_most_classmates_is_shaded_darkest_and_one_with_none_is_grey():
    img = draw_map({"广东": 80, "四川省": 4}, 1040, 760, labels=False)
    from bot.pictures.china import _layout  # the province centres the map was drawn with
    _, _, centres = _layout(1040, 760)
    colour = {p: img.getpixel((int(x / 2), int(y / 2)))[:3] for p, (x, y) in centres.items()}
    assert colour["广东省"] == SHADES[-1]
    assert colour["四川省"] in SHADES[:-1]
    assert colour["湖南省"] == (232, 232, 236)
    assert key("内蒙古自治区") == key("内蒙古") and key("四川省") == key("四川")


def test_names_the_font_cannot_draw_are_cleaned_and_cut():
    assert printable("小🐟🐟鱼\u202e\n") == "小鱼"
    assert printable("一二三四五六七八九十" * 3, 8) == "一二三四五六七…"
    opened(pictures.certificate(pictures.Certificate("😀😀", "课", "—", 0, 0, "小金", "—")))


def test_five_hundred_graduates_are_named_as_far_as_they_fit_then_counted():
    names = [f"同学{i:03d}" for i in range(500)]
    from PIL import ImageDraw
    from bot.pictures.canvas import lay
    from bot.pictures.fonts import font
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    lines = lay(draw, names, font(24), 960, 6)
    assert len(lines) == 6 and lines[-1].endswith(" 位")
    shown = sum(len(line.split("  ")) for line in lines) - 1  # the last part is '等 N 位'
    assert lines[-1].endswith(f"等 {500 - shown} 位")


def test_a_picture_is_queued_as_a_recipe_and_drawn_when_it_is_sent(tmp_path):
    card = tmp_path / "tally-3.png"
    day = pictures.Tally("课", 3, 7, "12月3日 周四", 2, 3, [("alice", 3)])
    assert pictures.plan(card, day) == str(card)
    assert not card.exists() and card.with_suffix(".json").is_file()  # queueing draws nothing
    assert pictures.ready(str(card))
    first = card.read_bytes()
    opened(first)
    assert pictures.ready(str(card)) and card.read_bytes() == first  # drawn once

    import os
    pictures.plan(card, pictures.Tally("课", 3, 7, "12月3日 周四", 3, 3, [("alice", 3), ("bob", 1)]))
    later = card.stat().st_mtime_ns + 1_000_000
    os.utime(card.with_suffix(".json"), ns=(later, later))
    assert pictures.ready(str(card)) and card.read_bytes() != first  # a newer recipe is drawn again


def test_a_broken_or_missing_recipe_is_not_ready_so_the_alt_text_goes(tmp_path):
    bad = tmp_path / "x.png"
    bad.with_suffix(".json").write_text('{"kind": "Tally", "data": {"course": "课"}}', encoding="utf-8")
    assert not pictures.ready(str(bad))
    assert not pictures.ready(str(tmp_path / "never.png"))


@pytest.mark.parametrize("card", [
    pictures.Tally("理财课", 6, 7, "12月6日 周日", 30, 30, [("王晓红", 6), ("李建国", 2)]),  # a full bar, two leaders
    pictures.Tally("理财课", 1, 7, "12月1日 周二", 0, 40, []),  # nobody yet
])
def test_a_tally_card_drawn_in_the_stored_palette_looks_like_one_given_its_own(card):
    from bot.pictures.canvas import palette_of
    from bot.pictures.cards import _tally
    drawn = _tally(card)  # the same card reduced to its own 64 colours, and to the palette every card shares
    own = palette_of(drawn).convert("RGB")
    shared = Image.open(io.BytesIO(pictures.tally_card(card))).convert("RGB")
    diff = ImageChops.difference(own, shared).convert("L").histogram()
    assert sum(diff[24:]) < drawn.width * drawn.height // 1000  # a few anti-aliased edge pixels at most
