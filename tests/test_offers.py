"""高价课 offers with real numbers: the advisor creates and pushes an offer, enrolments take seats for real,
countdowns come once as the deadline nears, and the offer closes (and says so) when seats or time run out.
A template that claims a scarcity or deadline that is not true never loads, and is never sent."""
from __future__ import annotations

import pytest
import yaml

from bot.playbook import PlaybookError, load_playbook
from harness import PLAYBOOK, ROOM, Chat, local

VIP = "/offer vip 进阶课 999 0.18 2026-12-03T20:00+08:00 20 https://x.y/z"
VIP_TEXT = "🔥 进阶课：原价999元，限时1.8折，12月3日 20:00截止，剩余{}个名额 👉 https://x.y/z"


def about(chat, word="进阶课"):
    """What the bot said since the last look that mentions the offer (lessons and tallies left out)."""
    return [t for t in chat.said() if word in t]


def offer_row(chat, offer_id="vip"):
    return chat.store.conn.execute("SELECT seats, closed_at, close_reason FROM offers WHERE id = ?", (offer_id,)).fetchone()


def playbook_with(tmp_path, **offer):
    data = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    data["offers"]["items"][0].update(offer)
    path = tmp_path / "offers.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("template, claim", [
    ("🔥 {title} 最后10个名额，{deadline}截止 👉 {link}", "最后10个名额"),
    ("🔥 {title} 仅剩10个！{link}", "仅剩10个"),
    ("🔥 {title} 还剩十个名额 {link}", "还剩十个名额"),
    ("🔥 {title} 12月25日截止，剩余{seats_left}个名额", "12月25日截止"),
    ("🔥 {title} 今晚截止！{link}", "今晚截止"),
])
def test_a_false_scarcity_or_deadline_claim_fails_validation(tmp_path, template, claim):
    path = playbook_with(tmp_path, template=template)  # the offer has 30 seats, ends 2026-12-31 23:59
    with pytest.raises(PlaybookError) as err:
        load_playbook(path)
    message = str(err.value)
    assert message.startswith(str(path)) and "offers.items[0].template" in message and f"「{claim}」" in message


def test_a_true_literal_claim_loads_but_is_refused_once_it_is_no_longer_true(tmp_path):
    chat = Chat(tmp_path / "bot.db", local("2026-11-30 10:00"), playbook=playbook_with(tmp_path, template="🔥 {title} 仅剩30个名额 👉 {link}"))
    chat.join("alice", "bob")
    chat.say("adv", "/push advanced")
    assert chat.said() == ["🔥 基金投资进阶训练营 仅剩30个名额 👉 https://example.com/course/advanced"]

    chat.say("adv", "/enrolled @alice advanced")
    chat.said()
    chat.say("adv", "/push advanced")
    [refused] = chat.said()
    assert refused.startswith("【理财1期】文案里的「仅剩30个名额」不属实（实际剩余29个名额，12月31日 23:59截止），没有发送。")


def test_the_offer_is_rendered_from_live_data(chat):
    chat.start_course("alice", "bob", "carol")
    chat.say("adv", VIP)
    assert chat.said() == ["【理财1期】已创建优惠「vip」，用 /push vip 推送：\n" + VIP_TEXT.format(20)]
    chat.say("adv", "/推送 vip")
    assert chat.said() == [VIP_TEXT.format(20)]
    assert chat.store.funnel.with_stage("offer_shown") == {"alice", "bob", "carol"}


def test_the_playbook_offer_is_loaded_once(chat):
    chat.join("alice")
    chat.say("adv", "/offers")
    listing = ["【理财1期】advanced「基金投资进阶训练营」进行中 · 剩余30/30 · 12月31日 23:59截止 · 推送过0个群"]
    assert chat.said() == listing
    chat.restart()
    chat.say("adv", "/offers")
    assert chat.said() == listing
    assert chat.store.conn.execute("SELECT COUNT(*) FROM offers").fetchone()[0] == 1
    chat.say("adv", "/offer advanced 别的课 1 0.5 2026-12-20T23:59+08:00 5 https://x.y/z")
    assert chat.said() == ["【理财1期】已经有优惠「advanced」了，没有改动。"]


