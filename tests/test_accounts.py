"""Several WeChat accounts in one deployment: each group belongs to the account that is in it, each friend to the
account they befriended; every message goes out through its own account, paced on its own."""
from __future__ import annotations

import logging

import pytest

from bot.delivery import marketing
from bot.transport import SendError
from harness import ADVISOR, ROOM, Chat, local

ROOM_B = "room2@chatroom"


@pytest.fixture
def two(tmp_path):
    """One bot over accounts adv1 (the default) and adv2, each with its own fake transport."""
    return Chat(tmp_path / "bot.db", local("2026-11-30 10:00"), accounts=("adv1", "adv2"))


def bind(chat, room, via, *members):
    chat.join(*members, room=room, via=via)
    chat.say(ADVISOR, "/start 2026-12-01", room=room, via=via)


def rooms(outs):
    return {o.room for o in outs if o.room}


def test_each_groups_lesson_goes_out_through_the_account_that_is_in_it(two):
    bind(two, ROOM, "adv1", "alice")
    bind(two, ROOM_B, "adv2", "bob")
    assert two.store.groups.row(ROOM)["account"] == "adv1"
    assert two.store.groups.row(ROOM_B)["account"] == "adv2"
    two.sent_by("adv1"), two.sent_by("adv2")
    two.until("2026-12-01 09:05")
    by_1, by_2 = two.sent_by("adv1"), two.sent_by("adv2")
    assert rooms(by_1) == {ROOM} and rooms(by_2) == {ROOM_B}
    assert all(o.account == "adv1" for o in by_1) and all(o.account == "adv2" for o in by_2)


def test_a_private_question_is_answered_by_the_account_that_received_it(two):
    two.say("alice", "我想退订吗", room=None, via="adv2")
    answered = [o for o in two.sent_by("adv2") if o.to == "alice"]
    assert [o.text for o in answered] == ["收到你的问题啦～老师看到后会回复你 🙏"]
    assert two.sent_by("adv1") == []


def test_a_friend_accepted_by_the_second_account_is_greeted_and_later_messaged_through_it(two):
    two.befriend("wx_new", "小新", via="adv2")
    outs = two.sent_by("adv2")
    assert [o.action for o in outs if o.to == "wx_new"][0] == "accept"
    assert any("专属理财导师" in o.text for o in outs if o.to == "wx_new")
    assert two.sent_by("adv1") == []
    assert two.store.funnel.account_of("wx_new") == "adv2"

    bind(two, ROOM, "adv1", "alice")  # a cohort opens in the first account's group: the news reaches wx_new via adv2
    news = [o for o in two.sent_by("adv2") if o.to == "wx_new" and o.action == "say"]
    assert any("理财1期" in o.text for o in news)
    assert not [o for o in two.sent_by("adv1") if o.to == "wx_new" and o.action == "say"]


def test_the_same_message_through_both_accounts_is_handled_once_by_the_groups_owner(two):
    bind(two, ROOM, "adv1", "alice", "bob")
    two.until("2026-12-01 09:30")
    two.say("alice", "打卡", msg_id="same-1", via="adv2")  # the second account is in the group too: not its group
    assert two.store.checkins.done_on(ROOM, 1) == set()
    two.say("alice", "打卡", msg_id="same-1", via="adv1")  # the owner's copy is handled, whichever came first
    two.say("alice", "打卡", msg_id="same-1", via="adv1")  # and only once
    two.say("bob", "打卡", msg_id="only-2", via="adv2")  # seen by the other account alone: not handled
    two.advance(minutes=5)
    assert two.store.checkins.done_on(ROOM, 1) == {"alice"}
    assert [o.text for o in two.sent_by("adv1")][-1].startswith("✅ 打卡已记录：alice（")
    assert two.sent_by("adv2") == []


