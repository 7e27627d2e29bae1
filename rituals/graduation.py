"""我毕业啦!: the ceremony on the last day, graduates recorded and congratulated with their own numbers."""
from __future__ import annotations

from bot.calendar import Action
from bot.commands import Command, UsageError
from bot.context import Ctx
from bot.router import Router

router = Router("graduation")


def _open_ceremony(ctx: Ctx, actor: str) -> None:
    ctx.group.transition("graduate", ctx.now, actor)
    ctx.say(ctx.fmt(ctx.pb.graduation.script))
    early = ctx.store.early_graduates(ctx.room)
    if early:  # they said it before the ceremony: tell them once, now, that it counts from here
        names = ctx.store.names(ctx.room)
        ctx.say_mentioning(ctx.fmt(ctx.pb.graduation.early), [(m, names.get(m, m)) for m in early])


@router.action("graduation")
def ceremony(ctx: Ctx, action: Action) -> str:
    if ctx.group.state != "in_course":
        return "not_applicable"
    _open_ceremony(ctx, "schedule")
    return "done"


@router.command("graduate", "毕业", usage="/graduate", help="现在开始毕业典礼")
def graduate_cmd(ctx: Ctx, cmd: Command) -> None:
    if cmd.args:
        raise UsageError("这个指令不带参数。")
    _open_ceremony(ctx, ctx.actor)


@router.message("graduation", "alumni")
def i_graduated(ctx: Ctx) -> None:
    """'我毕业啦!' / '我毕业了！' / '毕业啦毕业啦🎉' records a graduate once."""
    if not ctx.reading.graduation:
        return
    if ctx.store.add_graduate(ctx.room, ctx.message.sender, ctx.message.ts, ctx.message.id):
        ctx.request_ack()


@router.message("opening", "in_course")
def too_early(ctx: Ctx) -> None:
    """'我毕业啦' before the ceremony is not a graduation; the member is told once, when the ceremony opens."""
    if ctx.reading.graduation:
        ctx.store.add_early_graduate(ctx.room, ctx.message.sender, ctx.message.ts)


def compose_ack(ctx: Ctx, rows: list[tuple]) -> str:
    """One line per graduate with their days checked in and tasks done."""
    lines = []
    for (member,) in rows:
        lines.append(ctx.fmt(ctx.pb.graduation.congrats, name=ctx.name_of(member),
                             checkins=ctx.store.count("checkins", ctx.room, member),
                             tasks=ctx.store.count("practice", ctx.room, member)))
    if len(lines) == 1:
        return lines[0]
    return ctx.fmt(ctx.pb.graduation.congrats_batch, lines="\n" + "\n".join(lines))
