"""The report's queries, all in one place: the conversion funnel in numbers, per group and overall (read-only;
they read across the aggregates' tables)."""
from __future__ import annotations

import sqlite3
from collections import Counter

# stage -> how to count it. Each query takes (room,) per group, or () overall (room filter dropped).
_STAGE = "SELECT COUNT(DISTINCT f.contact) FROM funnel f WHERE f.stage = '{stage}'"
_INVITED_HERE = " AND f.contact IN (SELECT contact FROM invites WHERE room = ?)"


class ReportQueries:
    """Counts for `report` (shares the Store's connection; a report opens the database read-only)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def _one(self, sql: str, args: tuple = ()) -> int:
        return self.conn.execute(sql, args).fetchone()[0]

    def group_funnel(self, room: str, members: list[str], checkins: dict[str, list[int]], days: int) -> dict:
        """Funnel counts for one study group (`checkins`: {member: [days]}, for the check-in distribution)."""
        one, here = self._one, (room,)
        distribution = Counter(len(checkins.get(m, [])) for m in members)
        member_set = ",".join("?" * len(members)) or "NULL"
        return {
            "friends_added": one(_STAGE.format(stage="friend_added") + _INVITED_HERE, here),
            "greeted": one(_STAGE.format(stage="greeted") + _INVITED_HERE, here),
            "invited": one("SELECT COUNT(*) FROM invites WHERE room = ?", here),
            "joined": one("SELECT COUNT(*) FROM members WHERE room = ?", here),
            "hometown_given": one("SELECT COUNT(*) FROM hometowns WHERE room = ?", here),
            "checkin_days": {str(n): distribution.get(n, 0) for n in range(days + 1)},
            "practice_done": one("SELECT COUNT(DISTINCT member) FROM practice WHERE room = ?", here),
            "graduated": one("SELECT COUNT(*) FROM graduates WHERE room = ?", here),
            "offer_shown": one(_STAGE.format(stage="offer_shown") + " AND f.room = ?", here),
            "enrolled": one("SELECT COUNT(*) FROM enrollments WHERE room = ?", here),
            "coupons_pushed": one(_STAGE.format(stage="coupon_pushed") + " AND f.room = ?", here),
            "coupons_claimed": one("SELECT COUNT(*) FROM coupon_claims WHERE room = ?", here),
            "survey_started": one(f"SELECT COUNT(*) FROM surveys WHERE state != 'invited' AND contact IN ({member_set})",
                                  tuple(members)),
            "survey_completed": one(f"SELECT COUNT(*) FROM surveys WHERE completed_at IS NOT NULL AND contact IN ({member_set})",
                                    tuple(members)),
            "opted_out": one(f"SELECT COUNT(*) FROM contacts WHERE opted_out_at IS NOT NULL AND contact IN ({member_set})",
                             tuple(members)),
        }

    def overall_funnel(self) -> dict:
        """Funnel counts over every person the bot knows."""
        one = self._one
        return {
            "friends_added": one(_STAGE.format(stage="friend_added")),
            "greeted": one(_STAGE.format(stage="greeted")),
            "invited": one("SELECT COUNT(DISTINCT contact) FROM invites"),
            "joined": one("SELECT COUNT(DISTINCT member) FROM members"),
            "hometown_given": one("SELECT COUNT(DISTINCT member) FROM hometowns"),
            "checked_in": one("SELECT COUNT(DISTINCT member) FROM checkins"),
            "practice_done": one("SELECT COUNT(DISTINCT member) FROM practice"),
            "graduated": one("SELECT COUNT(DISTINCT member) FROM graduates"),
            "offer_shown": one(_STAGE.format(stage="offer_shown")),
            "enrolled": one("SELECT COUNT(DISTINCT member) FROM enrollments"),
            "coupons_pushed": one(_STAGE.format(stage="coupon_pushed")),
            "coupons_claimed": one("SELECT COUNT(*) FROM coupon_claims"),
            "survey_started": one("SELECT COUNT(*) FROM surveys WHERE state != 'invited'"),
            "survey_completed": one("SELECT COUNT(*) FROM surveys WHERE completed_at IS NOT NULL"),
            "opted_out": one("SELECT COUNT(*) FROM contacts WHERE opted_out_at IS NOT NULL"),
        }
