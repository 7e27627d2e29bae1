"""A recorded chat is input too: a line of any JSON shape is reported by its number and skipped, and a time years
away from the other lines (2099, 1970) is skipped rather than moving the clock; the rest of the replay runs."""
from __future__ import annotations

import json

from bot.cli.replay import replay
from bot.storage import connect
from harness import PLAYBOOK

R = "r1@chatroom"


def line(**fields) -> str:
    base = {"ts": "2026-11-30T10:05:00+08:00", "type": "message", "room": R, "topic": "理财2期", "from": "u1",
            "name": "张三", "text": "你好"}
    return json.dumps({**base, **fields}, ensure_ascii=False)


GOOD_START = [
    json.dumps({"ts": "2026-11-30T10:00:00+08:00", "type": "join", "room": R, "topic": "理财2期",
                "members": [{"id": "u1", "name": "张三"}]}, ensure_ascii=False),
    line(**{"from": "adv", "text": "/start 2026-12-01", "id": "a1"}),
]
HOSTILE = {
    3: line(room={"id": R}),
    4: line(ts=1764468300),
    5: json.dumps({"ts": "2026-11-30T10:06:00+08:00", "type": "join", "room": R, "members": "u9"}),
    6: line(text=["打卡"]),
    7: json.dumps({"type": {"nested": [[[{"garbage": None}]]]}}),
    8: line(name={"first": "张"}),
    9: line(kind=["image"]),
    10: "[" * 50_000,
    11: line(ts="2099-01-01T10:00:00+08:00", text="打卡", id="far-future"),
    12: line(ts="1970-01-01T08:00:00+08:00", text="打卡", id="far-past"),
    13: json.dumps({"ts": "2026-11-30T10:07:00+08:00", "type": "friendship", "from": "f1", "text": {"hello": 1}}),
    14: line(id=["x"]),
    15: line(ts="9999-12-31T23:59:59-14:00"),
}
GOOD_END = [line(ts="2026-12-01T10:00:00+08:00", text="打卡", id="c1")]


def test_hostile_lines_are_reported_by_number_and_the_rest_still_runs(tmp_path):
    chat = tmp_path / "chat.jsonl"
    chat.write_text("\n".join(GOOD_START + [HOSTILE[n] for n in sorted(HOSTILE)] + GOOD_END) + "\n", encoding="utf-8")
    result = replay(chat, tmp_path / "bot.db", PLAYBOOK, None)
    handled, problems = result.handled, result.problems
    assert [p.line for p in problems] == sorted(HOSTILE)
    assert handled == len(GOOD_START) + len(GOOD_END)
    reasons = {p.line: p.reason for p in problems}
    assert "room" in reasons[3] and "ts" in reasons[4] and "members" in reasons[5] and "text" in reasons[6]
    assert "clock would jump" in reasons[11] and "clock would jump" in reasons[12]
    db = connect(tmp_path / "bot.db")
    (checkin,) = db.conn.execute("SELECT member, day, ts FROM checkins").fetchall()
    assert checkin[:2] == ("u1", 1) and checkin[2].startswith("2026-12-01")  # the clock stayed in 2026
    (ts,) = db.conn.execute("SELECT MAX(ts) FROM inbound").fetchone()
    assert ts.startswith("2026-12-01")


def test_a_line_that_is_not_utf8_is_reported(tmp_path):
    chat = tmp_path / "chat.jsonl"
    chat.write_bytes(GOOD_START[0].encode() + b"\n\xff\xfe broken\n" + GOOD_START[1].encode() + b"\n")
    result = replay(chat, tmp_path / "bot.db", PLAYBOOK, None)
    handled, problems = result.handled, result.problems
    assert handled == 2 and [(p.line, p.reason[:9]) for p in problems] == [(2, "not UTF-8")]
