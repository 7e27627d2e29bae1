"""退订: a member who asks to stop in a private chat gets no more marketing; course rituals are unaffected."""
from __future__ import annotations

import pytest
import yaml

from bot.delivery import marketing
from harness import PLAYBOOK, ROOM, Chat, local

CONFIRM = "已为你退订营销消息，之后不会再给你推送优惠信息。课程通知不受影响。"


def dm(chat, who, text, **kw):
    """A private (1:1) message to the bot."""
    return chat.say(who, text, room=None, **kw)


def ctx(chat):
    return chat.engine.context(chat.clock.now(), None)


@pytest.mark.parametrize("text", ["退订", "TD", "td", " Td ", "退订！", "退订🙏", "【TD】", "退订。。"])
def test_the_keyword_alone_opts_out_and_is_confirmed(chat, text):
    dm(chat, "alice", text)
    assert chat.said() == [CONFIRM]
    assert chat.store.funnel.opted_out("alice")
    assert chat.store.funnel.stages("alice") == ["opted_out"]
    assert chat.store.funnel.contact("alice")["source"] == "private"


@pytest.mark.parametrize("text, asks", [("我想退订吗", True), ("TDD", False), ("TD是什么意思", True), ("你好", False),
                                        ("退 订 是什么", True), ("退订了还能看回放吗", True)])
def test_other_private_words_are_not_an_opt_out_and_a_question_about_it_goes_to_the_advisors(chat, text, asks):
    dm(chat, "alice", text)
    relayed = [f"【问题】alice（未入群）：{text}\n（#1 回复：/reply @alice 内容）", "收到你的问题啦～老师看到后会回复你 🙏"]
    assert chat.said() == (relayed if asks else [])
    assert not chat.store.funnel.opted_out("alice")


@pytest.mark.parametrize("text", ["怎么退订", "怎么设置才能收不到你们的消息啊？", "我想退订，但是不知道怎么操作"])
def test_asking_how_to_stop_is_the_wish_to_stop_and_opts_out_without_a_relay(chat, text):
    dm(chat, "alice", text)
    assert chat.said() == [CONFIRM]
    assert chat.store.funnel.opted_out("alice")


@pytest.mark.parametrize("text", ["以后这种广告别往我这发了", "消息太多了，怎么关掉？", "每天都推，能关吗", "再给我发这些我就报警了",
                                  "消息我不想收了，课我自己会看"])
def test_stop_said_another_way_or_how_to_turn_it_off_asked_opts_out_without_a_relay(chat, text):
    dm(chat, "alice", text)
    assert chat.said() == [CONFIRM]
    assert chat.store.funnel.opted_out("alice")


@pytest.mark.parametrize("text", ["暂时不用推荐产品给我，我先把课听完", "你们那个推送关不关都行，我反正不怎么看", "爱推不推，反正我不看",
                                  "别给我打电话了，有事微信说", "手机通知太多，怎么关"])
def test_a_deferral_indifference_another_channel_or_the_phone_is_no_opt_out(chat, text):
    dm(chat, "alice", text)
    assert not chat.store.funnel.opted_out("alice")
    assert CONFIRM not in chat.said()


def test_opting_out_twice_is_confirmed_once_and_recorded_once(chat):
    dm(chat, "alice", "退订")
    assert chat.said() == [CONFIRM]
    dm(chat, "alice", "TD")
    (again,) = chat.said()
    assert again.startswith("已退订")
    assert chat.store.funnel.stages("alice") == ["opted_out"]


def test_the_confirmation_goes_privately_to_the_person(chat):
    dm(chat, "alice", "退订")
    (out,) = chat.said_out()
    assert out.room is None and out.to == "alice"


