"""退订: a member who asks in a private chat (退订, TD, 「请帮我退订」, 「不要再给我发优惠信息了」) gets no more
marketing (ritual messages are unaffected); 「恢复订阅」 turns marketing back on. The language layer decides what was said."""
from __future__ import annotations

from bot.core.context import Context
from bot.playbook.fields import Section, Text
from bot.core.ritual import STOP, Ritual


class OptOut(Section):
    """What the opt-out ritual says (the first confirmation is `marketing.opt_out_confirm`)."""

    already: Text() = "已退订，不会再给你推送优惠信息～回复「恢复订阅」可重新接收。"
    resubscribed: Text() = "已恢复订阅 👌 之后会按你的偏好推送优惠信息，回复「退订」可随时退订。"
    not_opted_out: Text() = "你目前没有退订，无需恢复～"
    group_hint: Text() = "退订请私聊我发送「退订」哦～群里发的不算退订。"  # 退订 typed in a group, once a day


ritual = Ritual("optout", section=("optout", OptOut), order=80)
GROUP_STATES = ("bound", "opening", "in_course", "graduation", "alumni")


@ritual.private(intent=("optout", "resubscribe"))
def opt_out(ctx: Context) -> str | None:
    """Record an opt-out (even from a backlog: stopping wins), confirm it once; 恢复订阅 (not from a backlog) undoes it.
    The message is taken (STOP): later private handlers (a question relayed to the advisors) do not see it."""
    msg = ctx.message
    if ctx.stale and not ctx.reading.optout:
        return STOP
    funnel, texts = ctx.store.funnel, ritual.config(ctx.pb)
    funnel.ensure_contact(msg.sender, msg.name, "private", msg.ts)
    if ctx.reading.optout:
        if funnel.set_opt_out(msg.sender, msg.ts):
            funnel.stage(msg.sender, "opted_out", msg.ts, detail=msg.text.strip())
            ctx.store.outbox.withdraw_promotions(msg.sender)  # promotions still queued to them are not sent
            reply = ctx.fmt(ctx.pb.marketing.opt_out_confirm)
        else:
            reply = ctx.fmt(texts.already)
    elif funnel.opted_out(msg.sender):
        funnel.clear_opt_out(msg.sender)
        funnel.stage(msg.sender, "resubscribed", msg.ts)
        reply = ctx.fmt(texts.resubscribed)
    else:
        reply = ctx.fmt(texts.not_opted_out)
    if not ctx.stale:
        ctx.reply(reply)
    return STOP


@ritual.message(*GROUP_STATES, intent="wants_out")
def opt_out_in_group(ctx: Context) -> None:
    """退订 / TD typed in the group changes nothing (an opt-out is private): a short hint to send it privately, once a
    day per member however often they type it."""
    if ctx.stale:
        return
    today = ctx.now.astimezone(ctx.pb.tz).date().isoformat()
    memory = ctx.memory(ritual.name)
    if memory.get("day") != today:
        memory["day"], memory["hinted"] = today, set()
    hinted = memory["hinted"]
    if ctx.message.sender not in hinted:
        hinted.add(ctx.message.sender)
        ctx.reply(ctx.fmt(ritual.config(ctx.pb).group_hint))
