"""The course itself: binding a group (/start), the daily lesson that advances the day, and the advisor's
controls (/next, /pause, /resume, /status, /members, /say, /help). After the course, /next moves a graduating group
on to its next step (the alumni group) and /status tells how long ago it graduated and what the calendar posts next."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.schedule.calendar import Action
from bot.core.commands import Command, UsageError, shown
from bot.core.context import Context
from bot.core.names import display_name
from bot.core.ritual import Ritual
from bot.storage import from_iso

ritual = Ritual("course", order=10)


@ritual.check
def lessons_fit(pb):
    """A lesson is one message: no longer than settings.max_message_chars."""
    limit = pb.settings.max_message_chars
    for i, d in enumerate(pb.days):
        if len(d.lesson) > limit:
            yield f"days[{i}].lesson: 课文太长，{len(d.lesson)} 字，超过 settings.max_message_chars（{limit}）（lesson longer than the limit）"


@ritual.schedule
def calendar(pb, start):
    """Each course day's lesson at settings.lesson_time."""
    for d in pb.days:
        yield d.day, pb.settings.lesson_time, f"lesson:{d.day}", "lesson"


@ritual.action("lesson", catch_up="today")
def lesson(ctx: Context, action: Action) -> str:
    """Course day N begins: the group moves to day N and the day's lesson is posted."""
    group = ctx.group
    if group.state in ("bound", "opening"):
        group.transition("begin", ctx.now, "schedule", day=action.day)
    elif group.state == "in_course" and action.day > group.course_day:
        group.transition("next_day", ctx.now, "schedule", day=action.day)
    else:
        return "not_applicable"
    ctx.say(ctx.fmt(ctx.pb.day(action.day).lesson, day=action.day))
    return "done"


@ritual.command("start", "开课", "开营", usage="/start [YYYY-MM-DD]", help="把本群绑定到课程，第1天为该日期（默认今天）",
                needs_group=False)
def start(ctx: Context, cmd: Command) -> None:
    if ctx.room is None:
        raise UsageError("请在学习群里使用。")
    if ctx.group is not None:
        ctx.reply(f"本群已经绑定课程（{ctx.group.state_name}，第1天是 {ctx.group.start_date}），无需重复 /start。")
        return
    today = ctx.now.astimezone(ctx.pb.tz).date()
    if not cmd.args:
        day1 = today
    else:
        try:
            day1 = date.fromisoformat(cmd.args)
        except ValueError:
            raise UsageError(f"「{shown(cmd.args)}」不是日期。") from None
    if not today - timedelta(days=ctx.pb.course.days - 1) <= day1 <= today + timedelta(days=90):
        raise UsageError(f"开课日期要在 {today - timedelta(days=ctx.pb.course.days - 1)} 到 {today + timedelta(days=90)} 之间。")
    ctx.calendar.bind(ctx, day1, ctx.message.topic)
    ctx.reply(f"已绑定「{ctx.pb.course.title}」：第1天是 {day1}，共{ctx.pb.course.days}天。")


@ritual.command("next", "下一天", usage="/next", help="现在进入下一个课程日（发布当天课程）；毕业典礼中：进入校友群")
def next_day(ctx: Context, cmd: Command) -> None:
    if cmd.args:
        raise UsageError("这个指令不带参数。")
    group, today = ctx.group, ctx.today()
    if group.state in ("bound", "opening"):
        target = 1
    elif group.state == "in_course":
        target = group.course_day + 1
        if target > ctx.pb.course.days:
            ctx.reply(f"已经是最后一天（第{ctx.pb.course.days}天），请用 /graduate 开始毕业典礼。")
            return
    elif group.state == "graduation" and (step := ctx.calendar.upcoming(ctx, later_day=True)) is not None:
        ctx.calendar.shift(ctx, step.day - today, first=step.key)  # e.g. the group becomes an alumni group now
        ctx.reply(f"已进入「{ctx.group.state_name}」。" if ctx.group.state != "graduation" else "已进入下一步。")
        return
    else:
        ctx.reply(f"当前状态是「{group.state_name}」，不能进入下一天，什么也没有改变。")
        return
    ctx.calendar.shift(ctx, max(target - today, 0))
    ctx.calendar.run_now(ctx, f"lesson:{ctx.today()}")
    ctx.reply(f"已进入第{ctx.group.course_day}天。")


