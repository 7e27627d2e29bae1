"""Members' questions reach a person: a private message the language layer reads as a question, and that no earlier
private handler took (退订, 问卷, 领券 keep priority: this ritual runs after them), is relayed to the advisors (to the
playbook's advisors' group, or to each advisor privately) with the member's name and cohort; the member is told at
most once per few hours that a teacher will answer. An advisor answers with `/reply @member TEXT` (or by quoting the
relayed question where the transport carries quotes) and the bot delivers the answer privately. An answer to the
member's own question is not marketing: it reaches members who opted out of marketing too."""
from __future__ import annotations

import re
from datetime import timedelta

from pydantic import Field

from bot.core.commands import Command, UsageError, shown
from bot.core.context import Context
from bot.core.events import Outgoing
from bot.core.names import clean_text, display_name
from bot.core.ritual import STOP, Ritual
from bot.core.who import Place, met, which_member
from bot.playbook.fields import Section, Text
from rituals.relay.store import MIGRATIONS, RelayStore

MAX_QUESTION = 500  # characters of the member's text in the relayed message
MAX_ANSWER = 1000


class Relay(Section):
    """Where members' questions go and what the member and the advisors read."""

    advisors_room: str | None = None  # the advisors' group (room id); None: each advisor privately
    # {handle}: how /reply names the member (@name, or the contact id when the name has a space or is shared)
    relayed: Text("name", "cohort", "text", "id", "handle") = \
        "【问题】{name}（{cohort}）：{text}\n（#{id} 回复：/reply {handle} 内容）"
    no_cohort: Text() = "未入群"  # {cohort} of someone in no study group
    told: Text() = "收到你的问题啦～老师看到后会回复你 🙏"
    tell_every_hours: float = Field(default=4, gt=0, le=168)  # the member is told at most once in this many hours
    answer: Text("text") = "💬 老师回复：{text}"


ritual = Ritual("relay", section=("relay", Relay), order=115, migrations=MIGRATIONS,
                private_texts=(("relay_questions", "text", "asked_at"),))  # emptied after privacy.retention_days

# a quoted reply as WeChat puppets pass it: the quoted message's text (the bot's relayed question) carries its number
_QUESTION_NO = re.compile(r"#(\d{1,9})\b")


def _db(ctx: Context) -> RelayStore:
    return RelayStore(ctx.store.conn)


def _cohort(ctx: Context, contact: str) -> str:
    """The member's study groups (their names), most recent last; the section's no_cohort if none."""
    names = []
    for room in ctx.store.members.rooms_of(contact):
        group = ctx.groups.get(room)
        if group is not None:
            names.append(clean_text(group.topic, 30) or room)
    return "、".join(dict.fromkeys(names)) or ctx.fmt(ritual.config(ctx.pb).no_cohort)


def _advisors_hear(ctx: Context, text: str) -> None:
    """To the advisors' group, or privately to each advisor (not a reply: the member's reply limit does not apply)."""
    room = ritual.config(ctx.pb).advisors_room
    if room:
        ctx.send(Outgoing(room, None, text))
    else:
        for advisor in sorted(ctx.advisors):
            ctx.send(Outgoing(None, advisor, text))


@ritual.private(intent="question", unless=("optout", "resubscribe"))
def relay_question(ctx: Context) -> str:
    """Relay the question; tell the member (once in tell_every_hours) that a teacher will answer. A backlog question
    is relayed too (someone should answer it) but the member is not told anything late."""
    cfg, msg, db = ritual.config(ctx.pb), ctx.message, _db(ctx)
    name = display_name(msg.name, msg.sender)
    cohort, text = _cohort(ctx, msg.sender), clean_text(msg.text, MAX_QUESTION)
    question = db.add(msg.sender, name, cohort, msg.id, text, msg.ts)
    if question is None:
        return STOP
    shared = any(a.contact != msg.sender for a in db.askers(name)) or len(ctx.store.members.named(name)) > 1
    handle = msg.sender if shared or not name.isprintable() or any(c.isspace() for c in name) else f"@{name}"
    _advisors_hear(ctx, ctx.fmt(cfg.relayed, name=name, cohort=cohort, text=text, id=question, handle=handle))
    last = db.last_told(msg.sender)
    if not ctx.stale and (last is None or msg.ts - last >= timedelta(hours=cfg.tell_every_hours)):
        db.mark_told(question)
        ctx.reply(ctx.fmt(cfg.told))
    return STOP


def _member(ctx: Context, spec: str) -> str:
    """A contact id from an @-mention, a contact id, or a name: of someone who asked first, else a member of a
    study group. Ambiguous names are refused with the candidates."""
    db = _db(ctx)
    return which_member(ctx, spec, [
        Place(lambda c: any(a.contact == c for a in db.askers()), noun="提问的人", listed=True,
              named=lambda name: [(a.contact, f"{a.name}（{a.cohort}，{a.contact}）") for a in db.askers(name)]),
        Place(met(ctx), listed=True,
              named=lambda name: [(m, f"{name}（{_cohort(ctx, m)}，{m}）") for m in ctx.store.members.named(name)])],
        empty="请写明回复谁。")


def _deliver(ctx: Context, member: str, text: str) -> None:
    """The answer, privately to the member (not marketing: an opted-out member gets it), and their open questions
    marked answered; the advisor is told."""
    answer = clean_text(text, MAX_ANSWER)
    ctx.send(Outgoing(None, member, ctx.fmt(ritual.config(ctx.pb).answer, text=answer)))
    db = _db(ctx)
    db.answer(member, ctx.actor or ctx.message.sender, ctx.now)
    name = next((a.name for a in db.askers() if a.contact == member), None) or ctx.name_of(member)
    ctx.tell_advisor(f"已私聊回复 {name}：{shown(answer, 40)}")


@ritual.command("reply", "回复", usage="/reply @成员 回复内容", help="私聊回复成员的提问（成员可用微信号、名字或 @）",
                needs_group=False)
def reply(ctx: Context, cmd: Command) -> None:
    parts = cmd.args.split(None, 1)
    if len(parts) < 2:
        raise UsageError("需要成员和回复内容。")
    _deliver(ctx, _member(ctx, parts[0]), parts[1])


@ritual.on("advisor")
def quoted_reply(ctx: Context) -> None:
    """An advisor quotes a relayed question (in the advisors' group or privately) and writes the answer."""
    msg = ctx.message
    if not msg.quote or not msg.text.strip():
        return
    found = _QUESTION_NO.search(msg.quote)
    if found is None or "【问题】" not in msg.quote:
        return
    member = _db(ctx).contact_of(int(found.group(1)))
    if member is not None:
        _deliver(ctx, member, msg.text)

