"""The engine: dedupes events, loads a group under its lock, routes to the rituals, runs the calendar."""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Callable, Iterable

from bot.acks import AckBatcher
from bot.commands import Command, CommandSpec, UsageError, parse_command, shown
from bot.context import Ctx
from bot.events import Event, FriendRequest, MemberJoined, MemberLeft, Message, Outgoing
from bot.inbox import Inbox
from bot.language import Reader
from bot.lifecycle import Group, TransitionNotAllowed
from bot.outbox import unknown_note
from bot.names import clean_event
from bot.playbook import Playbook
from bot.replies import ReplyLimit
from bot.router import Router
from bot.storage import Store
from bot.timetable import Timetable

log = logging.getLogger("bot.engine")



class Engine:
    """Everything between the transport and the database. One instance per database."""

    def __init__(self, store: Store, playbook: Playbook, clock, advisors: Iterable[str]) -> None:
        self.store = store
        self.playbook = playbook
        self.clock = clock
        self.advisors = frozenset(advisors)
        self.reader = Reader.with_additions(playbook.language)
        self.acks = AckBatcher(self)
        self.routers: list[Router] = []
        self.commands: dict[str, CommandSpec] = {}
        self.action_handlers: dict[str, Callable] = {}
        self.groups: dict[str, Group] = {}
        self.inbox = Inbox(self)  # events are stored, then handled one at a time in order (no per-group locks needed)
        self.replies = ReplyLimit(self)
        self._denied: set[str] = set()  # members told today that commands are for advisors (once a day each)
        self._denied_day = ""
        self.on_enqueue: Callable[[], None] = lambda: None
        self.outbox_status: Callable[[], str] = lambda: f"队列 {self.store.queue_length()} 条" + unknown_note(self.store)
        self.timetable = Timetable(self)
        for row in store.groups():
            self.groups[row["room"]] = Group.from_row(store, row)
            self.timetable.schedule(self.groups[row["room"]])

    # -- wiring -------------------------------------------------------------------------------
    def include_routers(self, *routers: Router) -> None:
        """Join feature routers; message handlers run in the order given."""
        for r in routers:
            self.routers.append(r)
            for spec in r.commands:
                for name in (spec.name, *spec.aliases):
                    if name in self.commands:
                        raise ValueError(f"command {name!r} registered twice")
                    self.commands[name] = spec
            self.action_handlers.update(r.actions)

    def enqueue(self, out: Outgoing, now: datetime, broadcast: bool = False, asked: Message | None = None) -> bool:
        """Queue an outgoing message inside the current transaction; the sender is woken after commit.
        Scheduled broadcasts queue behind replies to people, so a busy morning never starves a reply; a reply to a
        member's message (`asked`) is dropped when that person or room has had its share (bot/replies.py).
        True if queued."""
        if asked is not None and not self.replies.allow(out, asked, now):
            return False
        self.store.enqueue(out, now, 1 if broadcast else 0, (asked.sender, asked.id, asked.text) if asked else None)
        self._wake = True
        return True

    def _commit_hook(self) -> None:
        if getattr(self, "_wake", False):
            self._wake = False
            self.on_enqueue()

    # -- inbound ------------------------------------------------------------------------------
    async def handle(self, event: Event) -> None:
        """Store the event in the inbox, then process the inbox (each event exactly once, by id, in order)."""
        self.inbox.append(event)
        await self.inbox.process()

    def handle_now(self, event: Event, inbox_row: int | None = None) -> None:
        """Process one event; its inbox row (if any) is deleted in the same transaction as its effects."""
        now = self.clock.now()
        event = clean_event(event)  # display names are input: sanitised once, where they enter
        try:
            with self.store.tx():
                if inbox_row is not None:
                    self.store.inbox_done(inbox_row)
                if not self.store.remember(event.id, event.ts):
                    return
                if isinstance(event, Message):
                    self._on_message(event, now)
                elif isinstance(event, MemberJoined):
                    self._on_join(event)
                elif isinstance(event, MemberLeft):
                    self._on_leave(event)
                elif isinstance(event, FriendRequest):
                    # the note is a private text: never logged (it is kept in the funnel until the retention purge)
                    log.info("friend request from %s (%s), note of %d character(s)", event.contact, event.name, len(event.hello))
                    self.emit("friend_request", Ctx(self, now, None, actor=event.contact), event)
        except Exception:
            log.exception("event %s failed; recorded as seen so a redelivery does not loop", event.id)
            self.reload(getattr(event, "room", None))
            with self.store.tx():
                if inbox_row is not None:
                    self.store.inbox_done(inbox_row)
                self.store.remember(event.id, event.ts)
            if isinstance(event, Message) and parse_command(event.text) and event.sender in self.advisors:
                with self.store.tx():
                    Ctx(self, now, event.room, message=event).reply("出错了，这条指令没有执行，已记录日志。")
        self._commit_hook()

    def _on_message(self, msg: Message, now: datetime) -> None:
        group = self.groups.get(msg.room) if msg.room else None
        # a backlog message (redelivered on login) is recorded, but nothing is said or done because of it
        stale = now - msg.ts > timedelta(minutes=self.playbook.settings.backlog_max_age_minutes)
        ctx = Ctx(self, now, msg.room, group, msg, actor=msg.sender, stale=stale)
        cmd = parse_command(msg.text) if msg.kind == "text" else None
        if cmd is not None and (cmd.name in self.commands or msg.sender in self.advisors):
            if stale:  # sent while the bot was away: running it now could do the wrong thing at the wrong time
                log.info("backlog command %r from %s at %s not executed", msg.text, msg.sender, msg.ts)
                if msg.sender in self.advisors:
                    when = msg.ts.astimezone(self.playbook.tz).strftime("%m-%d %H:%M")
                    Ctx(self, now, msg.room, group, msg).reply(f"{when} 发的 {cmd.prefix}{shown(cmd.name)} 是机器人离线期间收到的，已过期没有执行；如仍需要请重新发送。")
            else:
                self._on_command(ctx, cmd)
            return
        if msg.room is None:
            if msg.sender not in self.advisors:
                for router in self.routers:
                    for handler in router.privates:
                        handler(ctx)
            return
        if group is None or msg.sender in self.advisors:
            return
        if group.members.get(msg.sender) != msg.name:
            self.store.upsert_member(group.room, msg.sender, msg.name, msg.ts)
            group.members[msg.sender] = msg.name
        for router in self.routers:
            for route in router.messages:
                if group.state in route.states and msg.kind in route.kinds:
                    route.handler(ctx)

    def _on_command(self, ctx: Ctx, cmd: Command) -> None:
        spec = self.commands.get(cmd.name)
        sender = ctx.message.sender
        if spec is None:
            ctx.reply(f"未知指令 {cmd.prefix}{shown(cmd.name)}，发送 /help 查看可用指令。")
            return
        if spec.advisor_only and sender not in self.advisors:
            # a member's command changes nothing; tell them once a day, not on every attempt
            today = ctx.now.astimezone(self.playbook.tz).date().isoformat()
            log.info("ignored %s%s from non-advisor %s", cmd.prefix, cmd.name, sender)
            if self._denied_day != today:
                self._denied_day, self._denied = today, set()
            if sender not in self._denied:
                self._denied.add(sender)
                ctx.reply("这个指令只有导师可以使用哦～")
            return
        if spec.needs_group and ctx.group is None and spec.name != "start":
            ctx.reply("本群还没有开课，请先用 /start [YYYY-MM-DD] 绑定课程。" if ctx.room else "请在学习群里使用这个指令。")
            return
        try:
            with self.store.tx():
                spec.handler(ctx, cmd)
        except UsageError as exc:
            self.reload(ctx.room)
            ctx.reply(f"{exc} 用法：{spec.usage}" if str(exc) else f"用法：{spec.usage}")
        except TransitionNotAllowed:
            self.reload(ctx.room)
            ctx.group = self.groups.get(ctx.room)
            ctx.reply(f"当前状态是「{ctx.group.state_name}」，不能执行 {cmd.prefix}{cmd.name}，什么也没有改变。")

    def _on_join(self, ev: MemberJoined) -> None:
        """Members are tracked in every room the bot is in, so a later /start knows who is there."""
        group = self.groups.get(ev.room)
        joined = [m for m in ev.members if m.id not in self.advisors]
        for m in joined:
            self.store.upsert_member(ev.room, m.id, m.name, ev.ts)
            if group is not None:
                group.members[m.id] = m.name
        if joined:
            self.emit("joined", Ctx(self, self.clock.now(), ev.room, group), joined)

    def emit(self, event: str, ctx: Ctx, *args: object) -> None:
        """Run every router's hooks for an engine event (inside the caller's transaction)."""
        for router in self.routers:
            for hook in router.hooks.get(event, ()):
                hook(ctx, *args)

    def _on_leave(self, ev: MemberLeft) -> None:
        for m in ev.members:
            self.store.member_left(ev.room, m.id, ev.ts)

    # -- groups -------------------------------------------------------------------------------
    def reload(self, room: str | None) -> None:
        """Drop a group's in-memory copy and read it back (after a rolled-back transaction)."""
        if room is None:
            return
        row = self.store.group(room)
        if row is None:
            self.groups.pop(room, None)
        else:
            self.groups[room] = Group.from_row(self.store, row)
            self.timetable.schedule(self.groups[room])

    def bind(self, ctx: Ctx, start: date, topic: str) -> Group:
        """Bind a room to the playbook with day 1 on `start`, then run what is already due."""
        self.store.insert_group(ctx.room, topic, "bound", start.isoformat(), ctx.now)
        self.store.add_history(ctx.room, None, "bound", "start", 0, ctx.now, ctx.actor)
        group = Group(self.store, ctx.room, topic, "bound", 0, start, False)
        self.groups[ctx.room] = group
        ctx.group = group
        for mid, name in self.store.members(ctx.room):
            group.members[mid] = name
        self.timetable.catch_up(ctx)
        self.timetable.schedule(group)
        self.emit("bound", ctx)
        return group

    # -- the course calendar (bot/timetable.py) ------------------------------------------------
    def tick(self) -> int:
        """Run every scheduled action and acknowledgement that is due; returns how many ran."""
        return self.timetable.tick()

    def next_due(self) -> datetime | None:
        """The earliest moment something is scheduled (for virtual clocks)."""
        return self.timetable.next_due()
