"""The real daemon on the real Wechaty gRPC protocol: a cohort played through the official mock puppet, a SIGKILL
in the middle, a burst of 1,000 messages under the send budget. Assertions on what the bot really sent (Node side)
and on `report --json`."""
from __future__ import annotations

import collections
import time
from datetime import datetime, timedelta, timezone

from e2e_support import ROOT, TOKEN, Daemon, Gateway, report

ROOM = "study-1@chatroom"
MEMBERS = {"u1": "张三", "u2": "李四", "u3": "王五"}


def texts_to(gateway, room=ROOM):
    return [m["text"] for m in gateway.sent() if m["room"] == room and m["kind"] == "text"]


def test_a_cohort_over_grpc_survives_sigkill(gateway, fast_playbook, tmp_path):
    gw, db = gateway, tmp_path / "bot.db"
    gw.contact("adv", "王导师")
    for cid, name in MEMBERS.items():
        gw.contact(cid, name)
    gw.room(ROOM, "7天理财实操1期", ["adv"])

    daemon = Daemon(gw, db, fast_playbook)
    daemon.wait_log("transport: wechaty")
    daemon.wait_log("running on wechaty")

    gw.say("adv", "/start", room=ROOM)
    gw.wait_sent(lambda m: "已绑定" in m["text"] and m["to"] == "adv", "the /start reply, privately to the advisor")
    gw.wait_sent(lambda m: "家乡签到" in m["text"], "the hometown prompt")
    if report(db)[ROOM]["state"] == "opening":  # before 09:00 local: begin day 1 now
        gw.say("adv", "/next", room=ROOM)
    gw.wait_sent(lambda m: "第1天：" in m["text"], "day 1's lesson")

    gw.join(ROOM, list(MEMBERS), "adv")
    gw.say("u1", "我来自四川成都", room=ROOM)
    gw.say("u2", "坐标广东深圳", room=ROOM)
    gw.wait_sent(lambda m: "家乡签到：" in m["text"] and "李四" in m["text"], "the hometown summary")
    for cid in MEMBERS:
        gw.say(cid, "打卡", room=ROOM)
    gw.wait_sent(lambda m: "今日已打卡 3/3 人" in m["text"], "the batched check-in acknowledgement")

    gw.say("adv", "/next", room=ROOM)
    gw.wait_sent(lambda m: "第2天：" in m["text"], "day 2's lesson")
    gw.say("u1", "第2天打卡✅", room=ROOM)
    gw.say("u2", "实操完成", room=ROOM)
    gw.say("u2", "打卡", room=ROOM)
    gw.wait_sent(lambda m: "今日已打卡 2/3 人" in m["text"], "day 2's acknowledgement")

    daemon.kill()  # SIGKILL mid-cohort
    before = len(gw.sent())

    daemon = Daemon(gw, db, fast_playbook)
    daemon.wait_log("running on wechaty")
    gw.say("adv", "/remind", room=ROOM)
    reminder = gw.wait_sent(lambda m: "第2天还没打卡" in m["text"], "the /remind reminder")
    assert reminder["mentions"] == ["u3"]
    gw.say("u3", "打卡", room=ROOM)
    gw.wait_sent(lambda m: "今日已打卡 3/3 人" in m["text"] and "王五" in m["text"], "u3's day 2 acknowledgement")

    gw.say("adv", "/graduate", room=ROOM)
    gw.wait_sent(lambda m: "我毕业啦" in m["text"], "the graduation ceremony")
    gw.say("u1", "我毕业啦!", room=ROOM)
    gw.say("u2", "我毕业啦！🎓", room=ROOM)
    congrats = gw.wait_sent(lambda m: "恭喜李四毕业" in m["text"] or ("张三" in m["text"] and "李四" in m["text"] and "毕业" in m["text"]),
                            "the congratulations")
    assert "打卡 2 天" in congrats["text"] and "完成实操 1 次" in congrats["text"]

    gw.say("adv", "/help")  # an advisor in a private chat: answered privately
    gw.wait_sent(lambda m: m["to"] == "adv" and "导师指令" in m["text"], "a private /help reply")
    gw.say("u1", "老师，请问定投怎么开始？")  # a member's private message: recorded, nothing breaks
    gw.call("POST", "/friendship", {"contact": "newbie", "name": "小新", "hello": "我想报名理财课"})
    gw.say("adv", "/status", room=ROOM)
    status = gw.wait_sent(lambda m: "毕业典礼" in m["text"] and "发送：" in m["text"], "a /status after all that")
    assert "毕业 2 人" in status["text"]

    room_texts = texts_to(gw)
    for once in ("开营第一件事", "第1天：", "第2天：", "现在请每位同学"):
        assert sum(once in t for t in room_texts) == 1, f"{once!r} sent {sum(once in t for t in room_texts)} times"
    assert all(n == 1 for n in collections.Counter(room_texts).values()), "a message was sent twice"
    assert len(gw.sent()) > before

    g = report(db)[ROOM]
    assert g["checkins"] == {"u1": [1, 2], "u2": [1, 2], "u3": [1, 2]}
    assert g["practice"] == {"u2": [2]}
    assert g["hometowns"] == {"u1": {"province": "四川省", "city": "成都市"}, "u2": {"province": "广东省", "city": "深圳市"}}
    assert g["graduates"] == ["u1", "u2"] and g["state"] == "graduation" and g["topic"] == "7天理财实操1期"
    assert daemon.stop() == 0


