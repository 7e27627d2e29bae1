"""Honest dates: a text names a date through a calendar placeholder, rendered from the group's calendar when it is
sent ({weekday:周四} the next Thursday, {course_day:3} the date of course day 3, {today}); `check` refuses a literal
date or weekday, which is true for one start date and false for most others."""
from __future__ import annotations

from datetime import date

import pytest
import yaml

from bot.playbook import PlaybookError, load_playbook
from bot.playbook.dates import calendar_vars, literal_dates
from harness import ADVISOR, PLAYBOOK, ROOM, TZ, Chat, local


def playbook(tmp_path, mutate) -> str:
    data = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "pb.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def alumni_posts(*texts: str):
    def mutate(d):
        d["alumni"]["posts"] = [{"day": 10 + i, "time": "20:00", "text": t} for i, t in enumerate(texts)]
    return mutate


def test_the_shipped_alumni_post_names_the_real_next_thursday(tmp_path):
    chat = Chat(tmp_path / "bot.db", local("2026-11-30 10:00"))
    chat.join("alice")
    chat.say(ADVISOR, "/start 2026-12-03")  # day 1 is a Thursday, so day 10 (12-12) is a Saturday
    chat.until("2026-12-12 19:59")
    chat.said()
    chat.until("2026-12-12 20:01")
    assert chat.said() == ["📚 校友福利：12月17日（周四）晚8点直播答疑「基金定投的常见误区」，欢迎来听～"]


def test_a_course_day_and_today_are_rendered_from_the_groups_calendar(tmp_path):
    path = playbook(tmp_path, alumni_posts("第3天是{course_day:3}，今天是{today}，然后是{weekday:星期一}和{weekday:礼拜天}"))
    chat = Chat(tmp_path / "bot.db", local("2026-11-30 10:00"), playbook=path)
    chat.join("alice")
    chat.say(ADVISOR, "/start 2026-12-02")
    chat.until("2026-12-11 20:01")
    assert chat.said()[-1] == "第3天是12月4日（周五），今天是12月11日（周五），然后是12月14日（周一）和12月13日（周日）"
    assert chat.group().room == ROOM


def test_placeholders_render_on_the_day_of_sending():
    values = calendar_vars(local("2026-11-26 23:30"), TZ, date(2026, 12, 1))
    assert "{weekday:周四}".format(**values) == "11月26日（周四）"  # today is a Thursday: today
    assert "{weekday:4}|{weekday:周五}".format(**values) == "11月26日（周四）|11月27日（周五）"
    assert "{course_day:0}|{course_day:7}".format(**values) == "11月30日（周一）|12月7日（周一）"
    assert "{course_day:3}".format(**calendar_vars(local("2026-11-26 23:30"), TZ, None)) == "第3天"  # no group


@pytest.mark.parametrize("text, claim", [
    ("本周四晚8点直播", "周四"), ("星期四见", "星期四"), ("礼拜天休息", "礼拜天"), ("11月26日开课", "11月26日"),
    ("11/26 开课", "11/26"), ("截止11/26晚上", "11/26"), ("开课日2026-12-03", "2026-12-03"), ("2026年12月3日", "2026年12月3日"), ("2026-12-03 直播", "2026-12-03"),
])
def test_check_refuses_a_literal_date_or_weekday_naming_file_and_field(tmp_path, text, claim):
    path = playbook(tmp_path, alumni_posts(text))
    with pytest.raises(PlaybookError) as err:
        load_playbook(path)
    assert f"{path}: alumni.posts[0].text: 不能直接写日期或星期「{claim}」" in str(err.value)
    assert "{weekday:周四}" in str(err.value)  # and says what to write instead


@pytest.mark.parametrize("text", ["每周一次复盘", "一周的学习", "今日已打卡 {count}/{members} 人", "https://x.cn/a/1/2", "{weekday:周四}",
                                  "第{day}天", "周末愉快"])
def test_what_is_not_a_literal_date(text):
    assert literal_dates(text) == []


def test_a_literal_date_is_refused_in_every_text_not_only_alumni(tmp_path):
    path = playbook(tmp_path, lambda d: d["checkin"].update(reminder="⏰ 周五前记得打卡"))
    with pytest.raises(PlaybookError, match=r"checkin.reminder: 不能直接写日期或星期「周五」"):
        load_playbook(path)


@pytest.mark.parametrize("text, problem", [("{weekday:周八}", "需要一个星期几"), ("{course_day:三}", "需要课程第几天的数字"),
                                           ("{today:x}", "{today} 不带参数")])
def test_a_placeholder_that_names_no_date_is_refused(tmp_path, text, problem):
    path = playbook(tmp_path, alumni_posts(text))
    with pytest.raises(PlaybookError) as err:
        load_playbook(path)
    assert "alumni.posts[0].text" in str(err.value) and problem in str(err.value)


def test_an_offers_deadline_date_is_still_checked_against_its_own_deadline(tmp_path):
    true = playbook(tmp_path, lambda d: d["offers"]["items"][0].update(
        template="🔥 {title} 12月31日 23:59截止，剩余{seats_left}个名额", deadline="2026-12-31T23:59+08:00"))
    assert load_playbook(true).section("offers").items[0].template.startswith("🔥")
    weekday = playbook(tmp_path, lambda d: d["offers"]["items"][0].update(template="🔥 {title} 周五截止"))
    with pytest.raises(PlaybookError, match=r"offers.items\[0\].template: 不能直接写日期或星期「周五」"):
        load_playbook(weekday)
