"""防骚扰 (moderation): spam in a study group (ads, links, contact details, QR codes, mini-program and contact cards)
is recognised before any other ritual sees it (it is never counted as a check-in), its sender is warned once in the
group and every advisor is told privately with the message; on a repeat the member is removed through the outbox
when the bot's account is a group admin (`can_remove`), else the advisors are asked to remove them. Every decision
is recorded (moderation_decisions). What counts as spam is in rules.py and the playbook's `moderation:` section.

Decided here:
- a link from a member who is not new (joined more than `new_member_minutes` ago, or was there when the group was
  bound) is ordinary sharing unless a spam word, a suspicious word or a contact detail comes with it;
- an image is never spam: members post practice screenshots. Only when a new member's very first message is an
  image are the advisors told privately to look (it may be a QR code); the member is not warned and the image
  counts as it would (a practice screenshot);
- advisors, and members an advisor allowed with /allow, are never checked; /unmute clears a member's strikes;
- a backlog message (received on login, sent while the bot was away) is recorded and kept from the other
  rituals, but nobody is warned or told because of it.
"""
from __future__ import annotations

import logging

from bot.core.commands import Command
from bot.core.context import Context
from bot.core.events import Outgoing
from bot.core.lifecycle import STATE_NAMES
from bot.core.names import display_name, topic
from bot.core.ritual import STOP, Ritual
from bot.core.who import Place, which_member
from rituals.moderation.rules import Finding, Rules, quote
from rituals.moderation.section import Moderation
from rituals.moderation.store import MIGRATIONS, ModerationStore

ritual = Ritual("moderation", section=("moderation", Moderation), order=5, migrations=MIGRATIONS)
log = logging.getLogger("bot.moderation")
KINDS = ("text", "image", "url", "mini_program", "contact")


def db(ctx: Context) -> ModerationStore:
    return ModerationStore(ctx.store.conn)


@ritual.report("防骚扰", {"warned": "警告", "removed": "移出", "asked_advisors": "请导师移出"})
def report_fields(store) -> dict[str, dict[str, int]]:
    """Decisions per action in each group (report --json: groups[].moderation)."""
    return ModerationStore(store.conn).counts()


def rules(ctx: Context) -> Rules:
    """The section's rules, compiled once per engine (the course's task links are allowed too)."""
    memory = ctx.memory(ritual.name)
    if "rules" not in memory:
        links = [d.task.link for d in ctx.pb.days if d.task is not None]
        memory["rules"] = Rules(ritual.config(ctx.pb), links)
    return memory["rules"]


# -- who is new -------------------------------------------------------------------------------
def _settled(ctx: Context) -> set[tuple[str, str]]:
    """(room, member) of members seen not to be new: their messages are judged without a database lookup until
    they join again. Per engine, forgotten when a transaction rolls back."""
    memory = ctx.memory(ritual.name)
    if "settled" not in memory:
        memory["settled"] = set()
        ctx.store.on_rollback(memory["settled"].clear)
    return memory["settled"]



@ritual.on("start")
def baseline_bound_groups(ctx: Context) -> None:
    """Groups bound before moderation began: everyone the bot has seen in them is not new."""
    for group in ctx.groups:
        db(ctx).baseline(group.room, group.members, ctx.now)


@ritual.on("bound")
def baseline_on_binding(ctx: Context) -> None:
    """Everyone in the room when the course is bound is the cohort, not a newcomer."""
    db(ctx).baseline(ctx.room, ctx.group.members, ctx.now)


@ritual.on("joined")
def joined(ctx: Context, members) -> None:
    """A member the bot sees join a bound group is new for `new_member_minutes`."""
    if ctx.group is None:
        return
    store, settled = db(ctx), _settled(ctx)
    for m in members:
        store.joined(ctx.room, m.id, ctx.now)
        settled.discard((ctx.room, m.id))  # new again


# -- messages ---------------------------------------------------------------------------------
@ritual.message(*STATE_NAMES, kinds=KINDS)
def watch(ctx: Context) -> str | None:
    """Look at every member message first; spam goes no further (STOP)."""
    msg, cfg = ctx.message, ritual.config(ctx.pb)
    if msg.sender in ctx.advisors:
        return None
    settled, key = _settled(ctx), (ctx.room, msg.sender)
    folded = ctx.reading.folded  # the language layer's one pass over the text
    finding = rules(ctx).judge_folded(folded, msg.kind, False) if key in settled else None
    if key in settled and finding is None:
        return None  # the common case: a member who is not new says something ordinary (no lookup)
    store = db(ctx)
    standing = store.standing(ctx.room, msg.sender)
    if standing.trusted:
        return None
    new = standing.is_new(ctx.now, cfg.new_member_minutes)
    if finding is None or new:  # not judged yet, or judged as not new
        finding = rules(ctx).judge_folded(folded, msg.kind, new)
    if not new:
        settled.add(key)
    if finding is None:
        if new:
            if msg.kind == "image" and standing.messages == 0 and cfg.image_notice and not standing.noticed:
                _image_notice(ctx, store)
            store.spoke(ctx.room, msg.sender)
        return None
    if ctx.stale:
        _record(ctx, store, finding, "stale")  # sent while the bot was away: kept from the others, nothing said
    elif standing.escalated:
        _record(ctx, store, finding, "ignored")  # already removed or reported: nothing more
    elif standing.strikes == 0:
        _warn(ctx, store, finding)
    elif cfg.can_remove:
        _remove(ctx, store, finding)
    else:
        _ask(ctx, store, finding)
    return STOP


