"""高价课 offers with real numbers: true seats left and a real deadline, countdowns, closing when it is over."""
from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from bot.core.commands import Command, UsageError, shown, whole_number
from bot.core.context import Context
from bot.core.events import Outgoing
from bot.delivery.marketing import local_time, push_group, resolve_member
from bot.delivery.outbox import POST
from bot.playbook.dates import calendar_vars
from bot.playbook.honesty import false_claims
from bot.core.ritual import Ritual
from bot.storage.offers import OfferRow, OfferStore
from bot.schedule.wakeup import NextCheck, planned
from rituals.offers.section import Offer, Offers, problems

ritual = Ritual("offers", section=("offers", Offers), order=100)
ritual.check(problems)
log = logging.getLogger("bot.offers")
RETRY_HELD = timedelta(minutes=30)
MAX_TITLE, MAX_PRICE, MAX_SEATS = 50, 1_000_000, 100_000


@ritual.on("start")
def load_playbook_offers(ctx: Context) -> None:
    """The playbook's offers join the offer table when the bot starts (an existing id is never overwritten: its
    seats and enrolments are live data)."""
    db = ctx.store.offers
    for o in ritual.config(ctx.pb).items:
        db.add(o.id, o.title, o.price, o.discount, datetime.fromisoformat(o.deadline), o.seats, o.link, o.template,
               "playbook", ctx.now)


def money(x: float) -> str:
    """999.0 -> '999', 179.82 -> '179.82'."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def time_left(ctx: Context, deadline: datetime) -> str:
    """The true time until the deadline, rounded down: '23小时59分', '45分钟'."""
    minutes = max(int((deadline - ctx.now) / timedelta(minutes=1)), 0)
    h, m = divmod(minutes, 60)
    return f"{h}小时{f'{m}分' if m else ''}" if h else f"{m}分钟"


def render(ctx: Context, db: OfferStore, offer: OfferRow, template: str | None = None) -> tuple[str, list[tuple[str, str]]]:
    """The offer's text from live data, and the false claims it would make (then it must not be sent)."""
    left = db.seats_left(offer)
    start = ctx.group.start_date if ctx.group is not None else None
    values = {**ctx.pb.persona_vars(), **calendar_vars(ctx.now, ctx.pb.tz, start), "title": offer.title, "price": money(offer.price),
              "final_price": money(offer.price * offer.discount), "discount": f"{money(offer.discount * 10)}折",
              "deadline": local_time(ctx, offer.deadline), "seats_left": left, "link": offer.link,
              "left": time_left(ctx, offer.deadline)}
    text = (template or offer.template).format(**values).strip()
    return text, false_claims(text, left, offer.deadline, ctx.pb.tz, ctx.now)


def closed_state(ctx: Context, reason: str) -> str:
    """The playbook's words for why an offer is over ('deadline' | 'sold_out')."""
    closed = ritual.config(ctx.pb).closed
    return ctx.fmt({"deadline": closed.deadline, "sold_out": closed.sold_out}.get(reason, reason))


def close_if_over(ctx: Context, db: OfferStore, offer: OfferRow) -> str | None:
    """Close an offer past its deadline or out of seats, saying so once in every room it was shown in;
    the close reason ('deadline' | 'sold_out'), or None while it is open."""
    if offer.closed_at is not None:
        return offer.close_reason
    reason = "deadline" if ctx.now >= offer.deadline else "sold_out" if db.seats_left(offer) == 0 else None
    if reason is None or not db.close(offer.id, reason, ctx.now):
        return reason
    values = {**ctx.pb.persona_vars(), **calendar_vars(ctx.now, ctx.pb.tz, None), "title": offer.title, "state": closed_state(ctx, reason)}  # the offer's title
    text = ctx.pb.marketing.closed_text.format(**values).strip()
    for room in db.rooms(offer.id):
        if db.mark(offer.id, room, "closed", ctx.now):  # a notice that it is over, not a promotion: not capped
            ctx.send(Outgoing(room, None, text), priority=POST)
    return reason


