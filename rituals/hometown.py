"""家乡签到: the opening prompt, natural-language answers, corrections, and a running summary."""
from __future__ import annotations

from bot.calendar import Action
from bot.context import Ctx
from bot.router import Router

router = Router("hometown")


@router.action("open")
def open_course(ctx: Ctx, action: Action) -> str:
    """The course opens: the group enters 'opening' and the hometown prompt is posted."""
    if ctx.group.state != "bound":
        return "not_applicable"
    ctx.group.transition("open_course", ctx.now, "schedule")
    ctx.say(ctx.fmt(ctx.pb.opening.prompt))
    return "done"


@router.message("opening", "in_course", "graduation")
def answer(ctx: Ctx) -> None:
    """Record a member's hometown; a later answer replaces it only when the member says it is a correction."""
    found = ctx.reading.hometown
    if found is None:
        return
    if not found.correction and ctx.store.has_hometown(ctx.room, ctx.message.sender):
        return  # '我是四川人，在上海工作' after answering: chatter, not a new answer
    ctx.store.set_hometown(ctx.room, ctx.message.sender, found.province, found.city, found.text, ctx.message.ts)
    ctx.request_ack()


def _place(province: str | None, city: str | None) -> str:
    if province and city and province != city:
        return f"{province.rstrip('省')}{city}"
    return province or city or "?"


def compose_ack(ctx: Ctx, rows: list[tuple]) -> str:
    """'🏠 家乡签到：张三（四川成都市）、李四（上海市）。已有 12 位同学签到，来自 7 个省份'."""
    who = "、".join(f"{ctx.name_of(m)}（{_place(p, c)}）" for m, p, c in rows)
    towns = ctx.store.hometowns(ctx.room)
    provinces = {t["province"] for t in towns.values() if t["province"]}
    return ctx.fmt(ctx.pb.texts.hometown_summary, names=who, count=len(towns), provinces=len(provinces))
