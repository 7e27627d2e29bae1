"""A study group's lifecycle as a state machine; the Group model persists every transition."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from statemachine import State, StateMachine
from statemachine.exceptions import TransitionNotAllowed

from bot.core.persisted import PersistedState
from bot.storage import Store, from_iso, iso

__all__ = ["Group", "Lifecycle", "TransitionNotAllowed", "STATE_NAMES"]

STATE_NAMES = {
    "bound": "待开营",
    "opening": "开营签到",
    "in_course": "上课中",
    "graduation": "毕业典礼",
    "alumni": "校友群",
    "closed": "已结束",
}


class Lifecycle(StateMachine):
    """bound → opening → in_course (day 1..N) → graduation → alumni → closed."""

    bound = State(initial=True)
    opening = State()
    in_course = State()
    graduation = State()
    alumni = State()
    closed = State(final=True)

    open_course = bound.to(opening)
    begin = opening.to(in_course) | bound.to(in_course)
    next_day = in_course.to.itself()
    graduate = in_course.to(graduation)
    to_alumni = graduation.to(alumni)
    close = alumni.to(closed)


@dataclass
class Group(PersistedState):
    """One bound study group: its row, its machine, and what has been fired for it."""

    store: Store
    room: str
    topic: str
    _state: str
    course_day: int
    start_date: date
    paused: bool
    fired: set[str] = field(default_factory=set)
    members: dict[str, str] = field(default_factory=dict)  # known member id -> name (cache of the table)
    ack_due: datetime | None = None
    last_ack_at: datetime | None = None
    ack_day: int = 0
    acks_today: int = 0
    cursor: int = 0  # index of the first calendar action not yet fired
    account: str = ""  # the bot's WeChat account that is in the group and sends its posts ('' = the only account)
    _pending: tuple[str, datetime, str | None] | None = None
    _machine: Lifecycle | None = None

    @classmethod
    def from_row(cls, store: Store, row: dict) -> "Group":
        """Rebuild a group from its stored row (no entry callbacks run)."""
        if row["state"] not in STATE_NAMES:
            raise ValueError(f"group {row['room']}: stored state {row['state']!r} is not a lifecycle state")
        g = cls(store, row["room"], row["topic"], row["state"], row["course_day"], date.fromisoformat(row["start_date"]), bool(row["paused"]))
        g.fired = store.groups.fired(g.room)
        g.ack_due = from_iso(row["ack_due"]) if row["ack_due"] else None
        g.last_ack_at = from_iso(row["last_ack_at"]) if row["last_ack_at"] else None
        g.ack_day, g.acks_today = row["ack_day"], row["acks_today"]
        g.account = row.get("account", "")
        g.members = store.members.names(g.room)
        return g

    def _persist(self, old: str, new: str) -> None:
        """Write the new state and day, with a history row naming the event, time and actor."""
        event, ts, actor = self._pending
        self.store.groups.update(self.room, state=new, course_day=self.course_day)
        self.store.groups.add_history(self.room, old, new, event, self.course_day, ts, actor)

    @property
    def machine(self) -> Lifecycle:
        if self._machine is None:
            self._machine = Lifecycle(model=self)
        return self._machine

    def transition(self, event: str, ts: datetime, actor: str | None = None, *, day: int | None = None) -> None:
        """Fire a lifecycle event (persisted with a history row); raises TransitionNotAllowed, changing nothing."""
        before = self.course_day
        if day is not None:
            self.course_day = day
        self._pending = (event, ts, actor)
        try:
            self.machine.send(event)
        except TransitionNotAllowed:
            self.course_day = before
            raise
        finally:
            self._pending = None

    def update(self, **fields: object) -> None:
        """Change fields of the group and its row together (the only way a group's fields change)."""
        row = {}
        for name, value in fields.items():
            setattr(self, name, value)
            row[name] = _column(value)
        self.store.groups.update(self.room, **row)

    @property
    def state_name(self) -> str:
        return STATE_NAMES[self._state]


def _column(value: object) -> object:
    """A field's value as stored in its column."""
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value
