"""Runs the course calendar: which group is due next (a heap of next moments), due actions run once within
their grace window, acknowledgements flushed, late bindings and /next caught up."""
from __future__ import annotations

import heapq
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.calendar import Action, actions, local_day
from bot.context import Ctx
from bot.lifecycle import Group

if TYPE_CHECKING:
    from bot.engine import Engine

log = logging.getLogger("bot.timetable")

# Scheduled kinds that a late /start or an advisor's /next still posts at once for the current day.
CATCH_UP_KINDS = {"open", "lesson", "task"}


class Timetable:
    """The engine's scheduler over its groups (no job per action: the calendar is computed, not stored)."""

    def __init__(self, engine: "Engine") -> None:
        self.engine = engine
        self._due: list[tuple[datetime, str]] = []  # (when, room): a heap of the groups' next due moments

    def shift(self, ctx: Ctx, days: int) -> None:
        """Move a group's calendar `days` earlier (the advisor's /next) and run what becomes due today."""
        group = ctx.group
        group.start_date -= timedelta(days=days)
        group.cursor = 0
        self.engine.store.update_group(group.room, start_date=group.start_date.isoformat())
        self.catch_up(ctx)
        self.schedule(group)

    def run_now(self, ctx: Ctx, key: str) -> None:
        """Run one calendar action now, ahead of its time, unless it already ran."""
        if key not in ctx.group.fired:
            action = next(a for a in actions(self.engine.playbook, ctx.group.start_date) if a.key == key)
            self._run(ctx, action)

    def catch_up(self, ctx: Ctx) -> None:
        """Actions already past when a group is bound or shifted: today's posts run now, the rest are skipped."""
        group = ctx.group
        today = local_day(self.engine.playbook, group.start_date, ctx.now)
        for action in actions(self.engine.playbook, group.start_date):
            if action.due > ctx.now:
                break
            if action.key in group.fired:
                continue
            if action.kind == "open" or (action.kind in CATCH_UP_KINDS and action.day == today):
                self._run(ctx, action)
            else:
                self._mark(group, action, ctx.now, "before_start")

    # -- scheduled actions --------------------------------------------------------------------
    def _next_at(self, group: Group) -> datetime | None:
        """The group's next due moment: its first unfired calendar action or its pending acknowledgement."""
        if group.state == "closed":
            return None
        cal = actions(self.engine.playbook, group.start_date)
        while group.cursor < len(cal) and cal[group.cursor].key in group.fired:
            group.cursor += 1
        best = cal[group.cursor].due if group.cursor < len(cal) else None
        if group.ack_due is not None and (best is None or group.ack_due < best):
            best = group.ack_due
        return best

    def schedule(self, group: Group) -> None:
        """(Re)file a group in the due heap; call whenever its next moment may have moved earlier."""
        when = self._next_at(group)
        if when is not None:
            heapq.heappush(self._due, (when, group.room))

    def tick(self) -> int:
        """Run every scheduled action and acknowledgement that is due; returns how many ran."""
        now = self.engine.clock.now()
        ran = 0
        rooms: dict[str, None] = {}
        while self._due and self._due[0][0] <= now:
            rooms[heapq.heappop(self._due)[1]] = None
        for room in rooms:
            group = self.engine.groups.get(room)
            if group is not None:
                ran += self._tick_group(group, now)
                self.schedule(group)
        if any(r.hooks.get("tick") for r in self.engine.routers):
            with self.engine.store.tx():
                self.engine.emit("tick", Ctx(self.engine, now, None, broadcast=True))
        self.engine._commit_hook()
        return ran

    def _tick_group(self, group: Group, now: datetime) -> int:
        ran = 0
        grace = timedelta(minutes=self.engine.playbook.settings.grace_minutes)
        cal = actions(self.engine.playbook, group.start_date)
        while group.state != "closed" and group.cursor < len(cal):
            action = cal[group.cursor]
            if action.key in group.fired:
                group.cursor += 1
                continue
            if action.due > now:
                break
            ctx = Ctx(self.engine, now, group.room, group, broadcast=True)
            try:
                with self.engine.store.tx():
                    if group.paused:
                        self._mark(group, action, now, "paused")
                    elif now - action.due > grace:
                        log.warning("%s %s was due %s, missed beyond the grace window: skipped", group.room, action.key, action.due)
                        self._mark(group, action, now, "missed")
                    else:
                        self._run(ctx, action)
                        ran += 1
            except Exception:
                log.exception("%s: action %s failed", group.room, action.key)
                with self.engine.store.tx():
                    self._mark(group, action, now, "error")
            group.cursor += 1
        if group.ack_due is not None and group.ack_due <= now:
            with self.engine.store.tx():
                ctx = Ctx(self.engine, now, group.room, group)
                if group.paused:
                    self._drop_ack(group)
                elif self.engine.acks.flush(ctx):
                    ran += 1
        return ran

    def _drop_ack(self, group: Group) -> None:
        group.ack_due = None
        self.engine.store.update_group(group.room, ack_due=None)

    def next_due(self) -> datetime | None:
        """The earliest moment something is scheduled (for virtual clocks): the due heap, and what routers
        report through their 'due' hooks (e.g. an offer's next countdown)."""
        best = None
        while self._due:
            when, room = self._due[0]
            group = self.engine.groups.get(room)
            actual = self._next_at(group) if group is not None else None
            if actual == when:
                best = when
                break
            heapq.heappop(self._due)  # stale: the group moved on (or was refiled earlier)
            if actual is not None:
                heapq.heappush(self._due, (actual, room))
        for router in self.engine.routers:
            for hook in router.hooks.get("due", ()):
                when = hook(self.engine)
                if when is not None and (best is None or when < best):
                    best = when
        return best

    def _run(self, ctx: Ctx, action: Action) -> None:
        status = self.engine.action_handlers[action.kind](ctx, action) or "done"
        self._mark(ctx.group, action, ctx.now, status)

    def _mark(self, group: Group, action: Action, now: datetime, status: str) -> None:
        self.engine.store.mark_fired(group.room, action.key, action.due, now, status)
        group.fired.add(action.key)
