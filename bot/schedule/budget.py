"""The daily send budget of a group: one course day (a local day, or from an advisor's /next) costs at most
settings.daily_messages messages to the room.

Every message to the room counts, where it is queued (the durable outbox): lessons, tasks, reminders, tallies,
pictures, replies, acknowledgements. The scheduled posts come first and are never dropped: the budget keeps free
what today's calendar still has to post (each action declares its `posts`), plus `acks.spare` messages until the
day's last scheduled post; acknowledgements get what is left, spread until that post (then until midnight)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.core.lifecycle import Group
from bot.core.wiring import Wiring
from bot.schedule.calendar import Calendar
from bot.storage import Store, from_iso


def day_moved_key(room: str) -> str:
    """The meta key holding when an advisor's /next last began a new course day in the room."""
    return f"day_moved:{room}"


@dataclass(frozen=True)
class AckRoom:
    """What acknowledgements may spend today: `free` messages, spread until `until`."""

    free: int
    until: datetime
    after_last: bool  # the day's scheduled posts are all done (the spare is free; the tally has counted the day)


class Budget:
    def __init__(self, store: Store, pb, calendar: Calendar, wiring: Wiring) -> None:
        self.store, self.pb, self.calendar, self.wiring = store, pb, calendar, wiring

    def _midnight(self, now: datetime) -> datetime:
        """The local midnight that began `now`'s day."""
        return datetime.combine(now.astimezone(self.pb.tz).date(), time(0), tzinfo=self.pb.tz)

    def _day_began(self, group: Group, now: datetime) -> datetime:
        """When the group's course day began: local midnight, or later if an advisor's /next began a new course day
        today (a demo runs several course days in one afternoon: each is a course day with its own budget)."""
        midnight = self._midnight(now)
        moved = self.store.meta.get(day_moved_key(group.room))
        return max(midnight, from_iso(moved)) if moved else midnight

    def used(self, group: Group, now: datetime) -> int:
        """Messages queued to the room since the course day began (local midnight, or the advisor's /next)."""
        return self.store.outbox.group_posts_since(group.room, self._day_began(group, now))

    def planned(self, group: Group, now: datetime) -> tuple[int, datetime | None]:
        """Posts today's calendar still has to make for the group (actions not yet run), and when the last of them is
        due (None: nothing left today)."""
        midnight = self._midnight(now)
        end = midnight + timedelta(days=1)
        posts, last = 0, None
        for action in self.calendar.actions(group.start_date)[group.cursor:]:
            if action.due >= end:
                break
            if action.key in group.fired:
                continue
            scheduled = self.wiring.actions.get(action.kind)
            if scheduled is None:  # (whatever the group's state now: the day's lesson moves it on)
                continue
            if scheduled.posts and action.due >= midnight:
                posts += scheduled.posts
                last = action.due
        return posts, last

    def for_acks(self, group: Group, now: datetime) -> AckRoom:
        """What is left today for acknowledgements once the scheduled posts (and the spare, until the last of them)
        are kept free."""
        posts, last = self.planned(group, now)
        spare = self.pb.settings.acks.spare if posts else 0
        free = self.pb.settings.daily_messages - self.used(group, now) - posts - spare
        until = last if last is not None and last > now else self._midnight(now) + timedelta(days=1)
        return AckRoom(max(free, 0), until, posts == 0)
