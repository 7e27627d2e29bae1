"""Batched acknowledgements: what members did is named in one message per group every few minutes, never one bot
message per check-in (WeChat restricts accounts that send too fast). Each ritual declares its line (Ritual.ack)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

from bot.schedule.calendar import local_day
from bot.core.lifecycle import Group
from bot.core.ritual import AckLine
from bot.storage import Store


class AckBatcher:
    """Decides when a group's acknowledgement is due, and composes it from the rituals' lines."""

    def __init__(self, store: Store, pb, lines: list[AckLine], reschedule: Callable[[Group], None]) -> None:
        self.store, self.pb, self.lines = store, pb, lines
        self.reschedule = reschedule  # the group's next due moment may have moved earlier

    def request(self, group: Group, now: datetime) -> None:
        """Schedule an acknowledgement: after a short gathering delay, no sooner than the minimum interval."""
        if group.ack_due is not None:
            return
        cfg = self.pb.settings.acks
        if group.ack_day == local_day(self.pb, group.start_date, now) and group.acks_today >= cfg.max_per_day:
            return  # today's acknowledgements are spent: the evening tally names everyone
        due = now + timedelta(seconds=cfg.gather_seconds)
        if group.last_ack_at is not None:
            due = max(due, group.last_ack_at + timedelta(minutes=cfg.min_interval_minutes))
        group.update(ack_due=due)
        self.reschedule(group)

    def drop(self, group: Group) -> None:
        """Forget a pending acknowledgement (a paused group)."""
        group.update(ack_due=None)

    def flush(self, ctx, force: bool = False) -> bool:
        """Post one acknowledgement naming everything recorded since the last one; True if posted.
        Past the daily cap the records stay unacknowledged (the evening tally covers them), unless forced."""
        group, cfg = ctx.group, self.pb.settings.acks
        today = local_day(self.pb, group.start_date, ctx.now)
        acks_today = group.acks_today if group.ack_day == today else 0
        fields: dict[str, object] = {"ack_due": None, "ack_day": today, "acks_today": acks_today}
        posted = False
        if force or acks_today < cfg.max_per_day:
            lines = []
            for line in self.lines:
                rows = self.store.acks.unacked(line.table, line.columns, group.room)
                if rows:
                    text = line.compose(ctx, rows)
                    if text:
                        lines.append(text)
                    self.store.acks.mark(line.table, group.room)
            if lines:
                ctx.say("\n".join(lines))
                fields.update(last_ack_at=ctx.now, acks_today=acks_today + 1)
                posted = True
        group.update(**fields)  # one write of the group's row
        return posted
