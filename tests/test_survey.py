"""问卷调研: a member fills in the survey in a private chat, one question at a time; answers are kept across
interruptions and restarts, steer how often they hear about offers, and earn the coupon pack once."""
from __future__ import annotations

import json

import pytest

from bot import marketing
from harness import ROOM

DONE = "感谢填写！送你满减券包：满1万减400、满5万减1600，已记在你的名下 🎉"


def dm(chat, who, text, **kw):
    """A private (1:1) message to the bot."""
    return chat.say(who, text, room=None, **kw)


def answers(chat, who):
    return dict(chat.store.conn.execute("SELECT question, answer FROM survey_answers WHERE contact = ?", (who,)))


def survey_row(chat, who):
    return chat.store.conn.execute("SELECT state, question, completed_at FROM surveys WHERE contact = ?", (who,)).fetchone()


def claims(chat, who):
    return sorted(chat.store.conn.execute("SELECT coupon, by FROM coupon_claims WHERE member = ?", (who,)))


def fill_in(chat, who, *replies):
    """Start the survey and give each reply in turn; returns everything the bot said."""
    dm(chat, who, "问卷")
    for r in replies:
        dm(chat, who, r)
    return chat.said()


def test_a_member_fills_in_the_whole_survey(chat):
    dm(chat, "alice", "问卷")
    (first,) = chat.said()
    assert "一共4题" in first and "（1/4）你对哪些金融服务感兴趣" in first and "1. 基金理财" in first
    dm(chat, "alice", "1 3")
    (second,) = chat.said()
    assert second.startswith("（2/4）希望多久收到一次优惠活动？") and "3. 不需要" in second
    dm(chat, "alice", "2")
    assert chat.said()[0].startswith("（3/4）更喜欢哪种沟通方式？")
    dm(chat, "alice", "微信")
    assert chat.said()[0].startswith("（4/4）还想学什么内容？")
    dm(chat, "alice", "想学怎么挑基金")
    assert chat.said() == [DONE]
    assert answers(chat, "alice") == {"interest": json.dumps(["基金理财", "保险保障"], ensure_ascii=False),
                                      "frequency": "每月一次", "channel": "微信", "wish": "想学怎么挑基金"}
    assert survey_row(chat, "alice")[:2] == ("done", 4)
    assert claims(chat, "alice") == [("c1600", "survey"), ("c400", "survey")]
    assert chat.store.funnel.stages("alice") == ["survey_started", "survey_completed"]


def test_every_question_is_asked_and_answered_privately(chat):
    chat.join("alice")
    fill_in(chat, "alice", "1", "1", "1")
    dm(chat, "alice", "随便")
    outs = chat.said_out()
    assert outs and all(o.room is None and o.to == "alice" for o in outs)


@pytest.mark.parametrize("reply, stored", [
    ("1 3", ["基金理财", "保险保障"]), ("1,3", ["基金理财", "保险保障"]), ("3、1", ["基金理财", "保险保障"]),
    ("１，２", ["基金理财", "银行存款"]), ("13", ["基金理财", "保险保障"]), ("基金理财 消费分期", ["基金理财", "消费分期"]),
    ("保险保障", ["保险保障"]), ("2 2", ["银行存款"]),
])
def test_multiple_choice_accepts_numbers_and_option_texts(chat, reply, stored):
    fill_in(chat, "alice", reply)
    assert json.loads(answers(chat, "alice")["interest"]) == stored


@pytest.mark.parametrize("reply, stored", [("3", "不需要"), ("不需要", "不需要"), ("1.", "每周一次"), ("每月一次！", "每月一次")])
def test_single_choice_accepts_a_number_or_the_option_text(chat, reply, stored):
    fill_in(chat, "alice", "1", reply)
    assert answers(chat, "alice")["frequency"] == stored


