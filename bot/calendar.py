"""The course calendar: every scheduled action of a group, as absolute times from its start date."""
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
    index: int = 0  # which alumni post


def local_day(pb: Playbook, start: date, ts: datetime) -> int:
    """Course day of a moment: day N is the local calendar day start+N-1."""
    return (ts.astimezone(pb.tz).date() - start).days + 1


def at(pb: Playbook, start: date, day: int, hhmm: str) -> datetime:
    """The UTC instant of HH:MM local on course day `day`."""
    d = start + timedelta(days=day - 1)
    return datetime.combine(d, parse_hhmm(hhmm), tzinfo=pb.tz).astimezone(timezone.utc)


_cache: dict[tuple[int, date], tuple[Playbook, tuple[Action, ...]]] = {}


def actions(pb: Playbook, start: date) -> tuple[Action, ...]:
    """All actions of a group starting on `start`, in the order they run (cached per playbook and date)."""
    hit = _cache.get((id(pb), start))
    if hit is None or hit[0] is not pb:
        if len(_cache) > 4096:
            _cache.clear()
        hit = _cache[(id(pb), start)] = (pb, _build(pb, start))
    return hit[1]


def _build(pb: Playbook, start: date) -> tuple[Action, ...]:
    s = pb.settings
    out: list[Action] = [Action(at(pb, start, pb.opening.day, pb.opening.time), "open", "open", pb.opening.day)]
    for d in pb.days:
        n = d.day
        out.append(Action(at(pb, start, n, s.lesson_time), f"lesson:{n}", "lesson", n))
        if d.task:
            out.append(Action(at(pb, start, n, d.task.time), f"task:{n}", "task", n))
            out.append(Action(at(pb, start, n, d.task.due), f"task_due:{n}", "task_due", n))
        out.append(Action(at(pb, start, n, s.checkin_reminder_time), f"remind:{n}", "remind", n))
        out.append(Action(at(pb, start, n, s.tally_time), f"tally:{n}", "tally", n))
    g = pb.graduation
    out.append(Action(at(pb, start, g.day, g.time), "graduation", "graduation", g.day))
    a = pb.alumni
    out.append(Action(at(pb, start, a.day, a.time), "alumni", "alumni", a.day))
    for i, post in enumerate(a.posts):
        out.append(Action(at(pb, start, post.day, post.time), f"alumni_post:{i}", "alumni_post", post.day, i))
    if a.close_day is not None:
        out.append(Action(at(pb, start, a.close_day, a.time), "close", "close", a.close_day))
    # stable sort: same-time actions keep playbook order (the lesson before its task ...)
    return tuple(sorted(out, key=lambda x: x.due))
