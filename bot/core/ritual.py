"""A ritual declares everything about itself in its own module: message routes with their filters, commands, engine
hooks, scheduled actions (from its playbook section), acknowledgement lines, its playbook section, its tables and
what it adds to the report. The engine, the calendar, the loader and the storage core read these declarations; none
of them lists rituals.

    ritual = Ritual("checkin", section=("checkin", CheckinSection), order=30)

    @ritual.message("in_course", intent="checkin")
    def check_in(ctx): ...

    @ritual.schedule
    def calendar(pb, start):              # -> (day, 'HH:MM', key, kind[, index]) per scheduled action
        ...

    @ritual.action("tally", states=("in_course", "graduation"))
    def tally(ctx, action): ...
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from pydantic import BaseModel

from bot.core.commands import CommandSpec

Handler = Callable[..., Any]
# a message handler that returns STOP ends the message's routing: later rituals' handlers do not see it (e.g. spam)
STOP = "stop"
EVENTS = ("start", "friend_request", "joined", "bound", "tick", "due", "advisor")


@dataclass(frozen=True)
class Route:
    """A message handler and the filter it declares: group states, message kinds, and the language layer's intents
    (any of them; text messages only: an image passes a route that accepts images)."""

    handler: Handler
    states: frozenset[str]
    kinds: frozenset[str] | None  # None: any kind
    intents: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()  # intents that are another ritual's business

    def wants(self, ctx) -> bool:
        msg = ctx.message
        if self.kinds is not None and msg.kind not in self.kinds:
            return False
        if msg.kind != "text" or not (self.intents or self.unless):
            return True
        reading = ctx.reading
        for name in self.unless:  # (loops, not any(...): asked for every route of every message)
            if getattr(reading, name):
                return False
        if not self.intents:
            return True
        for name in self.intents:
            if getattr(reading, name):
                return True
        return False


@dataclass(frozen=True)
class Scheduled:
    """A scheduled action's handler; outside `states` it is recorded as not applicable without running."""

    handler: Handler
    states: frozenset[str] | None
    # already past when a group is bound or its calendar moved (/next): "always" run then, "today" run if it is
    # today's, None skipped
    catch_up: str | None = None
    posts: int = 1  # messages it posts to the group (the daily budget keeps them free until it has run)
    # another ritual's scheduled kind this action stands in for when both fall on the same moment (the calendar
    # drops that entry: one post, not two), if `replaces_if(playbook)` (None: always)
    replaces: str | None = None
    replaces_if: Callable[..., bool] | None = None

    def replacing(self, pb) -> str | None:
        """The kind this action replaces under the playbook `pb` (None: it replaces nothing)."""
        if self.replaces is None or (self.replaces_if is not None and not self.replaces_if(pb)):
            return None
        return self.replaces


@dataclass(frozen=True)
class AckLine:
    """A line of the batched acknowledgement: unacknowledged rows (`columns`, oldest first) of the ritual's
    `table` (which has room, ts and acked columns) composed into text by `compose(ctx, rows)`."""

    table: str
    columns: str
    compose: Handler


@dataclass(frozen=True)
class ReportPart:
    """What a ritual adds to each group's report."""

    fields: Handler
    title: str
    labels: dict[str, str]