@pytest.mark.parametrize("question, replies", [
    ("interest", ["5"]), ("interest", ["1 9"]), ("interest", ["股票"]), ("interest", ["0"]),
    ("frequency", ["1", "4"]), ("frequency", ["1", "1 2"]), ("frequency", ["1", "天天"]), ("channel", ["1", "1", "邮件"]),
])
def test_a_bad_answer_gets_a_helpful_re_ask_of_the_same_question(chat, question, replies):
    said = fill_in(chat, "alice", *replies)
    re_ask = said[-1]
    assert re_ask.startswith(f"没看懂「{replies[-1]}」")
    assert "请回复一个序号" in re_ask or "可以多选" in re_ask
    current = {"interest": "（1/4）", "frequency": "（2/4）", "channel": "（3/4）"}[question]
    assert current in re_ask
    assert question not in answers(chat, "alice")
    assert survey_row(chat, "alice")[:2] == ("asking", len(replies) - 1)


def test_after_a_bad_answer_a_good_one_moves_on(chat):
    said = fill_in(chat, "alice", "1", "随便吧", "2")
    assert "1-3" in said[-2] and "每周一次、每月一次、不需要" in said[-2]  # names the valid choices
    assert said[-1].startswith("（3/4）")


def test_a_picture_instead_of_an_answer_is_asked_again(chat):
    dm(chat, "alice", "问卷")
    chat.said()
    dm(chat, "alice", "[图片]", kind="image")
    (re_ask,) = chat.said()
    assert re_ask.startswith("没看懂这条消息") and "（1/4）" in re_ask


def test_free_text_accepts_anything_said(chat):
    fill_in(chat, "alice", "1", "1", "2", "😀")
    assert answers(chat, "alice")["wish"] == "😀"
    assert survey_row(chat, "alice")[0] == "done"


def test_the_survey_survives_a_restart_in_the_middle(chat):
    fill_in(chat, "alice", "2", "1")
    chat.restart()
    dm(chat, "alice", "电话")
    (next_q,) = chat.said()
    assert next_q.startswith("（4/4）")
    chat.restart()
    dm(chat, "alice", "养老规划")
    assert chat.said() == [DONE]
    assert answers(chat, "alice") == {"interest": '["银行存款"]', "frequency": "每周一次", "channel": "电话", "wish": "养老规划"}


def test_an_interrupted_member_can_say_the_keyword_to_see_the_question_again(chat):
    fill_in(chat, "alice", "1")
    dm(chat, "alice", "问卷")
    (again,) = chat.said()
    assert again.startswith("我们继续") and "（2/4）" in again
    assert survey_row(chat, "alice")[:2] == ("asking", 1)


def test_the_survey_is_completed_once_and_rewarded_once(chat):
    fill_in(chat, "alice", "1", "1", "1", "没有了")
    dm(chat, "alice", "问卷")
    (reply,) = chat.said()
    assert "已经填过问卷" in reply
    dm(chat, "alice", "2")
    assert chat.said() == []
    assert claims(chat, "alice") == [("c1600", "survey"), ("c400", "survey")]
    assert chat.store.funnel.stages("alice").count("survey_completed") == 1


def test_private_chat_that_is_not_the_survey_is_left_alone(chat):
    dm(chat, "alice", "你好，请问什么时候开课？")
    dm(chat, "alice", "1")
    assert chat.said() == []
    assert survey_row(chat, "alice") is None


def test_not_wanting_offers_means_no_private_offers_at_all(chat):
    ctx = chat.engine.context(chat.clock.now(), None)
    fill_in(chat, "alice", "1", "不需要", "2", "无")
    assert chat.store.funnel.contact("alice")["offer_frequency"] == "不需要"
    assert chat.store.funnel.contact("alice")["channel"] == "电话"
    assert not marketing.may_push_private(ctx, "alice")


def test_a_weekly_frequency_caps_private_offers_at_one_a_week(chat):
    fill_in(chat, "alice", "1", "每周一次", "1", "无")
    ctx = chat.engine.context(chat.clock.now(), None)
    with chat.store.tx():
        assert marketing.push_private(ctx, "alice", "🔥 优惠", "offer")
        assert not marketing.push_private(ctx, "alice", "🔥 又一个优惠", "offer")


