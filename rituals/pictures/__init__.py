"""图片: the day's tally card, the hometown map, the class graduation picture and personal certificates (结业证书),
drawn from live data by bot/pictures and posted through the normal outbox (a group's pictures count in its daily
messages). A transport that cannot send images posts each picture's alt text instead; so does a machine without the
CJK font."""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from pathlib import Path

from bot import pictures
from bot.core.commands import Command, UsageError
from bot.core.context import Context
from bot.core.lifecycle import Group
from bot.core.names import display_name
from bot.core.ritual import Ritual
from bot.playbook.fields import parse_hhmm
from bot.schedule.calendar import Action
from bot.schedule.wakeup import NextCheck, planned
from rituals.pictures.section import Pictures
from rituals.pictures.store import MIGRATIONS, CertificateStore


ritual = Ritual("pictures", section=("pictures", Pictures), order=35, migrations=MIGRATIONS)
WEEKDAYS = "一二三四五六日"
GRADUATED = ("graduation", "alumni")


def _certs(ctx: Context) -> CertificateStore:
    return CertificateStore(ctx.store.conn)


@ritual.schedule
def calendar(pb, start):
    cfg = pb.section("pictures")
    if cfg.tally_card != "off" and pb.has_section("checkin"):  # the tally's moment (instead of it, or right after it)
        tally_time = pb.section("checkin").tally_time
        for d in pb.days:
            yield d.day, tally_time, f"tally_card:{d.day}", "tally_card"
    if cfg.hometown_map and pb.has_section("opening"):
        yield pb.section("opening").day, cfg.map_time, "map", "map"
    if cfg.class_picture and pb.has_section("graduation"):
        yield pb.section("graduation").day, cfg.class_picture_time, "class_picture", "class_picture"


@ritual.check
def times(pb):
    cfg = pb.section("pictures")
    if pb.has_section("opening") and cfg.map_time <= pb.section("opening").time:
        yield f"pictures.map_time: 必须晚于 opening.time（must be after {pb.section('opening').time}），现在是 {cfg.map_time}"
    if pb.has_section("graduation") and cfg.class_picture_time <= pb.section("graduation").time:
        yield (f"pictures.class_picture_time: must be after graduation.time ({pb.section('graduation').time}), "
               f"got {cfg.class_picture_time}")
    if cfg.certificates_until <= cfg.class_picture_time:
        yield f"pictures.certificates_until: 必须晚于 class_picture_time（must be after {cfg.class_picture_time}）"
    if cfg.tally_card == "instead" and not ("{count}" in cfg.tally_alt and "{leaderboard}" in cfg.tally_alt):
        yield ("pictures.tally_alt: tally_card 为 instead 时它就是打卡统计，须含 {count} 和 {leaderboard}"
               "（with instead the alt text is the tally: it must show {count} and {leaderboard}）")


# -- drawing and posting ----------------------------------------------------------------------------------
def _file(ctx: Context, room: str, name: str) -> Path:
    folder = ctx.store.files / "pictures" / hashlib.sha1(room.encode()).hexdigest()[:12]
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def _picture(ctx: Context, room: str, name: str, data) -> str | None:
    """The picture's file (its recipe written now, the PNG drawn when it is sent); None without a CJK font: the alt
    text is posted."""
    if not pictures.available():
        return None
    return pictures.plan(_file(ctx, room, name), data)


def _day_date(group: Group, day: int) -> date:
    return group.start_date + timedelta(days=day - 1)


def _dates(ctx: Context, group: Group) -> str:
    first, last = _day_date(group, 1), _day_date(group, ctx.pb.course.days)
    tail = f"{last.month}月{last.day}日" if last.year == first.year else f"{last.year}年{last.month}月{last.day}日"
    return f"{first.year}年{first.month}月{first.day}日至{tail}"


def _names(ctx: Context, room: str) -> dict[str, str]:
    return ctx.store.members.names(room)


def _shown(names: dict[str, str], member: str) -> str:
    return display_name(names.get(member), member) if names.get(member) else display_name(member)


# -- the day's tally card ----------------------------------------------------------------------------------


def _instead(pb) -> bool:
    """Is the card the tally (one post, not the text tally and a card)?"""
    return ritual.config(pb).tally_card == "instead"


def _board(ctx: Context, leaders: list[tuple[str, int]], fixed: int) -> str:
    """The streak board of the alt text, one line a leader, cut where the message would pass max_message_chars."""
    cfg = ritual.config(ctx.pb)
    lines = (ctx.fmt(cfg.tally_alt_line, rank=rank, name=name, streak=n)
             for rank, (name, n) in enumerate(leaders[:cfg.leaderboard_size], 1))
    return ctx.fit_lines(lines, fixed) or ctx.fmt(cfg.tally_alt_empty)