def test_an_opted_out_person_gets_no_marketing_push(chat):
    assert marketing.may_push_private(ctx(chat), "alice")
    dm(chat, "alice", "退订")
    chat.said()
    c = ctx(chat)
    with chat.store.tx():
        assert not marketing.push_private(c, "alice", "🔥 限时优惠", "offer")
    assert chat.said() == []
    assert chat.store.funnel.marketing_since("alice", local("2026-01-01 00:00")) == 0


def test_an_opted_out_member_is_skipped_by_the_survey_invitation(chat):
    chat.join("alice", "bob")
    dm(chat, "alice", "退订")
    chat.said()
    chat.say("adv", "/survey")
    said = chat.said_out()
    assert [o.to for o in said if o.room is None and o.to != "adv"] == ["bob"]
    (told,) = [o.text for o in said if o.to == "adv"]
    assert "已私聊邀请 1 人" in told and "跳过 1 人" in told


def test_an_opted_out_member_is_still_reminded_to_check_in_in_the_group(chat):
    chat.join("alice", "bob")
    dm(chat, "alice", "退订")
    chat.say("adv", "/start 2026-12-01")
    chat.until("2026-12-01 19:59")
    chat.said()
    chat.until("2026-12-01 20:01")
    reminders = [o for o in chat.said_out() if o.text.startswith("⏰ 第1天还没打卡")]
    assert len(reminders) == 1 and reminders[0].room == ROOM
    assert set(reminders[0].mentions) == {"alice", "bob"}


def test_an_opted_out_member_still_gets_check_in_acknowledgements(chat):
    chat.join("alice", "bob")
    dm(chat, "alice", "退订")
    chat.say("adv", "/start 2026-12-01")
    chat.until("2026-12-01 09:30")
    chat.said()
    chat.say("alice", "打卡")
    chat.advance(minutes=2)
    assert chat.said() == ["✅ 打卡已记录：alice（今日已打卡 1/2 人）"]


def test_opting_out_in_the_group_is_not_a_private_opt_out(chat):
    chat.join("alice")
    chat.say("alice", "退订")
    assert chat.said() == []
    assert not chat.store.funnel.opted_out("alice")


def test_resubscribing_turns_marketing_back_on(chat):
    dm(chat, "alice", "退订")
    chat.said()
    dm(chat, "alice", "恢复订阅")
    (reply,) = chat.said()
    assert reply.startswith("已恢复订阅")
    assert not chat.store.funnel.opted_out("alice")
    assert marketing.may_push_private(ctx(chat), "alice")
    dm(chat, "alice", "退订")
    assert chat.said() == [CONFIRM]  # a new opt-out is confirmed in full again
    assert chat.store.funnel.stages("alice") == ["opted_out", "resubscribed", "opted_out"]


def test_resubscribing_without_having_opted_out_changes_nothing(chat):
    dm(chat, "alice", "恢复订阅")
    (reply,) = chat.said()
    assert "没有退订" in reply
    assert chat.store.funnel.stages("alice") == []


def test_an_opt_out_survives_a_restart(chat):
    dm(chat, "alice", "退订")
    chat.said()
    chat.restart()
    assert not marketing.may_push_private(ctx(chat), "alice")


def test_an_opt_out_in_a_backlog_is_honoured_without_a_reply(chat):
    chat.advance(hours=2)
    dm(chat, "alice", "退订", at=local("2026-11-30 10:30"))  # delivered late, on login
    assert chat.said() == []
    assert chat.store.funnel.opted_out("alice")


def test_what_the_ritual_says_is_the_playbooks(tmp_path):
    data = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    data["optout"].update(already="{persona}这边已经帮你退订过了～", not_opted_out="你没有退订哦")
    path = tmp_path / "optout.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    chat = Chat(tmp_path / "bot.db", local("2026-11-30 10:00"), playbook=path)
    dm(chat, "bob", "恢复订阅")
    dm(chat, "alice", "退订")
    dm(chat, "alice", "TD")
    assert chat.said() == ["你没有退订哦", CONFIRM, "小金这边已经帮你退订过了～"]