def _set_paused(ctx: Context, paused: bool) -> None:
    group = ctx.group
    if group.paused == paused:
        ctx.reply("已经是暂停状态。" if paused else "并没有暂停。")
        return
    group.update(paused=paused)
    ctx.store.groups.add_history(group.room, group.state, group.state, "pause" if paused else "resume", group.course_day, ctx.now, ctx.actor)
    ctx.reply("已暂停：定时消息不再发送，打卡照常记录。发送 /resume 恢复。" if paused else "已恢复定时消息。")


@ritual.command("pause", "暂停", usage="/pause", help="暂停本群的定时消息")
def pause(ctx: Context, cmd: Command) -> None:
    _set_paused(ctx, True)


@ritual.command("resume", "恢复", usage="/resume", help="恢复本群的定时消息")
def resume(ctx: Context, cmd: Command) -> None:
    _set_paused(ctx, False)


@ritual.command("status", "状态", usage="/status", help="查看本群的课程状态")
def status(ctx: Context, cmd: Command) -> None:
    g = ctx.group
    members = ctx.member_list()
    if g.state in ("alumni", "closed"):  # no check-ins after the course: how many ever checked in
        checked = f"课程中打过卡 {len(ctx.store.checkins.days_by_member(ctx.room))} 人"
    else:
        done = ctx.store.checkins.done_on(ctx.room, ctx.today())
        checked = f"今日打卡 {sum(1 for m, _ in members if m in done)} 人"
    lines = [
        f"📋 {g.topic or g.room}：{g.state_name}{'（已暂停）' if g.paused else ''}",
        *_where_in_the_course(ctx),
        f"成员 {len(members)} 人 · 家乡签到 {len(ctx.store.hometowns.of(ctx.room))} 人 · {checked}",
        f"毕业 {len(ctx.store.graduates.of(ctx.room))} 人",
        f"发送：{ctx.services.status()}",
    ]
    if unknown := ctx.store.outbox.unknown_sends(ctx.room):
        lines.append(f"⚠️ 本群有 {unknown} 条消息发送时被中断，不确定是否已送达，请人工核对")
    ctx.reply("\n".join(lines))


def _where_in_the_course(ctx: Context) -> list[str]:
    """During the course its day; after it, days since graduation and the next scheduled post (from the calendar)."""
    g = ctx.group
    if g.state not in ("alumni", "closed"):
        return [f"第{g.course_day}天/共{ctx.pb.course.days}天 · 第1天 {g.start_date}"]
    graduated = next((h["ts"] for h in reversed(ctx.store.groups.history(g.room)) if h["event"] == "graduate"), None)
    tz = ctx.pb.tz
    on = from_iso(graduated).astimezone(tz).date() if graduated else g.start_date + timedelta(days=ctx.pb.course.days - 1)
    lines = [f"毕业 {(ctx.now.astimezone(tz).date() - on).days} 天 · 毕业典礼 {on} · 第1天 {g.start_date}"]
    if g.state == "alumni":
        nxt = ctx.calendar.upcoming(ctx)
        lines.append(f"下一条定时消息：{_when(ctx, nxt.due)}" if nxt else "之后没有定时消息了")
    return lines


def _when(ctx: Context, ts: datetime) -> str:
    """'12月10日（周四）20:00' in the course's time zone."""
    t = ts.astimezone(ctx.pb.tz)
    return f"{t.month}月{t.day}日（周{'一二三四五六日'[t.weekday()]}）{t:%H:%M}"


@ritual.command("members", "成员", usage="/members", help="列出本群成员")
def members(ctx: Context, cmd: Command) -> None:
    ms = ctx.member_list()
    names = "、".join(display_name(n, m) for m, n in ms[:50]) + (f" 等{len(ms)}人" if len(ms) > 50 else "")
    ctx.reply(f"成员 {len(ms)} 人：{names or '（暂无）'}")


@ritual.command("say", "说", usage="/say 要发的内容", help="让机器人在本群发一条消息")
def say(ctx: Context, cmd: Command) -> None:
    if not cmd.args:
        raise UsageError("缺少要发送的内容。")
    ctx.say(cmd.args)


@ritual.command("help", "帮助", usage="/help", help="列出所有指令", needs_group=False)
def help_(ctx: Context, cmd: Command) -> None:
    seen, lines = set(), []
    for spec in ctx.services.wiring.specs():
        if spec.name not in seen:
            seen.add(spec.name)
            alias = f"（{'/'.join(spec.aliases)}）" if spec.aliases else ""
            lines.append(f"{spec.usage}{alias}：{spec.help}")
    ctx.reply("导师指令：\n" + "\n".join(lines))