def post_tally_card(ctx: Context, day: int) -> None:
    """The day's card; its alt text says all the text tally says (with "instead" it is the tally)."""
    cfg = ritual.config(ctx.pb)
    instead = _instead(ctx.pb)
    members = ctx.member_list()
    if not members and not instead:
        return
    current = dict(members)
    done = ctx.store.checkins.done_on(ctx.room, day)
    count = sum(1 for m in current if m in done)
    streaks = {m: n for m, n in ctx.store.checkins.streaks(ctx.room, day).items() if n}
    leaders = sorted(((display_name(current[m], m), n) for m, n in streaks.items() if m in current),
                     key=lambda x: (-x[1], x[0]))
    when = _day_date(ctx.group, day)
    card = pictures.Tally(ctx.pb.course.title, day, ctx.pb.course.days, f"{when.month}月{when.day}日 周{WEEKDAYS[when.weekday()]}",
                          count, len(members), leaders, cfg.leaderboard_size)
    values = dict(day=day, count=count, members=len(members), rate=f"{(count / len(members) * 100 if members else 0):.0f}%",
                  leaders="、".join(f"{name}🔥{n}天" for name, n in leaders[:3]) or ctx.fmt(cfg.tally_alt_empty))
    alt = ctx.fmt(cfg.tally_alt, leaderboard=_board(ctx, leaders, len(ctx.fmt(cfg.tally_alt, leaderboard="", **values))),
                  **values)
    ctx.say(alt, image=_picture(ctx, ctx.room, f"tally-{day}.png", card))
    if instead:  # the text tally's duty, now the card's: the day's check-ins are counted (no acknowledgement owed)
        ctx.store.acks.mark("checkins", ctx.room, day=day)


@ritual.action("tally_card", states=("in_course", "graduation"), replaces="tally", replaces_if=_instead)
def tally_card(ctx: Context, action: Action) -> None:
    post_tally_card(ctx, action.day)


# -- the hometown map ----------------------------------------------------------------------------------------
def _provinces(ctx: Context, room: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for town in ctx.store.hometowns.of(room).values():
        if town["province"]:
            counts[town["province"]] = counts.get(town["province"], 0) + 1
    return counts


def post_map(ctx: Context) -> None:
    cfg = ritual.config(ctx.pb)
    counts = _provinces(ctx, ctx.room)
    people = len(ctx.store.hometowns.of(ctx.room))
    top = "、".join(f"{p} {n}" for p, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))[:5]) or "还没有同学签到"
    alt = ctx.fmt(cfg.map_alt, people=people, provinces=len(counts), top=top)
    data = pictures.Hometowns(ctx.pb.course.title, counts, people)
    ctx.say(alt, image=_picture(ctx, ctx.room, f"map-{ctx.now:%Y%m%d-%H%M%S}.png", data))


@ritual.action("map", states=("opening", "in_course"), catch_up="today")
def hometown_map(ctx: Context, action: Action) -> str | None:
    if not ctx.store.hometowns.of(ctx.room):
        return "nobody_answered"  # an empty map says nothing (/map still draws it)
    post_map(ctx)
    return None


@ritual.command("map", "地图", usage="/map", help="立即发布本群的家乡地图")
def map_cmd(ctx: Context, cmd: Command) -> None:
    if cmd.args:
        raise UsageError("这个指令不带参数。")
    post_map(ctx)


# -- graduation: the class picture and the certificates -------------------------------------------------------
def post_class_picture(ctx: Context) -> None:
    cfg = ritual.config(ctx.pb)
    names = _names(ctx, ctx.room)
    graduates = [_shown(names, m) for m in ctx.store.graduates.of(ctx.room)]
    shown = "、".join(graduates[:20]) + (f" 等 {len(graduates)} 位" if len(graduates) > 20 else "")
    alt = ctx.fmt(cfg.class_alt, count=len(graduates), names=shown or "（暂无）")
    data = pictures.ClassPicture(ctx.pb.course.title, _dates(ctx, ctx.group).replace("至", " — "), graduates,
                                 _provinces(ctx, ctx.room), _class_note(ctx))
    ctx.say(alt, image=_picture(ctx, ctx.room, "class.png", data))
    NextCheck.of(ctx, ritual.name).clear()  # certificates may start now


def _class_note(ctx: Context) -> str:
    cfg = ritual.config(ctx.pb)
    return {"evening": cfg.class_note_evening, "on_request": cfg.class_note_on_request}.get(cfg.certificates, "")


