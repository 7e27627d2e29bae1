"""After graduation the group is kept: it becomes an alumni group and the playbook's alumni posts continue."""
from __future__ import annotations

from pydantic import Field

from bot.schedule.calendar import Action
from bot.core.context import Context
from bot.playbook.fields import LocalTime, Section, Text
from bot.core.ritual import Ritual


class AlumniPost(Section):
    day: int = Field(ge=1)
    time: LocalTime
    text: Text()


class Alumni(Section):
    day: int = Field(ge=1)  # the group becomes an alumni group on this day ...
    time: LocalTime = "10:00"  # ... at this time
    welcome: Text() = ""
    posts: list[AlumniPost] = Field(default_factory=list)
    close_day: int | None = None  # after this day the bot stops posting (the group is kept in WeChat)


ritual = Ritual("alumni", section=("alumni", Alumni), order=60)


@ritual.check
def after_the_course(pb):
    a = pb.section("alumni")
    if a.day <= pb.course.days:
        yield f"alumni.day: 必须在课程最后一天之后（must come after the last course day ({pb.course.days}), got {a.day}）"
    for i, post in enumerate(a.posts):
        if post.day < a.day:
            yield f"alumni.posts[{i}].day: 早于校友群开始的一天（{post.day} is before alumni.day {a.day}）"
    if a.close_day is not None and a.close_day <= max([a.day] + [p.day for p in a.posts]):
        yield "alumni.close_day: 必须晚于校友群开始和每条校友帖（must come after the alumni day and every alumni post）"


@ritual.schedule
def calendar(pb, start):
    a = pb.section("alumni")
    yield a.day, a.time, "alumni", "alumni"
    for i, post in enumerate(a.posts):
        yield post.day, post.time, f"alumni_post:{i}", "alumni_post", i
    if a.close_day is not None:
        yield a.close_day, a.time, "close", "close"


@ritual.action("alumni", states=("graduation",))
def become_alumni(ctx: Context, action: Action) -> None:
    ctx.group.transition("to_alumni", ctx.now, "schedule")
    welcome = ritual.config(ctx.pb).welcome
    if welcome:
        ctx.say(ctx.fmt(welcome))


@ritual.action("alumni_post", states=("alumni",))
def alumni_post(ctx: Context, action: Action) -> None:
    ctx.say(ctx.fmt(ritual.config(ctx.pb).posts[action.index].text))


@ritual.action("close", states=("alumni",))
def close(ctx: Context, action: Action) -> None:
    ctx.group.transition("close", ctx.now, "schedule")
