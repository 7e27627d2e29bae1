"""The advisor's day: their commands are answered privately, a member's private question reaches them and their
/reply gets back to the member, the survey lets a member stop or ask, and the group goes on after graduation."""
from __future__ import annotations

import yaml

from bot.core.events import Message
from bot.transport.wechaty_inbound import split_quote
from harness import ADVISOR, PLAYBOOK, ROOM, Chat, local

TOLD = "收到你的问题啦～老师看到后会回复你 🙏"


def dm(chat, who, text, name=None):
    """A private (1:1) message to the bot."""
    return chat.say(who, text, name=name, room=None)


def to(outs, contact):
    return [o.text for o in outs if o.room is None and o.to == contact]


def in_room(outs, room=ROOM):
    return [o.text for o in outs if o.room == room]


def cohort(chat):
    """张三 and 李四 in a course that began today (the group is 「理财1期」)."""
    chat.start_course("zs", "ls")
    chat.store.members.upsert(ROOM, "zs", "张三", chat.clock.now())
    chat.store.members.upsert(ROOM, "ls", "李四", chat.clock.now())


# -- 1. an advisor's command is answered privately --------------------------------------------------
def test_help_in_the_group_goes_to_the_advisor_privately(chat):
    chat.start_course("alice")
    chat.say(ADVISOR, "/help")
    (out,) = chat.said_out()
    assert out.room is None and out.to == ADVISOR
    assert out.text.startswith("【理财1期】导师指令：") and "/reply @成员 回复内容" in out.text


def test_status_usage_errors_and_unknown_commands_are_private_but_the_tally_is_for_the_class(chat):
    chat.start_course("alice")
    chat.say(ADVISOR, "/status")
    chat.say(ADVISOR, "/say")
    chat.say(ADVISOR, "/nonsense")
    outs = chat.said_out()
    assert in_room(outs) == []
    status, usage, unknown = to(outs, ADVISOR)
    assert status.startswith("【理财1期】📋 理财1期：上课中") and "发送：队列" in status
    assert usage == "【理财1期】缺少要发送的内容。 用法：/say 要发的内容"
    assert unknown == "【理财1期】未知指令 /nonsense，发送 /help 查看可用指令。"

    chat.say(ADVISOR, "/tally")
    chat.say(ADVISOR, "/say 今晚8点直播，记得来～")
    outs = chat.said_out()
    assert to(outs, ADVISOR) == []
    tally, said = in_room(outs)
    assert tally.startswith("📊 第1天打卡统计：0/1 人") and said == "今晚8点直播，记得来～"


def test_a_command_whose_reply_is_for_the_class_answers_in_the_group(chat):
    chat.start_course("alice")
    chat.say("alice", "打卡")
    chat.advance(minutes=5)
    chat.said()
    chat.say(ADVISOR, "/remind")
    assert [(o.room, o.text) for o in chat.said_out()] == [(ROOM, "@adv 第1天大家都打卡了 👍")]


def test_a_member_who_tries_a_command_is_still_answered_in_the_group(chat):
    chat.start_course("alice")
    chat.say("alice", "/status")
    assert [(o.room, o.text) for o in chat.said_out()] == [(ROOM, "@alice 这个指令只有导师可以使用哦～")]


# -- 2. a member's question reaches a person ---------------------------------------------------------
def test_a_private_question_is_relayed_with_name_and_cohort_and_the_member_is_told_once(chat):
    cohort(chat)
    dm(chat, "zs", "定投亏了要不要卖", name="张三")
    outs = chat.said_out()
    (relayed,) = to(outs, ADVISOR)
    assert relayed.startswith("【问题】张三（理财1期）：定投亏了要不要卖")
    assert to(outs, "zs") == [TOLD]

    chat.advance(hours=1)
    dm(chat, "zs", "那现在还能继续投吗？", name="张三")
    outs = chat.said_out()
    assert to(outs, ADVISOR)[0].startswith("【问题】张三（理财1期）：那现在还能继续投吗？")
    assert to(outs, "zs") == []  # told an hour ago: not again

    chat.advance(hours=4)
    dm(chat, "zs", "基金和股票有什么区别？", name="张三")
    assert to(chat.said_out(), "zs") == [TOLD]  # hours later: told again


def test_the_advisor_answers_with_reply_and_the_member_gets_it_privately(chat):
    cohort(chat)
    dm(chat, "zs", "定投亏了要不要卖", name="张三")
    chat.said()
    chat.say(ADVISOR, "/reply @张三 别急着卖，定投要看长期", room=None)
    outs = chat.said_out()
    assert to(outs, "zs") == ["💬 老师回复：别急着卖，定投要看长期"]
    assert to(outs, ADVISOR) == ["已私聊回复 张三：别急着卖，定投要看长期"]
    assert chat.store.conn.execute("SELECT answered_by FROM relay_questions WHERE contact = 'zs'").fetchall() == [(ADVISOR,)]


