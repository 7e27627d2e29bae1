"""Two WeChat accounts through real gRPC: two puppet services (the gateway started twice, each its own account and
token), one daemon (`main.py run --accounts`). Each group is served by the account in it, each account's sends are
paced on their own, and a SIGKILLed puppet service does not stop the other account's sends."""
from __future__ import annotations

import sqlite3

import pytest

from e2e_support import AccountsDaemon, Gateway

ROOM_1, ROOM_2 = "acc1-room@chatroom", "acc2-room@chatroom"


@pytest.fixture
def two_gateways():
    gateways = {"adv1": Gateway(token="token-of-adv1", bot_id="bot1"), "adv2": Gateway(token="token-of-adv2", bot_id="bot2")}
    yield gateways
    for gw in gateways.values():
        if gw.proc.poll() is None:
            gw.close()


def test_two_accounts_each_serve_their_group_paced_on_their_own_and_survive_the_others_crash(
        two_gateways, fast_playbook, tmp_path):
    gw1, gw2 = two_gateways["adv1"], two_gateways["adv2"]
    for gw, room, members in ((gw1, ROOM_1, ("a1", "a2")), (gw2, ROOM_2, ("b1", "b2"))):
        gw.contact("adv", "王导师")
        for m in members:
            gw.contact(m, f"学员{m}")
        gw.room(room, f"理财{room[3]}期", ["adv", *members])
    db = tmp_path / "bot.db"
    daemon = AccountsDaemon(two_gateways, db, fast_playbook, per_minute={"adv1": 2, "adv2": 40})
    daemon.wait_log("running on wechaty (adv1), wechaty (adv2)", timeout=60)

    gw1.say("adv", "/start", room=ROOM_1)
    gw2.say("adv", "/start", room=ROOM_2)
    gw2.wait_sent(lambda m: m["to"] == "adv" and "已绑定" in m["text"], "adv2's /start reply")
    gw2.wait_sent(lambda m: m["room"] == ROOM_2 and "家乡签到" in m["text"], "adv2's hometown prompt")
    gw1.wait_sent(lambda m: m["room"] == ROOM_1 and "家乡签到" in m["text"], "adv1's hometown prompt")
    with sqlite3.connect(db) as conn:
        assert dict(conn.execute("SELECT room, account FROM groups")) == {ROOM_1: "adv1", ROOM_2: "adv2"}

    # each account speaks only in its own group; adv1's budget (2 a minute) holds adv1 alone
    assert {m["room"] for m in gw1.sent() if m["room"]} <= {ROOM_1}
    assert {m["room"] for m in gw2.sent() if m["room"]} <= {ROOM_2}
    gw1.say("a1", "我来自江苏南京", room=ROOM_1)
    gw2.say("b1", "我来自浙江杭州", room=ROOM_2)
    gw2.wait_sent(lambda m: m["room"] == ROOM_2 and "杭州" in m["text"], "adv2's acknowledgement (40 a minute)")
    first_minute = [m for m in gw1.sent() if m["ts"] - gw1.sent()[0]["ts"] < 60_000]
    assert len(first_minute) == 2, [m["text"][:20] for m in gw1.sent()]

    gw1.proc.kill()  # SIGKILL of adv1's puppet service
    gw1.proc.wait(10)
    daemon.wait_log("disconnected", timeout=30)
    before = len(gw2.sent())
    gw2.say("b1", "打卡", room=ROOM_2)
    gw2.say("adv", "/status", room=ROOM_2)
    gw2.wait_sent(lambda m: m["to"] == "adv" and "adv1:" in m["text"] and "adv2:" in m["text"],
                  "adv2's /status reply while adv1 is down", timeout=60)
    assert len(gw2.sent()) > before
    assert daemon.proc.poll() is None
    assert daemon.stop() == 0