def test_one_account_limited_by_wechat_does_not_delay_the_other(two):
    bind(two, ROOM, "adv1", "alice")
    bind(two, ROOM_B, "adv2", "bob")
    two.until("2026-12-01 08:59")
    two.transports["adv1"].fail_next = [SendError("发送过于频繁，请稍后再试")] * 4
    nine = local("2026-12-01 09:00")
    two.run(two.runner.advance_to(local("2026-12-01 09:00:20")))
    assert any(s.out.room == ROOM_B and nine <= s.ts for s in two.transports["adv2"].sent)  # adv2: on time
    assert not any(s.out.room == ROOM and nine <= s.ts for s in two.transports["adv1"].sent)  # adv1: backing off
    assert "微信限流" in two.bot.senders["adv1"].status() and "微信限流" not in two.bot.senders["adv2"].status()
    told = [s.out for s in two.transports["adv2"].sent if s.out.to == ADVISOR]  # the advisor hears it through adv2
    assert told and told[-1].text.startswith("⚠️ 微信可能在限制账号 adv1 发消息")
    two.until("2026-12-01 09:30")  # adv1 recovers: its lesson goes out late, nothing lost
    assert any(s.out.room == ROOM and nine <= s.ts for s in two.transports["adv1"].sent)


def test_a_message_queued_without_an_account_by_another_process_goes_out_through_the_default_account(two):
    from bot.core.events import Outgoing

    with two.store.tx():  # as import-contacts does, from its own process
        two.store.outbox.enqueue(Outgoing(None, "wx_imported", "你好，我是你的理财导师"), two.clock.now(), priority=1)
    two.bot.senders["adv1"]._adopt()  # what the default account's sender does before each drain
    assert [o.to for o in two.sent_by("adv1")] == ["wx_imported"] and two.sent_by("adv2") == []


def test_restart_keeps_each_group_with_its_account(two):
    bind(two, ROOM, "adv1", "alice")
    two.restart()
    assert two.engine.groups.get(ROOM).account == "adv1"
    two.until("2026-12-01 09:30")
    two.say("alice", "打卡", via="adv2")
    two.advance(minutes=5)
    assert two.store.checkins.done_on(ROOM, 1) == set()
    two.say("alice", "打卡", via="adv1")
    two.advance(minutes=5)
    assert two.store.checkins.done_on(ROOM, 1) == {"alice"}


def test_a_group_of_an_account_no_longer_configured_moves_to_the_account_that_receives_it(tmp_path):
    single = Chat(tmp_path / "bot.db", local("2026-11-30 10:00"))
    single.join("alice")
    single.say(ADVISOR, "/start 2026-12-01")
    assert single.store.groups.row(ROOM)["account"] == ""
    single.bot.close()
    two = Chat(tmp_path / "bot.db", local("2026-11-30 11:00"), accounts=("adv1", "adv2"))
    two.say("alice", "大家好", via="adv2")
    assert two.engine.groups.get(ROOM).account == "adv2"
    assert two.store.groups.history(ROOM)[-1]["event"] == "account adv2"
    two.until("2026-12-01 09:05")
    assert ROOM in rooms(two.sent_by("adv2")) and ROOM not in rooms(two.sent_by("adv1"))


def test_an_opt_out_given_to_one_account_stops_marketing_from_the_other(two):
    two.befriend("alice", via="adv2")
    two.sent_by("adv2")
    ctx = two.engine.context(two.clock.now(), None)
    with two.store.tx():
        assert marketing.push_private(ctx, "alice", "🔥 限时优惠", "offer")
    assert [o.text for o in two.sent_by("adv2")] == ["🔥 限时优惠"]

    two.say("alice", "退订", room=None, via="adv1")
    assert [o.to for o in two.sent_by("adv1")] == ["alice"]  # the confirmation, from the account she wrote to
    two.advance(days=8)
    ctx = two.engine.context(two.clock.now(), None)
    with two.store.tx():
        assert not marketing.push_private(ctx, "alice", "🔥 又一个优惠", "offer")
    assert [o.text for o in two.sent_by("adv2") if o.to == "alice"] == []