def test_reply_finds_the_member_by_contact_id_and_names_the_candidates_when_a_name_is_shared(chat):
    cohort(chat)
    dm(chat, "zs", "定投亏了要不要卖", name="张三")
    dm(chat, "zs2", "怎么开户？", name="张三")
    chat.said()
    chat.say(ADVISOR, "/reply 张三 先看第2天的课", room=None)
    (usage,) = chat.said()
    assert usage.startswith("有2位提问的人叫「张三」：张三（理财1期，zs）、张三（未入群，zs2）")
    assert usage.endswith("用法：/reply @成员 回复内容")
    chat.say(ADVISOR, "/reply zs2 先看第2天的课", room=None)
    assert to(chat.said_out(), "zs2") == ["💬 老师回复：先看第2天的课"]
    chat.say(ADVISOR, "/reply @李四 第3天的课讲了", room=None)  # a member who never asked, by name
    assert to(chat.said_out(), "ls") == ["💬 老师回复：第3天的课讲了"]
    chat.say(ADVISOR, "/reply @王五 你好", room=None)
    assert chat.said() == ["找不到成员「@王五」。 用法：/reply @成员 回复内容"]


def test_an_answer_reaches_a_member_who_opted_out_of_marketing(chat):
    cohort(chat)
    dm(chat, "zs", "退订", name="张三")
    dm(chat, "zs", "退订了还能上课吗？", name="张三")
    outs = chat.said_out()
    assert to(outs, ADVISOR)[0].startswith("【问题】张三（理财1期）：退订了还能上课吗？")
    chat.say(ADVISOR, "/reply zs 可以，课程照常", room=None)
    assert to(chat.said_out(), "zs") == ["💬 老师回复：可以，课程照常"]  # an answer, not marketing


def test_opt_out_and_coupon_words_keep_priority_and_small_talk_is_not_relayed(chat):
    cohort(chat)
    for text in ("退订", "领券", "谢谢老师", "你好在吗"):
        dm(chat, "zs", text, name="张三")
    assert [t for t in to(chat.said_out(), ADVISOR) if t.startswith("【问题】")] == []


def relay_playbook(tmp_path) -> str:
    data = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    data["relay"]["advisors_room"] = "advisors@chatroom"
    path = tmp_path / "relay.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_questions_go_to_the_advisors_group_and_a_quoted_reply_is_delivered(tmp_path):
    chat = Chat(tmp_path / "bot.db", local("2026-11-30 10:00"), playbook=relay_playbook(tmp_path))
    cohort(chat)
    dm(chat, "zs", "定投亏了要不要卖", name="张三")
    outs = chat.said_out()
    (relayed,) = in_room(outs, "advisors@chatroom")
    assert relayed.startswith("【问题】张三（理财1期）：定投亏了要不要卖") and to(outs, ADVISOR) == []

    # WeChat passes a quoted reply as 「quoted」, a dashed rule, the reply; the transport splits it
    reply, quote = split_quote(f"「理财助手：{relayed}」\n- - - - - - - - - - - - - - -\n拿住，别割肉")
    assert reply == "拿住，别割肉" and quote.endswith(relayed)
    chat.run(chat.runner.push(Message("q1", chat.clock.now(), "advisors@chatroom", ADVISOR, "导师", reply,
                                      topic="导师群", quote=quote)))
    outs = chat.said_out()
    assert to(outs, "zs") == ["💬 老师回复：拿住，别割肉"]
    assert to(outs, ADVISOR) == ["【导师群】已私聊回复 张三：拿住，别割肉"]

    chat.say(ADVISOR, "随便聊聊", room="advisors@chatroom")  # not a quote: nothing happens
    assert chat.said() == []


def test_a_relayed_question_survives_a_restart_and_is_not_told_twice(chat):
    cohort(chat)
    dm(chat, "zs", "定投亏了要不要卖", name="张三")
    chat.said()
    chat.restart()
    dm(chat, "zs", "那要补仓吗？", name="张三")
    assert to(chat.said_out(), "zs") == []
    assert chat.store.conn.execute("SELECT COUNT(*) FROM relay_questions").fetchone() == (2,)


# -- the survey: 取消 / 退出, and a real question relayed ----------------------------------------------
def test_the_survey_ends_politely_on_cancel_and_picks_up_again(chat):
    dm(chat, "alice", "问卷")
    dm(chat, "alice", "1")
    chat.said()
    dm(chat, "alice", "取消")
    assert chat.said() == ["好的，问卷先不填了，不会再问你啦～想继续时回复「问卷」就行 🙏"]
    dm(chat, "alice", "2")
    assert chat.said() == []  # no longer asking
    dm(chat, "alice", "问卷")
    (resumed,) = chat.said()
    assert resumed.startswith("我们继续～\n（2/4）希望多久收到一次优惠活动？")
    assert "survey_cancelled" in chat.store.funnel.stages("alice")