def test_a_burst_of_1000_messages_is_handled_within_the_send_budget(gateway, fast_playbook, tmp_path):
    gw, db, room = gateway, tmp_path / "burst.db", "burst-1@chatroom"
    gw.contact("adv", "王导师")
    members = [f"b{i:03d}" for i in range(100)]
    for cid in members:
        gw.contact(cid, f"学员{cid}")
    gw.room(room, "压力测试群", ["adv", *members])
    daemon = Daemon(gw, db, fast_playbook)
    daemon.wait_log("running on wechaty")
    gw.say("adv", "/start", room=room)
    gw.wait_sent(lambda m: m["to"] == "adv" and "已绑定" in m["text"], "the /start reply (to the advisor)")
    assert len(report(db)[room]["members"]) == 100  # the room's roster arrived at login, before anyone spoke
    if report(db)[room]["state"] == "opening":
        gw.say("adv", "/next", room=room)
    gw.wait_sent(lambda m: m["room"] == room and "第1天：" in m["text"], "day 1's lesson")

    t0 = time.monotonic()
    for cid in members:  # 100 members x 10 messages: one check-in each, the rest chatter
        gw.call("POST", "/say-many", {"from": cid, "room": room, "text": "学习中", "count": 9})
        gw.say(cid, "打卡", room=room)
    while sum(len(d) for d in report(db)[room]["checkins"].values()) < 100 and time.monotonic() - t0 < 120:
        time.sleep(0.5)
    elapsed = time.monotonic() - t0
    assert sum(len(d) for d in report(db)[room]["checkins"].values()) == 100
    print(f"\n1,000 messages through gRPC into the engine in {elapsed:.1f}s ({1000 / elapsed:.0f} msg/s)")
    # The acknowledgement is gathered and paced behind the room's earlier posts: on a loaded machine that is
    # seconds, so wait for it, then give any further (wrongly unbatched) ones time to show.
    gw.wait_sent(lambda m: m["room"] == room and "打卡已记录" in m["text"], "a check-in acknowledgement", timeout=90)
    time.sleep(5)

    sent = [m for m in gw.sent() if m["room"] == room]
    acks = [m for m in sent if "打卡已记录" in m["text"]]
    gaps = [(b["ts"] - a["ts"]) / 1000 for a, b in zip(sent, sent[1:])]
    print(f"{len(acks)} acknowledgement(s) for 100 check-ins; {len(sent)} bot messages to the room, "
          f"smallest gap {min(gaps, default=0):.2f}s")
    assert 1 <= len(acks) <= 10, f"{len(acks)} acknowledgements for 100 check-ins"
    stamps = sorted(m["ts"] for m in gw.sent())
    assert all(b - a >= 60_000 for a, b in zip(stamps, stamps[40:])), "more than 40 messages in a minute"
    room_stamps = [m["ts"] for m in sent]
    assert all(b - a >= 990 for a, b in zip(room_stamps, room_stamps[1:])), "two messages to one room within 1 s"
    assert daemon.stop() == 0


def test_a_wrong_token_is_a_clear_error_and_a_nonzero_exit(gateway, fast_playbook, tmp_path):
    daemon = Daemon(gateway, tmp_path / "x.db", fast_playbook, token="not-the-token")
    output = daemon.output(timeout=60)
    assert daemon.proc.returncode == 3
    assert "cannot start" in output and "Traceback" not in output
    assert "not-the-token" not in output and "token<***>" in output  # the SDK's start-up warning, masked


