"""满减券: threshold coupons pushed to a group or privately to a segment through the marketing gate, and claimed
once per member (「领券」, or an advisor's /claimed) while still valid."""
from __future__ import annotations

from dataclasses import replace

from bot.core.commands import Command, UsageError, shown
from bot.core.context import Context
from bot.delivery.marketing import local_time, push_group, push_private, resolve_member
from bot.core.ritual import STOP, Ritual
from bot.storage.offers import OfferStore
from rituals.coupons.section import Coupon, Coupons, problems

ritual = Ritual("coupons", section=("coupons", Coupons), order=110)
ritual.check(problems)
GROUP_STATES = ("bound", "opening", "in_course", "graduation", "alumni")
SEGMENTS = ("graduates", "all")


def _values(ctx: Context, coupon: Coupon) -> dict[str, object]:
    return {"amount": coupon.amount, "min_invest": coupon.min_invest, "valid_until": local_time(ctx, coupon.expires)}


def describe(ctx: Context, coupon: Coupon) -> str:
    """'满10000元减400元理财券（12月31日 23:59前有效）'."""
    return ctx.fmt(ritual.config(ctx.pb).description, **_values(ctx, coupon))


def get_coupon(ctx: Context, coupon_id: str) -> Coupon:
    """The playbook's coupon with this id, or a UsageError naming the ones there are."""
    coupons = ritual.config(ctx.pb)
    coupon = coupons.get(coupon_id)
    if coupon is None:
        raise UsageError(f"没有券「{shown(coupon_id)}」（现有：{'、'.join(c.id for c in coupons.items) or '无'}）。")
    return coupon


def _text(ctx: Context, coupon: Coupon) -> str:
    return ctx.fmt(coupon.text, **_values(ctx, coupon))


def _push_members(ctx: Context, db: OfferStore, coupon: Coupon, members: list[tuple[str, str]]) -> str:
    """Private pushes through the gate; the advisor's summary of who got it and who was skipped why."""
    sent = opted = capped = before = 0
    for member, name in members:
        ctx.store.funnel.ensure_contact(member, name, "group", ctx.now)
        if db.was_pushed(coupon.id, member):
            before += 1
        elif ctx.store.funnel.opted_out(member):
            opted += 1
        elif push_private(ctx, member, _text(ctx, coupon), "coupon"):
            db.coupon_pushed(coupon.id, member, ctx.now)
            ctx.store.funnel.stage_once(member, "coupon_pushed", ctx.now, ctx.room, coupon.id)
            sent += 1
        else:
            capped += 1
    skipped = opted + capped + before
    return f"已私发「{coupon.id}」给 {sent} 人；跳过 {skipped} 人（已退订 {opted}、超出推送频率 {capped}、之前已发过 {before}）。"


@ritual.command("coupon", "发券", usage="/coupon 券编号 [graduates|all]",
                help="发券：不带对象发到本群；graduates 私发本群毕业学员，all 私发本群所有成员（已退订、超频的跳过）",
                needs_group=False)
def push_coupon(ctx: Context, cmd: Command) -> None:
    if ctx.room is None:
        raise UsageError("请在群里使用（私发对象是这个群的成员）。")
    if not 1 <= len(cmd.argv) <= 2 or (len(cmd.argv) == 2 and cmd.argv[1] not in SEGMENTS):
        raise UsageError("对象只能是 graduates 或 all。" if len(cmd.argv) == 2 else "需要一个券编号。")
    coupon = get_coupon(ctx, cmd.argv[0])
    if coupon.expires <= ctx.now:
        ctx.reply(f"「{coupon.id}」已于{local_time(ctx, coupon.expires)}过期，不能再发放。")
        return
    db = ctx.store.offers
    members = ctx.member_list()
    if len(cmd.argv) == 2:
        if cmd.argv[1] == "graduates":
            graduated = set(ctx.store.graduates.of(ctx.room))
            members = [(m, n) for m, n in members if m in graduated]
        if not members:
            who = getattr(ritual.config(ctx.pb).segments, cmd.argv[1])
            ctx.reply(f"{ctx.fmt(who)}一个也没有，没有发送。")
            return
        ctx.tell_advisor(_push_members(replace(ctx, broadcast=True), db, coupon, members))  # who opted out: privately
        return
    if not push_group(ctx, ctx.room, _text(ctx, coupon), "coupon"):
        ctx.reply(f"本群今天的推广消息已达上限（每天{ctx.pb.marketing.group_cap_per_day}条），「{coupon.id}」没有发送。")
        return
    db.coupon_pushed(coupon.id, ctx.room, ctx.now)
    for member, _ in members:
        ctx.store.funnel.stage_once(member, "coupon_pushed", ctx.now, ctx.room, coupon.id)


def _claim(ctx: Context, member: str, coupon: Coupon, by: str) -> str:
    """Record a claim once; the words for the person."""
    db, texts = ctx.store.offers, ritual.config(ctx.pb)
    room = ctx.room or ctx.store.funnel.stage_room(member, "coupon_pushed", coupon.id)  # a claim in private counts for the group it came through
    if not db.claim(coupon.id, member, room, ctx.now, by):
        return ctx.fmt(texts.already_claimed, coupon=describe(ctx, coupon))
    ctx.store.funnel.stage(member, "coupon_claimed", ctx.now, room, coupon.id)
    return ctx.fmt(texts.claimed, coupon=describe(ctx, coupon))


def _claim_latest(ctx: Context) -> None:
    """「领券」: the most recent coupon pushed to this person or their rooms that is still valid."""
    member = ctx.message.sender
    db = ctx.store.offers
    rooms = [ctx.room] if ctx.room else ctx.store.members.rooms_of(member)
    texts = ritual.config(ctx.pb)
    pushed = [c for c in map(texts.get, db.pushed_to([member, *rooms])) if c is not None]
    valid = [c for c in pushed if c.expires > ctx.now]
    if valid:
        ctx.reply(_claim(ctx, member, valid[0], "member"))
    else:
        ctx.reply(ctx.fmt(texts.expired if pushed else texts.none_to_claim))


@ritual.message(*GROUP_STATES)
def claim_in_group(ctx: Context) -> None:
    if ctx.reading.is_one_of(ritual.config(ctx.pb).claim_words) and not ctx.stale:
        _claim_latest(ctx)


@ritual.private()
def claim_in_private(ctx: Context) -> str | None:
    """领券 privately: the message is taken (STOP), later private handlers do not see it."""
    if ctx.reading.is_one_of(ritual.config(ctx.pb).claim_words):
        if not ctx.stale:
            _claim_latest(ctx)
        return STOP
    return None


@ritual.command("claimed", "登记领券", usage="/claimed @成员 券编号", help="登记成员已领券（每人每券一次，过期不能领）",
                needs_group=False)
def claimed(ctx: Context, cmd: Command) -> None:
    if len(cmd.argv) < 2:
        raise UsageError("需要成员和券编号。")
    coupon = get_coupon(ctx, cmd.argv[-1])
    member = resolve_member(ctx, " ".join(cmd.argv[:-1]))
    name = ctx.name_of(member)
    if coupon.expires <= ctx.now:
        ctx.tell_advisor(f"「{coupon.id}」已于{local_time(ctx, coupon.expires)}过期，不能再领。")
        return
    ctx.tell_advisor(f"{name}：{_claim(ctx, member, coupon, ctx.actor)}")
