"""我毕业啦!: the ceremony on the last day, graduates recorded and congratulated with their own numbers."""
from __future__ import annotations

from pydantic import Field

from bot.schedule.calendar import Action
from bot.core.commands import Command, UsageError
from bot.core.context import Context
from bot.playbook.fields import LocalTime, Section, Text
from bot.core.ritual import Ritual


class Graduation(Section):
    day: int = Field(ge=1)  # the last course day
    time: LocalTime = "20:30"
    script: Text()
    congrats: Text("name", "checkins", "tasks") = "🎓 恭喜{name}毕业！打卡 {checkins} 天，完成实操 {tasks} 次 👏"
    congrats_batch: Text("lines") = "🎓 恭喜毕业：{lines}"
    # more graduates at once than settings.acks.names: named up to that many, the rest counted
    congrats_many: Text("names", "count", "total") = "🎓 恭喜{names}毕业！👏（已有 {total} 位同学毕业）"
    # to members who said 我毕业啦 before the ceremony: posted once when it opens, with their @-mentions
    early: Text() = "🎓 毕业典礼开始啦！之前提前说了「我毕业啦」的同学，现在再发一次就正式毕业啦～"


ritual = Ritual("graduation", section=("graduation", Graduation), order=50)


@ritual.check
def last_day(pb):
    g = pb.section("graduation")
    if g.day != pb.course.days:
        yield f"graduation.day: 必须是课程最后一天（must be the last course day ({pb.course.days}), got {g.day}）"
    if not g.script.strip():
        yield "graduation.script: must not be empty"


@ritual.schedule
def calendar(pb, start):
    g = pb.section("graduation")
    yield g.day, g.time, "graduation", "graduation"


def _open_ceremony(ctx: Context, actor: str) -> None:
    ctx.group.transition("graduate", ctx.now, actor)
    ctx.say(ctx.fmt(ritual.config(ctx.pb).script))
    early = ctx.store.graduates.early(ctx.room)
    if early:  # they said it before the ceremony: tell them once, now, that it counts from here
        names = ctx.store.members.names(ctx.room)
        ctx.say_mentioning(ctx.fmt(ritual.config(ctx.pb).early), [(m, names.get(m, m)) for m in early])


@ritual.action("graduation", states=("in_course",), posts=2)  # the script, and the early ones @-mentioned
def ceremony(ctx: Context, action: Action) -> None:
    _open_ceremony(ctx, "schedule")


@ritual.command("graduate", "毕业", usage="/graduate", help="现在开始毕业典礼")
def graduate_cmd(ctx: Context, cmd: Command) -> None:
    if cmd.args:
        raise UsageError("这个指令不带参数。")
    _open_ceremony(ctx, ctx.actor)


@ritual.message("graduation", "alumni", intent="graduation")
def i_graduated(ctx: Context) -> None:
    """'我毕业啦!' / '我毕业了！' / '毕业啦毕业啦🎉' records a graduate once."""
    if ctx.store.graduates.add(ctx.room, ctx.message.sender, ctx.message.ts, ctx.message.id):
        ctx.request_ack()


@ritual.message("opening", "in_course", intent="graduation")
def too_early(ctx: Context) -> None:
    """'我毕业啦' before the ceremony is not a graduation; the member is told once, when the ceremony opens."""
    ctx.store.graduates.add_early(ctx.room, ctx.message.sender, ctx.message.ts)


@ritual.ack("graduates", "member")
def compose_ack(ctx: Context, rows: list[tuple]) -> str:
    """One line per graduate with their days checked in and tasks done; past settings.acks.names graduates at once,
    one line naming that many and counting the rest ('🎓 恭喜张三、李四等 212 位同学毕业！')."""
    if len(rows) > ctx.pb.settings.acks.names:
        return ctx.fmt(ritual.config(ctx.pb).congrats_many, names=ctx.names([m for (m,) in rows]), count=len(rows),
                       total=len(ctx.store.graduates.of(ctx.room)))
    lines = []
    for (member,) in rows:
        lines.append(ctx.fmt(ritual.config(ctx.pb).congrats, name=ctx.name_of(member),
                             checkins=ctx.store.checkins.count(ctx.room, member),
                             tasks=ctx.store.practice.count(ctx.room, member)))
    if len(lines) == 1:
        return lines[0]
    return ctx.fmt(ritual.config(ctx.pb).congrats_batch, lines="\n" + "\n".join(lines))
