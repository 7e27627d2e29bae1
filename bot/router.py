"""Routers: each ritual registers its message handlers, commands and scheduled actions on one."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from bot.commands import CommandSpec

MessageHandler = Callable[["object"], None]
ActionHandler = Callable[["object", "object"], None]


@dataclass(frozen=True)
class MessageRoute:
    handler: MessageHandler
    states: frozenset[str]
    kinds: frozenset[str]


@dataclass
class Router:
    """A feature's entry points, joined into the engine with include_routers()."""

    name: str
    messages: list[MessageRoute] = field(default_factory=list)
    commands: list[CommandSpec] = field(default_factory=list)
    actions: dict[str, ActionHandler] = field(default_factory=dict)
    privates: list[MessageHandler] = field(default_factory=list)
    hooks: dict[str, list[Callable]] = field(default_factory=dict)

    def message(self, *states: str, kinds: tuple[str, ...] = ("text",)) -> Callable[[MessageHandler], MessageHandler]:
        """Handle group messages from members while the group is in one of `states`."""
        def deco(fn: MessageHandler) -> MessageHandler:
            self.messages.append(MessageRoute(fn, frozenset(states), frozenset(kinds)))
            return fn
        return deco

    def command(self, name: str, *aliases: str, usage: str, help: str, advisor_only: bool = True,
                needs_group: bool = True) -> Callable:
        """Register a slash command (/name or ／name, or a Chinese alias)."""
        def deco(fn: Callable) -> Callable:
            self.commands.append(CommandSpec(name, aliases, usage, help, fn, advisor_only, needs_group))
            return fn
        return deco

    def private(self) -> Callable[[MessageHandler], MessageHandler]:
        """Handle private (1:1) messages from people who are not advisors."""
        def deco(fn: MessageHandler) -> MessageHandler:
            self.privates.append(fn)
            return fn
        return deco

    def on(self, event: str) -> Callable[[Callable], Callable]:
        """React to an engine event: 'friend_request' (ctx, request), 'joined' (ctx, members),
        'bound' (ctx) after a group is bound, 'tick' (ctx) on every calendar tick, 'due' (engine) -> the next
        moment the feature needs a tick (or None), so virtual clocks stop there."""
        if event not in ("friend_request", "joined", "bound", "tick", "due"):
            raise ValueError(f"unknown engine event {event!r}")

        def deco(fn: Callable) -> Callable:
            self.hooks.setdefault(event, []).append(fn)
            return fn
        return deco

    def action(self, kind: str) -> Callable[[ActionHandler], ActionHandler]:
        """Run a scheduled action of this kind (see bot.calendar)."""
        def deco(fn: ActionHandler) -> ActionHandler:
            self.actions[kind] = fn
            return fn
        return deco
