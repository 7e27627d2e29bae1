"""Fixtures for the conversation tests (the harness itself is tests/harness.py)."""
from __future__ import annotations

import pytest

from bot.playbook.honesty import deadline_claims, seat_claims
from bot.storage import from_iso
from harness import Chat, local


@pytest.fixture
def chat(tmp_path):
    """A bot whose clock starts on 2026-11-30 10:00 Shanghai time, before any course. Whatever a test checks, it
    cannot pass if the bot marketed to someone who had opted out or sent an offer claim that was not true."""
    bot = Chat(tmp_path / "bot.db", local("2026-11-30 10:00"))
    yield bot
    assert_honest(bot)


def assert_honest(bot: Chat) -> None:
    """The bot's two promises, checked over everything it did in the test."""
    conn = bot.store.conn
    if conn is None:
        return
    pushed_after_opt_out = conn.execute(
        "SELECT m.target, m.kind, m.ts FROM marketing_log m JOIN contacts c ON c.contact = m.target "
        "WHERE c.opted_out_at IS NOT NULL AND m.ts > c.opted_out_at").fetchall()
    assert not pushed_after_opt_out, f"marketing to people who had opted out: {pushed_after_opt_out}"
    tz = bot.pb.tz
    for offer_id, title, seats, deadline in conn.execute("SELECT id, title, seats, deadline FROM offers").fetchall():
        pushes = conn.execute("SELECT text, created_at FROM outbox WHERE priority = 1 AND instr(text, ?) > 0", (title,))
        for text, created in pushes.fetchall():
            # enrolments at the very same instant may have come just before or just after the message
            before, upto = (conn.execute(f"SELECT COUNT(*) FROM enrollments WHERE offer = ? AND ts {op} ?", (offer_id, created)).fetchone()[0]
                            for op in ("<", "<="))
            seats_false = [seat_claims(text, max(seats - n, 0)) for n in (before, upto)]
            false = min(seats_false, key=len) + deadline_claims(text, from_iso(deadline), tz, from_iso(created))
            assert not false, f"a false claim was sent: {text!r}: {false}"
