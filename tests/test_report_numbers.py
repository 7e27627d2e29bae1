"""report at several groups: every per-group figure is read by a grouped query, and the numbers are what happened.
Two study groups and a bound one with nobody in it; people invited to both, one who left, a funnel that reaches
some of them, offers and coupons in one room, surveys, an opt-out and an interrupted send."""
from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

from bot.core.events import Outgoing
from bot.playbook import load_playbook
from bot.reporting import jsonout, report
from bot.storage import Store, connect
from harness import ROOT

A, B, EMPTY = "a@chatroom", "b@chatroom", "c@chatroom"
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def year_in_small(store: Store) -> None:
    """What a few weeks of two cohorts leave in the tables (written through the storage layer, as the rituals do)."""
    with store.tx():
        for room, topic in ((A, "理财1期"), (B, "理财2期"), (EMPTY, "理财3期")):
            store.groups.insert(room, topic, "bound", "2026-12-02", T0)
        store.groups.update(A, state="graduation", course_day=7)
        store.groups.update(B, state="in_course", course_day=2)
        for i, who in enumerate(("u1", "u2", "u3", "u4")):  # u4 leaves A
            store.members.upsert(A, who, f"学员{who}", at(i))
        store.members.left(A, "u4", at(50))
        for i, who in enumerate(("u5", "u1")):  # u1 is in both groups
            store.members.upsert(B, who, f"学员{who}", at(10 + i))
        for who in ("u1", "u2", "u3", "u4", "u5", "x9"):  # x9 became a friend, was invited to A, never came
            store.funnel.ensure_contact(who, who, "friend", at(0))
        for who in ("u1", "u2", "x9", "u5"):
            store.funnel.stage(who, "friend_added", at(1))
        store.funnel.stage("u1", "friend_added", at(2))  # a second time: counted once
        for who in ("u1", "u2", "u3", "u5"):
            store.funnel.stage(who, "greeted", at(3))
        for who in ("u1", "u2", "u3", "u4", "x9"):
            store.funnel.add_invite(who, A, "invite", at(4))
        for who in ("u5", "u1"):
            store.funnel.add_invite(who, B, "link", at(5))
        store.hometowns.set(A, "u1", "四川省", "成都市", "我来自成都", at(20))
        store.hometowns.set(A, "u2", None, None, "远方", at(21))
        store.hometowns.set(B, "u5", "广东省", "深圳市", "坐标深圳", at(22))
        for who, days in (("u1", (1, 2, 3)), ("u2", (2,)), ("u4", (1,))):
            for d in days:
                store.checkins.add(A, who, d, at(100 + d), f"c-{who}-{d}")
        store.checkins.add(B, "u5", 1, at(200), "c-u5-b1")
        store.practice.add(A, "u1", 1, at(300), "text", "p1")
        store.practice.add(A, "u1", 2, at(301), "image", "p2")
        store.practice.add(A, "u3", 2, at(302), "text", "p3")
        store.graduates.add(A, "u2", at(400), "g2")
        store.graduates.add(A, "u1", at(401), "g1")
        for who in ("u1", "u2", "u3"):
            store.funnel.stage_once(who, "offer_shown", at(500), A, "advanced")
        store.funnel.stage_once("u1", "offer_shown", at(501), A, "pro")  # a second offer: u1 counted once in A
        store.funnel.stage_once("u5", "offer_shown", at(502), None, "advanced")  # privately: no room
        store.offers.add("advanced", "进阶课", 1999, 0.18, at(9000), 30, "https://x", "{title}", "adv", at(0))
        store.offers.enroll("advanced", "u1", A, at(600), "adv")
        store.funnel.stage_once("u2", "coupon_pushed", at(700), A, "c50")
        store.funnel.stage_once("u5", "coupon_pushed", at(700), B, "c50")
        store.offers.claim("c50", "u5", B, at(701), "member")
        for who, state, done in (("u1", "done", True), ("u2", "invited", False), ("u4", "asking", False)):
            store.surveys.create(who, at(800))
            store.surveys.update(who, state, 1, completed_at=at(801) if done else None)
        store.funnel.set_opt_out("u3", at(900))
        store.funnel.set_opt_out("u4", at(900))  # left A: not counted there
        sent = store.outbox.enqueue(Outgoing(A, None, "第2天课程"), at(1000), 1)
        store.outbox.mark_sent(sent, at(1001), "unknown", "interrupted")
        private = store.outbox.enqueue(Outgoing(None, "u1", "私聊"), at(1000), 0)
        store.outbox.mark_sent(private, at(1001), "unknown", "interrupted")