@pytest.mark.parametrize("args, problem", [
    ("vip 进阶课 999 0.18 2026-12-20T23:59+08:00 20", "需要7项，收到6项。"),
    ("vip 进阶课 999 1.5 2026-12-20T23:59+08:00 20 https://x.y/z", "折扣要在0和1之间"),
    ("vip 进阶课 九百 0.18 2026-12-20T23:59+08:00 20 https://x.y/z", "价格「九百」或折扣「0.18」不是数字。"),
    ("vip 进阶课 999 0.18 2026-11-01T23:59+08:00 20 https://x.y/z", "截止时间 11月1日 23:59 已经过了。"),
    ("vip 进阶课 999 0.18 下周五 20 https://x.y/z", "截止「下周五」不是时间"),
    ("vip 进阶课 999 0.18 2026-12-20T23:59+08:00 很多 https://x.y/z", "名额「很多」要是1到100000的整数。"),
    ("vip 进阶课 999 0.18 2026-12-20T23:59+08:00 20 x.y/z", "链接「x.y/z」要以 http:// 或 https:// 开头。"),
])
def test_bad_offer_arguments_say_what_is_wrong(chat, args, problem):
    chat.join("alice")
    chat.say("adv", f"/offer {args}")
    [reply] = chat.said()
    assert problem in reply and reply.endswith("用法：/offer 编号 标题 价格 折扣 截止 名额 链接")
    assert offer_row(chat) is None


def test_seats_left_goes_down_with_each_enrolment(chat):
    chat.start_course("alice", "bob", "carol")
    chat.say("ming", "大家好", name="小明")
    chat.say("adv", VIP)
    chat.say("adv", "/enrolled @alice vip")
    chat.say("adv", "/报名 @小明\u2005vip")  # WeChat puts a quarter-em space after an @name
    chat.say("adv", "/enrolled @alice vip")
    chat.said()
    chat.say("adv", "/push vip")
    assert about(chat) == [VIP_TEXT.format(18)]
    members = {m for (m,) in chat.store.conn.execute("SELECT member FROM enrollments WHERE offer = 'vip'")}
    assert members == {"alice", "ming"}  # stored by contact id, not by name
    assert chat.store.funnel.with_stage("enrolled") == {"alice", "ming"}


def test_enrolment_replies(chat):
    chat.start_course("alice", "bob")
    chat.say("adv", VIP)
    chat.said()
    chat.say("adv", "/enrolled @alice vip")
    assert chat.said() == ["【理财1期】已记录 alice 报名「进阶课」，剩余 19/20 个名额。"]
    chat.say("adv", "/enrolled @alice vip")
    assert chat.said() == ["【理财1期】alice 已经报名过「进阶课」了，没有重复记录。"]
    chat.say("adv", "/enrolled @小红 vip")
    assert chat.said() == ["【理财1期】找不到成员「@小红」。 用法：/enrolled @成员 优惠编号"]
    chat.say("adv", "/push vip")
    chat.said()
    chat.say("adv", "/enrolled bob vip", room=None)  # in private, by contact id
    assert chat.said() == ["已记录 bob 报名「进阶课」，剩余 18/20 个名额。"]
    assert chat.store.conn.execute("SELECT room FROM enrollments WHERE member = 'bob'").fetchone() == (ROOM,)
    chat.say("adv", "/enrolled @bob nope")
    assert chat.said() == ["【理财1期】没有优惠「nope」（现有：vip、advanced）。 用法：/enrolled @成员 优惠编号"]


def test_two_members_with_the_same_name_must_be_told_apart_when_enrolling(chat):
    chat.join("u1", "u2", names={"u1": "小王", "u2": "小王"})
    chat.start_course("alice")
    chat.say("adv", VIP)
    chat.said()
    chat.say("adv", "/enrolled 小王 vip")
    assert chat.said() == ["【理财1期】群里有2位成员叫「小王」，请改用微信号。 用法：/enrolled @成员 优惠编号"]
    chat.say("adv", "/enrolled u2 vip")
    assert chat.said() == ["【理财1期】已记录 小王 报名「进阶课」，剩余 19/20 个名额。"]