def test_退出_also_ends_the_survey(chat):
    dm(chat, "alice", "问卷")
    chat.said()
    dm(chat, "alice", "退出")
    assert chat.said() == ["好的，问卷先不填了，不会再问你啦～想继续时回复「问卷」就行 🙏"]


def test_a_real_question_during_the_survey_is_relayed_not_met_with_not_understood(chat):
    dm(chat, "alice", "问卷")
    chat.said()
    dm(chat, "alice", "这个券什么时候能用？")
    outs = chat.said_out()
    assert to(outs, ADVISOR)[0].startswith("【问题】alice（未入群）：这个券什么时候能用？")
    assert to(outs, "alice") == [TOLD]
    dm(chat, "alice", "随便")  # not an answer, not a question: the survey re-asks as before
    assert chat.said()[0].startswith("没看懂「随便」")


# -- 3. after graduation -----------------------------------------------------------------------------
def graduated(chat):
    chat.start_course("alice", "bob")
    chat.say("alice", "打卡")
    chat.until("2026-12-02 09:30")
    chat.say("alice", "打卡")
    chat.say("bob", "打卡")
    chat.until("2026-12-07 20:31")
    assert chat.group().state == "graduation"
    chat.said()


def test_next_moves_a_graduating_group_to_alumni(chat):
    graduated(chat)
    chat.say(ADVISOR, "/next")
    outs = chat.said_out()
    assert chat.group().state == "alumni"
    assert any(t.startswith("🌱 本群将继续保留为校友群") for t in in_room(outs))
    assert to(outs, ADVISOR) == ["【理财1期】已进入「校友群」。"]
    chat.say(ADVISOR, "/next")
    assert chat.said() == ["【理财1期】当前状态是「校友群」，不能进入下一天，什么也没有改变。"]


def test_alumni_status_tells_days_since_graduation_and_the_next_alumni_post(chat):
    graduated(chat)
    chat.until("2026-12-09 12:00")
    assert chat.group().state == "alumni"
    chat.said()
    chat.say(ADVISOR, "/status")
    (status,) = chat.said()
    assert "毕业 2 天 · 毕业典礼 2026-12-07" in status
    assert "下一条定时消息：12月10日（周四）20:00" in status  # alumni post on day 10, from the calendar
    assert "第7天" not in status
    assert "课程中打过卡 2 人" in status and "今日打卡" not in status  # alice and bob; nobody checks in after the course


def test_tally_in_the_alumni_group_sums_up_the_whole_course(chat):
    graduated(chat)
    chat.until("2026-12-08 10:01")
    chat.said()
    chat.say(ADVISOR, "/tally")
    (summary,) = in_room(chat.said_out())
    assert summary.startswith("📊 全程打卡总结（共7天，2人）：\n第1天 1人 · 第2天 2人 · 第3天 0人")
    assert "平均打卡率 21%" in summary and "1. alice ✅2天" in summary and "2. bob ✅1天" in summary
    chat.say(ADVISOR, "/tally 2")
    assert in_room(chat.said_out())[0].startswith("📊 第2天打卡统计：2/2 人")


def test_a_name_two_members_share_gets_the_candidates(chat):
    cohort(chat)
    chat.store.members.upsert(ROOM, "w1", "小王", chat.clock.now())
    chat.store.members.upsert(ROOM, "w2", "小王", chat.clock.now())
    chat.say(ADVISOR, "/reply 小王 你好", room=None)
    assert chat.said() == ["有2位成员叫「小王」：小王（理财1期，w1）、小王（理财1期，w2），请改用微信号。 用法：/reply @成员 回复内容"]


def test_text_that_quotes_nothing_is_kept_whole():
    assert split_quote("「不是引用」的普通消息") == ("「不是引用」的普通消息", "")
    assert split_quote("你好") == ("你好", "")


def test_a_relayed_question_is_forgotten_after_the_retention_period(chat):
    dm(chat, "zs", "我家里欠了二十万，定投还要继续吗？", name="张三")
    chat.said()

    def kept():
        return chat.store.conn.execute("SELECT text FROM relay_questions").fetchall()

    chat.until("2027-02-27 12:00")  # 89 days on: still kept
    assert kept() == [("我家里欠了二十万，定投还要继续吗？",)]
    chat.until("2027-03-01 00:01")  # past 90 days (privacy.retention_days): the night's purge empties it
    assert kept() == [("",)]


def test_the_relayed_question_says_how_to_answer_by_id_when_the_name_is_shared(chat):
    cohort(chat)
    dm(chat, "zs", "定投亏了要不要卖", name="张三")
    dm(chat, "zs2", "怎么开户？", name="张三")
    first, second = [t for t in chat.said() if t.startswith("【问题】")]
    assert first.endswith("（#1 回复：/reply @张三 内容）")
    assert second.endswith("（#2 回复：/reply zs2 内容）")
