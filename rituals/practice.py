"""实操: each day's practice task posted with its link, completions recorded, laggards reminded at the due time."""
from __future__ import annotations

from bot.calendar import Action
from bot.context import Ctx
from bot.router import Router

router = Router("practice")
COURSE_STATES = ("in_course", "graduation")
# day 1 may begin before its lesson is posted (the group is still in its opening): count what members do by the calendar
RECORDING_STATES = ("opening", *COURSE_STATES)


def _task(ctx: Ctx, day: int):
    return ctx.pb.day(day).task if 1 <= day <= ctx.pb.course.days else None


@router.message(*RECORDING_STATES, kinds=("text", "image"))
def completed(ctx: Ctx) -> None:
    """'实操完成' / '作业已交' or a screenshot records today's practice once."""
    msg = ctx.message
    if msg.kind == "text" and not ctx.reading.practice:
        return
    day = ctx.day_of(msg.ts)
    if _task(ctx, day) is None:
        return
    if ctx.store.add_practice(ctx.room, msg.sender, day, msg.ts, msg.kind, msg.id):
        ctx.request_ack()


def compose_ack(ctx: Ctx, rows: list[tuple]) -> str:
    """'📝 实操已完成：张三、李四', one line per course day (a completion sent just before midnight keeps its day)."""
    lines = []
    for day in sorted({d for _, d in rows}):
        who = "、".join(ctx.name_of(m) for m, d in rows if d == day)
        line = ctx.fmt(ctx.pb.texts.practice_ack, names=who, day=day)
        lines.append(line if day == ctx.today() else f"{line}（第{day}天）")
    return "\n".join(lines)


@router.action("task")
def post_task(ctx: Ctx, action: Action) -> str:
    task = _task(ctx, action.day)
    if ctx.group.state not in COURSE_STATES or task is None:
        return "not_applicable"
    ctx.say(f"🛠️ 第{action.day}天实操：{task.title}\n👉 {task.link}\n⏳ 今天 {task.due} 前完成，完成后回复「实操完成」或发截图")
    return "done"


@router.action("task_due")
def remind_task(ctx: Ctx, action: Action) -> str:
    task = _task(ctx, action.day)
    if ctx.group.state not in COURSE_STATES or task is None:
        return "not_applicable"
    done = ctx.store.done_on("practice", ctx.room, action.day)
    missing = [(m, n) for m, n in ctx.member_list() if m not in done]
    if missing:
        text = ctx.fmt(ctx.pb.texts.practice_reminder, day=action.day, task=task.title, link=task.link, due=task.due)
        ctx.say_mentioning(text, missing)
    return "done"
