"""The funnel chart for advisors (`report --chart FILE`): the report's funnel of one cohort (or of everyone) as a
picture."""
from __future__ import annotations

from pathlib import Path

from bot.pictures import Funnel, funnel_chart

STAGES = (("friends_added", "加好友"), ("invited", "已邀请"), ("joined", "进群"), ("hometown_given", "家乡签到"),
          ("checked_in", "打卡"), ("practice_done", "完成实操"), ("graduated", "毕业"), ("offer_shown", "看到优惠"),
          ("enrolled", "报名"))


def stages(funnel: dict) -> list[tuple[str, int]]:
    """(label, people) per stage the funnel has; a group's check-ins are the members with at least one day."""
    counts = dict(funnel)
    if "checked_in" not in counts and "checkin_days" in counts:
        counts["checked_in"] = sum(n for days, n in counts["checkin_days"].items() if int(days) > 0)
    out = [(label, int(counts[key])) for key, label in STAGES if key in counts]
    while len(out) > 2 and out[0][1] == 0:  # a cohort that came without the funnel's friend requests starts at 进群
        out.pop(0)
    return out


def write(report: dict, path: Path, room: str | None = None) -> str:
    """Draw the funnel of `room` (or, without one, of the only group, else of everyone) into path; its title."""
    groups = report["groups"]
    group = next((g for g in groups if g["room"] == room), None) if room else (groups[0] if len(groups) == 1 else None)
    if room and group is None:
        raise KeyError(room)
    title = f"{group['topic'] or group['room']} 转化漏斗" if group else "全部学员 转化漏斗"
    path.write_bytes(funnel_chart(Funnel(title, stages(group["funnel"] if group else report["funnel"]))))
    return title
