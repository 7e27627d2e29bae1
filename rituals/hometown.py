"""家乡签到: the opening prompt, natural-language answers, corrections, and a running summary."""
from __future__ import annotations

from pydantic import Field

from bot.schedule.calendar import Action
from bot.core.context import Context
from bot.playbook.fields import LocalTime, Section, Text
from bot.core.ritual import Ritual


class Opening(Section):
    """The opening evening: the group opens and members say where they are from."""

    day: int = Field(default=0, ge=-7, le=1)  # 0 = the evening before day 1
    time: LocalTime = "20:00"
    prompt: Text()
    summary: Text("names", "count", "provinces") = "🏠 家乡签到：{names}。已有 {count} 位同学签到，来自 {provinces} 个省份"


ritual = Ritual("hometown", section=("opening", Opening), order=20)


@ritual.schedule
def calendar(pb, start):
    opening = pb.section("opening")
    yield opening.day, opening.time, "open", "open"


@ritual.action("open", states=("bound",), catch_up="always")
def open_course(ctx: Context, action: Action) -> None:
    """The course opens: the group enters 'opening' and the hometown prompt is posted."""
    ctx.group.transition("open_course", ctx.now, "schedule")
    ctx.say(ctx.fmt(ritual.config(ctx.pb).prompt))


@ritual.message("opening", "in_course", "graduation", intent="hometown")
def answer(ctx: Context) -> None:
    """Record a member's hometown; a later answer replaces it only when the member says it is a correction."""
    found = ctx.reading.hometown
    if not found.correction and ctx.store.hometowns.has(ctx.room, ctx.message.sender):
        return  # '我是四川人，在上海工作' after answering: chatter, not a new answer
    ctx.store.hometowns.set(ctx.room, ctx.message.sender, found.province, found.city, found.text, ctx.message.ts)
    ctx.request_ack()


def _place(province: str | None, city: str | None) -> str:
    if province and city and province != city:
        return f"{province.rstrip('省')}{city}"
    return province or city or "?"


@ritual.ack("hometowns", "member, province, city")
def compose_ack(ctx: Context, rows: list[tuple]) -> str:
    """'🏠 家乡签到：张三（四川成都市）、李四（上海市）。已有 12 位同学签到，来自 7 个省份' (past settings.acks.names
    '等 37 位同学')."""
    cfg = ctx.pb.settings.acks
    who = "、".join(f"{ctx.name_of(m)}（{_place(p, c)}）" for m, p, c in rows[:cfg.names])
    if len(rows) > cfg.names:
        who += ctx.fmt(cfg.more, count=len(rows))
    towns = ctx.store.hometowns.of(ctx.room)
    provinces = {t["province"] for t in towns.values() if t["province"]}
    return ctx.fmt(ritual.config(ctx.pb).summary, names=who, count=len(towns), provinces=len(provinces))
