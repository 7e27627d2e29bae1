"""防骚扰: spam (ads, links, contact details, cards) from a member is warned once in the group, the advisors are told
privately, and it is never counted by another ritual; a repeat removes the member (the bot is a group admin) or asks
the advisors to. Course links, screenshots and ordinary chat with numbers are never flagged."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
import yaml

from bot.playbook import PlaybookError, load_playbook
from harness import ADVISOR, PLAYBOOK, ROOM, Chat, local
from rituals.moderation.rules import Rules, quote
from rituals.moderation.section import Moderation

SPAM = "打卡！加我微信 abc123 带你日赚500"  # says 打卡: it must not count as a check-in


def bot_with(tmp_path, **moderation) -> Chat:
    data = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    data["moderation"].update(moderation)
    path = tmp_path / "pb.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return Chat(tmp_path / "mod.db", local("2026-11-30 10:00"), playbook=path)


def newcomer(chat, member="spammer", minutes=2, name="理财小助手"):
    """A member joins the course group, and speaks `minutes` later."""
    chat.join(member, names={member: name})
    chat.advance(minutes=minutes)
    chat.said()


def outcome(chat, speaker):
    """(what the advisors were told privately, the group messages @-mentioning the speaker, removals)."""
    chat.advance(minutes=2)
    outs = chat.said_out()
    return ([o.text for o in outs if o.to == ADVISOR and o.action == "say"],
            [o.text for o in outs if o.room and speaker in o.mentions],
            [(o.room, o.to) for o in outs if o.action == "remove"])


def checkins(chat):
    return {m for (m,) in chat.store.conn.execute("SELECT member FROM checkins WHERE room = ?", (ROOM,))}


def decisions(chat, member=None):
    sql = "SELECT room, member, msg_id, rule, detail, action, actor, ts FROM moderation_decisions"
    rows = chat.store.conn.execute(sql + (" WHERE member = ?" if member else "") + " ORDER BY id",
                                   (member,) if member else ()).fetchall()
    return rows


def actions(chat, member):
    return [row[5] for row in decisions(chat, member)]


# -- first offence, repeat, removal -----------------------------------------------------------
def test_a_spammer_who_just_joined_is_warned_once_the_advisors_are_told_and_it_is_no_check_in(chat):
    chat.start_course("alice", "bob")
    newcomer(chat)
    msg_id = chat.say("spammer", SPAM, name="理财小助手")
    told, warned, removed = outcome(chat, "spammer")
    assert warned == ["@理财小助手 请勿在学习群发布广告、链接或联系方式，再次发布将被移出本群。如有误会请私信小金老师。"]
    (notice,) = told
    assert "群：理财1期" in notice and "成员：理财小助手" in notice and "关键词「加我微信」" in notice
    assert f"内容：{SPAM}" in notice and removed == []
    assert checkins(chat) == set()  # the message went no further than moderation
    ((room, member, mid, rule, detail, action, actor, ts),) = decisions(chat)
    assert (room, member, mid, rule, detail, action, actor) == (ROOM, "spammer", msg_id, "keyword", "加我微信", "warned", None)
    assert ts.startswith("2026-12-01T01:03")

    chat.say("alice", "打卡")  # the check-in ritual still works for everyone else
    chat.advance(minutes=2)
    assert checkins(chat) == {"alice"}


def test_a_repeat_removes_the_member_through_the_outbox_when_the_bot_is_a_group_admin(tmp_path):
    chat = bot_with(tmp_path, can_remove=True)
    chat.start_course("alice")
    newcomer(chat)
    chat.say("spammer", SPAM, name="理财小助手")
    outcome(chat, "spammer")
    chat.say("spammer", "还是那句话：vx abc123", name="理财小助手")
    told, warned, removed = outcome(chat, "spammer")
    assert warned == [] and removed == [(ROOM, "spammer")]  # no second warning: removed
    assert "已移出群聊" in told[0] and "原因：留联系方式（微信号）" in told[0]
    assert chat.transport.sent[-3].out.action == "remove"  # the removal went out first, then the notices
    group_notices = [s.out.text for s in chat.transport.sent if s.out.room == ROOM and s.out.action == "say"]
    assert group_notices[-1].startswith("🚫 已将发布广告的成员移出本群")
    chat.say("spammer", "最后一次 加我微信 abc123", name="理财小助手")  # still in flight before the removal landed
    assert outcome(chat, "spammer") == ([], [], [])  # after removal, nothing more
    assert actions(chat, "spammer") == ["warned", "removed", "ignored"]
    assert checkins(chat) == set()


def test_a_repeat_asks_the_advisors_when_the_bot_cannot_remove_anyone(chat):
    assert chat.pb.section("moderation").can_remove is False
    chat.start_course("alice")
    newcomer(chat)
    chat.say("spammer", SPAM, name="理财小助手")
    outcome(chat, "spammer")
    chat.say("spammer", "https://t.cn/A6xYz 免费领取理财资料", name="理财小助手")
    told, warned, removed = outcome(chat, "spammer")
    assert warned == [] and removed == []
    (ask,) = told
    assert "请手动将其移出群聊" in ask and "新成员发外部链接 t.cn" in ask and "/unmute @理财小助手" in ask
    for text in ("加我微信 abc123", SPAM):  # asked once: the advisors are not flooded
        chat.say("spammer", text, name="理财小助手")
        assert outcome(chat, "spammer") == ([], [], [])
    assert actions(chat, "spammer") == ["warned", "asked_advisors", "ignored", "ignored"]


def test_every_advisor_is_told_privately(tmp_path):
    chat = Chat(tmp_path / "two.db", local("2026-11-30 10:00"), advisors=(ADVISOR, "adv2"))
    chat.start_course("alice")
    newcomer(chat)
    chat.say("spammer", SPAM)
    chat.advance(minutes=2)
    private = sorted(o.to for o in chat.said_out() if o.room is None)
    assert private == [ADVISOR, "adv2"]


def test_strikes_survive_a_restart(chat):
    chat.start_course("alice")
    newcomer(chat)
    chat.say("spammer", SPAM)
    outcome(chat, "spammer")
    chat.restart()
    chat.say("spammer", "加我微信 abc123")
    told, warned, _ = outcome(chat, "spammer")
    assert warned == [] and "请手动将其移出群聊" in told[0]  # not warned a second time
    assert actions(chat, "spammer") == ["warned", "asked_advisors"]


def test_a_removed_member_who_comes_back_is_removed_at_the_first_spam_without_a_new_warning(tmp_path):
    chat = bot_with(tmp_path, can_remove=True)
    chat.start_course("alice")
    newcomer(chat)
    for text in (SPAM, "加我微信 abc123"):
        chat.say("spammer", text)
        outcome(chat, "spammer")
    chat.leave("spammer")
    newcomer(chat)  # invited back by someone
    chat.say("spammer", "大家好")
    assert outcome(chat, "spammer") == ([], [], [])
    chat.say("spammer", "私聊我，带你赚")
    told, warned, removed = outcome(chat, "spammer")
    assert warned == [] and removed == [(ROOM, "spammer")]
    assert actions(chat, "spammer") == ["warned", "removed", "removed"]


def test_an_advisor_is_never_flagged(chat):
    chat.start_course("alice")
    chat.say(ADVISOR, "有问题加我微信 teacher888，或者扫码进答疑群 https://other.example.org/qr")
    chat.advance(minutes=2)
    assert [o for o in chat.said_out() if o.to == ADVISOR] == []
    assert decisions(chat) == []


def test_a_backlog_spam_message_is_recorded_and_kept_from_the_others_but_nobody_is_told(chat):
    chat.start_course("alice")
    newcomer(chat)
    chat.say("spammer", SPAM, at=chat.clock.now() - timedelta(hours=1))  # received on login, sent long ago
    assert outcome(chat, "spammer") == ([], [], [])
    assert actions(chat, "spammer") == ["stale"] and checkins(chat) == set()
    chat.say("spammer", SPAM)  # a backlog message is no strike: this is the first warning
    assert outcome(chat, "spammer")[1]


# -- never a false alarm on the course ---------------------------------------------------------
def test_the_courses_practice_links_are_allowed_by_default_even_from_a_new_member(tmp_path):
    chat = bot_with(tmp_path, allow_links=[])  # only the days' task links
    links = [d.task.link for d in chat.pb.days]
    chat.start_course("alice")
    newcomer(chat, "newbie", minutes=5, name="新同学")
    chat.say("newbie", f"实操完成 {links[0]}")
    chat.say("alice", f"第二天的练习是这个吗 {links[1].replace('https://', '')}?from=timeline")
    chat.say("alice", f"{links[0]}", kind="url")  # the page shared as a link card
    chat.advance(minutes=2)
    outs = chat.said_out()
    assert [o for o in outs if o.to == ADVISOR] == [] and decisions(chat) == []
    practice = chat.store.conn.execute("SELECT member FROM practice WHERE room = ?", (ROOM,)).fetchall()
    assert practice == [("newbie",)]  # and it counted
    chat.say("newbie", "https://example.com/promo/free 免费领取")  # the same site, not a course page
    assert outcome(chat, "newbie")[1]


def test_screenshots_during_the_course_are_never_flagged(chat):
    chat.start_course("alice", "bob")
    chat.until("2026-12-01 12:30")  # the day's task is posted
    chat.said()
    for member in ("alice", "bob", "alice"):
        chat.say(member, "[图片]", kind="image")
    chat.advance(minutes=2)
    outs = chat.said_out()
    assert [o for o in outs if o.to == ADVISOR] == [] and decisions(chat) == []
    assert any(t.startswith("📝 实操已完成") for t in (o.text for o in outs))


def test_a_new_members_first_image_is_shown_to_the_advisors_without_a_warning_and_still_counts(chat):
    chat.start_course("alice")
    chat.until("2026-12-01 12:30")
    newcomer(chat, "late", minutes=3, name="晚到的同学")
    chat.say("late", "[图片]", name="晚到的同学", kind="image")
    told, warned, removed = outcome(chat, "late")
    assert warned == [] and removed == [] and len(told) == 1 and "晚到的同学" in told[0] and "二维码" in told[0]
    chat.say("late", "[图片]", name="晚到的同学", kind="image")
    assert outcome(chat, "late") == ([], [], [])  # told once
    assert actions(chat, "late") == ["notified"]
    practice = chat.store.conn.execute("SELECT member FROM practice WHERE room = ?", (ROOM,)).fetchall()
    assert practice == [("late",)]


def test_an_image_from_a_new_member_who_has_already_spoken_is_nothing(chat):
    chat.start_course("alice")
    newcomer(chat, "late", minutes=1)
    chat.say("late", "大家好，我是新来的")
    chat.say("late", "[图片]", kind="image")
    assert outcome(chat, "late") == ([], [], []) and decisions(chat) == []


@pytest.mark.parametrize("text", [
    "我定投了500元", "基金161725怎么样", "今天收益+1.35%，持仓12000", "第3天打卡✅", "沪深300ETF 510300 和 159919 选哪个",
    "我手机尾号5678的卡能绑定吗", "年化3.5%的理财靠谱吗？", "2026-12-01 定投计划：每月1000", "余额宝和微信零钱通哪个好",
    "老师说的免费领取资料在哪里？", "支付宝扫码买基金安全吗", "信用卡返利怎么算", "我是做兼职会计的", "13000000000元是多少亿",
    "v1.2 版本的 app 更新了", "微信支付也可以买基金吗",
])
def test_ordinary_chat_with_numbers_and_everyday_words_is_never_flagged(chat, text):
    chat.start_course("alice")
    chat.say("alice", text)
    assert outcome(chat, "alice")[:2] == ([], [])
    assert decisions(chat) == []


def test_a_link_from_a_member_who_is_not_new_is_ordinary_sharing_unless_spam_words_come_with_it(chat):
    chat.start_course("alice", "bob")
    chat.say("alice", "这篇讲定投的文章不错 https://mp.weixin.qq.com/s/AbC123")
    assert outcome(chat, "alice") == ([], [], [])
    chat.say("bob", "信用卡返利活动 https://fanli.example.net/r/9")
    told, warned, _ = outcome(chat, "bob")
    assert warned and "外部链接 fanli.example.net「返利」" in told[0]


def test_a_link_from_a_new_member_is_spam(chat):
    chat.start_course("alice")
    newcomer(chat, minutes=30)
    chat.say("spammer", "这篇讲定投的文章不错 https://mp.weixin.qq.com/s/AbC123")
    assert outcome(chat, "spammer")[1]


def test_a_member_is_new_only_for_the_window(chat):
    chat.start_course("alice")
    newcomer(chat, "newbie", minutes=61)
    chat.say("newbie", "这篇讲定投的文章不错 https://mp.weixin.qq.com/s/AbC123")
    assert outcome(chat, "newbie") == ([], [], [])


def test_members_there_when_the_course_was_bound_are_not_new_even_after_a_restart_and_a_roster(chat):
    chat.start_course("alice")
    chat.restart()
    chat.join("alice")  # the transport's roster on login repeats everyone
    chat.say("alice", "看看这个 https://fund.eastmoney.com/161725.html")
    assert outcome(chat, "alice") == ([], [], [])


@pytest.mark.parametrize("kind, text, rule", [
    ("mini_program", "帮我砍一刀", "card"), ("contact", "王老师", "card"), ("url", "免费课程", "card"),
    ("url", "免费课程 https://x.example.top/a", "link"),
])
def test_cards_from_a_new_member_are_spam(chat, kind, text, rule):
    chat.start_course("alice")
    newcomer(chat)
    chat.say("spammer", text, kind=kind)
    told, warned, _ = outcome(chat, "spammer")
    assert warned and told and decisions(chat)[0][3] == rule


def test_cards_from_a_member_who_is_not_new_need_a_spam_word(chat):
    chat.start_course("alice", "bob")
    chat.say("alice", "定投计算器", kind="mini_program")
    assert outcome(chat, "alice") == ([], [], [])
    chat.say("bob", "拼多多 帮我砍一刀", kind="mini_program")
    told, warned, _ = outcome(chat, "bob")
    assert warned and "小程序「砍一刀」" in told[0]


# -- advisors' commands ------------------------------------------------------------------------
def test_allow_trusts_a_member_in_this_group_and_only_an_advisor_may(chat):
    chat.start_course("alice", "bob")
    chat.say("bob", "/allow @alice")
    assert chat.said() == ["@bob 这个指令只有导师可以使用哦～"]
    chat.say(ADVISOR, "/allow @alice")
    (reply,) = chat.said_out()
    assert reply.to == ADVISOR and reply.text == "【理财1期】已将 alice 设为本群信任成员，之后不再检查其消息。"
    chat.say("alice", "我们的读书会 https://club.example.org 欢迎加我微信 alice2026")
    assert outcome(chat, "alice") == ([], [], [])
    assert [(r[1], r[3], r[5], r[6]) for r in decisions(chat)] == [("alice", "command", "allowed", ADVISOR)]


def test_unmute_clears_strikes_and_only_an_advisor_may(chat):
    chat.start_course("alice")
    newcomer(chat)
    chat.say("spammer", SPAM, name="理财小助手")
    outcome(chat, "spammer")
    chat.say("spammer", "/unmute @理财小助手", name="理财小助手")
    assert chat.said() == ["@理财小助手 这个指令只有导师可以使用哦～"]
    chat.say(ADVISOR, "/unmute @理财小助手")
    assert chat.said() == ["【理财1期】已清除 理财小助手 在本群的违规记录，之后再发广告会重新从提醒开始。"]
    chat.say("spammer", SPAM, name="理财小助手")
    told, warned, _ = outcome(chat, "spammer")
    assert warned and "已在群里提醒一次" in told[0]  # a fresh start: warned, not reported
    assert actions(chat, "spammer") == ["warned", "unmuted", "warned"]


def test_commands_find_a_member_by_mention_and_a_removed_member_by_name(tmp_path):
    chat = bot_with(tmp_path, can_remove=True)
    chat.start_course("alice")
    newcomer(chat)
    for text in (SPAM, SPAM + "!"):
        chat.say("spammer", text, name="理财小助手")
        outcome(chat, "spammer")
    chat.leave("spammer")  # the removal landed
    chat.say(ADVISOR, "/unmute 理财小助手")
    assert chat.said() == ["【理财1期】已清除 理财小助手 在本群的违规记录，之后再发广告会重新从提醒开始。"]


@pytest.mark.parametrize("args, reply", [
    ("", "请 @ 一位成员。 用法：/allow @成员"),
    ("@不存在的人", "找不到成员「@不存在的人」。 用法：/allow @成员"),
])
def test_a_bad_argument_gets_the_usage_line(chat, args, reply):
    chat.start_course("alice")
    chat.say(ADVISOR, f"/allow {args}".strip())
    assert chat.said() == [f"【理财1期】{reply}"]
    assert decisions(chat) == []


def test_two_members_with_the_same_name_must_be_told_apart(chat):
    chat.join("u1", "u2", names={"u1": "小王", "u2": "小王"})
    chat.start_course("alice")
    chat.say(ADVISOR, "/allow 小王")
    assert "群里有2位成员叫「小王」" in chat.said()[0]


# -- the rules themselves -----------------------------------------------------------------------
def rules(**over):
    return Rules(Moderation(**over), ["https://example.com/course/day1"])


def test_untrusted_text_is_judged_in_linear_time():
    r = rules()
    nasty = ["微信" + "a" * 1998, "1" * 2000, "a." * 1000, "wx:" * 666, "https://" + "a." * 996, "邀请码" * 666,
             "q" * 1000 + "q1" * 500, "-".join(["138"] * 500), "。".join(["a"] * 1000)]
    for text in nasty:
        start = time.perf_counter()
        r.judge(text, "text", True)
        assert time.perf_counter() - start < 0.05, text[:20]


def test_full_width_and_spaced_out_spam_is_still_spam():
    r = rules()
    assert r.judge("ＷＸ：ａｂｃ１２３", "text", False).rule == "contact"
    assert r.judge("加 我 微 信", "text", False).rule == "keyword"
    assert r.judge("加\u200b我微信", "text", False).rule == "keyword"
    assert r.judge("网址 www。abc-stock。com 返利", "text", False).rule == "link"


def test_allow_links_are_domains_or_address_prefixes():
    r = rules(allow_links=["course.example.cn", "https://example.org/study/"])
    allowed = r.allowed
    assert "https://www.course.example.cn/x" in allowed and "m.course.example.cn" in allowed
    assert "https://example.org/study/day3?x=1" in allowed and "https://example.org/study" in allowed
    assert "https://example.org/studyhall" not in allowed and "https://evilcourse.example.cn.top/" not in allowed
    assert "https://example.com/course/day1#top" in allowed and "https://example.com/course/day10" not in allowed


def test_the_quote_is_one_bounded_line():
    assert quote("第一行\n第二行", "text") == "第一行 第二行"
    assert len(quote("广告" * 500, "text")) == 100
    assert quote("砍一刀", "mini_program") == "[小程序] 砍一刀"


def test_the_section_is_checked_by_the_loader(tmp_path):
    data = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    data["moderation"]["warning"] = "请勿发广告 {link}"
    data["moderation"]["new_member_kinds"] = ["url", "voice"]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlaybookError) as err:
        load_playbook(path)
    assert "moderation.new_member_kinds[1]" in str(err.value)
    data["moderation"]["new_member_kinds"] = ["url"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlaybookError, match=r"moderation.warning: 未知的占位符 \{link\}"):
        load_playbook(path)


def test_a_playbook_without_the_section_gets_the_defaults(tmp_path):
    data = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    del data["moderation"]
    path = tmp_path / "none.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_playbook(path).section("moderation") == Moderation()


# --- held aside: written before the ritual, never tuned against (see the report for its result) -----------------
# (who, minutes since joining or None for a member since before the course, kind, text, expected)
HELD_ASIDE = [
    ("new", 3, "text", "进群的朋友福利：免费领取股票实战课，点击 https://dwz.cn/Xk93Lp", "warn"),
    ("old", None, "text", "需要做兼职的宝妈学生看过来，每天一小时日结，联系vx：hq20231", "warn"),
    ("old", None, "text", "有想学炒股的可以加企鹅群 587246931", "warn"),
    ("new", 10, "mini_program", "拼多多 帮我砍一刀，谢谢大家", "warn"),
    ("old", None, "text", "网贷逾期、信用卡代还，电话 159 2233 4455", "warn"),
    ("new", 1, "url", "年化20%稳健理财 点击了解 https://licai-vip.top/a?id=9", "warn"),
    ("old", None, "text", "注册就送88元，填我的邀请码 K8M2QZ 就能领", "warn"),
    ("old", None, "text", "内部消息，明天必涨停的牛股，私聊我拿代码", "warn"),
    ("new", 5, "contact", "张老师", "warn"),
    ("old", None, "text", "ＷＸ：ｌｉｃａｉ８８８", "warn"),
    ("old", None, "text", "今天买了500块的沪深300，定投第3期了", "pass"),
    ("old", None, "text", "基金代码110011和161725哪个好？", "pass"),
    ("old", None, "text", "我的年化收益才2.35%，是不是太低了", "pass"),
    ("old", None, "text", "老师，余额宝和微信零钱通有什么区别？", "pass"),
    ("old", None, "text", "这是我看的那篇文章 https://zhuanlan.zhihu.com/p/12345 讲基金定投的", "pass"),
    ("new", 8, "text", "大家好！刚进群，我是上海的小王，请多关照", "pass"),
    ("new", 4, "text", "请问老师，群里说的免费资料包在哪里领取？", "pass"),
    ("old", None, "image", "[图片]", "pass"),
    ("old", None, "text", "第2天的作业做完了 https://example.com/course/day2", "pass"),
    ("old", None, "text", "我手机号换了，以后用新的登记吗？", "pass"),
    ("old", None, "text", "支付宝扫码买基金和在银行app买有区别吗", "pass"),
    ("old", None, "text", "20261201 打卡✅", "pass"),
    ("new", 15, "text", "https://example.com/course/day1 这个链接打不开怎么办", "pass"),
    ("old", None, "text", "信用卡积分返利划算吗？", "pass"),
    ("old", None, "text", "我记得客服电话是95588", "pass"),
]


@pytest.mark.parametrize("who, minutes, kind, text, expected", HELD_ASIDE)
def test_held_aside_examples(chat, who, minutes, kind, text, expected):
    chat.start_course("alice", "bob")
    speaker = "bob"
    if who == "new":
        speaker = "newbie"
        chat.join("newbie")
        chat.advance(minutes=minutes)
        chat.said()
    chat.say(speaker, text, kind=kind)
    chat.advance(minutes=2)
    outs = chat.said_out()
    told = [o for o in outs if o.to == ADVISOR]
    warned = [o for o in outs if o.room and speaker in o.mentions]
    outcome = "warn" if told and warned else "pass" if not told and not warned else f"told={len(told)} warned={len(warned)}"
    assert outcome == expected


def test_the_report_counts_the_groups_moderation_decisions(chat):
    """report --json gives each group's decisions under "moderation"; the human report shows a 防骚扰 line."""
    from bot.reporting import report

    chat.start_course("alice")
    chat.join("spammer")
    chat.say("spammer", "加我微信 abc123 带你日赚500")
    chat.said()
    data = report.build(chat.store, chat.pb.course.days, chat.pb.chosen)
    (group,) = data["groups"]
    assert group["moderation"]["warned"] == 1
    assert "防骚扰 警告 1" in report.render(data)
