"""The per-group report: lifecycle, members, hometowns, check-ins, practice, graduates."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from itertools import chain
from dataclasses import replace
from typing import Iterable

from bot.core.ritual import Ritual
from bot.schedule.capacity import account_name
from bot.storage import Store


def build(store: Store, course_days: int = 7, rituals: Iterable[Ritual] = (), today: datetime | None = None) -> dict:
    """{"groups": [...], "funnel": {...}, "accounts": {...}} in the documented JSON shape; each ritual's report fields
    are added to its groups' entries under the ritual's name (with "_report" naming their title and labels for the
    human report). `today`: when today began (local midnight), for the messages each account sent today."""
    rituals = list(rituals)
    parts = [(r.name, part.fields(store)) for r in rituals for part in r.reports]  # {room: fields} each
    q = store.reports  # each table read once for every group (a query per group is minutes at a year of data)
    rows = store.groups.rows()
    detail = q.detail()
    members = {row["room"]: detail.members.get(row["room"], []) for row in rows}
    checkins, practice, hometowns, graduates = detail.checkins, detail.practice, detail.hometowns, detail.graduates
    unknown = q.unknown_sends()
    funnels = q.group_funnels(replace(detail, members=members), course_days)
    groups = []
    for row in rows:
        room = row["room"]
        groups.append({
            "room": room,
            "topic": row["topic"],
            "state": row["state"],
            "course_day": row["course_day"],
            "start_date": row["start_date"],
            "members": members[room],
            "hometowns": hometowns.get(room, {}),
            "checkins": checkins.get(room, {}),
            "practice": practice.get(room, {}),
            "graduates": graduates.get(room, []),
            "funnel": funnels[room],
            "unknown_sends": unknown.get(room, 0),
            "account": row.get("account", ""),
        })
        for name, fields in parts:
            groups[-1][name] = fields.get(room, {})
    titles = {r.name: {"title": part.title, "labels": part.labels} for r in rituals for part in r.reports}
    if today is None:
        today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return {"groups": groups, "funnel": q.overall_funnel(detail), "unknown_sends": store.outbox.unknown_sends(),
            "accounts": q.accounts(today, members), "ritual_fields": titles}


def render(report: dict) -> str:
    """A human-readable version of the report."""
    out = []
    for g in report["groups"]:
        members = len(g["members"])
        provinces = {h["province"] for h in g["hometowns"].values() if h["province"]}
        by_day = Counter(chain.from_iterable(g["checkins"].values()))  # (a year: 450,000 check-ins, counted in C)
        out.append(f"■ {g['topic'] or g['room']}  ({g['room']})")
        start = f" · 第1天 {g['start_date']}" if g["start_date"] else ""
        day = f" · 第{g['course_day']}天" if g["course_day"] else ""
        account = f" · {account_name(g['account'])}" if g.get("account") else ""
        out.append(f"  状态 {STATES.get(g['state'], g['state'])}{day}{start} · 成员 {members} 人{account}")
        out.append(f"  家乡签到 {len(g['hometowns'])} 人，来自 {len(provinces)} 个省份")
        days = " · ".join(f"第{d}天 {n}人" for d, n in sorted(by_day.items())) or "—"
        out.append(f"  每日打卡 {days}")
        out.append(f"  完成实操 {sum(map(len, g['practice'].values()))} 次 · 毕业 {len(g['graduates'])} 人")
        out.append("  转化 " + _funnel_line(g["funnel"]))
        for name, meta in report.get("ritual_fields", {}).items():
            shown = [f"{label} {g[name][key]}" for key, label in meta["labels"].items() if g.get(name, {}).get(key)]
            if shown:
                out.append(f"  {meta['title']} " + " · ".join(shown))
        if g.get("unknown_sends"):
            out.append(f"  ⚠️ {g['unknown_sends']} 条消息发送时被中断，不确定是否已送达：请到群里人工核对，必要时手动补发")
    if report["groups"]:
        out.append("■ 全部 " + _funnel_line(report["funnel"]))
    accounts = report.get("accounts", {})
    if any(accounts):  # (one account of a deployment without an accounts file: nothing to tell apart)
        out.append("■ 账号（accounts）")
        for name, a in accounts.items():
            out.append(f"  {account_name(name)}：群 {a['groups']} 个（进行中 {a['running']}）· 成员 {a['members']} 人 · "
                       f"今天发出 {a['sent_today']} 条 · 共发出 {a['sent_total']} 条 · 好友 {a['friends']} 人")
    private = report.get("unknown_sends", 0) - sum(g.get("unknown_sends", 0) for g in report["groups"])
    if private > 0:
        out.append(f"⚠️ {private} 条私聊消息发送时被中断，不确定是否已送达：请人工核对")
    return "\n".join(out) if out else "（还没有绑定任何学习群）"


# the group's lifecycle states in the words advisors use (the JSON keeps the machine names)
STATES = {"bound": "已绑定", "opening": "开营", "in_course": "上课中", "graduation": "毕业典礼", "alumni": "校友",
          "closed": "已结束"}

_LABELS = {"friends_added": "加好友", "greeted": "已问候", "invited": "已邀请", "joined": "进群", "graduated": "毕业",
           "offer_shown": "看到优惠", "enrolled": "报名", "coupons_pushed": "发券", "coupons_claimed": "领券",
           "survey_completed": "完成问卷", "opted_out": "退订"}


def _funnel_line(f: dict) -> str:
    return " · ".join(f"{label} {f[key]}" for key, label in _LABELS.items() if key in f)