def test_a_second_daemon_on_the_same_database_refuses_to_start(gateway, fast_playbook, tmp_path):
    db = tmp_path / "one.db"
    first = Daemon(gateway, db, fast_playbook)
    first.wait_log("running on wechaty")
    second = Daemon(gateway, db, fast_playbook)
    output = second.output(timeout=30)
    assert second.proc.returncode == 4 and "already running" in output
    assert first.proc.poll() is None and first.stop() == 0


def test_from_friend_request_to_study_group_over_grpc(gateway, fast_playbook, tmp_path):
    gw, db, room = gateway, tmp_path / "funnel.db", "funnel-1@chatroom"
    gw.contact("adv", "王导师")
    gw.room(room, "理财3期", ["adv"])
    daemon = Daemon(gw, db, fast_playbook)
    daemon.wait_log("running on wechaty")
    day1 = (datetime.now(timezone(timedelta(hours=8))) + timedelta(days=3)).date()
    gw.say("adv", f"/start {day1}", room=room)
    gw.wait_sent(lambda m: m["to"] == "adv" and "已绑定" in m["text"], "the /start reply (to the advisor)")

    gw.call("POST", "/friendship", {"contact": "newbie", "name": "小新", "hello": "我想报名理财课"})
    gw.wait_sent(lambda m: m["kind"] == "accept" and m["to"] == "newbie", "the friend request accepted")
    gw.wait_sent(lambda m: m["to"] == "newbie" and "专属理财导师" in m["text"], "the persona greeting")
    gw.wait_sent(lambda m: m["kind"] == "invite" and m["room"] == room and m["to"] == "newbie", "the room invitation")
    gw.wait_sent(lambda m: m["to"] == "newbie" and "理财3期" in m["text"] and str(day1) in m["text"], "the invitation text")

    deadline = time.monotonic() + 20
    while report(db)[room]["funnel"]["joined"] < 1 and time.monotonic() < deadline:
        time.sleep(0.3)
    funnel = report(db)[room]["funnel"]
    assert (funnel["friends_added"], funnel["greeted"], funnel["invited"], funnel["joined"]) == (1, 1, 1, 1)

    gw.say("adv", "/push advanced", room=room)
    offer = gw.wait_sent(lambda m: m["room"] == room and "基金投资进阶训练营" in m["text"], "the offer")
    assert "剩余30个名额" in offer["text"] and "1.8折" in offer["text"]
    gw.say("adv", "/enrolled newbie advanced", room=room)
    gw.wait_sent(lambda m: m["to"] == "adv" and "剩余 29/30" in m["text"], "the enrolment (to the advisor privately)")
    funnel = report(db)[room]["funnel"]
    assert (funnel["offer_shown"], funnel["enrolled"]) == (1, 1)

    gw.say("newbie", "退订")
    gw.wait_sent(lambda m: m["to"] == "newbie" and "已为你退订" in m["text"], "the opt-out confirmation")
    gw.say("adv", "/survey", room=room)
    gw.wait_sent(lambda m: m["to"] == "adv" and "已私聊邀请" in m["text"], "the /survey summary, to the advisor privately")
    assert not [m for m in gw.sent() if m["to"] == "newbie" and "问卷" in m["text"]], "an opted-out member was messaged"

    # a question reaches the advisor; their quoted reply (WeChat's 「quoted」 + dashed rule + reply) gets back to the
    # member, opted out of marketing or not
    gw.say("newbie", "退订了还能上课吗？")
    relayed = gw.wait_sent(lambda m: m["to"] == "adv" and m["text"].startswith("【问题】小新（理财3期）"), "the relayed question")
    gw.say("adv", f"「小金：{relayed['text']}」\n- - - - - - - - - - - - - - -\n可以，课程照常")
    gw.wait_sent(lambda m: m["to"] == "newbie" and m["text"] == "💬 老师回复：可以，课程照常", "the quoted answer")
    assert daemon.stop() == 0
    output = daemon.output()
    assert TOKEN not in output, "the puppet token was printed"
    assert "我想报名理财课" not in output, "a friend-request note was logged"


