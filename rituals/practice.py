"""实操: each day's practice task posted with its link, completions recorded, laggards reminded at the due time."""
from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import Field

from bot.schedule.calendar import Action
from bot.core.context import Context
from bot.playbook.fields import Section, Text, parse_hhmm
from bot.core.ritual import Ritual


class Practice(Section):
    """What the practice ritual says (the tasks themselves are in `days:`)."""

    post: Text("day", "task", "link", "due") = \
        "🛠️ 第{day}天实操：{task}\n👉 {link}\n⏳ 今天 {due} 前完成，完成后回复「实操完成」或发截图"
    ack: Text("names", "day") = "📝 实操已完成：{names}"
    earlier_day: Text("day") = "（第{day}天）"  # added to `ack` for a completion from an earlier day
    reminder: Text("day", "task", "link", "due") = "📌 今天的实操「{task}」{due} 截止，还没完成的同学抓紧啦：{link}"
    # the reminder comes this long before the task's due time (never before the task is posted)
    remind_before_minutes: int = Field(default=120, ge=0, le=24 * 60)


ritual = Ritual("practice", section=("practice", Practice), order=40)
COURSE_STATES = ("in_course", "graduation")
# day 1 may begin before its lesson is posted (the group is still in its opening): count what members do by the calendar
RECORDING_STATES = ("opening", *COURSE_STATES)


@ritual.schedule
def calendar(pb, start):
    lead = timedelta(minutes=pb.section("practice").remind_before_minutes)
    for d in pb.days:
        if d.task:
            yield d.day, d.task.time, f"task:{d.day}", "task"
            yield d.day, reminder_time(d.task.time, d.task.due, lead), f"task_due:{d.day}", "task_due"


def reminder_time(post: str, due: str, lead: timedelta) -> str:
    """'HH:MM' `lead` before the due time; halfway between post and due if that would be before the post."""
    posted, closes = (datetime.combine(datetime.min, parse_hhmm(t)) for t in (post, due))
    at = closes - lead
    if at <= posted:
        at = posted + (closes - posted) / 2
    return f"{at:%H:%M}"


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
    """'📝 实操已完成：张三、李四等 37 位同学', one line per course day (a completion sent just before midnight keeps
    its day)."""
    lines, texts = [], ritual.config(ctx.pb)
    for day in sorted({d for _, d in rows}):
        who = ctx.names([m for m, d in rows if d == day])
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
    keen = ctx.store.practice.done_on(ctx.room, action.day - 1) if action.day > 1 else set()
    missing = [(m, n) for m, n in ctx.member_list() if m not in done]
    missing.sort(key=lambda mn: mn[0] not in keen)  # those who did yesterday's first (stable)
    if missing:
        text = ctx.fmt(ritual.config(ctx.pb).reminder, day=action.day, task=task.title, link=task.link, due=task.due)
        ctx.say_mentioning(text, missing)
    return None