@ritual.action("class_picture", states=GRADUATED)
def class_picture(ctx: Context, action: Action) -> None:
    post_class_picture(ctx)


def send_certificate(ctx: Context, group: Group, member: str) -> None:
    """Draw the member's certificate and send it privately (numbered once per room, in the order issued)."""
    cfg = ritual.config(ctx.pb)
    number = _certs(ctx).issue(group.room, member, ctx.now)
    name = _shown(_names(ctx, group.room), member)
    checkins = ctx.store.checkins.count(group.room, member)
    tasks = ctx.store.practice.count(group.room, member)
    dates = _dates(ctx, group)
    last = _day_date(group, ctx.pb.course.days)
    data = pictures.Certificate(name, ctx.pb.course.title, dates, checkins, tasks,
                                f"{ctx.pb.persona.name}·{ctx.pb.persona.title}", f"{last.year}年{last.month}月{last.day}日",
                                f"{group.start_date:%Y%m%d}-{number:03d}")
    alt = ctx.fmt(cfg.certificate_alt, name=name, dates=dates, checkins=checkins, tasks=tasks)
    file = f"certificate-{hashlib.sha1(member.encode()).hexdigest()[:12]}.png"
    ctx.say_to(member, alt, image=_picture(ctx, group.room, file, data))


def _window(ctx: Context, day_start: datetime) -> tuple[datetime, datetime]:
    cfg = ritual.config(ctx.pb)
    local = day_start.astimezone(ctx.pb.tz).date()
    return (datetime.combine(local, parse_hhmm(cfg.class_picture_time), ctx.pb.tz),
            datetime.combine(local, parse_hhmm(cfg.certificates_until), ctx.pb.tz))


@planned(ritual)
def deliver(ctx: Context) -> datetime | None:
    """The evening's certificates: a few per round to graduates of groups whose class picture is out, inside the
    evening window; the next round's moment (tomorrow's window if today's is over), None when nobody waits."""
    cfg = ritual.config(ctx.pb)
    if cfg.certificates != "evening":
        return None
    groups = [g for g in ctx.groups.in_states(*GRADUATED) if "class_picture" in g.fired or not cfg.class_picture]
    if not groups:
        return None
    start, end = _window(ctx, ctx.now)
    if ctx.now < start:
        return start
    if ctx.now >= end:
        return _window(ctx, ctx.now + timedelta(days=1))[0] if any(_certs(ctx).waiting(g.room, 1) for g in groups) else None
    left = cfg.certificates_per_round
    with ctx.store.tx():
        for group in groups:
            for member in _certs(ctx).waiting(group.room, left):
                send_certificate(ctx, group, member)
                left -= 1
    if left == cfg.certificates_per_round:
        return None  # nobody waits: a new graduate replans (graduated below)
    return ctx.now + timedelta(seconds=cfg.certificates_gap_seconds)


@ritual.message(*GRADUATED, intent="graduation")
def graduated(ctx: Context) -> None:
    """Someone graduated (the graduation ritual records it): an idle evening delivery looks again (one already
    going keeps its pace: the new graduate is in a later round)."""
    check = NextCheck.of(ctx, ritual.name)
    if check.due(ctx.now) is None:
        check.clear()


def _requested(ctx: Context) -> None:
    cfg = ritual.config(ctx.pb)
    if cfg.certificates == "off" or ctx.stale:
        return
    member = ctx.message.sender
    rooms = [ctx.room] if ctx.room else _certs(ctx).graduated_in(member)
    group = next((g for r in rooms if (g := ctx.groups.get(r)) is not None and member in ctx.store.graduates.of(r)), None)
    if group is None:
        ctx.say_to(member, ctx.fmt(cfg.certificate_not_yet))
        return
    send_certificate(ctx, group, member)


@ritual.private()
def certificate_in_private(ctx: Context) -> None:
    """「证书」 in a private chat: the member's certificate (from the group they graduated in last)."""
    if ctx.reading.is_one_of(ritual.config(ctx.pb).certificate_words):
        _requested(ctx)


@ritual.message(*GRADUATED)
def certificate_in_group(ctx: Context) -> None:
    """「证书」 in the group: the certificate comes privately (the group sees nothing)."""
    if ctx.reading.is_one_of(ritual.config(ctx.pb).certificate_words):
        _requested(ctx)


@ritual.report("图片", {"certificates": "结业证书已发"})
def report(store) -> dict[str, dict[str, int]]:
    return {room: {"certificates": n} for room, n in CertificateStore(store.conn).issued().items()}