def test_an_unreachable_endpoint_is_a_clear_error_and_a_nonzero_exit(fast_playbook, tmp_path):
    class Nowhere:
        endpoint = "127.0.0.1:9"  # discard port: nothing listens

    daemon = Daemon(Nowhere(), tmp_path / "x.db", fast_playbook)
    output = daemon.output(timeout=60)
    assert daemon.proc.returncode == 3 and "cannot start" in output and "Traceback" not in output


def test_the_daemon_reconnects_when_the_puppet_service_comes_back(fast_playbook, tmp_path):
    first = Gateway()
    port = first.port
    first.contact("adv", "王导师")
    first.room("rc-1@chatroom", "重连测试群", ["adv"])
    daemon = Daemon(first, tmp_path / "rc.db", fast_playbook)
    daemon.wait_log("running on wechaty")
    first.close()  # the puppet service goes away
    daemon.wait_log("disconnected", timeout=30)
    second = Gateway(port=port)
    try:
        second.contact("adv", "王导师")
        second.room("rc-1@chatroom", "重连测试群", ["adv"])
        daemon.wait_log("reconnected", timeout=60)
        second.say("adv", "/help", room="rc-1@chatroom")
        second.wait_sent(lambda m: "导师指令" in m["text"], "a reply after reconnecting")
        assert daemon.stop() == 0
    finally:
        second.close()


def test_a_removal_goes_over_grpc_and_the_member_leaves(gateway, tmp_path):
    """The adapter's remove reaches the puppet service's room_del; the removal comes back as the member leaving.
    (In its own process: the Wechaty SDK sets up its logging once per process, which later tests rely on.)"""
    import json
    import subprocess
    import sys

    room = "remove-1@chatroom"
    gateway.contact("spammer", "加我微信")
    gateway.contact("adv", "王导师")
    gateway.room(room, "理财4期", ["adv", "spammer"])
    script = f"""
import asyncio, json
from bot.core.events import MemberLeft, Outgoing
from bot.transport import perform
from bot.transport.wechaty_adapter import WechatyTransport

async def go():
    events = []
    transport = WechatyTransport({gateway.endpoint!r}, {TOKEN!r}, cache_dir={str(tmp_path / "cache")!r})

    async def on_event(event):
        events.append(event)

    await transport.start(on_event)
    try:
        await perform(transport, Outgoing({room!r}, "spammer", "", action="remove"))
        for _ in range(100):
            if any(isinstance(e, MemberLeft) and e.room == {room!r} for e in events):
                break
            await asyncio.sleep(0.1)
    finally:
        await transport.stop()
    print(json.dumps([m.id for e in events if isinstance(e, MemberLeft) and e.room == {room!r} for m in e.members]))

asyncio.run(go())
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    gateway.wait_sent(lambda m: m["kind"] == "remove" and m["room"] == room and m["to"] == "spammer", "the removal")
    assert json.loads(done.stdout.strip().splitlines()[-1]) == ["spammer"]


def test_a_picture_arrives_over_grpc_as_a_png(gateway, fast_playbook, tmp_path):
    """The advisor's /map: the hometown map is drawn, queued with its file in the outbox, and sent by the Wechaty
    adapter as a file box; the gateway sees a PNG arrive in the room."""
    gw, db, room = gateway, tmp_path / "map.db", "map-1@chatroom"
    gw.contact("adv", "王导师")
    gw.contact("m1", "张三")
    gw.contact("m2", "李四")
    gw.room(room, "家乡地图群", ["adv", "m1", "m2"])
    daemon = Daemon(gw, db, fast_playbook)
    daemon.wait_log("running on wechaty")
    gw.say("adv", "/start", room=room)
    gw.wait_sent(lambda m: m["to"] == "adv" and "已绑定" in m["text"], "the /start reply (to the advisor)")
    gw.say("m1", "我来自四川成都", room=room)
    gw.say("m2", "坐标广东深圳", room=room)
    while len(report(db)[room]["hometowns"]) < 2:
        time.sleep(0.3)
    gw.say("adv", "/map", room=room)
    image = gw.wait_sent(lambda m: m["room"] == room and m["kind"] == "image", "the hometown map as a picture")
    assert image["text"].startswith("map-") and image["text"].endswith(".png")  # the file box's name
    assert (image["width"], image["height"]) == (1080, 1200)
    assert 10_000 < image["bytes"] <= 300 * 1024
    assert not any(m["room"] == room and m["text"].startswith("🗺") for m in gw.sent())  # the picture, not its text
    assert daemon.stop() == 0
