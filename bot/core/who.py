"""Which member an advisor's command means ('/reply @小王 …', '/allow 小王', '/enrolled wxid_1 A'): one @-mention
(advisors aside), else a contact id or a display name looked up in the places the command knows, in order. A name
two people share in one place is refused with a one-line answer, never guessed."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from bot.core.commands import UsageError, shown

if TYPE_CHECKING:
    from bot.core.context import Context


@dataclass(frozen=True, slots=True)
class Place:
    """Where a command looks for the member: is a text one of its contact ids, and who goes by a name there."""
    has: Callable[[str], bool]
    named: Callable[[str], list[tuple[str, str]]] = lambda name: []  # (id, how it is listed: '小王（理财1期，w1）')
    where: str = ""  # '群里' in '群里有2位成员叫「小王」'
    noun: str = "成员"  # '提问的人' in '有2位提问的人叫「小王」'
    listed: bool = False  # a name two share is refused with the candidates listed
    typed_at: bool = True  # an id here may be written with an @ ('@wxid_1'); False: '@…' is a name only


def met(ctx: "Context") -> Callable[[str], bool]:
    """Is a text the contact id of someone the bot has met (a member of any group, now or before, or a contact of
    the funnel: a friend request, an invitation)?"""
    return lambda contact: ctx.store.members.seen(contact) or ctx.store.funnel.contact(contact) is not None


def which_member(ctx: "Context", spec: str, places: list[Place], empty: str = "请 @ 一位成员。",
                 one_mention: bool = False) -> str:
    """The contact id the command names. `one_mention`: several @-mentions are refused (else they are ignored and
    the text is read)."""
    mentioned = [m for m in ctx.message.mentions if m not in ctx.advisors]
    if len(mentioned) == 1:
        return mentioned[0]
    name = spec.strip().lstrip("@").strip()
    if not name or (one_mention and mentioned):
        raise UsageError(empty)
    at = spec.lstrip().startswith("@")
    for place in places:
        if (place.typed_at or not at) and place.has(name):
            return name
        found = dict(place.named(name))
        if len(found) > 1:
            listed = f"：{'、'.join(list(found.values())[:10])}" if place.listed else ""
            raise UsageError(f"{place.where}有{len(found)}位{place.noun}叫「{shown(name)}」{listed}，请改用微信号。")
        if found:
            return next(iter(found))
    raise UsageError(f"找不到成员「{shown(spec.strip())}」。")
