"""打卡: daily check-ins with batched acknowledgements, evening reminders, tallies and streaks."""
from __future__ import annotations

from pydantic import Field

from bot.schedule.calendar import Action
from bot.core.commands import Command, UsageError, shown, whole_number
from bot.core.context import Context
from bot.core.names import display_name
from bot.playbook.fields import LocalTime, Section, Text
from bot.core.ritual import Ritual


class Checkin(Section):
    """What the daily check-in says, and when the evening reminder and tally are posted."""

    ack: Text("names", "count", "members", "day") = "✅ 打卡已记录：{names}（今日已打卡 {count}/{members} 人）"
    # a check-in from an earlier day that its tally did not cover (sent just before midnight)
    ack_earlier: Text("names", "day") = "✅ 打卡已记录（第{day}天）：{names}"
    reminder: Text("day") = "⏰ 第{day}天还没打卡的同学，记得回复「打卡」哦～"
    # added to the reminder when some of those @-mentioned first checked in yesterday but not yet today
    streak_at_risk: Text("count") = "🔥 断签提醒：{count} 位同学昨天打了卡，今天别让连续打卡断掉哦"
    tally: Text("day", "count", "members", "rate", "leaderboard") = \
        "📊 第{day}天打卡统计：{count}/{members} 人，打卡率 {rate}\n🔥 连续打卡榜：\n{leaderboard}"
    leaderboard_line: Text("rank", "name", "streak") = "{rank}. {name} 🔥{streak}天"
    leaderboard_empty: Text() = "（暂无）"
    all_checked_in: Text("day") = "第{day}天大家都打卡了 👍"  # /remind when nobody is missing
    # /tally after the course (the alumni group): the whole course
    summary: Text("per_day", "members", "rate", "leaderboard") = \
        "📊 全程打卡总结（共{days}天，{members}人）：\n{per_day}\n平均打卡率 {rate}\n🏅 打卡天数榜：\n{leaderboard}"
    summary_day: Text("day", "count") = "第{day}天 {count}人"
    summary_line: Text("rank", "name", "count") = "{rank}. {name} ✅{count}天"
    reminder_time: LocalTime = "20:00"
    tally_time: LocalTime = "22:00"
    leaderboard_size: int = Field(default=10, ge=1, le=50)


ritual = Ritual("checkin", section=("checkin", Checkin), order=30)
COURSE_STATES = ("in_course", "graduation")
# day 1 may begin before its lesson is posted (the group is still in its opening): count what members do by the calendar
RECORDING_STATES = ("opening", *COURSE_STATES)


@ritual.schedule
def calendar(pb, start):
    cfg = pb.section("checkin")
    for d in pb.days:
        yield d.day, cfg.reminder_time, f"remind:{d.day}", "remind"
        yield d.day, cfg.tally_time, f"tally:{d.day}", "tally"


@ritual.message(*RECORDING_STATES, intent="checkin")
def check_in(ctx: Context) -> None:
    """A message that says the member checked in (the language layer decides) records today's check-in once."""
    msg = ctx.message
    day = ctx.day_of(msg.ts)
    if not 1 <= day <= ctx.pb.course.days:
        return
    if ctx.store.checkins.add(ctx.room, msg.sender, day, msg.ts, msg.id):
        ctx.request_ack()


@ritual.ack("checkins", "member, day")
def compose_ack(ctx: Context, rows: list[tuple]) -> str:
    """'✅ 打卡已记录：张三、李四（今日已打卡 12/40 人）', past settings.acks.names '张三、李四等 37 位同学'; a
    check-in from an earlier day that its tally did not cover (sent just before midnight) is named on its own line."""
    today, texts = ctx.today(), ritual.config(ctx.pb)
    lines = []
    for day in sorted({d for _, d in rows if d < today}):
        lines.append(ctx.fmt(texts.ack_earlier, names=ctx.names([m for m, d in rows if d == day]), day=day))
    who = [m for m, day in rows if day == today]
    if who:
        count = len(ctx.store.checkins.done_on(ctx.room, today))
        lines.append(ctx.fmt(texts.ack, names=ctx.names(who), count=count, members=len(ctx.member_list()), day=today))
    return "\n".join(lines)