def test_the_offer_closes_when_the_seats_run_out(chat):
    chat.start_course("alice", "bob", "carol")
    chat.say("adv", "/offer duo 小班课 499 0.5 2026-12-20T23:59+08:00 2 https://x.y/z")
    chat.say("adv", "/push duo")
    chat.said()
    chat.say("adv", "/enrolled @alice duo")
    assert chat.said() == ["【理财1期】已记录 alice 报名「小班课」，剩余 1/2 个名额。"]
    chat.say("adv", "/enrolled @bob duo")
    assert chat.said() == ["【理财1期】已记录 bob 报名「小班课」，剩余 0/2 个名额。名额已满，优惠已关闭。",
                           "📢「小班课」名额已满，本期报名结束，感谢大家的关注。"]
    assert offer_row(chat, "duo")[2] == "sold_out"

    chat.say("adv", "/enrolled @carol duo")
    assert chat.said() == ["【理财1期】「小班课」名额已满，不能再报名。"]
    chat.say("adv", "/push duo")
    assert chat.said() == ["【理财1期】「小班课」名额已满，不能再推送。"]
    chat.until("2026-12-02 10:00")
    assert about(chat, "小班课") == []  # said once
    assert chat.store.conn.execute("SELECT COUNT(*) FROM enrollments WHERE offer = 'duo'").fetchone()[0] == 2


def test_countdowns_come_once_then_the_offer_closes_at_the_deadline(chat):
    chat.start_course("alice", "bob")
    chat.say("adv", VIP)
    chat.say("adv", "/push vip")
    chat.say("adv", "/enrolled @alice vip")
    chat.said()

    chat.until("2026-12-02 19:59")
    assert about(chat) == []
    chat.until("2026-12-02 20:00")  # 24 hours before
    assert about(chat) == ["⏰「进阶课」距截止还有24小时（12月3日 20:00截止），剩余19个名额 👉 https://x.y/z"]
    chat.advance(minutes=30)
    chat.until("2026-12-03 17:59")
    assert about(chat) == []
    chat.until("2026-12-03 18:00")  # 2 hours before
    assert about(chat) == ["⏰「进阶课」距截止还有2小时（12月3日 20:00截止），剩余19个名额 👉 https://x.y/z"]
    chat.restart()
    chat.until("2026-12-03 19:59")
    assert about(chat) == []

    chat.until("2026-12-03 20:00")
    assert about(chat) == ["📢「进阶课」已截止，本期报名结束，感谢大家的关注。"]
    assert offer_row(chat)[2] == "deadline"
    chat.until("2026-12-04 10:00")
    assert about(chat) == []
    chat.say("adv", "/push vip")
    chat.say("adv", "/enrolled @bob vip")
    assert about(chat) == ["【理财1期】「进阶课」已截止，不能再推送。", "【理财1期】「进阶课」已截止，不能再报名。"]


def test_after_downtime_only_the_countdown_still_true_is_sent(chat):
    chat.join("alice", "bob")  # a room without a course: nothing else wakes the clock
    chat.say("adv", VIP)
    chat.say("adv", "/push vip")
    chat.said()
    chat.restart()
    chat.clock.set(local("2026-12-03 18:30"))  # the bot was down over the 24-hour mark
    chat.advance(seconds=1)
    assert chat.said() == ["⏰「进阶课」距截止还有1小时30分（12月3日 20:00截止），剩余20个名额 👉 https://x.y/z"]


def test_the_group_cap_holds_back_a_third_push_and_says_so(chat):
    chat.start_course("alice", "bob")
    chat.say("adv", VIP)
    chat.say("adv", "/push vip")
    chat.say("adv", "/coupon c400")
    chat.said()
    chat.say("adv", "/push advanced")
    assert chat.said() == ["【理财1期】本群今天的推广消息已达上限（每天2条），「基金投资进阶训练营」没有发送。"]
    chat.until("2026-12-02 10:00")
    chat.said()
    chat.say("adv", "/push advanced")
    [post] = chat.said()
    assert post.startswith("🔥 基金投资进阶训练营：原价999元，学员限时1.8折，12月31日 23:59截止，剩余30个名额")
