"""The per-group report: lifecycle, members, hometowns, check-ins, practice, graduates."""
from __future__ import annotations

from bot.storage import Store


def build(store: Store) -> dict:
    """{"groups": [...]} in the documented JSON shape."""
    groups = []
    for row in store.groups():
        room = row["room"]
        groups.append({
            "room": room,
            "topic": row["topic"],
            "state": row["state"],
            "course_day": row["course_day"],
            "start_date": row["start_date"],
            "members": [m for m, _ in store.members(room)],
            "hometowns": store.hometowns(room),
            "checkins": store.days_by_member("checkins", room),
            "practice": store.days_by_member("practice", room),
            "graduates": store.graduates(room),
        })
    return {"groups": groups}


def render(report: dict) -> str:
    """A human-readable version of the report."""
    out = []
    for g in report["groups"]:
        members = len(g["members"])
        provinces = {h["province"] for h in g["hometowns"].values() if h["province"]}
        by_day: dict[int, int] = {}
        for days in g["checkins"].values():
            for d in days:
                by_day[d] = by_day.get(d, 0) + 1
        out.append(f"■ {g['topic'] or g['room']}  ({g['room']})")
        out.append(f"  状态 {g['state']} · 第{g['course_day']}天 · 第1天 {g['start_date']} · 成员 {members} 人")
        out.append(f"  家乡签到 {len(g['hometowns'])} 人，来自 {len(provinces)} 个省份")
        days = "  ".join(f"D{d}:{n}" for d, n in sorted(by_day.items())) or "—"
        out.append(f"  每日打卡 {days}")
        out.append(f"  完成实操 {sum(len(v) for v in g['practice'].values())} 次 · 毕业 {len(g['graduates'])} 人")
    return "\n".join(out) if out else "（还没有绑定任何学习群）"
