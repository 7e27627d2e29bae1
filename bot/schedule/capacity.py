"""The capacity plan: for the coming days, what each account will have to send, hour by hour, against what its send
budget lets out, and which scheduled posts will go out late (so the operator adds an account before it happens).

Pure: it reads nothing, it is given the playbook, the live groups (each with its account) and each account's
pacing. How the load is estimated (said in the output too):
- scheduled posts: every calendar action not yet run that applies to the group's state, counted at its declared
  `posts` (an upper bound: a post may say nothing); closed and paused groups post nothing;
- acknowledgements and replies: on a day the group has scheduled posts, the rest of its daily budget
  (settings.daily_messages minus the day's scheduled posts; 0 for a group without members), spread evenly from the
  day's first scheduled post to its last (upper bound: a quiet group sends fewer);
- private messages (friend requests, invitations, surveys) and groups not yet bound are not counted.

The account's pace: at most `per_minute` a rolling minute, and a pause of `switch_jitter_seconds` (their mean)
between two different recipients, so a burst across many groups goes out at min(per_minute, 60 / mean pause) a
minute. The queue is played minute by minute, first in first out: a burst's last post goes out when everything
queued up to it has been sent."""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Iterable, Sequence

from bot.core.wiring import Wiring
from bot.schedule.calendar import Calendar

# lifecycle order: an action only for earlier states than the group's will never apply to it again
_ORDER = {"bound": 0, "opening": 1, "in_course": 2, "graduation": 3, "alumni": 4, "closed": 5}

HOW = ("定时消息按剧本日历（每条动作声明的最多条数）计算；确认和回复按每群每天最多 {daily} 条（settings.daily_messages）"
       "减去当天定时消息估算，平均分布在当天第一条和最后一条定时消息之间（上限估计，没有成员的群按 0 条）；"
       "私聊（加好友、邀请、问卷）和尚未绑定的群不计入。发送速度：每分钟最多 per_minute 条，换收件人之间还有随机停顿，"
       "所以跨群连发每分钟约 min(per_minute, 60 秒/平均停顿) 条。")


@dataclass(frozen=True)
class LiveGroup:
    """A bound group as the plan sees it."""

    room: str
    account: str
    state: str
    start_date: date
    members: int
    paused: bool = False
    fired: frozenset[str] = frozenset()  # calendar actions already run (or skipped)


@dataclass(frozen=True)
class AccountLimit:
    """An account's send budget: `per_minute` (the rolling-minute cap) and `rate`, what the sender lets out a minute
    across different groups (the cap, or less when the pause between recipients is longer)."""

    name: str
    per_minute: int
    rate: float

    @classmethod
    def of(cls, name: str, pacing) -> "AccountLimit":
        """From a Pacing (bot/delivery/sender.py): its per_minute and the mean of its switch pause."""
        low, high = pacing.switch_jitter_seconds
        pause = max((low + high) / 2, 0.0)
        rate = min(float(pacing.per_minute), 60.0 / pause) if pause > 0 else float(pacing.per_minute)
        return cls(name, pacing.per_minute, rate)


@dataclass(frozen=True)
class Burst:
    """Scheduled posts of one account due in the same minute."""

    account: str
    due: datetime
    posts: int
    groups: int
    kinds: tuple[str, ...]
    queued: int  # what the account has to send from that minute: the burst and the backlog ahead of it
    last_out: datetime  # when the burst's last post is expected out

    @property
    def late(self) -> timedelta:
        return max(self.last_out - self.due, timedelta(0))


@dataclass
class Hour:
    """One local hour of an account: scheduled posts and the estimate of acknowledgements and replies."""

    start: datetime
    posts: int = 0
    other: float = 0.0

    @property
    def total(self) -> int:
        return self.posts + round(self.other)


@dataclass
class AccountPlan:
    limit: AccountLimit
    groups: int = 0
    members: int = 0
    hours: list[Hour] = field(default_factory=list)
    bursts: list[Burst] = field(default_factory=list)

    def late(self, minutes: int) -> list[Burst]:
        return [b for b in self.bursts if b.late > timedelta(minutes=minutes)]


@dataclass
class Plan:
    now: datetime
    until: datetime
    late_minutes: int
    accounts: list[AccountPlan]
    how: str
    warnings: list[str] = field(default_factory=list)


