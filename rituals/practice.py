"""实操: each day's practice task posted with its link, completions recorded, laggards reminded at the due time."""
from __future__ import annotations

from bot.schedule.calendar import Action
from bot.core.context import Context
from bot.playbook.fields import Section, Text
from bot.core.ritual import Ritual


class Practice(Section):
    """What the practice ritual says (the tasks themselves are in `days:`)."""

    post: Text("day", "task", "link", "due") = \
        "🛠️ 第{day}天实操：{task}\n👉 {link}\n⏳ 今天 {due} 前完成，完成后回复「实操完成」或发截图"
    ack: Text("names", "day") = "📝 实操已完成：{names}"
    earlier_day: Text("day") = "（第{day}天）"  # added to `ack` for a completion from an earlier day
    reminder: Text("day", "task", "link", "due") = "📌 今天的实操「{task}」还没完成的同学抓紧啦：{link}"


ritual = Ritual("practice", section=("practice", Practice), order=40)
COURSE_STATES = ("in_course", "graduation")
# day 1 may begin before its lesson is posted (the group is still in its opening): count what members do by the calendar
RECORDING_STATES = ("opening", *COURSE_STATES)


@ritual.schedule
def calendar(pb, start):
    for d in pb.days:
        if d.task:
            yield d.day, d.task.time, f"task:{d.day}", "task"
            yield d.day, d.task.due, f"task_due:{d.day}", "task_due"


def _task(ctx: Context, day: int):
    return ctx.pb.day(day).task if 1 <= day <= ctx.pb.course.days else None


@ritual.message(*RECORDING_STATES, kinds=("text", "image"), intent="practice")
def completed(ctx: Context) -> None:
    """'实操完成' / '作业已交' or a screenshot records today's practice once."""
    msg = ctx.message
    day = ctx.day_of(msg.ts)
    if _task(ctx, day) is None:
        return
    if ctx.store.practice.add(ctx.room, msg.sender, day, msg.ts, msg.kind, msg.id):
        ctx.request_ack()


@ritual.ack("practice", "member, day")
def compose_ack(ctx: Context, rows: list[tuple]) -> str:
    """'📝 实操已完成：张三、李四', one line per course day (a completion sent just before midnight keeps its day)."""
    lines, texts = [], ritual.config(ctx.pb)
    for day in sorted({d for _, d in rows}):
        who = "、".join(ctx.name_of(m) for m, d in rows if d == day)
        line = ctx.fmt(texts.ack, names=who, day=day)
        lines.append(line if day == ctx.today() else line + ctx.fmt(texts.earlier_day, day=day))
    return "\n".join(lines)


@ritual.action("task", states=COURSE_STATES, catch_up="today")
def post_task(ctx: Context, action: Action) -> str | None:
    task = _task(ctx, action.day)
    if task is None:
        return "not_applicable"
    ctx.say(ctx.fmt(ritual.config(ctx.pb).post, day=action.day, task=task.title, link=task.link, due=task.due))
    return None


@ritual.action("task_due", states=COURSE_STATES)
def remind_task(ctx: Context, action: Action) -> str | None:
    task = _task(ctx, action.day)
    if task is None:
        return "not_applicable"
    done = ctx.store.practice.done_on(ctx.room, action.day)
    missing = [(m, n) for m, n in ctx.member_list() if m not in done]
    if missing:
        text = ctx.fmt(ritual.config(ctx.pb).reminder, day=action.day, task=task.title, link=task.link, due=task.due)
        ctx.say_mentioning(text, missing)
    return None
