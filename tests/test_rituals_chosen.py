"""A playbook names the rituals a course uses: the others are not there at all (no commands, no posts, no listening)."""
from __future__ import annotations

import yaml

from bot.core import registry
from harness import ADVISOR, PLAYBOOK, ROOM, Chat, local

ONLY = ["course", "hometown", "checkin"]


def lean_playbook(tmp_path) -> str:
    data = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    data["rituals"] = ONLY
    for ritual in registry.available().values():  # the sections of the rituals left out go too
        if ritual.name not in ONLY and ritual.section:
            data.pop(ritual.section[0], None)
    path = tmp_path / "lean.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_a_course_with_three_rituals_runs_just_those(tmp_path):
    chat = Chat(tmp_path / "lean.db", local("2026-11-30 10:00"), playbook=lean_playbook(tmp_path))
    assert [r.name for r in chat.pb.chosen] == ONLY
    chat.join("alice", "bob")
    chat.say(ADVISOR, "/start 2026-12-01")
    chat.until("2026-11-30 20:01")
    assert any("家乡签到" in t for t in chat.said())  # the opening prompt (hometown)
    chat.say("alice", "我来自四川成都")
    chat.until("2026-12-01 12:30")
    said = chat.said()
    assert any(t.startswith("🏠 家乡签到：alice（四川成都市）") for t in said)
    assert any(t.startswith("📖 第1天") for t in said)  # the lesson (course)
    assert not any("实操" in t and t.startswith("🛠️") for t in said)  # no practice ritual: no task posted
    chat.say("bob", "打卡✅")
    chat.say("bob", "实操完成")  # nobody listens for practice
    chat.advance(minutes=2)
    assert [t for t in chat.said() if "打卡已记录" in t or "实操已完成" in t] == ["✅ 打卡已记录：bob（今日已打卡 1/2 人）"]
    chat.say(ADVISOR, "/graduate")
    assert chat.said() == ["【理财1期】未知指令 /graduate，发送 /help 查看可用指令。"]
    chat.say(ADVISOR, "/help")
    help_text = chat.said()[0]
    assert "/tally" in help_text and "/coupon" not in help_text and "/survey" not in help_text
    assert chat.group().state == "in_course" and chat.store.groups.row(ROOM)["course_day"] == 1
