"""The conversion funnel in numbers, per group and overall (for `report --json`)."""
from __future__ import annotations

from collections import Counter

from bot.storage import Store

# stage -> how to count it. Each query takes (room,) per group, or () overall (room filter dropped).
_STAGE = "SELECT COUNT(DISTINCT f.contact) FROM funnel f WHERE f.stage = '{stage}'"
_INVITED_HERE = " AND f.contact IN (SELECT contact FROM invites WHERE room = ?)"


def _one(store: Store, sql: str, args: tuple) -> int:
    return store.conn.execute(sql, args).fetchone()[0]


def group_funnel(store: Store, room: str, members: list[str], checkins: dict[str, list[int]], days: int) -> dict:
    """Funnel counts for one study group."""
    here = (room,)
    distribution = Counter(len(checkins.get(m, [])) for m in members)
    member_set = ",".join("?" * len(members)) or "NULL"
    return {
        "friends_added": _one(store, _STAGE.format(stage="friend_added") + _INVITED_HERE, here),
        "greeted": _one(store, _STAGE.format(stage="greeted") + _INVITED_HERE, here),
        "invited": _one(store, "SELECT COUNT(*) FROM invites WHERE room = ?", here),
        "joined": _one(store, "SELECT COUNT(*) FROM members WHERE room = ?", here),
        "hometown_given": _one(store, "SELECT COUNT(*) FROM hometowns WHERE room = ?", here),
        "checkin_days": {str(n): distribution.get(n, 0) for n in range(days + 1)},
        "practice_done": _one(store, "SELECT COUNT(DISTINCT member) FROM practice WHERE room = ?", here),
        "graduated": _one(store, "SELECT COUNT(*) FROM graduates WHERE room = ?", here),
        "offer_shown": _one(store, _STAGE.format(stage="offer_shown") + " AND f.room = ?", here),
        "enrolled": _one(store, "SELECT COUNT(*) FROM enrollments WHERE room = ?", here),
        "coupons_pushed": _one(store, _STAGE.format(stage="coupon_pushed") + " AND f.room = ?", here),
        "coupons_claimed": _one(store, "SELECT COUNT(*) FROM coupon_claims WHERE room = ?", here),
        "survey_started": _one(store, f"SELECT COUNT(*) FROM surveys WHERE state != 'invited' AND contact IN ({member_set})",
                               tuple(members)),
        "survey_completed": _one(store, f"SELECT COUNT(*) FROM surveys WHERE completed_at IS NOT NULL AND contact IN ({member_set})",
                                 tuple(members)),
        "opted_out": _one(store, f"SELECT COUNT(*) FROM contacts WHERE opted_out_at IS NOT NULL AND contact IN ({member_set})",
                          tuple(members)),
    }


def overall_funnel(store: Store) -> dict:
    """Funnel counts over every person the bot knows."""
    none = ()
    return {
        "friends_added": _one(store, _STAGE.format(stage="friend_added"), none),
        "greeted": _one(store, _STAGE.format(stage="greeted"), none),
        "invited": _one(store, "SELECT COUNT(DISTINCT contact) FROM invites", none),
        "joined": _one(store, "SELECT COUNT(DISTINCT member) FROM members", none),
        "hometown_given": _one(store, "SELECT COUNT(DISTINCT member) FROM hometowns", none),
        "checked_in": _one(store, "SELECT COUNT(DISTINCT member) FROM checkins", none),
        "practice_done": _one(store, "SELECT COUNT(DISTINCT member) FROM practice", none),
        "graduated": _one(store, "SELECT COUNT(DISTINCT member) FROM graduates", none),
        "offer_shown": _one(store, _STAGE.format(stage="offer_shown"), none),
        "enrolled": _one(store, "SELECT COUNT(DISTINCT member) FROM enrollments", none),
        "coupons_pushed": _one(store, _STAGE.format(stage="coupon_pushed"), none),
        "coupons_claimed": _one(store, "SELECT COUNT(*) FROM coupon_claims", none),
        "survey_started": _one(store, "SELECT COUNT(*) FROM surveys WHERE state != 'invited'", none),
        "survey_completed": _one(store, "SELECT COUNT(*) FROM surveys WHERE completed_at IS NOT NULL", none),
        "opted_out": _one(store, "SELECT COUNT(*) FROM contacts WHERE opted_out_at IS NOT NULL", none),
    }