def _tally_text(ctx: Context, day: int) -> str:
    members = ctx.member_list()
    done = ctx.store.checkins.done_on(ctx.room, day)
    count = sum(1 for m, _ in members if m in done)
    rate = f"{(count / len(members) * 100 if members else 0):.0f}%"
    current = {m for m, _ in members}
    st = ctx.store.checkins.streaks(ctx.room, day)
    names = dict(members)
    top = sorted(((n, display_name(names[m], m)) for m, n in st.items() if m in current and n > 0), key=lambda x: (-x[0], x[1]))
    texts = ritual.config(ctx.pb)
    fixed = len(ctx.fmt(texts.tally, day=day, count=count, members=len(members), rate=rate, leaderboard=""))
    lines = (ctx.fmt(texts.leaderboard_line, rank=i, name=name, streak=n)
             for i, (n, name) in enumerate(top[:texts.leaderboard_size], 1))
    board = ctx.fit_lines(lines, fixed) or ctx.fmt(texts.leaderboard_empty)
    return ctx.fmt(texts.tally, day=day, count=count, members=len(members), rate=rate, leaderboard=board)


def _remind(ctx: Context, day: int) -> int:
    """One message: those whose streak is at risk (checked in yesterday, not yet today) @-mentioned first."""
    done = ctx.store.checkins.done_on(ctx.room, day)
    yesterday = ctx.store.checkins.done_on(ctx.room, day - 1) if day > 1 else set()
    missing = [(m, n) for m, n in ctx.member_list() if m not in done]
    at_risk = [(m, n) for m, n in missing if m in yesterday]
    if missing:
        texts = ritual.config(ctx.pb)
        text = ctx.fmt(texts.reminder, day=day)
        if at_risk:
            text += "\n" + ctx.fmt(texts.streak_at_risk, count=len(at_risk))
        ctx.say_mentioning(text, at_risk + [(m, n) for m, n in missing if m not in yesterday])
    return len(missing)


@ritual.action("remind", states=COURSE_STATES)
def remind(ctx: Context, action: Action) -> None:
    _remind(ctx, action.day)


@ritual.action("tally", states=COURSE_STATES)
def tally(ctx: Context, action: Action) -> None:
    ctx.say(_tally_text(ctx, action.day))
    ctx.store.acks.mark("checkins", ctx.room, day=action.day)  # the tally counts the day's check-ins


def _day_arg(ctx: Context, cmd: Command) -> int:
    if not cmd.args:
        day = ctx.today()
    elif (n := whole_number(cmd.args, 999)) is not None:
        day = n
    elif cmd.args.isascii() and cmd.args.isdigit():
        day = 0  # a number with many digits: out of range below
    else:
        raise UsageError(f"「{shown(cmd.args)}」不是天数。")
    if not 1 <= day <= ctx.pb.course.days:
        raise UsageError(f"课程只有第1到第{ctx.pb.course.days}天。")
    return day


def _summary_text(ctx: Context) -> str:
    """The whole course: check-ins per day, the average rate, and who checked in on the most days."""
    texts, days = ritual.config(ctx.pb), ctx.pb.course.days
    members = ctx.member_list()
    by_member = ctx.store.checkins.days_by_member(ctx.room)
    names = dict(members)
    per_day = " · ".join(ctx.fmt(texts.summary_day, day=d, count=sum(1 for m in names if d in by_member.get(m, ())))
                         for d in range(1, days + 1))
    total = sum(len([d for d in by_member.get(m, ()) if 1 <= d <= days]) for m in names)
    rate = f"{(total / (len(members) * days) * 100 if members else 0):.0f}%"
    top = sorted(((len(set(by_member[m])), display_name(names[m], m)) for m in names if by_member.get(m)),
                 key=lambda x: (-x[0], x[1]))
    board = "\n".join(ctx.fmt(texts.summary_line, rank=i, name=name, count=n)
                      for i, (n, name) in enumerate(top[:texts.leaderboard_size], 1)) or ctx.fmt(texts.leaderboard_empty)
    return ctx.fmt(texts.summary, per_day=per_day, members=len(members), rate=rate, leaderboard=board)


@ritual.command("tally", "统计", usage="/tally [天数]", help="立即发布今天（或第N天）的打卡统计；课程结束后：全程总结")
def tally_cmd(ctx: Context, cmd: Command) -> None:
    if not cmd.args and ctx.group.state in ("alumni", "closed"):
        ctx.say(_summary_text(ctx))
        return
    day = _day_arg(ctx, cmd)
    ctx.say(_tally_text(ctx, day))


@ritual.command("remind", "提醒", usage="/remind [天数]", help="立即提醒还没打卡的同学", for_group=True)
def remind_cmd(ctx: Context, cmd: Command) -> None:
    day = _day_arg(ctx, cmd)
    if _remind(ctx, day) == 0:
        ctx.reply(ctx.fmt(ritual.config(ctx.pb).all_checked_in, day=day))
