"""replay of a recorded chat: it says how many events were new and how many it had seen, lets out the
acknowledgement still gathering when the file ends, writes what the bot sent in the course's time (+08:00) as it
goes, and shows a progress bar when asked (or on a terminal)."""
from __future__ import annotations

import json

from click.testing import CliRunner

from main import cli

R = "r1@chatroom"


def msg(ts, who, text, mid):
    return {"ts": ts, "type": "message", "room": R, "topic": "理财2期", "from": who, "name": who, "text": text, "id": mid}


WEEK_START = [
    {"ts": "2026-11-30T10:00:00+08:00", "type": "join", "room": R, "topic": "理财2期",
     "members": [{"id": "u1", "name": "张三"}, {"id": "u2", "name": "李四"}]},
    msg("2026-11-30T10:05:00+08:00", "adv", "/start 2026-12-01", "a1"),
    msg("2026-12-01T10:00:00+08:00", "u1", "打卡", "c1"),
    msg("2026-12-01T10:00:20+08:00", "u2", "打卡✅", "c2"),  # the file ends while the acknowledgement gathers
]


def replay(tmp_path, lines, *extra):
    chat = tmp_path / "chat.jsonl"
    chat.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    return CliRunner().invoke(cli, ["replay", str(chat), "--db", str(tmp_path / "bot.db"), *extra])


def test_the_acknowledgement_still_gathering_at_the_end_of_the_file_is_sent(tmp_path):
    out = tmp_path / "sent.jsonl"
    res = replay(tmp_path, WEEK_START, "--out", str(out))
    assert res.exit_code == 0, res.output
    sent = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    (ack,) = [s for s in sent if "打卡已记录" in s["text"]]
    assert ack["text"].startswith("✅ 打卡已记录：u1、u2") and ack["ts"].startswith("2026-12-01T10:01")


def test_what_the_bot_sent_is_written_in_the_course_time_zone_with_its_offset(tmp_path):
    out = tmp_path / "sent.jsonl"
    replay(tmp_path, WEEK_START, "--out", str(out))
    sent = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sent and all(s["ts"].endswith("+08:00") for s in sent)
    lesson = next(s for s in sent if s["ts"].startswith("2026-12-01T09:00"))  # day 1's 09:00 lesson, in local time
    assert lesson["room"] == R


def test_a_file_replayed_again_is_counted_as_duplicates(tmp_path):
    first = replay(tmp_path, WEEK_START)
    assert "回放 4 条：新 4 条，重复 0 条" in first.stderr and "4 new, 0 duplicate" in first.stderr
    again = replay(tmp_path, WEEK_START + [msg("2026-12-02T10:00:00+08:00", "u1", "打卡", "c3")])
    assert "回放 5 条：新 1 条，重复 4 条" in again.stderr
    assert "replayed 5 event(s)" in again.stderr and "1 new, 4 duplicate; 0 bad line(s) skipped" in again.stderr


def test_a_redelivered_line_inside_the_file_is_a_duplicate(tmp_path):
    res = replay(tmp_path, WEEK_START + [WEEK_START[-1]])
    assert "回放 5 条：新 4 条，重复 1 条" in res.stderr


def test_a_progress_bar_on_request_and_none_when_not_on_a_terminal(tmp_path):
    quiet = replay(tmp_path, WEEK_START)
    assert "it/s" not in quiet.stderr and "条/s" not in quiet.stderr and "%|" not in quiet.stderr
    (tmp_path / "bot.db").unlink()
    shown = replay(tmp_path, WEEK_START, "--progress")
    assert "回放 replay" in shown.stderr and "100%" in shown.stderr and "4/4" in shown.stderr
