"""The chosen rituals' declarations, joined: message routes in ritual order, commands by name, scheduled actions by
kind, engine hooks by event, acknowledgement lines. Built once per engine from the playbook's rituals."""
from __future__ import annotations

from typing import Callable, Iterable

from bot.core.commands import CommandSpec
from bot.core.ritual import AckLine, Ritual, Route, Scheduled


class Wiring:
    def __init__(self, rituals: Iterable[Ritual]) -> None:
        self.rituals = tuple(rituals)
        self.routes: list[Route] = []
        self.privates: list[Route] = []
        self.commands: dict[str, CommandSpec] = {}
        self.actions: dict[str, Scheduled] = {}
        self.hooks: dict[str, list[Callable]] = {}
        self.acks: list[AckLine] = []
        for r in self.rituals:
            self.routes += r.routes
            self.privates += r.privates
            self.acks += r.acks
            for spec in r.commands:
                for name in (spec.name, *spec.aliases):
                    if name in self.commands:
                        raise ValueError(f"command {name!r} declared twice ({r.name})")
                    self.commands[name] = spec
            for kind, action in r.actions.items():
                if kind in self.actions:
                    raise ValueError(f"scheduled action {kind!r} declared twice ({r.name})")
                self.actions[kind] = action
            for event, fns in r.hooks.items():
                self.hooks.setdefault(event, []).extend(fns)
        self._routes_for: dict[tuple[str, str], tuple[Route, ...]] = {}
        # per ritual with 'tick' hooks: (its tick hooks, its 'due' hooks) (see ticks_due)
        self._ticked = [(r.hooks["tick"], r.hooks.get("due", ())) for r in self.rituals if r.hooks.get("tick")]

    def emit(self, event: str, ctx, *args: object) -> None:
        """Run every ritual's hooks for an engine event (inside the caller's transaction)."""
        for hook in self.hooks.get(event, ()):
            hook(ctx, *args)

    def routes_for(self, state: str, kind: str) -> tuple[Route, ...]:
        """The group message routes, in order, that take a message of this kind in a group in this state (their
        intents are asked per message)."""
        routes = self._routes_for.get((state, kind))
        if routes is None:
            routes = self._routes_for[state, kind] = tuple(
                r for r in self.routes if state in r.states and (r.kinds is None or kind in r.kinds))
        return routes

    def ticks_due(self, ctx) -> list[Callable]:
        """The 'tick' hooks to run at ctx.now: a ritual that also declares 'due' hooks is ticked only once one of them
        names a moment not after now (so a tick with nothing due opens no transaction); one without, always."""
        ready: list[Callable] = []
        for ticks, dues in self._ticked:
            if not dues or any((when := due(ctx)) is not None and when <= ctx.now for due in dues):
                ready += ticks
        return ready

    def specs(self) -> list[CommandSpec]:
        """Each command once, in declaration order (for /help)."""
        return list({id(s): s for s in self.commands.values()}.values())
