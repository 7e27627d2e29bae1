"""Spreading scheduled posts: when the same post (the 09:00 lesson, the 22:00 tally) is due in many groups on one
WeChat account, each group runs it at its own moment after the nominal time instead of all queuing at that second.

Stateless and restart-safe: a group's moment is computed, never stored. The account's running groups are ranked by
a stable hash of their room id; the group of rank r runs the post at due + r x slot, where the slot is what the
posts due at that moment take to send on the account (its pacing: the per-minute budget or the pause between two
recipients, whichever is longer) and shrinks so that the last group still starts within the post's window
(settings.spread_minutes, or settings.spread[kind]; 0 = off). So the first group (and a group alone on its account)
is not delayed at all, 250 groups' lessons start 09:00-09:10 in step with what the account can send, and a group
joining or closing moves the others by at most one slot. The `fired` row keeps the nominal due time; the grace rule
counts from the group's own moment."""
from __future__ import annotations

import zlib
from datetime import date, datetime, timedelta

from bot.schedule.calendar import Action, Calendar

ZERO = timedelta(0)
DEFAULT_POST_SECONDS = 2.5  # the default pacing: 40 a minute, but 1-4 s (2.5 on average) between two rooms


def post_seconds(pacing) -> float:
    """How long one post to a new room takes on an account with this pacing (its sustained rate)."""
    low, high = pacing.switch_jitter_seconds
    return max(60.0 / max(pacing.per_minute, 1), (low + high) / 2, pacing.room_gap_seconds)


class Spread:
    """The offsets of one engine's groups (one instance, kept by the scheduler)."""

    def __init__(self, pb, calendar: Calendar, groups, wiring) -> None:
        self.pb, self.calendar, self.groups, self.wiring = pb, calendar, groups, wiring
        self._seconds: dict[str, float] = {}  # account -> seconds per post (paced()); others: DEFAULT_POST_SECONDS
        self._ranks: dict[str, tuple[int, int]] = {}  # room -> (rank, running groups on its account)
        self._ranked_at: object = None  # the groups' change mark the ranks were computed at
        self._posts: dict[tuple[date, datetime], int] = {}
        # (room, account, start, kind, due) -> the group's moment, while the ranks and the pacing stay what they were
        # (asked for the heap's first group on every stop of a virtual clock, and on every tick of a real one)
        self._moments: dict[tuple, datetime] = {}
        self._moments_at: object = None

    def paced(self, pacing, account: str = "") -> None:
        """Tell the spread how fast an account sends (the composition root, once per account)."""
        self._seconds[account] = post_seconds(pacing)
        self._moments.clear()

    def window(self, kind: str) -> float:
        """Seconds over which a kind of post is spread (0: not spread)."""
        settings = self.pb.settings
        return 60.0 * settings.spread.get(kind, settings.spread_minutes)

    def at(self, group, action: Action) -> datetime:
        """The group's own moment for a scheduled action: its nominal time plus the group's offset."""
        mark = self.groups.mark()
        if mark != self._moments_at or len(self._moments) > 4096:
            self._moments.clear()
            self._moments_at = mark
        key = (group.room, getattr(group, "account", ""), group.start_date, action.kind, action.due)
        moment = self._moments.get(key)
        if moment is None:
            moment = self._moments[key] = action.due + self.offset(group, action)
        return moment

    def offset(self, group, action: Action) -> timedelta:
        window = self.window(action.kind)
        if window <= 0:
            return ZERO
        rank, n = self._rank(group)
        if rank == 0:
            return ZERO
        account = getattr(group, "account", "")
        slot = self._seconds.get(account, DEFAULT_POST_SECONDS) * self._posts_at(group.start_date, action.due)
        return timedelta(seconds=rank * min(slot, window / n))

    def _rank(self, group) -> tuple[int, int]:
        mark = self.groups.mark()
        if mark != self._ranked_at:
            by_account: dict[str, list[tuple[int, str]]] = {}
            for g in self.groups:
                by_account.setdefault(getattr(g, "account", ""), []).append((zlib.crc32(g.room.encode()), g.room))
            self._ranks = {room: (rank, len(rooms)) for rooms in by_account.values()
                           for rank, (_, room) in enumerate(sorted(rooms))}
            self._ranked_at = mark
        return self._ranks.get(group.room, (0, 1))

    def _posts_at(self, start: date, due: datetime) -> int:
        """How many messages the group's calendar posts at this nominal moment (e.g. the tally and its card: 2)."""
        key = (start, due)
        posts = self._posts.get(key)
        if posts is None:
            if len(self._posts) > 4096:
                self._posts.clear()
            actions = self.wiring.actions
            posts = self._posts[key] = max(1, sum(actions[a.kind].posts for a in self.calendar.actions(start)
                                                  if a.due == due and a.kind in actions))
        return posts