# -- the accounts file -----------------------------------------------------------------------------
@pytest.fixture
def redaction_left_as_found(monkeypatch):
    """Loading an accounts file registers its tokens for masking (a process-wide log record factory and warnings
    captured into logging): undone afterwards, so the tests of the masking itself start as a fresh process does."""
    from bot.cli import redact

    factory, was_installed = logging.getLogRecordFactory(), redact._installed
    monkeypatch.setattr(redact, "_secrets", set(redact._secrets))
    monkeypatch.setattr(redact, "_installed", was_installed)
    yield
    if not was_installed:  # this test installed the masking: take it away again
        logging.setLogRecordFactory(factory)
        logging.captureWarnings(False)


def run_with(tmp_path, text, env=None):
    from click.testing import CliRunner

    from main import cli

    path = tmp_path / "accounts.yaml"
    path.write_text(text, encoding="utf-8")
    return CliRunner().invoke(cli, ["run", "--db", str(tmp_path / "bot.db"), "--accounts", str(path)], env=env or {})


@pytest.mark.parametrize("text, problem", [
    ('- {name: adv1, endpoint: "127.0.0.1:8788", token: t0k3n-1}\n- {name: adv2, token: t0k3n-2}\n'
     '- {name: adv3, endpoint: "nowhere", token: t0k3n-3}\n',
     "accounts.yaml: accounts[2].endpoint: 需要 host:port"),
    ('- {name: adv1, sandbox: true}\n- {name: adv1, endpoint: "127.0.0.1:8789", token_env: ADV_TOKEN}\n',
     "accounts.yaml: accounts[1].name: 重复"),
    ('- {name: adv1, endpoint: "127.0.0.1:8788", token_env: NOT_SET_ANYWHERE}\n',
     "accounts.yaml: accounts[0].token_env: 环境变量 NOT_SET_ANYWHERE 没有设置"),
    ('- {name: a, sandbox: true}\n- {name: b, sandbox: true}\n', "accounts.yaml: accounts: 最多一个 sandbox"),
    ('- {name: adv1, endpoint: "127.0.0.1:8788", token: t0k3n-1}\n- {name: adv2, token: t0k3n-2}\n',
     "accounts.yaml: accounts[1].endpoint: 缺少"),
    ('- {name: "", sandbox: true}\n', "accounts.yaml: accounts[0].name:"),
    ('- {name: adv1, endpoint: "127.0.0.1:8788", token: t0k3n-1, per_minute: 0}\n', "accounts.yaml: accounts[0].per_minute:"),
])
def test_a_bad_accounts_file_is_refused_in_one_line_naming_the_field(tmp_path, text, problem, redaction_left_as_found):
    result = run_with(tmp_path, text, {"ADV_TOKEN": "secret-token"})
    assert result.exit_code == 2
    assert problem in result.output
    assert "t0k3n" not in result.output and not (tmp_path / "bot.db").exists()


def test_the_accounts_file_names_each_accounts_endpoint_token_and_budget(tmp_path, redaction_left_as_found):
    from bot.cli.accounts import load_accounts

    path = tmp_path / "accounts.yaml"
    path.write_text('- {name: adv1, endpoint: "127.0.0.1:8788", token_env: ADV1_TOKEN, per_minute: 30}\n'
                    '- {name: adv2, endpoint: "10.0.0.2:8789", token: inline-token}\n', encoding="utf-8")
    adv1, adv2 = load_accounts(path, env={"ADV1_TOKEN": "from-env"})
    assert (adv1.name, adv1.endpoint, adv1.secret({"ADV1_TOKEN": "from-env"}), adv1.per_minute) == \
        ("adv1", "127.0.0.1:8788", "from-env", 30)
    assert (adv2.name, adv2.secret({}), adv2.per_minute) == ("adv2", "inline-token", 40)


def test_the_receiving_account_is_kept_in_the_inbox_and_read_from_a_replay_line():
    from bot.cli.recording import parse_line
    from bot.core.inbox import decode, encode

    line = ('{"ts": "2026-12-01T10:00:00+08:00", "type": "message", "room": "r1@chatroom", "from": "wxid_a", '
            '"text": "打卡", "id": "m-1", "account": "adv2"}')
    event = parse_line(line, 1)
    assert event.account == "adv2" and decode(encode(event)) == event
    older = parse_line(line.replace(', "account": "adv2"', ""), 2)
    assert older.account == "" and decode(encode(older)).account == ""
