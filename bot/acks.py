"""Batched acknowledgements: what members did is named in one message per group every few minutes,
never one bot message per check-in (WeChat restricts accounts that send too fast)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Callable

from bot.calendar import local_day
from bot.lifecycle import Group
from bot.storage import iso

if TYPE_CHECKING:
    from bot.context import Ctx
    from bot.engine import Engine

# A composer turns unacknowledged rows of its table into one line of the acknowledgement (or "").
Composer = Callable[["Ctx", list[tuple]], str]


class AckBatcher:
    """Decides when a group's acknowledgement is due, and composes it from every ritual's records."""

    def __init__(self, engine: "Engine") -> None:
        self.engine = engine
        self.composers: list[tuple[str, Composer]] = []

    def add(self, table: str, composer: Composer) -> None:
        self.composers.append((table, composer))

    def request(self, group: Group, now: datetime) -> None:
        """Schedule an acknowledgement: after a short gathering delay, no sooner than the minimum interval."""
        if group.ack_due is not None:
            return
        cfg = self.engine.playbook.settings.acks
        if group.ack_day == local_day(self.engine.playbook, group.start_date, now) and group.acks_today >= cfg.max_per_day:
            return  # today's acknowledgements are spent: the evening tally names everyone
        due = now + timedelta(seconds=cfg.gather_seconds)
        if group.last_ack_at is not None:
            due = max(due, group.last_ack_at + timedelta(minutes=cfg.min_interval_minutes))
        group.ack_due = due
        self.engine.store.update_group(group.room, ack_due=iso(due))
        self.engine.timetable.schedule(group)

    def flush(self, ctx: "Ctx", force: bool = False) -> bool:
        """Post one acknowledgement naming everything recorded since the last one; True if posted.
        Past the daily cap the records stay unacknowledged (the evening tally covers them), unless forced."""
        group, store, cfg = ctx.group, ctx.store, self.engine.playbook.settings.acks
        today = local_day(self.engine.playbook, group.start_date, ctx.now)
        if group.ack_day != today:
            group.ack_day, group.acks_today = today, 0
        group.ack_due = None
        fields: dict[str, object] = {"ack_due": None, "ack_day": group.ack_day, "acks_today": group.acks_today}
        posted = False
        if force or group.acks_today < cfg.max_per_day:
            lines = []
            for table, composer in self.composers:
                rows = store.unacked(table, group.room)
                if rows:
                    line = composer(ctx, rows)
                    if line:
                        lines.append(line)
                    store.mark_acked(table, group.room)
            if lines:
                ctx.say("\n".join(lines))
                group.last_ack_at = ctx.now
                group.acks_today += 1
                fields.update(last_ack_at=iso(ctx.now), acks_today=group.acks_today)
                posted = True
        store.update_group(group.room, **fields)
        return posted