def _countdowns(ctx: Context, db: OfferStore, offer: OfferRow) -> bool:
    """The tightest countdown now due (24 h, then 2 h before), once per room the offer was shown in before it;
    True if the group cap held one back."""
    held = False
    due = [h for h in ctx.pb.marketing.countdown_hours if offer.deadline - ctx.now <= timedelta(hours=h)]
    if not due:
        return held
    hours = min(due)
    kind = f"countdown_{hours}h"
    for room in db.rooms(offer.id, before=offer.deadline - timedelta(hours=hours)):
        if db.posted(offer.id, room, kind) or db.posted(offer.id, room, f"{kind}_refused"):
            continue
        text, claims = render(ctx, db, offer, ctx.pb.marketing.countdown_text)
        if claims:
            log.error("offer %s: countdown refused, it would claim %s", offer.id, claims)
            db.mark(offer.id, room, f"{kind}_refused", ctx.now)
        elif push_group(ctx, room, text, "offer_countdown"):
            db.mark(offer.id, room, kind, ctx.now)
        else:
            log.debug("offer %s: %s countdown to %s held back by the group cap", offer.id, kind, room)
            held = True
    return held


def _next_check(ctx: Context) -> NextCheck:
    """The next moment an offer needs attention (a countdown or a deadline)."""
    return NextCheck.of(ctx, ritual.name)


def replan(ctx: Context) -> None:
    """Offers changed (created, pushed, enrolled): look at them on the next tick."""
    _next_check(ctx).clear()


@planned(ritual)
def tick(ctx: Context) -> datetime | None:
    """Close offers that are over; send the countdowns that are due; the next moment that matters."""
    db = ctx.store.offers
    upcoming = []
    for offer in db.all(open_only=True):
        try:
            with ctx.store.tx():
                if close_if_over(ctx, db, offer) is None and _countdowns(ctx, db, offer):
                    upcoming.append(ctx.now + RETRY_HELD)  # a countdown held back by the group cap: try again later
        except Exception:
            log.exception("offer %s: tick failed", offer.id)
        marks = [offer.deadline - timedelta(hours=h) for h in ctx.pb.marketing.countdown_hours] + [offer.deadline]
        upcoming += [m for m in marks if m > ctx.now]
    return min(upcoming, default=None)


def get_offer(db: OfferStore, offer_id: str) -> OfferRow:
    """The offer with this id, or a UsageError naming the ones there are."""
    offer = db.get(offer_id)
    if offer is None:
        ids = "、".join(o.id for o in db.all()) or "（还没有）"
        raise UsageError(f"没有优惠「{shown(offer_id)}」（现有：{ids}）。")
    return offer


def _need(ok: object, problem: str) -> None:
    """Raise a UsageError naming the problem unless ok."""
    if not ok:
        raise UsageError(problem)


def _parse_new(ctx: Context, argv: list[str]) -> tuple:
    """The /offer arguments, each checked; a UsageError names the first one that is wrong."""
    _need(len(argv) == 7, f"需要7项，收到{len(argv)}项。")
    oid, title, price, discount, deadline, seats, link = argv
    _need(re.fullmatch(r"[A-Za-z0-9_-]{1,32}", oid), f"编号「{shown(oid)}」只能用字母、数字、-、_（最多32个）。")
    _need(len(title) <= MAX_TITLE, f"标题最多{MAX_TITLE}个字。")
    try:
        price_v, d = float(price), float(discount[:-1]) / 10 if discount.endswith("折") else float(discount)
    except ValueError:
        raise UsageError(f"价格「{shown(price)}」或折扣「{shown(discount)}」不是数字。") from None
    _need(0 < price_v <= MAX_PRICE and 0 < d < 1,  # a NaN fails every comparison; 1e309 is inf
          f"价格要在0到{MAX_PRICE}元之间，折扣要在0和1之间（0.18 或 1.8折）。")
    try:
        when = datetime.fromisoformat(deadline)
        when = when if when.tzinfo else when.replace(tzinfo=ctx.pb.tz)
        when.astimezone(ctx.pb.tz)  # a deadline at the edge of the calendar (year 9999 +14:00) overflows here
    except (ValueError, OverflowError):
        raise UsageError(f"截止「{shown(deadline)}」不是时间（如 2026-12-20T23:59+08:00）。") from None
    _need(when > ctx.now, f"截止时间 {local_time(ctx, when)} 已经过了。")
    _need(when - ctx.now <= timedelta(days=366), "截止时间最多在一年之内。")
    n_seats = whole_number(seats, MAX_SEATS)
    _need(n_seats is not None and n_seats >= 1, f"名额「{shown(seats)}」要是1到{MAX_SEATS}的整数。")
    _need(len(link) <= 500 and re.fullmatch(r"https?://\S+", link), f"链接「{shown(link)}」要以 http:// 或 https:// 开头。")
    return oid, title, price_v, d, when, n_seats, link


