"""Batched acknowledgements: what members did is named in one message per group now and then, never one bot message
per check-in (WeChat restricts accounts that send too fast). Each ritual declares its line (Ritual.ack).

The day's acknowledgements are what the send budget leaves (bot/schedule/budget.py), at most acks.max_per_day, and
they are spread over the day: the next one is due at the next slot (the time left until the day's last scheduled post
shared among the acknowledgements left), or sooner once enough records wait (the group's size shared among them), so
a member checking in at 18:00 is acknowledged as surely as one at 09:00 and a dozen people still hear back within a
minute. Records the budget cannot acknowledge wait: the tally names the day's check-ins, and what is left after the
day's last scheduled post is acknowledged then, from the spare the budget kept."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

from bot.schedule.budget import Budget
from bot.schedule.calendar import local_day
from bot.core.lifecycle import Group
from bot.core.ritual import AckLine
from bot.storage import Store

LAST_CALL_MINUTES = 10  # after the day's last scheduled post, the last acknowledgement comes this long before midnight


class AckBatcher:
    """Decides when a group's acknowledgement is due, and composes it from the rituals' lines."""

    def __init__(self, store: Store, pb, lines: list[AckLine], reschedule: Callable[[Group], None],
                 budget: Budget) -> None:
        self.store, self.pb, self.lines, self.budget = store, pb, lines, budget
        self.reschedule = reschedule  # the group's next due moment may have moved earlier
        # in memory (rebuilt from the tables after a restart): records waiting per room, the batch size that makes
        # an acknowledgement due at once, and the rooms whose records wait for room in the budget
        self._waiting: dict[str, int] = {}
        self._enough: dict[str, int] = {}
        self._held: dict[str, int] = {}  # room -> the course day its records were held (planned again next day)

    def _count(self, room: str) -> int:
        return sum(len(self.store.acks.unacked(line.table, line.columns, room)) for line in self.lines)

    def request(self, group: Group, now: datetime) -> None:
        """Something was recorded: schedule an acknowledgement at the next slot, or sooner if enough wait."""
        room = group.room
        if room in self._waiting:
            self._waiting[room] += 1
        else:
            self._waiting[room] = self._count(room)  # includes the record just added
        if group.ack_due is None:
            if self._held.get(room) != local_day(self.pb, group.start_date, now):
                self._plan(group, now)  # (held today: the next scheduled post plans again, see replan)
        elif self._waiting[room] >= self._enough.get(room, 1):
            soonest = self._soonest(group, now)
            if soonest < group.ack_due:
                group.update(ack_due=soonest)
                self.reschedule(group)

    def replan(self, group: Group, now: datetime) -> None:
        """After a scheduled post: records held for lack of budget are planned again (the day's last post releases
        the spare; a new day brings a new budget)."""
        if group.ack_due is None and (group.room in self._held or group.room not in self._waiting):
            # (a room not seen since the start: records may have been held before a restart)
            self._waiting[group.room] = self._count(group.room)
            if self._waiting[group.room]:
                self._plan(group, now)
            else:
                self._held.pop(group.room, None)

    def _free(self, group: Group, now: datetime):
        room = self.budget.for_acks(group, now)
        today = local_day(self.pb, group.start_date, now)
        done = group.acks_today if group.ack_day == today else 0
        cfg = self.pb.settings.acks
        cap = cfg.max_per_day + (cfg.spare if room.after_last else 0)  # the spare is on top of the day's cap
        return min(room.free, cap - done), room.until, room.after_last

    def _soonest(self, group: Group, now: datetime) -> datetime:
        cfg = self.pb.settings.acks
        due = now + timedelta(seconds=cfg.gather_seconds)
        if group.last_ack_at is not None:
            due = max(due, group.last_ack_at + timedelta(minutes=cfg.min_interval_minutes))
        return due

    def _plan(self, group: Group, now: datetime) -> None:
        free, until, after_last = self._free(group, now)
        if free <= 0:
            # the budget is spent for now: the tally, or the spare, covers them
            self._held[group.room] = local_day(self.pb, group.start_date, now)
            return
        self._held.pop(group.room, None)
        # enough waiting for an acknowledgement now: the group's share per acknowledgement left
        enough = self._enough[group.room] = max(1, len(self.store.members.current(group.room)) // (free + 1))
        due = self._soonest(group, now)
        if self._waiting.get(group.room, 0) < enough:
            # else at the next slot: until the day's last scheduled post, the last slot half a slot before it; after
            # it (`until` is midnight), the last slot a few minutes before midnight, so the day's records are named
            slots = free + 0.5 if after_last is False else free
            end = until if after_last is False else until - timedelta(minutes=LAST_CALL_MINUTES)
            due = max(due, now + (end - now) / slots)
        group.update(ack_due=due)
        self.reschedule(group)

    def drop(self, group: Group) -> None:
        """Forget a pending acknowledgement (a paused group)."""
        group.update(ack_due=None)

    def flush(self, ctx) -> bool:
        """Post one acknowledgement naming everything recorded since the last one, if the budget has room; True if
        posted. Otherwise the records wait (see replan)."""
        group = ctx.group
        today = local_day(self.pb, group.start_date, ctx.now)
        acks_today = group.acks_today if group.ack_day == today else 0
        fields: dict[str, object] = {"ack_due": None, "ack_day": today, "acks_today": acks_today}
        posted = False
        free, _, _ = self._free(group, ctx.now)
        if free > 0:
            lines = []
            for line in self.lines:
                rows = self.store.acks.unacked(line.table, line.columns, group.room)
                if rows:
                    text = line.compose(ctx, rows)
                    if text:
                        lines.append(text)
                    self.store.acks.mark(line.table, group.room)
            self._waiting[group.room] = 0
            if lines:
                ctx.say("\n".join(lines))
                fields.update(last_ack_at=ctx.now, acks_today=acks_today + 1)
                posted = True
        else:
            self._held[group.room] = today
        group.update(**fields)  # one write of the group's row
        return posted
