"""Spread, not bunched: the same scheduled post due in many groups on one account goes out over a few minutes, each
group at its own stable moment, in step with what the account can send; a group alone is not delayed."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.playbook import PlaybookError, load_playbook
from bot.storage import from_iso
from harness import ADVISOR, PLAYBOOK, ROOM, Chat, local

NINE = local("2026-12-01 09:00")


def rooms(n: int) -> list[str]:
    return [f"class{i}@chatroom" for i in range(n)]


def bind(chat, room, via=""):
    chat.join("alice", "bob", room=room, via=via)
    chat.say(ADVISOR, "/start 2026-12-01", room=room, via=via)


def lessons(chat, upto="2026-12-01 09:30", settle=True):
    """room -> (when the lesson was queued, when it went out), after running the calendar until `upto` (and letting
    what is queued go out, if `settle`)."""
    chat.until(upto)
    if settle:
        chat.said()
    out = {}
    for row in chat.store.conn.execute("SELECT room, created_at, sent_at FROM outbox WHERE text LIKE '📖 第1天%'"):
        out[row[0]] = (from_iso(row[1]), from_iso(row[2]) if row[2] else None)
    return out


def playbook_with(tmp_path, settings: str):
    text = PLAYBOOK.read_text(encoding="utf-8").replace("  spread_minutes: 10 ", settings + "\n  #", 1)
    path = tmp_path / "playbook.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_group_alone_on_its_account_gets_its_lesson_at_nine_sharp(tmp_path):
    chat = Chat(tmp_path / "bot.db", local("2026-11-30 10:00"))
    bind(chat, ROOM)
    queued, sent = lessons(chat)[ROOM]
    assert queued == NINE and sent - NINE < timedelta(seconds=5)


def test_forty_groups_lessons_are_queued_one_by_one_from_nine_at_the_accounts_pace_not_all_at_nine(tmp_path):
    chat = Chat(tmp_path / "bot.db", local("2026-11-30 10:00"))
    for room in rooms(40):
        bind(chat, room)
    got = lessons(chat)
    queued = sorted(q for q, _ in got.values())
    assert len(got) == 40 and queued[0] == NINE  # the first group is not delayed
    assert len(set(queued)) == 40  # never two at the same second
    gaps = {round((b - a).total_seconds(), 1) for a, b in zip(queued, queued[1:])}
    assert gaps == {2.5}  # each group one post-time (40 a minute, 1-4 s between rooms) after the one before
    assert max(queued) - NINE == timedelta(seconds=39 * 2.5)  # 09:00-09:01:37, well inside the 10 minutes
    assert max(s for _, s in got.values()) - NINE < timedelta(minutes=3)  # and out as fast as the account sends


def test_the_window_caps_the_spread_and_each_kind_may_have_its_own(tmp_path):
    chat = Chat(tmp_path / "bot.db", local("2026-11-30 10:00"),
                playbook=playbook_with(tmp_path, "  spread_minutes: 10\n  spread: {lesson: 0.5}"))
    for room in rooms(40):
        bind(chat, room)
    queued = sorted(q for q, _ in lessons(chat).values())
    assert queued[0] == NINE and max(queued) - NINE <= timedelta(seconds=30)  # 40 groups in the lesson's half minute
    assert len(set(queued)) == 40


def test_spread_minutes_zero_posts_every_group_at_the_time(tmp_path):
    chat = Chat(tmp_path / "bot.db", local("2026-11-30 10:00"), playbook=playbook_with(tmp_path, "  spread_minutes: 0"))
    for room in rooms(10):
        bind(chat, room)
    assert {q for q, _ in lessons(chat).values()} == {NINE}


def test_each_account_spreads_its_own_groups(tmp_path):
    chat = Chat(tmp_path / "bot.db", local("2026-11-30 10:00"), accounts=("adv1", "adv2"))
    for room in rooms(30):
        bind(chat, room, via="adv1")
    bind(chat, ROOM, via="adv2")
    got = lessons(chat)
    assert got[ROOM][0] == NINE and got[ROOM][1] - NINE < timedelta(seconds=5)  # adv2's only group: not delayed
    assert max(q for q, _ in got.values()) - NINE == timedelta(seconds=29 * 2.5)  # adv1's 30 take 72.5 s


def test_a_restart_in_the_middle_of_the_spread_keeps_every_groups_moment_and_runs_nothing_twice(tmp_path):
    chat = Chat(tmp_path / "bot.db", local("2026-11-30 10:00"))
    for room in rooms(40):
        bind(chat, room)
    before = {r: q for r, (q, _) in lessons(chat, "2026-12-01 09:00:50", settle=False).items()}
    assert 10 < len(before) < 40
    chat.restart()
    after = lessons(chat)
    assert len(after) == 40 and all(after[r][0] == q for r, q in before.items())
    queued = sorted(q for q, _ in after.values())
    assert {round((b - a).total_seconds(), 1) for a, b in zip(queued, queued[1:])} == {2.5}  # the same moments
    due = {d for (d,) in chat.store.conn.execute("SELECT due_at FROM fired WHERE action = 'lesson:1'")}
    assert {from_iso(d) for d in due} == {NINE}  # what is recorded is the calendar's time


def test_the_days_budget_keeps_a_post_free_until_the_group_has_run_it(tmp_path):
    chat = Chat(tmp_path / "bot.db", local("2026-11-30 10:00"))
    for room in rooms(40):
        bind(chat, room)
    chat.until("2026-12-01 09:00:30")
    last = max(rooms(40), key=lambda r: chat.engine.scheduler.spread.at(
        chat.engine.groups.get(r), chat.engine.scheduler.calendar.action(chat.engine.groups.get(r).start_date, "lesson:1")))
    group = chat.engine.groups.get(last)
    assert "lesson:1" not in group.fired  # still waiting for its moment at 09:00:30
    posts, _ = chat.engine.scheduler.budget.planned(group, chat.clock.now())
    assert posts == 5  # lesson, task, its reminder, check-in reminder, and the tally (the card is the tally)


@pytest.mark.parametrize("settings, problem", [
    ("  spread: {lessn: 5}", "settings.spread.lessn: 不是所选环节的定时发布"),
    ("  spread_minutes: -1", "settings.spread_minutes"),
    ("  spread: {tally: 500}", "settings.spread: tally: 分钟数须在 0 到 120 之间"),
])
def test_check_names_a_bad_spread(tmp_path, settings, problem):
    with pytest.raises(PlaybookError) as err:
        load_playbook(playbook_with(tmp_path, settings))
    assert problem in str(err.value)