@ritual.command("offer", "优惠", usage="/offer 编号 标题 价格 折扣 截止 名额 链接",
                help="创建优惠，如 /offer vip 进阶课 999 0.18 2026-12-20T23:59+08:00 20 https://x.y/z", needs_group=False)
def create(ctx: Context, cmd: Command) -> None:
    oid, title, price, discount, deadline, seats, link = _parse_new(ctx, cmd.argv)
    db = ctx.store.offers
    if not db.add(oid, title, price, discount, deadline, seats, link, Offer.model_fields["template"].default, ctx.actor, ctx.now):
        ctx.reply(f"已经有优惠「{oid}」了，没有改动。")
        return
    replan(ctx)
    text, _ = render(ctx, db, db.get(oid))
    ctx.reply(f"已创建优惠「{oid}」，用 /push {oid} 推送：\n{text}")


@ritual.command("offers", "优惠列表", usage="/offers", help="列出优惠：状态、真实剩余名额、截止时间", needs_group=False)
def list_offers(ctx: Context, cmd: Command) -> None:
    db = ctx.store.offers
    lines = [f"{o.id}「{o.title}」{closed_state(ctx, o.close_reason) if o.close_reason else '进行中'} · 剩余{db.seats_left(o)}/{o.seats} · "
             f"{local_time(ctx, o.deadline)}截止 · 推送过{len(db.rooms(o.id))}个群" for o in db.all()]
    ctx.reply("\n".join(lines) or "还没有优惠。")


@ritual.command("push", "推送", usage="/push 优惠编号", help="在本群推送优惠（受每群每天推送上限限制）", needs_group=False)
def push(ctx: Context, cmd: Command) -> None:
    if ctx.room is None:
        raise UsageError("请在要推送的群里使用。")
    if len(cmd.argv) != 1:
        raise UsageError("需要一个优惠编号。")
    db = ctx.store.offers
    offer = get_offer(db, cmd.argv[0])
    reason = close_if_over(ctx, db, offer)
    if reason:
        ctx.reply(f"「{offer.title}」{closed_state(ctx, reason)}，不能再推送。")
        return
    text, claims = render(ctx, db, offer)
    if claims:
        ctx.reply(f"文案里的「{claims[0][0]}」不属实（实际剩余{db.seats_left(offer)}个名额，{local_time(ctx, offer.deadline)}截止），"
                  "没有发送。请改用 {seats_left} 和 {deadline}。")
        return
    if not push_group(ctx, ctx.room, text, "offer"):
        ctx.reply(f"本群今天的推广消息已达上限（每天{ctx.pb.marketing.group_cap_per_day}条），「{offer.title}」没有发送。")
        return
    db.mark(offer.id, ctx.room, "post", ctx.now)
    replan(ctx)
    for member, _ in ctx.member_list():
        ctx.store.funnel.stage_once(member, "offer_shown", ctx.now, ctx.room, offer.id)


@ritual.command("enrolled", "报名", usage="/enrolled @成员 优惠编号", help="记录成员报名（名额随之减少）", needs_group=False)
def enrolled(ctx: Context, cmd: Command) -> None:
    if len(cmd.argv) < 2:
        raise UsageError("需要成员和优惠编号。")
    db = ctx.store.offers
    offer = get_offer(db, cmd.argv[-1])
    member = resolve_member(ctx, " ".join(cmd.argv[:-1]))
    name = ctx.name_of(member)
    reason = close_if_over(ctx, db, offer)
    if reason:
        ctx.tell_advisor(f"「{offer.title}」{closed_state(ctx, reason)}，不能再报名。")
        return
    shown = [r for r in db.rooms(offer.id) if r in ctx.store.members.rooms_of(member)]
    room = ctx.room or (shown[0] if shown else None)  # an enrolment noted in private counts for the group it was shown in
    if not db.enroll(offer.id, member, room, ctx.now, ctx.actor):
        ctx.tell_advisor(f"{name} 已经报名过「{offer.title}」了，没有重复记录。")
        return
    ctx.store.funnel.stage_once(member, "enrolled", ctx.now, room, offer.id)
    replan(ctx)
    left = db.seats_left(offer)
    ctx.tell_advisor(f"已记录 {name} 报名「{offer.title}」，剩余 {left}/{offer.seats} 个名额。" + ("名额已满，优惠已关闭。" if not left else ""))
    close_if_over(ctx, db, offer)
