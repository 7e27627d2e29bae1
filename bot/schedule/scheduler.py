"""Runs the course calendar: which group is due next (a heap of next moments), due actions run once within their
grace window, acknowledgements flushed, new bindings and /next caught up."""
from __future__ import annotations

import heapq
import logging
from datetime import date, datetime, timedelta
from typing import Callable

from bot.schedule.acks import AckBatcher
from bot.schedule.budget import Budget, day_moved_key
from bot.schedule.calendar import Action, Calendar, local_day
from bot.schedule.spread import Spread
from bot.core.groups import Groups
from bot.core.lifecycle import Group
from bot.storage import Store, iso
from bot.core.wiring import Wiring

log = logging.getLogger("bot.schedule.scheduler")


class Scheduler:
    """The scheduler over the groups (no job per action: the calendar is computed, not stored)."""

    def __init__(self, store: Store, pb, calendar: Calendar, groups: Groups, wiring: Wiring, clock,
                 make_ctx: Callable[..., object]) -> None:
        self.store, self.pb, self.calendar, self.groups, self.wiring = store, pb, calendar, groups, wiring
        self.clock, self.make_ctx = clock, make_ctx
        self.budget = Budget(store, pb, calendar, wiring)
        self.spread = Spread(pb, calendar, groups, wiring)  # each group's own moment for a post due in many groups
        self.acks = AckBatcher(store, pb, wiring.acks, self.schedule, self.budget)
        self._due: list[tuple[datetime, str]] = []  # (when, room): a heap of the groups' next due moments
        for group in groups:
            self.schedule(group)

    # -- what advisors and rituals ask of the calendar ------------------------------------------
    def bind(self, ctx, start: date, topic: str) -> Group:
        """Bind ctx's room with day 1 on `start`, run what is already due today, tell the rituals ('bound')."""
        group = self.groups.bind(ctx.room, topic, start, ctx.now, ctx.actor)
        ctx.group = group
        self.catch_up(ctx)
        self.schedule(group)
        self.wiring.emit("bound", ctx)
        return group

    def shift(self, ctx, days: int, first: str | None = None) -> None:
        """Move a group's calendar `days` earlier (the advisor's /next), run the action `first` (if given, now,
        whatever its catch-up), then what becomes due today."""
        group = ctx.group
        group.update(start_date=group.start_date - timedelta(days=days))
        ctx.store.meta.set(day_moved_key(group.room), iso(ctx.now))  # a new course day begins now (its own budget)
        group.cursor = 0
        if first is not None:
            self.run_now(ctx, first)
        self.catch_up(ctx)
        self.schedule(group)

    def upcoming(self, ctx, later_day: bool = False) -> Action | None:
        """The group's next calendar action not yet run that applies in its current state (on a later day than
        today if `later_day`): after the course, the next alumni post (/status) or the step to the alumni group
        (/next in the ceremony)."""
        group = ctx.group
        today = local_day(self.pb, group.start_date, ctx.now)
        for action in self.calendar.actions(group.start_date):
            scheduled = self.wiring.actions.get(action.kind)
            if action.key in group.fired or scheduled is None or (later_day and action.day <= today):
                continue
            if (scheduled.states is None or group.state in scheduled.states) and (later_day or action.due > ctx.now):
                return action
        return None

    def run_now(self, ctx, key: str) -> None:
        """Run one calendar action now, ahead of its time, unless it already ran."""
        if key not in ctx.group.fired:
            self._run(ctx, self.calendar.action(ctx.group.start_date, key))

    def catch_up(self, ctx) -> None:
        """Actions already past when a group is bound or shifted: today's posts run now, the rest are skipped."""
        group = ctx.group
        today = local_day(self.pb, group.start_date, ctx.now)
        for action in self.calendar.actions(group.start_date):
            if action.due > ctx.now:
                break
            if action.key in group.fired:
                continue
            scheduled = self.wiring.actions.get(action.kind)
            catch_up = scheduled.catch_up if scheduled is not None else None
            if catch_up == "always" or (catch_up == "today" and action.day == today):
                self._run(ctx, action)
            else:
                self._mark(group, action, ctx.now, "before_start")

    # -- the heap -----------------------------------------------------------------------------
    def _next_at(self, group: Group) -> datetime | None:
        """The group's next due moment: its first unfired calendar action or its pending acknowledgement."""
        if group.state == "closed":
            return None
        cal = self.calendar.actions(group.start_date)
        while group.cursor < len(cal) and cal[group.cursor].key in group.fired:
            group.cursor += 1
        best = self.spread.at(group, cal[group.cursor]) if group.cursor < len(cal) else None
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
        now = self.clock.now()
        ran = 0
        rooms: dict[str, None] = {}
        while self._due and self._due[0][0] <= now:
            rooms[heapq.heappop(self._due)[1]] = None
        if not rooms:  # the common tick: only the rituals' hooks whose moment has come (mostly none: no transaction)
            self._tick_rituals(now)
            return 0
        try:  # group commit: one transaction for the tick, each group's action (or ack) in its own savepoint
            with self.store.tx():
                for room in rooms:
                    group = self.groups.get(room)
                    if group is not None:
                        ran += self._tick_group(group, now)
                self._tick_rituals(now)  # after the actions (they may have cleared a ritual's plan)
        finally:  # refiled even if the tick's transaction failed as a whole (then its actions are due again)
            for room in rooms:
                if (group := self.groups.get(room)) is not None:
                    self.schedule(group)
        return ran

    def _tick_rituals(self, now: datetime) -> None:
        """The rituals' 'tick' hooks whose moment has come, in a transaction of their own (a savepoint inside the
        tick's); none due: no transaction at all."""
        ctx = self.make_ctx(now, None, broadcast=True)
        if ticks := self.wiring.ticks_due(ctx):
            with self.store.tx():
                for hook in ticks:
                    hook(ctx)

    def _tick_group(self, group: Group, now: datetime) -> int:
        ran = 0
        grace = timedelta(minutes=self.pb.settings.grace_minutes)
        cal = self.calendar.actions(group.start_date)
        while group.state != "closed" and group.cursor < len(cal):
            action = cal[group.cursor]
            if action.key in group.fired:
                group.cursor += 1
                continue
            at = self.spread.at(group, action)  # its nominal time, spread among the account's groups
            if at > now:
                break
            try:
                with self.store.tx():
                    if group.paused:
                        self._mark(group, action, now, "paused")
                    elif now - at > grace:
                        log.warning("%s %s was due %s, missed beyond the grace window: skipped", group.room, action.key, action.due)
                        self._mark(group, action, now, "missed")
                    else:
                        self._run(self.make_ctx(now, group.room, group, broadcast=True), action)
                        ran += 1
            except Exception:
                log.exception("%s: action %s failed", group.room, action.key)
                group = self.groups.get(group.room)  # read again: the failed action's changes were rolled back
                with self.store.tx():
                    self._mark(group, action, now, "error")
                continue
            group.cursor += 1
        if ran and not group.paused:
            with self.store.tx():
                self.acks.replan(group, now)
        if group.ack_due is not None and group.ack_due <= now:
            try:
                with self.store.tx():
                    if group.paused:
                        self.acks.drop(group)
                    elif self.acks.flush(self.make_ctx(now, group.room, group, ack=True)):  # behind posts
                        ran += 1
            except Exception:  # one group's failure must not undo the tick's other groups (they share its commit)
                log.exception("%s: acknowledgement failed; dropped (the evening tally names everyone)", group.room)
                group = self.groups.get(group.room)
                with self.store.tx():
                    self.acks.drop(group)
        return ran

    def next_due(self) -> datetime | None:
        """The earliest moment something is scheduled (for virtual clocks): the due heap, and what rituals report
        through their 'due' hooks (e.g. an offer's next countdown)."""
        best = None
        while self._due:
            when, room = self._due[0]
            group = self.groups.get(room)
            actual = self._next_at(group) if group is not None else None
            if actual == when:
                best = when
                break
            heapq.heappop(self._due)  # stale: the group moved on (or was refiled earlier)
            if actual is not None:
                heapq.heappush(self._due, (actual, room))
        hooks = self.wiring.hooks.get("due", ())
        if hooks:
            ctx = self.make_ctx(self.clock.now(), None)
            for hook in hooks:
                when = hook(ctx)
                if when is not None and (best is None or when < best):
                    best = when
        return best

    def _run(self, ctx, action: Action) -> None:
        scheduled = self.wiring.actions.get(action.kind)
        if scheduled is None:
            status = "no_handler"  # a playbook's ritual that schedules what no chosen ritual runs
        elif scheduled.states is not None and ctx.group.state not in scheduled.states:
            status = "not_applicable"
        else:
            ctx.services.outbox.due = action.due  # its posts keep the calendar's time (lateness counts from it)
            try:
                status = scheduled.handler(ctx, action) or "done"
            finally:
                ctx.services.outbox.due = None
        self._mark(ctx.group, action, ctx.now, status)

    def _mark(self, group: Group, action: Action, now: datetime, status: str) -> None:
        self.store.groups.mark_fired(group.room, action.key, action.due, now, status)
        group.fired.add(action.key)