def test_the_advisor_invites_the_group_privately_and_is_told_how_many(chat):
    chat.join("alice", "bob", "carol")
    fill_in(chat, "carol", "1", "1", "1", "无")
    chat.say("adv", "/问卷")
    outs = chat.said_out()
    invites = [o.to for o in outs if o.room is None and o.to != "adv"]
    assert invites == ["alice", "bob"]
    assert all(o.text == "🎁 花1分钟填个小问卷，送你一份理财券包！回复「问卷」开始" for o in outs if o.to in invites)
    (told,) = [o.text for o in outs if o.to == "adv"]  # the advisor is told privately
    assert "已私聊邀请 2 人" in told and "跳过 0 人" in told and "1 人之前已邀请或已填写" in told
    assert survey_row(chat, "alice")[0] == "invited"

    chat.say("adv", "/survey")  # again: nobody is invited twice
    outs = chat.said_out()
    assert [o.to for o in outs if o.room is None and o.to != "adv"] == []
    dm(chat, "alice", "问卷")
    assert chat.said()[0].startswith("好的，一共4题")


def test_an_invited_member_who_answers_something_else_is_left_alone(chat):
    chat.join("alice")
    chat.say("adv", "/survey")
    chat.said()
    dm(chat, "alice", "谢谢")
    assert chat.said() == []
    assert survey_row(chat, "alice")[0] == "invited"


def test_survey_invitations_respect_the_members_frequency_cap(chat):
    chat.join("alice", "bob")
    ctx = chat.engine.context(chat.clock.now(), None)
    with chat.store.tx():
        chat.store.funnel.ensure_contact("bob", "bob", "group", ctx.now)
        for _ in range(3):  # the playbook's default: 3 private pushes a week
            marketing.push_private(ctx, "bob", "🔥 优惠", "offer")
    chat.said()
    chat.say("adv", "/survey")
    outs = chat.said_out()
    assert [o.to for o in outs if o.room is None and o.to != "adv"] == ["alice"]
    assert any("跳过 1 人" in o.text for o in outs if o.to == "adv")


def test_a_member_cannot_send_the_survey_command(chat):
    chat.join("alice", "bob")
    chat.say("alice", "/survey")
    assert chat.said() == ["@alice 这个指令只有导师可以使用哦～"]
    assert survey_row(chat, "bob") is None


def test_opting_out_in_the_middle_pauses_the_survey_until_asked_again(chat):
    fill_in(chat, "alice", "1")
    dm(chat, "alice", "退订")
    assert chat.said()[0].startswith("已为你退订")
    assert "frequency" not in answers(chat, "alice")  # 退订 is not an answer
    dm(chat, "alice", "好的")
    assert chat.said() == []
    dm(chat, "alice", "问卷")
    assert "（2/4）" in chat.said()[0]
    dm(chat, "alice", "3")
    assert chat.said()[0].startswith("（3/4）")


def test_expired_coupons_are_not_handed_out_and_the_member_is_told(chat):
    chat.advance(days=32)  # 2027-01-01: the playbook's coupons expired on 2026-12-31
    said = fill_in(chat, "alice", "1", "1", "1", "无")
    assert said[-1] == "感谢填写！不过券包里的券已经过期，没能发放，抱歉 🙏"
    assert claims(chat, "alice") == []
    assert survey_row(chat, "alice")[0] == "done"


def test_the_report_counts_a_survey_as_started_only_once_the_member_answers(chat, tmp_path):
    from bot import report
    chat.start_course("alice", "bob")
    chat.say("adv", "/survey")
    chat.say("alice", "问卷", room=None)
    chat.said()
    funnel = report.build(chat.store)["groups"][0]["funnel"]
    assert (funnel["survey_started"], funnel["survey_completed"]) == (1, 0)  # bob was only invited
