"""From friend request to study group: accept, greet in the advisor's persona, invite into the next cohort
(or tell them when it opens and invite them then). One invitation per person per group, never a loop.

Account safety: requests are queued and accepted first come first served, at most `funnel.accept_per_day` a
(local) day and `funnel.accept_interval_seconds` apart; the rest wait for the next days. Each contact is
accepted and greeted once: a repeat request changes nothing. Room invitations are capped at
`funnel.invite_per_day`; people over the cap go on the waiting list and are invited on the next days.
An opted-out person is accepted (they asked to be friends) but never greeted or invited."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from pydantic import Field

from bot.core.context import Context
from bot.core.events import FriendRequest, Member, Outgoing
from bot.core.lifecycle import Group
from bot.playbook.fields import Section, Text
from bot.core.ritual import Ritual
from bot.delivery import marketing
from bot.delivery.outbox import REPLY
from bot.schedule.wakeup import NextCheck, planned


class Funnel(Section):
    """Friend request -> persona greeting -> invitation into the next cohort."""

    accept_friends: bool = True
    invite_text: Text("topic", "start_date") = "已邀请你加入「{course}」学习群「{topic}」，第1天是 {start_date}，记得通过邀请哦～"
    no_cohort_text: Text() = "下一期「{course}」开课时间确定后，我会第一时间邀请你进群 😊"
    invite_limit: int = Field(default=40, ge=1, le=500)  # above this many members WeChat sends an invitation card
    # account safety: WeChat restricts accounts that accept more than about a hundred friends a day
    accept_per_day: int = Field(default=80, ge=0, le=100)  # requests above it wait (in order) for the next days
    accept_interval_seconds: int = Field(default=120, ge=0, le=3600)  # at least this long between two acceptances
    invite_per_day: int = Field(default=100, ge=0, le=500)  # room invitations a day; the rest wait for the next day


ritual = Ritual("funnel", section=("funnel", Funnel), order=70)
log = logging.getLogger("bot.funnel")
OPEN_STATES = ("bound", "opening")


def _next_check(ctx: Context) -> NextCheck:
    """The next moment the queue needs a tick (an acceptance or tomorrow's invitations)."""
    return NextCheck.of(ctx, ritual.name)


def _midnights(ctx: Context) -> tuple[datetime, datetime]:
    """Today's and tomorrow's local midnight (the caps are per calendar day in the course's time zone)."""
    local = ctx.now.astimezone(ctx.pb.tz)
    today = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return today, (today + timedelta(days=1)).replace(tzinfo=ctx.pb.tz)


def next_cohort(ctx: Context) -> Group | None:
    """The open cohort starting soonest (bound or in its opening), if any."""
    open_groups = ctx.groups.in_states(*OPEN_STATES)
    return min(open_groups, key=lambda g: (g.start_date, g.room), default=None)


def cohort_for(ctx: Context, contact: str) -> Group | None:
    """The open cohort to invite a person into: one whose account may still invite today (its own cap of
    `invite_per_day`, and not limited by WeChat), the account they befriended first, then the soonest."""
    return marketing.choose_group(ctx, contact, ctx.groups.in_states(*OPEN_STATES), ritual.config(ctx.pb).invite_per_day)


def _wait(ctx: Context, contact: str, why: str) -> None:
    if not ctx.store.funnel.has_stage(contact, "waiting"):
        ctx.store.funnel.stage(contact, "waiting", ctx.now, detail=why)


def invite(ctx: Context, contact: str, group: Group) -> bool:
    """Invite a contact into a group once; False if opted out, already invited there, or the group's account is
    over today's cap or limited (then they are on the waiting list for the next days)."""
    funnel = ctx.store.funnel
    if funnel.opted_out(contact) or group.room in funnel.invited_to(contact):
        return False
    if not marketing.account_has_room(ctx, group.account, ritual.config(ctx.pb).invite_per_day):
        _wait(ctx, contact, "invite_per_day")
        return False
    size = len(ctx.store.members.current(group.room))
    method = "add" if size < ritual.config(ctx.pb).invite_limit else "invitation"  # WeChat: >40 needs a card they accept
    funnel.add_invite(contact, group.room, method, ctx.now)
    ctx.send(Outgoing(group.room, contact, "", action="invite"))
    ctx.say_to(contact, ctx.fmt(ritual.config(ctx.pb).invite_text, topic=group.topic or group.room, start_date=group.start_date))
    funnel.stage(contact, "invited", ctx.now, group.room, method)
    return True


def welcome(ctx: Context, contact: str, request_id: str) -> None:
    """Accept one queued request; greet and invite (or put on the waiting list) unless the person opted out."""
    funnel = ctx.store.funnel
    ctx.send(Outgoing(None, contact, "", action="accept", ref=request_id or None), priority=REPLY)
    funnel.mark_accepted(contact, ctx.now)
    funnel.stage(contact, "friend_added", ctx.now)
    if funnel.opted_out(contact):
        return  # opted out: a friend, nothing more
    if not funnel.has_stage(contact, "greeted") and ctx.pb.persona.greeting:
        ctx.say_to(contact, ctx.fmt(ctx.pb.persona.greeting))
        funnel.stage(contact, "greeted", ctx.now)
    group = cohort_for(ctx, contact)
    if group is not None:
        invite(ctx, contact, group)
    elif next_cohort(ctx) is not None:  # open cohorts, but no account may invite today: they wait for tomorrow
        _wait(ctx, contact, "invite_per_day")
    elif not funnel.invited_to(contact) and not funnel.has_stage(contact, "waiting"):
        ctx.say_to(contact, ctx.fmt(ritual.config(ctx.pb).no_cohort_text))
        funnel.stage(contact, "waiting", ctx.now)


def next_accept_at(ctx: Context) -> datetime | None:
    """When the next queued request may be accepted (None: nothing queued, or a cap of 0)."""
    funnel, cfg = ctx.store.funnel, ritual.config(ctx.pb)
    if cfg.accept_per_day == 0 or funnel.next_request() is None:
        return None
    today, tomorrow = _midnights(ctx)
    earliest = today
    if funnel.accepted_since(today) >= cfg.accept_per_day:
        earliest = tomorrow
    last = funnel.last_accepted()
    if last is not None:
        earliest = max(earliest, last + timedelta(seconds=cfg.accept_interval_seconds))
    return earliest


def accept_due(ctx: Context) -> None:
    """Accept queued requests, oldest first, as far as today's cap and the pacing allow now."""
    while (when := next_accept_at(ctx)) is not None and when <= ctx.now:
        contact, request_id = ctx.store.funnel.next_request()
        welcome(ctx, contact, request_id)


def invite_waiting(ctx: Context) -> None:
    """Invite the waiting list into the open cohorts, first come first served, each into a group whose account may
    still invite today (see cohort_for); the rest wait for the next days."""
    per_day = ritual.config(ctx.pb).invite_per_day
    for contact in ctx.store.funnel.waiting():
        accounts = {g.account for g in ctx.groups.in_states(*OPEN_STATES)}
        if not any(marketing.account_has_room(ctx, account, per_day) for account in accounts):
            break  # no account may invite anyone more today
        group = cohort_for(ctx, contact)
        if group is not None:  # else their own account is full today: they wait, the next person may still fit
            invite(ctx, contact, group)


def _plan(ctx: Context) -> datetime | None:
    """The next moment the queue or the waiting list needs a tick."""
    moments = [next_accept_at(ctx)]
    if next_cohort(ctx) is not None and ctx.store.funnel.waiting():
        moments.append(_midnights(ctx)[1])
    return min((m for m in moments if m is not None), default=None)


@ritual.on("friend_request")
def befriend(ctx: Context, req: FriendRequest) -> None:
    """Record the request; queue it (once per contact) if the playbook accepts friends; accept now if allowed."""
    funnel = ctx.store.funnel
    funnel.ensure_contact(req.contact, req.name, "friend", req.ts)
    funnel.stage(req.contact, "friend_request", req.ts, detail=req.hello or None)
    if not ritual.config(ctx.pb).accept_friends:
        return
    if funnel.queue_request(req.contact, req.id, req.ts) == "accepted":
        return  # a repeat from someone already accepted: not accepted, greeted or invited again
    accept_due(ctx)
    _next_check(ctx).plan(_plan(ctx))


@ritual.on("bound")
def cohort_opened(ctx: Context) -> None:
    """A new cohort is bound: invite the waiting list (up to today's cap; the rest on the next days)."""
    invite_waiting(ctx)
    _next_check(ctx).clear()


@planned(ritual)
def tick(ctx: Context) -> datetime | None:
    """Accept what the pacing and the cap allow now; invite the waiting list on a new day; the next moment to look."""
    try:
        with ctx.store.tx():
            accept_due(ctx)
            if next_cohort(ctx) is not None:
                invite_waiting(ctx)
    except Exception:
        log.exception("friend request queue: tick failed")
    return _plan(ctx)


@ritual.on("joined")
def joined(ctx: Context, members: list[Member]) -> None:
    """Someone the funnel knows joined a study group."""
    funnel = ctx.store.funnel
    for m in members:
        if funnel.contact(m.id) is not None and ctx.room in funnel.invited_to(m.id):
            funnel.stage(m.id, "joined", ctx.now, ctx.room)