def funnel(**counts) -> dict:
    keys = ("friends_added", "greeted", "invited", "joined", "hometown_given", "checkin_days", "practice_done",
            "graduated", "offer_shown", "enrolled", "coupons_pushed", "coupons_claimed", "survey_started",
            "survey_completed", "opted_out")
    return {k: counts.get(k, 0) for k in keys}


def test_the_report_of_several_groups_counts_what_happened(tmp_path):
    store = Store(connect(tmp_path / "bot.db"))
    year_in_small(store)
    data = report.build(store, course_days=3)
    a, b, empty = data["groups"]
    assert {k: a[k] for k in ("room", "topic", "state", "course_day", "members", "graduates", "unknown_sends")} == {
        "room": A, "topic": "理财1期", "state": "graduation", "course_day": 7, "members": ["u1", "u2", "u3"],
        "graduates": ["u2", "u1"], "unknown_sends": 1}
    assert a["hometowns"] == {"u1": {"province": "四川省", "city": "成都市"}, "u2": {"province": None, "city": None}}
    assert a["checkins"] == {"u1": [1, 2, 3], "u2": [2], "u4": [1]}  # u4 left, the check-in stays
    assert a["practice"] == {"u1": [1, 2], "u3": [2]}
    assert a["funnel"] == funnel(friends_added=3, greeted=3, invited=5, joined=4, hometown_given=2,
                                 checkin_days={"0": 1, "1": 1, "2": 0, "3": 1}, practice_done=2, graduated=2,
                                 offer_shown=3, enrolled=1, coupons_pushed=1, survey_started=1, survey_completed=1,
                                 opted_out=1)
    assert b["members"] == ["u5", "u1"] and b["checkins"] == {"u5": [1]} and b["unknown_sends"] == 0
    assert b["funnel"] == funnel(friends_added=2, greeted=2, invited=2, joined=2, hometown_given=1,
                                 checkin_days={"0": 1, "1": 1, "2": 0, "3": 0}, coupons_pushed=1, coupons_claimed=1,
                                 survey_started=1, survey_completed=1)
    assert empty["members"] == [] and empty["hometowns"] == {} and empty["checkins"] == {}
    assert empty["funnel"] == funnel(checkin_days={"0": 0, "1": 0, "2": 0, "3": 0})
    assert data["funnel"] == {
        "friends_added": 4, "greeted": 4, "invited": 6, "joined": 5, "hometown_given": 3, "checked_in": 4,
        "practice_done": 2, "graduated": 2, "offer_shown": 4, "enrolled": 1, "coupons_pushed": 2,
        "coupons_claimed": 1, "survey_started": 2, "survey_completed": 1, "opted_out": 2}
    assert data["unknown_sends"] == 2  # one in A, one private
    human = report.render(data)
    assert "成员 3 人" in human and "每日打卡 第1天 2人 · 第2天 2人 · 第3天 1人" in human and "1 条私聊消息发送时被中断" in human


def test_the_json_is_exactly_what_json_dumps_writes(tmp_path):
    store = Store(connect(tmp_path / "bot.db"))
    year_in_small(store)
    data = report.build(store, course_days=3)
    assert jsonout.dumps(data) == json.dumps(data, ensure_ascii=False, indent=2)
    odd = {"n": [1.5, 1e300, True, None, -3], "e": [], "d": {}, 7: "键是数字", "s": ["\n\"é\\\u2028"], "t": (1, "x"),
           True: [[], [{}]], None: 0.1}
    assert jsonout.dumps(odd) == json.dumps(odd, ensure_ascii=False, indent=2)
    written = io.BytesIO()
    jsonout.write(odd, written, levels=3)
    assert written.getvalue() == json.dumps(odd, ensure_ascii=False, indent=2).encode()  # UTF-8, as report --json
    assert json.loads(jsonout.dumps({"rate": float("nan")})) == {"rate": None}  # valid JSON, never NaN


