"""One post, not two: a ritual's scheduled action may stand in for another ritual's post of a given kind at the same
moment (Ritual.action(replaces=...)). The calendar drops the replaced entry, so the scheduler, the daily budget and the
capacity plan all see the one post; at another moment, or when the playbook says not to, both stay."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.core.ritual import Ritual
from bot.schedule.calendar import Calendar
from harness import PLAYBOOK, TZ, Chat, local, playbook_with

START = date(2026, 12, 1)


def rituals(replacing: bool = True) -> tuple[Ritual, Ritual]:
    """A news ritual posting its text at 12:00 and 18:00 each day, and a poster ritual whose picture at 18:00 is the
    evening news (when `replacing`)."""
    news = Ritual("news", order=10)
    poster = Ritual("poster", order=20)

    @news.schedule
    def news_times(pb, start):
        for day in (1, 2):
            yield day, "12:00", f"noon:{day}", "news"
            yield day, "18:00", f"evening:{day}", "news"

    @news.action("news")
    def post_news(ctx, action): ...

    @poster.schedule
    def poster_times(pb, start):
        for day in (1, 2):
            yield day, "18:00", f"poster:{day}", "poster"

    @poster.action("poster", replaces="news", replaces_if=lambda pb: pb.replacing)
    def post_poster(ctx, action): ...

    return news, poster


def keys(replacing: bool) -> list[str]:
    pb = SimpleNamespace(chosen=rituals(), tz=TZ, replacing=replacing)
    return [a.key for a in Calendar(pb).actions(START)]


def test_the_poster_replaces_the_news_of_its_own_moment_only():
    assert keys(replacing=True) == ["noon:1", "poster:1", "noon:2", "poster:2"]


def test_when_the_playbook_says_not_to_both_are_posted():
    assert keys(replacing=False) == ["noon:1", "evening:1", "poster:1", "noon:2", "evening:2", "poster:2"]


def test_an_action_cannot_replace_itself_or_replace_on_a_condition_alone():
    ritual = Ritual("odd")
    with pytest.raises(ValueError, match="cannot replace itself"):
        ritual.action("news", replaces="news")
    with pytest.raises(ValueError, match="replaces_if needs replaces"):
        ritual.action("news", replaces_if=lambda pb: True)


def card_after_the_tally(tmp_path) -> Path:
    return playbook_with(tmp_path, pictures={"tally_card": "after"})


def evening_budget(chat: Chat) -> tuple[int, object]:
    """Posts the group's calendar still has to make today, seen from 21:00 of day 1 (and when the last is due)."""
    chat.until("2026-12-01 21:00")
    return chat.engine.scheduler.budget.planned(chat.group(), chat.clock.now())


def test_the_daily_budget_keeps_one_post_free_for_the_tally_card_that_is_the_tally(tmp_path):
    chat = Chat(tmp_path / "instead.db", local("2026-11-30 10:00"), playbook=PLAYBOOK)
    chat.start_course("alice")
    assert evening_budget(chat) == (1, local("2026-12-01 22:00"))


def test_with_the_card_after_the_tally_the_budget_keeps_two(tmp_path):
    chat = Chat(tmp_path / "after.db", local("2026-11-30 10:00"), playbook=card_after_the_tally(tmp_path))
    chat.start_course("alice")
    assert evening_budget(chat) == (2, local("2026-12-01 22:00"))
