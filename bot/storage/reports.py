"""The report's queries, all in one place: the conversion funnel in numbers, per group and overall (read-only;
they read across the aggregates' tables). Every per-group figure is one grouped query over its table (GROUP BY
room), never a query per group: a year of data (thousands of groups, a million funnel rows) reports in seconds."""
from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from datetime import datetime

from bot.storage.stamps import iso
from dataclasses import dataclass
from itertools import groupby, repeat
from typing import Iterable
from operator import itemgetter

# the funnel stages counted per group by the room a stage was recorded in, and overall by distinct person
_ROOM_STAGES = ("offer_shown", "coupon_pushed")
_OVERALL_STAGES = ("friend_added", "greeted", "offer_shown", "coupon_pushed")
# the stages counted per group among the people invited to it
_INVITED_STAGES = ("friend_added", "greeted")


class ReportQueries:
    """Counts for `report` (shares the Store's connection; a report opens the database read-only)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def _one(self, sql: str, args: tuple = ()) -> int:
        return self.conn.execute(sql, args).fetchone()[0]

    def _by_room(self, sql: str) -> dict[str, int]:
        """{room: count} from a `SELECT room, COUNT(..) ... GROUP BY room`."""
        return dict(self.conn.execute(sql))

    # -- what each group holds, every group at once ---------------------------------------------
    def detail(self) -> Detail:
        """Every group's people, check-ins, practice, hometowns and graduates, each table read once (the funnel's
        counts of the same rows are taken from what was read, not read again)."""
        members: dict[str, list[str]] = defaultdict(list)
        rows = self.conn.execute(
            "SELECT room, member, left_at IS NULL FROM members ORDER BY room, joined_at, member").fetchall()
        for room, of_room in _by_room_of(rows):  # (a year is 140,000 rows)
            if now := [member for _, member, current in of_room if current]:
                members[room] = now
        joined, everyone = Counter(map(itemgetter(0), rows)), set(map(itemgetter(1), rows))
        return Detail(members, joined, len(everyone), self.days_by_member("checkins"),
                      self.days_by_member("practice"), self.hometowns(), self.graduates())

    def member_counts(self) -> dict[str, int]:
        """{room: how many members it has now}."""
        return self._by_room("SELECT room, COUNT(*) FROM members WHERE left_at IS NULL GROUP BY room")

    def days_by_member(self, table: str) -> dict[str, dict[str, list[int]]]:
        """{room: {member: [days]}} of a daily record table (checkins or practice; named by the code). One row per
        member, its days summed by SQLite into a bit mask (bit d for day d: an integer sum is cheaper than joining
        text); the few distinct masks are turned into lists once and shared between the members who have the same
        days (the report is read, never changed). A member with a day the mask cannot hold (below 0 or above 62: the
        bits then fall short of the member's row count) has the days read one by one."""
        assert table in ("checkins", "practice")
        out: dict[str, dict[str, list[int]]] = defaultdict(dict)
        lists: dict[int, list[int]] = {}
        for room, rows in _by_room_of(self.conn.execute(
                f"SELECT room, member, SUM(1 << day), COUNT(*) FROM {table} GROUP BY room, member ORDER BY room, member")):
            mine = out[room]
            for _, member, mask, n in rows:
                if (days := lists.get(mask)) is None:
                    days = lists[mask] = [d for d in range(63) if mask >> d & 1] if mask > 0 else []
                if len(days) != n:
                    days = sorted(d for (d,) in self.conn.execute(
                        f"SELECT day FROM {table} WHERE room = ? AND member = ?", (room, member)))
                mine[member] = days
        return out

    def hometowns(self) -> dict[str, dict[str, dict]]:
        """{room: {member: {"province": ..., "city": ...}}}; members from the same place share one dict (the report is
        read, never changed; the JSON writer writes a shared value once)."""
        out: dict[str, dict[str, dict]] = defaultdict(dict)
        places: dict[tuple, dict] = {}
        for room, rows in _by_room_of(self.conn.execute(
                "SELECT room, member, province, city FROM hometowns ORDER BY room, member")):
            mine = out[room]
            for _, member, province, city in rows:
                if (place := places.get((province, city))) is None:
                    place = places[(province, city)] = {"province": province, "city": city}
                mine[member] = place
        return out

    def graduates(self) -> dict[str, list[str]]:
        """{room: graduates in the order they graduated}."""
        out: dict[str, list[str]] = defaultdict(list)
        for room, rows in _by_room_of(self.conn.execute("SELECT room, member FROM graduates ORDER BY room, ts, member")):
            out[room].extend(map(itemgetter(1), rows))
        return out

    def unknown_sends(self) -> dict[str, int]:
        """{room: messages whose send was interrupted} (they may or may not have reached WeChat)."""
        return self._by_room("SELECT room, COUNT(*) FROM outbox WHERE status = 'unknown' AND room IS NOT NULL "
                             "GROUP BY room")

    # -- the bot's accounts -----------------------------------------------------------------------
    def accounts(self, today: datetime, members: dict[str, list[str]] | None = None) -> dict[str, dict[str, int]]:
        """{account: its groups (running ones), their current members, messages sent since `today` and in all (as
        long as the outbox keeps them: settings.retention.outbox_days), the friends it made}, every account met in
        the data, by name ('' = the only account of a deployment without an accounts file)."""
        out: dict[str, dict[str, int]] = defaultdict(
            lambda: {"groups": 0, "running": 0, "members": 0, "sent_today": 0, "sent_total": 0, "friends": 0})
        for account, groups, running in self.conn.execute(
                "SELECT account, COUNT(*), SUM(state != 'closed') FROM groups GROUP BY account"):
            out[account]["groups"], out[account]["running"] = groups, running
        if members is None:
            for account, n in self.conn.execute(
                    "SELECT g.account, COUNT(*) FROM members m JOIN groups g ON g.room = m.room WHERE m.left_at IS NULL "
                    "GROUP BY g.account"):
                out[account]["members"] = n
        else:  # the report has read every group's current members already
            for room, account in self.conn.execute("SELECT room, account FROM groups"):
                out[account]["members"] += len(members.get(room, ()))
        for account, total in self.conn.execute(  # the index covers it (the planner would read every row instead)
                "SELECT account, COUNT(*) FROM outbox INDEXED BY outbox_account_queue WHERE status = 'sent' "
                "GROUP BY account"):
            out[account]["sent_total"] = total
        for account, n in self.conn.execute(  # today's rows alone, through outbox_sent_at
                "SELECT account, COUNT(*) FROM outbox INDEXED BY outbox_sent_at WHERE sent_at >= ? AND status = 'sent' "
                "GROUP BY account",
                (iso(today),)):
            out[account]["sent_today"] = n
        for account, n in self.conn.execute(
                "SELECT c.account, COUNT(DISTINCT f.contact) FROM funnel f JOIN contacts c ON c.contact = f.contact "
                "WHERE f.stage = 'friend_added' GROUP BY c.account"):
            out[account]["friends"] = n
        return {name: out[name] for name in sorted(out)}

    # -- the funnel -----------------------------------------------------------------------------
    def group_funnels(self, detail: Detail, days: int) -> dict[str, dict]:
        """{room: funnel counts} for every group in `detail.members`' keys and beyond."""
        by_room = self._by_room
        invited: dict[str, int] = {}
        invited_with: dict[str, dict[str, int]] = {stage: {} for stage in _INVITED_STAGES}
        reached = ", ".join(f"SUM(EXISTS (SELECT 1 FROM funnel f WHERE f.contact = i.contact AND f.stage = '{stage}'))"
                            for stage in _INVITED_STAGES)  # stage names are the code's constants
        for room, n, *counts in self.conn.execute(  # people invited to the group, and those who reached the stage
                f"SELECT i.room, COUNT(*), {reached} FROM invites i GROUP BY i.room"):  # (anywhere)
            invited[room] = n
            for stage, k in zip(_INVITED_STAGES, counts):
                if k:
                    invited_with[stage][room] = k
        in_room: dict[str, dict[str, int]] = {stage: {} for stage in _ROOM_STAGES}
        for stage, room, n in self.conn.execute(
                f"SELECT stage, room, COUNT(DISTINCT contact) FROM funnel WHERE stage IN ({_marks(_ROOM_STAGES)}) "
                "AND room IS NOT NULL GROUP BY stage, room", _ROOM_STAGES):
            in_room[stage][room] = n
        # the few people who started or completed a survey or opted out, each counted in the groups they are in now
        # (a set's intersection with each group's current members: members is not read and joined again)
        started, completed = set(), set()
        for contact, began, done in self.conn.execute(
                "SELECT contact, state != 'invited', completed_at IS NOT NULL FROM surveys"):
            if began:
                started.add(contact)
            if done:
                completed.add(contact)
        opted_out = {contact for (contact,) in self.conn.execute(
            "SELECT contact FROM contacts WHERE opted_out_at IS NOT NULL")}
        enrolled = by_room("SELECT room, COUNT(*) FROM enrollments WHERE room IS NOT NULL GROUP BY room")
        claimed = by_room("SELECT room, COUNT(*) FROM coupon_claims WHERE room IS NOT NULL GROUP BY room")
        empty: dict = {}
        out = {}
        for room, people in detail.members.items():
            # how many days each current member checked in (C loops: a year is 140,000 members)
            distribution = Counter(map(len, map(detail.checkins.get(room, empty).get, people, repeat(()))))
            out[room] = {
                "friends_added": invited_with["friend_added"].get(room, 0),
                "greeted": invited_with["greeted"].get(room, 0),
                "invited": invited.get(room, 0),
                "joined": detail.joined[room],
                "hometown_given": len(detail.hometowns.get(room, empty)),
                "checkin_days": {str(n): distribution.get(n, 0) for n in range(days + 1)},
                "practice_done": len(detail.practice.get(room, empty)),
                "graduated": len(detail.graduates.get(room, empty)),
                "offer_shown": in_room["offer_shown"].get(room, 0),
                "enrolled": enrolled.get(room, 0),
                "coupons_pushed": in_room["coupon_pushed"].get(room, 0),
                "coupons_claimed": claimed.get(room, 0),
                "survey_started": len(started.intersection(people)),
                "survey_completed": len(completed.intersection(people)),
                "opted_out": len(opted_out.intersection(people)),
            }
        return out

    def overall_funnel(self, detail: Detail | None = None) -> dict:
        """Funnel counts over every person the bot knows (`detail`: what the groups' figures read, counted again here
        rather than read again; read here if not given)."""
        one = self._one
        detail = self.detail() if detail is None else detail
        stages = dict(self.conn.execute(
            f"SELECT stage, COUNT(DISTINCT contact) FROM funnel WHERE stage IN ({_marks(_OVERALL_STAGES)}) GROUP BY stage",
            _OVERALL_STAGES))
        return {
            "friends_added": stages.get("friend_added", 0),
            "greeted": stages.get("greeted", 0),
            "invited": one("SELECT COUNT(DISTINCT contact) FROM invites"),
            "joined": detail.people,
            "hometown_given": _people(detail.hometowns),
            "checked_in": _people(detail.checkins),
            "practice_done": _people(detail.practice),
            "graduated": len(set().union(*detail.graduates.values())),
            "offer_shown": stages.get("offer_shown", 0),
            "enrolled": one("SELECT COUNT(DISTINCT member) FROM enrollments"),
            "coupons_pushed": stages.get("coupon_pushed", 0),
            "coupons_claimed": one("SELECT COUNT(*) FROM coupon_claims"),
            "survey_started": one("SELECT COUNT(*) FROM surveys WHERE state != 'invited'"),
            "survey_completed": one("SELECT COUNT(*) FROM surveys WHERE completed_at IS NOT NULL"),
            "opted_out": one("SELECT COUNT(*) FROM contacts WHERE opted_out_at IS NOT NULL"),
        }


@dataclass(frozen=True)
class Detail:
    """What every group holds, read once for the report: current members in joining order, how many ever joined, how
    many distinct people ever joined any group, and {room: {member: ...}} of check-ins, practice and hometowns,
    {room: [graduates]}."""

    members: dict[str, list[str]]
    joined: Counter
    people: int
    checkins: dict[str, dict[str, list[int]]]
    practice: dict[str, dict[str, list[int]]]
    hometowns: dict[str, dict[str, dict]]
    graduates: dict[str, list[str]]


def _people(by_room: dict[str, dict]) -> int:
    """Distinct people across the groups' {member: ...} dicts."""
    return len(set().union(*by_room.values()))


def _by_room_of(rows: Iterable[tuple]) -> groupby:
    """(room, its rows) for rows ordered by room (their first column): a room's entry is looked up once, not once a
    row (a year of data is hundreds of thousands of rows)."""
    return groupby(rows, itemgetter(0))


def _marks(values: tuple) -> str:
    return ",".join("?" * len(values))