def test_a_small_year_reads_each_table_once_and_counts_what_a_query_per_group_counts(tmp_path):
    """The benchmark's year in small (12 groups): the figures counted from what the report read are what a query per
    group and per table counts, and `report --json`, written a group at a time, is exactly json.dumps of it."""
    db = tmp_path / "year.db"
    bench_report().build(db, groups=12, members_per_group=8, seed=5)
    pb = load_playbook(ROOT / "data" / "playbook.yaml")
    store = Store(connect(db))
    data = report.build(store, pb.course.days, pb.chosen)
    one = lambda sql, *args: store.conn.execute(sql, args).fetchone()[0]  # noqa: E731
    for g in data["groups"]:
        room, f = g["room"], g["funnel"]
        assert (f["joined"], f["hometown_given"], f["practice_done"], f["graduated"], f["invited"]) == (
            one("SELECT COUNT(*) FROM members WHERE room = ?", room),
            one("SELECT COUNT(*) FROM hometowns WHERE room = ?", room),
            one("SELECT COUNT(DISTINCT member) FROM practice WHERE room = ?", room),
            one("SELECT COUNT(*) FROM graduates WHERE room = ?", room),
            one("SELECT COUNT(*) FROM invites WHERE room = ?", room))
        for key, stage in (("friends_added", "friend_added"), ("greeted", "greeted")):
            assert f[key] == one("SELECT COUNT(*) FROM invites i WHERE i.room = ? AND EXISTS (SELECT 1 FROM funnel "
                                 "WHERE contact = i.contact AND stage = ?)", room, stage)
    overall = data["funnel"]
    assert overall["friends_added"] > 0 and overall["checked_in"] > 0 and overall["graduated"] > 0
    assert (overall["friends_added"], overall["greeted"], overall["joined"], overall["hometown_given"],
            overall["checked_in"], overall["practice_done"], overall["graduated"]) == (
        one("SELECT COUNT(DISTINCT contact) FROM funnel WHERE stage = 'friend_added'"),
        one("SELECT COUNT(DISTINCT contact) FROM funnel WHERE stage = 'greeted'"),
        one("SELECT COUNT(DISTINCT member) FROM members"), one("SELECT COUNT(DISTINCT member) FROM hometowns"),
        one("SELECT COUNT(DISTINCT member) FROM checkins"), one("SELECT COUNT(DISTINCT member) FROM practice"),
        one("SELECT COUNT(DISTINCT member) FROM graduates"))
    store.close()
    printed = subprocess.run([sys.executable, "main.py", "report", "--db", str(db), "--json"], cwd=ROOT,
                             capture_output=True, text=True, encoding="utf-8", timeout=120, check=True).stdout
    assert printed == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    deeper = io.BytesIO()  # walked a level deeper than report --json walks it: the same text
    jsonout.write(data, deeper, levels=3)
    assert deeper.getvalue().decode() == printed[:-1]


def bench_report():
    """scripts/bench_report.py (it builds the year's database)."""
    spec = importlib.util.spec_from_file_location("bench_report", ROOT / "scripts" / "bench_report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_days_outside_a_course_are_listed_too(tmp_path):
    """Check-in days are summed as bits 0-62; a day past them (or below 0) is still listed, in order."""
    store = Store(connect(tmp_path / "bot.db"))
    with store.tx():
        store.groups.insert(A, "理财1期", "bound", "2026-12-02", T0)
        for who, days in (("u1", (0, 1, 62)), ("u2", (3, 63)), ("u3", (-1, 2, 70)), ("u4", (2,)), ("u5", (2,))):
            store.members.upsert(A, who, who, at(0))
            for d in days:
                store.checkins.add(A, who, d, at(100), f"c-{who}-{d}")
    assert store.reports.days_by_member("checkins")[A] == {
        "u1": [0, 1, 62], "u2": [3, 63], "u3": [-1, 2, 70], "u4": [2], "u5": [2]}
