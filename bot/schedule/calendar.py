"""The course calendar: every scheduled action of a group, as absolute times from its start date. The actions come
from the rituals' declarations (Ritual.schedule); the calendar itself knows none of them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from bot.playbook import Playbook
from bot.playbook.model import parse_hhmm


@dataclass(frozen=True, slots=True)
class Action:
    """A scheduled action: `key` is unique per group (e.g. 'tally:3'), `kind` picks the handler."""

    due: datetime
    key: str
    kind: str
    day: int  # course day (0 = the opening evening; > N for alumni days)
    index: int = 0  # which of several (e.g. which alumni post)


def local_day(pb: Playbook, start: date, ts: datetime) -> int:
    """Course day of a moment: day N is the local calendar day start+N-1."""
    return (ts.astimezone(pb.tz).date() - start).days + 1


def at(pb: Playbook, start: date, day: int, hhmm: str) -> datetime:
    """The UTC instant of HH:MM local on course day `day`."""
    d = start + timedelta(days=day - 1)
    return datetime.combine(d, parse_hhmm(hhmm), tzinfo=pb.tz).astimezone(timezone.utc)


class Calendar:
    """The actions of a playbook's rituals for any start date (computed once per date, a few hundred dates kept)."""

    def __init__(self, pb: Playbook) -> None:
        self.pb = pb
        self._by_start: dict[date, tuple[Action, ...]] = {}

    def actions(self, start: date) -> tuple[Action, ...]:
        """All actions of a group starting on `start`, in the order they run."""
        hit = self._by_start.get(start)
        if hit is None:
            if len(self._by_start) > 512:
                self._by_start.clear()
            hit = self._by_start[start] = self._build(start)
        return hit

    def action(self, start: date, key: str) -> Action | None:
        return next((a for a in self.actions(start) if a.key == key), None)

    def _build(self, start: date) -> tuple[Action, ...]:
        out = []
        for ritual in self.pb.chosen:
            for fn in ritual.schedules:
                for day, hhmm, key, kind, *index in fn(self.pb, start):
                    out.append(Action(at(self.pb, start, day, hhmm), key, kind, day, *index))
        out = _without_replaced(self.pb, out)
        # stable sort: same-time actions keep the rituals' order (the lesson before its task ...)
        return tuple(sorted(out, key=lambda x: x.due))


def _without_replaced(pb: Playbook, actions: list[Action]) -> list[Action]:
    """Drop each action another one replaces at the same moment (Ritual.action(replaces=...)): one post, not two."""
    replaces = {kind: replaced for ritual in pb.chosen for kind, scheduled in ritual.actions.items()
                if (replaced := scheduled.replacing(pb)) is not None}
    if not replaces:
        return actions
    gone = {(replaces[a.kind], a.due) for a in actions if a.kind in replaces}
    return [a for a in actions if (a.kind, a.due) not in gone]