def _record(ctx: Context, store: ModerationStore, finding: Finding, action: str) -> None:
    msg = ctx.message
    store.record(ctx.room, msg.sender, msg.id, finding.rule, finding.evidence, action, ctx.now)
    log.info("moderation: %s in %s, rule %s (%s): %s", msg.sender, ctx.room, finding.rule, finding.evidence, action)


def _tell_advisors(ctx: Context, text: str) -> None:
    """Privately, to every advisor (not a reply to the sender: the sender's reply limit does not hold it back)."""
    for advisor in sorted(ctx.advisors):
        ctx.send(Outgoing(None, advisor, text))


def _detail(ctx: Context, template: str, finding: Finding) -> str:
    msg = ctx.message
    return ctx.fmt(template, name=ctx.name_of(msg.sender), room=_room_name(ctx), rule=finding.describe(),
                   quote=quote(msg.text, msg.kind))


def _room_name(ctx: Context) -> str:
    return topic(ctx.group.topic if ctx.group else "") or (ctx.room or "")


def _warn(ctx: Context, store: ModerationStore, finding: Finding) -> None:
    """First offence: one warning in the group, @-mentioning the sender, and the advisors told."""
    cfg, msg = ritual.config(ctx.pb), ctx.message
    ctx.send(Outgoing(ctx.room, None, f"@{ctx.name_of(msg.sender)} {ctx.fmt(cfg.warning)}", (msg.sender,)))
    _tell_advisors(ctx, _detail(ctx, cfg.notice, finding))
    store.strike(ctx.room, msg.sender)
    _record(ctx, store, finding, "warned")


def _remove(ctx: Context, store: ModerationStore, finding: Finding) -> None:
    """A repeat where the bot is a group admin: the member is removed, the group and the advisors told."""
    cfg, msg = ritual.config(ctx.pb), ctx.message
    ctx.send(Outgoing(ctx.room, msg.sender, "", action="remove"))
    ctx.send(Outgoing(ctx.room, None, ctx.fmt(cfg.removed, name=ctx.name_of(msg.sender))))
    _tell_advisors(ctx, _detail(ctx, cfg.removed_notice, finding))
    store.escalate(ctx.room, msg.sender, "removed")
    _record(ctx, store, finding, "removed")


def _ask(ctx: Context, store: ModerationStore, finding: Finding) -> None:
    """A repeat where the bot cannot remove anyone: the advisors are asked to (once)."""
    cfg = ritual.config(ctx.pb)
    _tell_advisors(ctx, _detail(ctx, cfg.ask_remove, finding))
    store.escalate(ctx.room, ctx.message.sender, "asked")
    _record(ctx, store, finding, "asked_advisors")


def _image_notice(ctx: Context, store: ModerationStore) -> None:
    """A new member's first message is an image: the advisors have a look (the member is not warned)."""
    msg = ctx.message
    if not ctx.stale:
        text = ctx.fmt(ritual.config(ctx.pb).image_notice_text, name=ctx.name_of(msg.sender), room=_room_name(ctx))
        _tell_advisors(ctx, text)
    store.noticed(ctx.room, msg.sender)
    store.record(ctx.room, msg.sender, msg.id, "image", "新成员的第一条消息是图片", "stale" if ctx.stale else "notified", ctx.now)


# -- advisors' commands -----------------------------------------------------------------------
def member_arg(ctx: Context, cmd: Command) -> str:
    """The member an advisor names: one @-mention, a display name or an id of someone in this room (now, or known
    to moderation: a removed member too)."""
    known = dict(ctx.member_list())
    for member in db(ctx).members(ctx.room):
        known.setdefault(member, ctx.name_of(member))
    return which_member(ctx, cmd.args, [Place(known.__contains__, lambda name: [
        (m, n) for m, n in known.items() if n == name or display_name(n, m) == name], where="群里")], one_mention=True)


@ritual.command("allow", "信任", usage="/allow @成员", help="设为本群信任成员：不再检查其消息（防骚扰）")
def allow(ctx: Context, cmd: Command) -> None:
    _advisor_says(ctx, cmd, "/allow", ModerationStore.trust, "allowed", ritual.config(ctx.pb).allowed)


@ritual.command("unmute", "解除", usage="/unmute @成员", help="清除成员在本群的违规记录（防骚扰）")
def unmute(ctx: Context, cmd: Command) -> None:
    _advisor_says(ctx, cmd, "/unmute", ModerationStore.forgive, "unmuted", ritual.config(ctx.pb).unmuted)


def _advisor_says(ctx: Context, cmd: Command, command: str, change, action: str, reply: str) -> None:
    """Change a member's standing as the advisor said, record it, and tell the advisor privately."""
    member = member_arg(ctx, cmd)
    store = db(ctx)
    change(store, ctx.room, member)
    store.record(ctx.room, member, ctx.message.id, "command", command, action, ctx.now, ctx.message.sender)
    ctx.tell_advisor(ctx.fmt(reply, name=ctx.name_of(member)))
