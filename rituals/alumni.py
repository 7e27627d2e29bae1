"""After graduation the group is kept: it becomes an alumni group and the playbook's alumni posts continue."""
from __future__ import annotations

from bot.calendar import Action
from bot.context import Ctx
from bot.router import Router

router = Router("alumni")


@router.action("alumni")
def become_alumni(ctx: Ctx, action: Action) -> str:
    if ctx.group.state != "graduation":
        return "not_applicable"
    ctx.group.transition("to_alumni", ctx.now, "schedule")
    if ctx.pb.alumni.welcome:
        ctx.say(ctx.fmt(ctx.pb.alumni.welcome))
    return "done"


@router.action("alumni_post")
def alumni_post(ctx: Ctx, action: Action) -> str:
    if ctx.group.state != "alumni":
        return "not_applicable"
    ctx.say(ctx.fmt(ctx.pb.alumni.posts[action.index].text))
    return "done"


@router.action("close")
def close(ctx: Ctx, action: Action) -> str:
    if ctx.group.state != "alumni":
        return "not_applicable"
    ctx.group.transition("close", ctx.now, "schedule")
    return "done"
