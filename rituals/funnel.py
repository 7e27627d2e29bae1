"""From friend request to study group: accept, greet in the advisor's persona, invite into the next cohort
(or tell them when it opens and invite them then). One invitation per person per group, never a loop."""
from __future__ import annotations

from bot.context import Ctx
from bot.events import FriendRequest, Member, Outgoing
from bot.lifecycle import Group
from bot.router import Router

router = Router("funnel")
OPEN_STATES = ("bound", "opening")


def next_cohort(ctx: Ctx) -> Group | None:
    """The open cohort starting soonest (bound or in its opening), if any."""
    open_groups = [g for g in ctx.engine.groups.values() if g.state in OPEN_STATES]
    return min(open_groups, key=lambda g: (g.start_date, g.room), default=None)


def invite(ctx: Ctx, contact: str, group: Group) -> bool:
    """Invite a contact into a group once; False if they were already invited there."""
    size = len(ctx.store.members(group.room))
    method = "add" if size < ctx.pb.funnel.invite_limit else "invitation"  # WeChat: >40 needs a card they accept
    if not ctx.store.funnel.add_invite(contact, group.room, method, ctx.now):
        return False
    ctx.engine.enqueue(Outgoing(group.room, contact, "", action="invite"), ctx.now, ctx.broadcast)
    ctx.say_to(contact, ctx.fmt(ctx.pb.funnel.invite_text, topic=group.topic or group.room, start_date=group.start_date))
    ctx.store.funnel.stage(contact, "invited", ctx.now, group.room, method)
    return True


@router.on("friend_request")
def befriend(ctx: Ctx, req: FriendRequest) -> None:
    """Accept (if the playbook says so), greet in the persona, invite into the next cohort or put on the waiting list."""
    funnel = ctx.store.funnel
    funnel.ensure_contact(req.contact, req.name, "friend", req.ts)
    funnel.stage(req.contact, "friend_request", req.ts, detail=req.hello or None)
    if not ctx.pb.funnel.accept_friends:
        return
    ctx.engine.enqueue(Outgoing(None, req.contact, "", action="accept", ref=req.id), ctx.now)
    funnel.stage(req.contact, "friend_added", ctx.now)
    if not funnel.has_stage(req.contact, "greeted") and ctx.pb.persona.greeting:
        ctx.say_to(req.contact, ctx.fmt(ctx.pb.persona.greeting))
        funnel.stage(req.contact, "greeted", ctx.now)
    group = next_cohort(ctx)
    if group is not None:
        invite(ctx, req.contact, group)
    elif not funnel.invited_to(req.contact) and not funnel.has_stage(req.contact, "waiting"):
        ctx.say_to(req.contact, ctx.fmt(ctx.pb.funnel.no_cohort_text))
        funnel.stage(req.contact, "waiting", ctx.now)


@router.on("bound")
def invite_waiting(ctx: Ctx) -> None:
    """A new cohort is bound: invite everyone on the waiting list who has not been invited anywhere yet."""
    funnel = ctx.store.funnel
    for contact in sorted(funnel.with_stage("waiting")):
        if not funnel.invited_to(contact) and not funnel.opted_out(contact):
            invite(ctx, contact, ctx.group)


@router.on("joined")
def joined(ctx: Ctx, members: list[Member]) -> None:
    """Someone the funnel knows joined a study group."""
    funnel = ctx.store.funnel
    for m in members:
        if funnel.contact(m.id) is not None and ctx.room in funnel.invited_to(m.id):
            funnel.stage(m.id, "joined", ctx.now, ctx.room)
