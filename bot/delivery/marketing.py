"""The marketing gate: every promotional push goes through here. Opted-out people are left alone, pushes are
capped per group per day and per person by the frequency they asked for; ritual messages never come here."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Iterable

from bot.core.events import Outgoing
from bot.core.who import Place, met, which_member
from bot.delivery.late import limited_key
from bot.delivery.outbox import POST

if TYPE_CHECKING:
    from bot.core.context import Context
    from bot.core.lifecycle import Group


def _local_midnight(ctx: "Context") -> datetime:
    local = ctx.now.astimezone(ctx.pb.tz)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def frequency_cap(ctx: "Context", contact: str) -> tuple[int, timedelta]:
    """(pushes, per period) for this person: the cap the playbook gives the offer-frequency option they chose in the
    survey (stored by option id), else `marketing.private_cap_per_week`."""
    info = ctx.store.funnel.contact(contact)
    survey = ctx.pb.section("survey") if ctx.pb.has_section("survey") else None
    chosen = survey.frequency_cap((info or {}).get("offer_frequency")) if survey else None
    pushes, days = chosen or (ctx.pb.marketing.private_cap_per_week, 7)
    return pushes, timedelta(days=days)


def may_push_private(ctx: "Context", contact: str) -> bool:
    """Not opted out, and under the person's own frequency cap (or the playbook's default)."""
    funnel = ctx.store.funnel
    if funnel.opted_out(contact):
        return False
    cap, period = frequency_cap(ctx, contact)
    return funnel.marketing_since(contact, ctx.now - period) < cap


def may_push_group(ctx: "Context", room: str) -> bool:
    """Under the group's daily cap of marketing posts."""
    return ctx.store.funnel.marketing_since(room, _local_midnight(ctx)) < ctx.pb.marketing.group_cap_per_day


def push_private(ctx: "Context", contact: str, text: str, kind: str) -> bool:
    """Queue a promotional private message if allowed; True if queued."""
    if not may_push_private(ctx, contact):
        return False
    ctx.say_to(contact, text)
    ctx.store.funnel.log_marketing(contact, kind, ctx.now)
    return True


def push_group(ctx: "Context", room: str, text: str, kind: str) -> bool:
    """Queue a promotional group post if allowed; True if queued."""
    if not may_push_group(ctx, room):
        return False
    ctx.send(Outgoing(room, None, text), priority=POST)
    ctx.store.funnel.log_marketing(room, kind, ctx.now)
    return True



def account_has_room(ctx: "Context", account: str, per_day: int) -> bool:
    """The account may invite someone into one of its groups today: under its daily cap of room invitations, and
    WeChat is not limiting it (its sender says so in meta)."""
    if ctx.store.meta.get(limited_key(account)):
        return False
    return ctx.store.funnel.invites_by_account_since(_local_midnight(ctx)).get(account, 0) < per_day


def choose_group(ctx: "Context", contact: str, groups: Iterable["Group"], per_day: int) -> "Group | None":
    """The group to invite a person into: the groups of the account the person befriended (or first met), since in
    WeChat only a friend who is in the room can add them (any account's groups when theirs runs none); of those, one
    whose account may still invite today (see account_has_room), the cohort starting soonest. None: the person waits."""
    own = ctx.store.funnel.account_of(contact) or ctx.groups.account  # (a new friend: the account handling it)
    groups = list(groups)
    if any(g.account == own for g in groups):  # WeChat: only a friend who is in the room can add someone to it
        groups = [g for g in groups if g.account == own]
    room: dict[str, bool] = {}
    fits = [g for g in groups if room.setdefault(g.account, account_has_room(ctx, g.account, per_day))]
    return min(fits, key=lambda g: (g.start_date, g.room), default=None)


def local_time(ctx: "Context", ts: datetime) -> str:
    """'12月20日 23:59' in the course's time zone (with the year if it is not this year)."""
    t, now = ts.astimezone(ctx.pb.tz), ctx.now.astimezone(ctx.pb.tz)
    return f"{'' if t.year == now.year else f'{t.year}年'}{t.month}月{t.day}日 {t:%H:%M}"


def resolve_member(ctx: "Context", spec: str) -> str:
    """A contact id from an @-mention, a member of this room (id or display name), or a contact id the bot knows."""
    members = dict(ctx.member_list()) if ctx.room else {}
    return which_member(ctx, spec, [
        Place(members.__contains__, lambda name: [(m, n) for m, n in members.items() if n == name], where="群里"),
        Place(met(ctx), typed_at=False)])
