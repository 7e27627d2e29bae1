"""问卷调研: a member fills in the survey in a private chat, one question at a time; answers are kept across
interruptions and restarts, steer how often they hear about offers, and earn the coupon pack once."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from bot.delivery import marketing
from harness import PLAYBOOK, ROOM, ROOT

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
    assert answers(chat, "alice") == {"interest": json.dumps(["funds", "insurance"]),  # option ids, not wording
                                      "frequency": "monthly", "channel": "wechat", "wish": "想学怎么挑基金"}
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
    ("1 3", ["funds", "insurance"]), ("1,3", ["funds", "insurance"]), ("3、1", ["funds", "insurance"]),
    ("１，２", ["funds", "deposits"]), ("13", ["funds", "insurance"]), ("基金理财 消费分期", ["funds", "installments"]),
    ("保险保障", ["insurance"]), ("2 2", ["deposits"]),
])
def test_multiple_choice_accepts_numbers_and_option_texts(chat, reply, stored):
    fill_in(chat, "alice", reply)
    assert json.loads(answers(chat, "alice")["interest"]) == stored


@pytest.mark.parametrize("reply, stored", [("3", "never"), ("不需要", "never"), ("1.", "weekly"), ("每月一次！", "monthly")])
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
    assert answers(chat, "alice") == {"interest": '["deposits"]', "frequency": "weekly", "channel": "phone", "wish": "养老规划"}


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
    dm(chat, "alice", "你好，请问什么时候开课？")  # a question: for the advisors (rituals/relay), not the survey
    dm(chat, "alice", "1")
    assert [t.partition("：")[0] for t in chat.said()] == ["【问题】alice（未入群）", "收到你的问题啦～老师看到后会回复你 🙏"]
    assert survey_row(chat, "alice") is None


def test_not_wanting_offers_means_no_private_offers_at_all(chat):
    ctx = chat.engine.context(chat.clock.now(), None)
    fill_in(chat, "alice", "1", "不需要", "2", "无")
    assert chat.store.funnel.contact("alice")["offer_frequency"] == "never"
    assert chat.store.funnel.contact("alice")["channel"] == "phone"
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
    from bot.reporting import report
    chat.start_course("alice", "bob")
    chat.say("adv", "/survey")
    chat.say("alice", "问卷", room=None)
    chat.said()
    funnel = report.build(chat.store)["groups"][0]["funnel"]
    assert (funnel["survey_started"], funnel["survey_completed"]) == (1, 0)  # bob was only invited


# -- choices are kept by option id: the playbook may reword a label ----------------------------------------------

def playbook_with(tmp_path, mutate, name="survey.yaml"):
    data = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    mutate(data["survey"])
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def frequency(survey):
    return next(q for q in survey["questions"] if q["id"] == "frequency")


def pushes_allowed(chat, who, tries=3):
    ctx = chat.engine.context(chat.clock.now(), None)
    with chat.store.tx():
        return sum(marketing.push_private(ctx, who, f"🔥 优惠{i}", "offer") for i in range(tries))


def test_rewording_an_option_keeps_every_members_choice(chat, tmp_path):
    fill_in(chat, "alice", "1", "每周一次", "1", "无")
    fill_in(chat, "bob", "1", "不需要", "1", "无")

    def reword(survey):
        frequency(survey)["options"][0]["label"] = "一周一次就好"
        frequency(survey)["options"][2]["label"] = "暂时不用"
    chat.pb_path = playbook_with(tmp_path, reword)
    chat.restart()
    assert chat.store.funnel.contact("alice")["offer_frequency"] == "weekly"
    assert pushes_allowed(chat, "alice") == 1  # still once a week (the default would be 3)
    assert pushes_allowed(chat, "bob") == 0  # still none
    fill_in(chat, "carol", "1", "暂时不用", "1", "无")  # the new wording is what members choose by now
    assert answers(chat, "carol")["frequency"] == "never"


def test_the_playbook_sets_the_cap_of_each_option(chat, tmp_path):
    chat.pb_path = playbook_with(tmp_path, lambda s: frequency(s)["options"][0].update(pushes=2, days=7))
    chat.restart()
    fill_in(chat, "alice", "1", "每周一次", "1", "无")
    assert pushes_allowed(chat, "alice") == 2


def test_a_choice_stored_as_wording_by_an_older_version_is_still_honoured(chat):
    ctx = chat.engine.context(chat.clock.now(), None)
    with chat.store.tx():
        chat.store.funnel.ensure_contact("alice", "alice", "private", ctx.now)
        chat.store.funnel.set_preference("alice", "offer_frequency", "不需要")  # before options had ids
    assert pushes_allowed(chat, "alice") == 0


@pytest.mark.parametrize("mutate, field, problem", [
    (lambda s: frequency(s)["options"][0].update(id="每周"), "survey.questions[1].options[0].id", "should match pattern"),
    (lambda s: frequency(s)["options"][1].update(id="weekly"), "survey.questions[1]", "option ids must be unique"),
    (lambda s: frequency(s)["options"][2].pop("pushes"), "survey.questions[1]", "needs pushes and days for every option"),
    (lambda s: s["questions"][0]["options"][0].update(days=7), "survey.questions[0]", "only for the use: offer_frequency"),
    (lambda s: s["questions"][0].update(options=["基金理财", "银行存款"]), "survey.questions[0].options[0]",
     "valid dictionary"),
])
def test_a_bad_option_is_refused_by_check_naming_the_field(tmp_path, mutate, field, problem):
    path = playbook_with(tmp_path, mutate, "bad.yaml")
    res = subprocess.run([sys.executable, "main.py", "check", str(path)], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert f"{path}: {field}" in res.stderr and problem in res.stderr