@dataclass
class Ritual:
    name: str
    section: tuple[str, type[BaseModel]] | None = None  # (playbook key, its model)
    order: int = 50  # handlers, acknowledgement lines and same-time actions run in ascending order
    migrations: tuple[str, ...] = ()  # the ritual's own tables: SQL scripts applied once each, in order
    # (table, text column, time column) of its own tables holding what a member wrote privately: emptied by the
    # privacy ritual's daily purge once older than privacy.retention_days
    private_texts: tuple[tuple[str, str, str], ...] = ()
    routes: list[Route] = field(default_factory=list)
    privates: list[Route] = field(default_factory=list)
    commands: list[CommandSpec] = field(default_factory=list)
    actions: dict[str, Scheduled] = field(default_factory=dict)
    hooks: dict[str, list[Handler]] = field(default_factory=dict)
    schedules: list[Callable[..., Iterable[tuple]]] = field(default_factory=list)
    acks: list[AckLine] = field(default_factory=list)
    checks: list[Callable[..., Iterable[str]]] = field(default_factory=list)
    reports: list[ReportPart] = field(default_factory=list)

    # -- what members and advisors say ---------------------------------------------------------
    def message(self, *states: str, kinds: tuple[str, ...] = ("text",), intent: str | tuple[str, ...] = (),
                unless: str | tuple[str, ...] = ()) -> Callable:
        """Handle group messages from members while the group is in one of `states` (and, for text, that say
        `intent` and not `unless`: names of the language layer's Reading). Handlers run in ritual order; one that
        returns STOP ends the routing of that message."""
        def deco(fn: Handler) -> Handler:
            self.routes.append(Route(fn, frozenset(states), frozenset(kinds), _names(intent), _names(unless)))
            return fn
        return deco

    def private(self, intent: str | tuple[str, ...] = (), unless: str | tuple[str, ...] = (),
                kinds: tuple[str, ...] | None = ("text",)) -> Callable:
        """Handle private (1:1) messages from people who are not advisors (that say `intent`, not `unless`;
        kinds=None: messages of any kind)."""
        def deco(fn: Handler) -> Handler:
            self.privates.append(Route(fn, frozenset(), frozenset(kinds) if kinds is not None else None,
                                       _names(intent), _names(unless)))
            return fn
        return deco

    def command(self, name: str, *aliases: str, usage: str, help: str, advisor_only: bool = True,
                needs_group: bool = True, for_group: bool = False) -> Callable:
        """A slash command (/name or ／name, or a Chinese alias); handler(ctx, command). Its replies go to the advisor
        who sent it, privately, unless `for_group` (what it posts with ctx.say is the room's either way)."""
        def deco(fn: Handler) -> Handler:
            self.commands.append(CommandSpec(name, aliases, usage, help, fn, advisor_only, needs_group, for_group))
            return fn
        return deco

    def on(self, event: str) -> Callable:
        """React to an engine event: 'start' (ctx) once when the engine starts, 'friend_request' (ctx, request), 'joined' (ctx, members), 'bound' (ctx) after a
        group is bound, 'tick' (ctx) on every calendar tick, 'due' (ctx) -> the next moment the ritual needs a tick
        (or None), so virtual clocks stop there (a ritual that declares 'due' is ticked only from that moment on), 'advisor' (ctx) for an advisor's text that is not a command (in a
        room or privately; e.g. a quoted reply)."""
        if event not in EVENTS:
            raise ValueError(f"unknown engine event {event!r}")

        def deco(fn: Handler) -> Handler:
            self.hooks.setdefault(event, []).append(fn)
            return fn
        return deco

    # -- the calendar --------------------------------------------------------------------------
    def schedule(self, fn: Callable[..., Iterable[tuple]]) -> Callable:
        """fn(playbook, start_date) yields (day, 'HH:MM', key, kind) or (..., index) for each scheduled action."""
        self.schedules.append(fn)
        return fn

    def action(self, kind: str, states: tuple[str, ...] | None = None, catch_up: str | None = None,
               posts: int = 1, replaces: str | None = None, replaces_if: Callable[..., bool] | None = None) -> Callable:
        """Run a scheduled action of this kind: handler(ctx, action) -> status or None ('done'). catch_up: when the
        action is already past as a group is bound or moved by /next, "always" runs it then, "today" runs it if it
        is today's; otherwise it is skipped. posts: how many messages it posts to the group at most (the day's
        budget keeps them free: acknowledgements get the rest). replaces: another ritual's scheduled kind that this
        action stands in for at the same moment (e.g. a picture that IS the text it would follow): the calendar
        drops that entry, so the budget and the capacity plan see this action's posts only, and this handler takes
        over the replaced one's duties; replaces_if(playbook) -> bool makes it depend on the playbook."""
        if catch_up not in (None, "always", "today"):
            raise ValueError(f"catch_up must be 'always', 'today' or None, got {catch_up!r}")
        if replaces == kind:
            raise ValueError(f"scheduled action {kind!r} cannot replace itself")
        if replaces_if is not None and replaces is None:
            raise ValueError("replaces_if needs replaces")

        def deco(fn: Handler) -> Handler:
            self.actions[kind] = Scheduled(fn, frozenset(states) if states is not None else None, catch_up, posts,
                                           replaces, replaces_if)
            return fn
        return deco

    def ack(self, table: str, columns: str) -> Callable:
        """Compose this ritual's line of the batched acknowledgement from its unacknowledged rows."""
        def deco(fn: Handler) -> Handler:
            self.acks.append(AckLine(table, columns, fn))
            return fn
        return deco

    # -- the playbook and the report -----------------------------------------------------------
    def check(self, fn: Callable[..., Iterable[str]]) -> Callable:
        """fn(playbook) yields 'field: problem' for what the section's model cannot see alone (other sections)."""
        self.checks.append(fn)
        return fn

    def report(self, title: str, labels: dict[str, str]) -> Callable:
        """fn(store) -> {room: {field: number}}, every group at once (one grouped query, never one per group: a year
        of data has thousands): a group's entry in `report --json` gets its fields under the ritual's name ({} for a
        group fn leaves out); the human report shows '<title>：<label> <number> · ...' (fields without a label are
        JSON only)."""
        def deco(fn: Handler) -> Handler:
            self.reports.append(ReportPart(fn, title, labels))
            return fn
        return deco

    def config(self, pb) -> Any:
        """This ritual's playbook section (its model's defaults when the playbook leaves it out)."""
        return pb.section(self.section[0])


def _names(intent: str | tuple[str, ...]) -> tuple[str, ...]:
    return (intent,) if isinstance(intent, str) else tuple(intent)