def plan(pb, groups: Iterable[LiveGroup], limits: Sequence[AccountLimit], now: datetime, days: int = 3,
         late_minutes: int | None = None) -> Plan:
    """The plan from `now` to the end of the `days`-th day after today (local). A group whose account is not among
    `limits` is counted under the first account (the default account takes over an unknown owner)."""
    tz = pb.tz
    late_minutes = pb.settings.late_post_minutes if late_minutes is None else late_minutes
    today = now.astimezone(tz).date()
    until = datetime.combine(today + timedelta(days=days + 1), time(0), tzinfo=tz)
    calendar, wiring = Calendar(pb), Wiring(pb.chosen)
    names = [a.name for a in limits]
    plans = {a.name: AccountPlan(a) for a in limits}
    posts: dict[str, dict[datetime, list[tuple[str, int, str]]]] = defaultdict(lambda: defaultdict(list))
    other: dict[str, dict[datetime, float]] = defaultdict(lambda: defaultdict(float))  # per minute
    daily = pb.settings.daily_messages
    for g in groups:
        if g.state == "closed":
            continue
        account = g.account if g.account in plans else names[0]
        plans[account].groups += 1
        plans[account].members += g.members
        if g.paused:
            continue
        by_day: dict[date, list[tuple[datetime, int]]] = defaultdict(list)
        for action in calendar.actions(g.start_date):
            if action.due >= until:
                break
            scheduled = wiring.actions.get(action.kind)
            if scheduled is None or not scheduled.posts:
                continue
            done = action.key in g.fired  # (it still spent the day's budget)
            if not done and scheduled.states is not None and g.state not in scheduled.states and \
                    max(_ORDER[s] for s in scheduled.states) < _ORDER[g.state]:
                continue  # an action of an earlier stage of the course
            by_day[action.due.astimezone(tz).date()].append((action.due, scheduled.posts))
            if action.due >= now and not done:
                minute = _minute(action.due)
                posts[account][minute].append((g.room, scheduled.posts, action.kind))
        if not g.members:
            continue
        for day_posts in by_day.values():  # the rest of the day's budget, spread between its first and last post
            first, last = min(t for t, _ in day_posts), max(t for t, _ in day_posts)
            extra = max(daily - sum(n for _, n in day_posts), 0)
            span = max(int((last - first).total_seconds() // 60), 60 if last == first else 1)
            start = max(_minute(first), _minute(now))
            end = min(_minute(first) + timedelta(minutes=span), until)
            if extra and start < end:  # a step of extra/span a minute over [start, end)
                other[account][start] += extra / span
                other[account][end] -= extra / span
    for name, ap in plans.items():
        _play(ap, posts[name], _per_minute(other[name]), now, until, tz)
    result = Plan(now, until, late_minutes, list(plans.values()),
                  HOW.format(daily=daily))
    result.warnings = warnings(result, tz)
    return result


def _per_minute(steps: dict[datetime, float]) -> dict[datetime, float]:
    """{minute: messages} from {minute: change of the per-minute rate} (the estimate's steps, summed once)."""
    out: dict[datetime, float] = {}
    level = 0.0
    moments = sorted(steps)
    for here, nxt in zip(moments, moments[1:]):
        level += steps[here]
        if level > 1e-9:
            m = here
            while m < nxt:
                out[m] = level
                m += timedelta(minutes=1)
    return out


def _minute(t: datetime) -> datetime:
    return t.replace(second=0, microsecond=0)


def _play(ap: AccountPlan, posts: dict[datetime, list[tuple[str, int, str]]], other: dict[datetime, float],
          now: datetime, until: datetime, tz) -> None:
    """Hours and bursts of one account: the queue played minute by minute, first in first out."""
    rate = ap.limit.rate
    hours: dict[datetime, Hour] = {}
    for minute, items in posts.items():
        hour = _hour(minute, tz)
        hours.setdefault(hour, Hour(hour)).posts += sum(n for _, n, _ in items)
    for minute, n in other.items():
        hour = _hour(minute, tz)
        hours.setdefault(hour, Hour(hour)).other += n
    ap.hours = [hours[h] for h in sorted(hours)]
    moments = sorted(set(posts) | set(other))
    if not moments or rate <= 0:
        return
    arrived = served = 0.0
    pending: list[tuple[datetime, float, int, list]] = []  # (due, cumulative arrivals through it, queued, items)
    i, t = 0, moments[0]
    while True:
        if i < len(moments) and moments[i] == t:
            n = sum(k for _, k, _ in posts.get(t, ()))
            if n:
                pending.append((t, arrived + n + other.get(t, 0.0), round(arrived - served + n), posts[t]))
            arrived += n + other.get(t, 0.0)
            i += 1
        if served >= arrived - 1e-9 and not pending:  # idle: jump to the next arrival
            if i >= len(moments):
                return
            t = moments[i]
            continue
        before = served
        served = min(arrived, served + rate)
        while pending and served >= pending[0][1] - 1e-9:
            due, target, queued, items = pending.pop(0)
            out = t + timedelta(minutes=max(target - before, 0.0) / rate)
            ap.bursts.append(_burst(ap.limit.name, due, queued, items, out))
        t += timedelta(minutes=1)
        if t > until + timedelta(days=2):  # a backlog that does not end within reach: as late as the plan looks
            ap.bursts.extend(_burst(ap.limit.name, due, queued, items, t) for due, _, queued, items in pending)
            return


def _burst(account: str, due: datetime, queued: int, items: list[tuple[str, int, str]], out: datetime) -> Burst:
    return Burst(account, due, sum(k for _, k, _ in items), len({r for r, _, _ in items}),
                 tuple(sorted({kind for _, _, kind in items})), queued, max(out, due))


def _hour(t: datetime, tz) -> datetime:
    return t.astimezone(tz).replace(minute=0, second=0, microsecond=0)


def account_name(name: str) -> str:
    """How an account is named to people: the default account ('') is 「默认账号」."""
    return f"账号 {name}" if name else "默认账号"


def day_words(day: date, today: date) -> str:
    """'今天' / '明天（11月24日 周二）' / '11月26日（周四）'."""
    from bot.playbook.dates import WEEKDAY_NAMES  # noqa: PLC0415

    plain = f"{day.month}月{day.day}日 周{WEEKDAY_NAMES[day.weekday()]}"
    near = {0: "今天", 1: "明天", 2: "后天"}.get((day - today).days)
    return f"{near}（{plain}）" if near else plain


def clock_words(t: datetime, day: date) -> str:
    """'09:48', or '次日 00:10' when it falls after `day`."""
    later = (t.date() - day).days
    return f"{'次日 ' if later == 1 else f'{later} 天后 ' if later > 1 else ''}{t:%H:%M}"


def warnings(p: Plan, tz) -> list[str]:
    """One line per late burst (the first few of each account), then a suggestion per late account."""
    today = p.now.astimezone(tz).date()
    out: list[str] = []
    for ap in p.accounts:
        late = ap.late(p.late_minutes)
        if not late:
            continue
        for b in late[:5]:
            due = b.due.astimezone(tz)
            out.append(f"{account_name(ap.limit.name)}：{day_words(due.date(), today)} {due:%H:%M} 需要发送 {b.queued} 条，"
                       f"预计最晚 {clock_words(b.last_out.astimezone(tz), due.date())} 发完"
                       f"（晚 {int(b.late.total_seconds() // 60)} 分钟）")
        if len(late) > 5:
            out.append(f"{account_name(ap.limit.name)}：另有 {len(late) - 5} 个时段的定时消息会晚超过 {p.late_minutes} 分钟")
        out.append(suggestion(p, ap, max(late, key=lambda b: b.late)))
    return out


def suggestion(p: Plan, ap: AccountPlan, worst: Burst) -> str:
    """What to do about an account's worst late burst: how many groups to move (and where there is room), and how many
    accounts the whole load at that moment needs."""
    window = p.late_minutes
    fits = ap.limit.rate * window  # what the account sends within the allowed lateness
    per_group = worst.posts / max(worst.groups, 1)
    move = max(math.ceil((worst.queued - fits) / per_group), 1)
    room = []
    for other in p.accounts:
        if other is ap:
            continue
        same = next((b for b in other.bursts if b.due == worst.due), None)
        spare = other.limit.rate * window - (same.queued if same else 0)
        if spare >= per_group:
            room.append((spare, other.limit.name, int(spare // per_group)))
    total = sum(b.queued for a in p.accounts for b in a.bursts if b.due == worst.due)
    rate = max(a.limit.rate for a in p.accounts)
    needed = math.ceil(total / (rate * window)) if rate > 0 else len(p.accounts) + 1
    text = f"  建议：{account_name(ap.limit.name)} 要按时发完需少带约 {move} 个群"
    if room:
        spare, name, fit = max(room)
        text += f"，可移到{account_name(name)}（那时还能多带约 {fit} 个群）"
    if needed > len(p.accounts):
        text += f"；按那一刻全部 {total} 条，至少需要 {needed} 个账号（现有 {len(p.accounts)} 个），请增加账号"
    else:
        text += "；或增加一个账号"
    return text
