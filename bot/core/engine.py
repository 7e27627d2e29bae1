"""The engine: stores and dedupes events, routes each to the rituals' declared handlers, runs the calendar. It knows
no ritual by name: the playbook's rituals bring their routes, commands, actions and hooks (bot/wiring.py)."""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Callable, Iterable, Sequence

from bot.schedule.calendar import Calendar
from bot.core.commands import Command, UsageError, parse_command, shown
from bot.core.context import Context, Services
from bot.core.events import Event, FriendRequest, MemberJoined, MemberLeft, Message
from bot.core.groups import Groups
from bot.core.inbox import Inbox
from bot.language import Reader
from bot.core.lifecycle import Group, TransitionNotAllowed
from bot.core.names import clean_event
from bot.delivery.sender import unknown_note
from bot.playbook import Playbook
from bot.delivery.outbox import Outbox
from bot.delivery.replies import ReplyLimit
from bot.core.ritual import STOP
from bot.storage import Store
from bot.schedule.scheduler import Scheduler
from bot.core.wiring import Wiring

log = logging.getLogger("bot.core.engine")


class Engine:
    """Everything between the transport and the database. One instance per database."""

    def __init__(self, store: Store, playbook: Playbook, clock, advisors: Iterable[str],
                 wake: Callable[[], None] = lambda: None, status: Callable[[], str] | None = None,
                 reader: Reader | None = None, accounts: Sequence[str] = ("",)) -> None:
        self.store, self.playbook, self.clock = store, playbook, clock
        self.advisors = frozenset(advisors)
        self.accounts = tuple(accounts) or ("",)  # the bot's WeChat accounts, the default first ('' = the only one)
        self._several = self.accounts != ("",)
        self.wiring = Wiring(playbook.chosen)
        for ritual in self.wiring.rituals:
            store.migrate_ritual(ritual.name, ritual.migrations)
        self.outbox = Outbox(store, ReplyLimit(store, playbook.settings.replies), self.accounts)
        self.outbox.wake = wake
        self.groups = Groups(store)
        self.outbox.owner = lambda room: (g.account if (g := self.groups.get(room)) is not None else None)
        self.scheduler = Scheduler(store, playbook, Calendar(playbook), self.groups, self.wiring, clock, self.context)
        self.services = Services(store, playbook, reader or Reader.with_additions(playbook.language), self.advisors,
                                 self.groups, self.outbox, self.scheduler, self.wiring,
                                 status or (lambda: f"队列 {store.outbox.length()} 条" + unknown_note(store)))
        self.inbox = Inbox(store, clock, self.handle_now)  # events are stored, then handled one at a time in order (no per-group locks needed)
        self._backlog_age = timedelta(minutes=playbook.settings.backlog_max_age_minutes)
        self._denied: set[str] = set()  # members told today that commands are for advisors (once a day each)
        self._denied_day = ""
        if self.wiring.hooks.get("start"):
            with store.tx():
                self.wiring.emit("start", self.context(clock.now(), None))

    def context(self, now: datetime, room: str | None, group: Group | None = None, message: Message | None = None,
                **kw: object) -> Context:
        """A handler's view of an event or a scheduled action."""
        return Context(self.services, now, room, group, message, **kw)

    # -- inbound ------------------------------------------------------------------------------
    async def handle(self, event: Event) -> None:
        """Store the event in the inbox, then process the inbox (each event exactly once, by id, in order)."""
        self.inbox.append(event)
        await self.inbox.process()

    def handle_now(self, event: Event) -> None:
        """Process one event: its id is remembered in the transaction holding its effects (the inbox's "processed"
        mark for its row)."""
        now = self.clock.now()
        event = clean_event(event)  # display names are input: sanitised once, where they enter
        if self._several:
            self._received_by(event)
        try:
            with self.store.tx():
                if self._several and not self._owned(event, now):
                    return
                if not self.store.inbox.remember(event.id, event.ts):
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
                    self.wiring.emit("friend_request", self.context(now, None, actor=event.contact), event)
                if self._several:
                    self._met(event)
        except Exception:
            log.exception("event %s failed; recorded as seen so a redelivery does not loop", event.id)
            with self.store.tx():
                self.store.inbox.remember(event.id, event.ts)
            if isinstance(event, Message) and parse_command(event.text) and event.sender in self.advisors:
                with self.store.tx():
                    self.context(now, event.room, message=event, private_replies=True).reply("出错了，这条指令没有执行，已记录日志。")
        finally:
            if self._several:
                self._received_by(None)

    # -- several accounts -----------------------------------------------------------------------
    def _received_by(self, event: Event | None) -> None:
        """What is queued and bound while handling `event` belongs to the account that received it (an account
        that is not configured counts as the default one); None: between events."""
        account = "" if event is None else event.account if event.account in self.accounts else self.accounts[0]
        self.outbox.account = self.groups.account = account
        if isinstance(event, FriendRequest):
            self.outbox.partner = event.contact
        else:
            self.outbox.partner = event.sender if isinstance(event, Message) and event.room is None else None

    def _owned(self, event: Event, now: datetime) -> bool:
        """Is the event's room handled through the account that received it? A group has one owner: the same room
        seen by another configured account (two advisor accounts in one group) is dropped here, before it is
        remembered, so the owner's copy is handled whichever comes first. A group whose owner is no longer
        configured moves to the receiving account."""
        room = getattr(event, "room", None)
        group = self.groups.get(room) if room is not None else None
        if group is None or group.account == self.groups.account:
            return True
        if group.account in self.accounts:
            log.debug("event %s in %s came through account %r; the group belongs to %r: not handled", event.id, room,
                      self.groups.account, group.account)
            return False
        log.warning("group %s belonged to account %r, which is not configured; it moves to %r", room, group.account,
                    self.groups.account)
        self.store.groups.add_history(room, group.state, group.state, f"account {self.groups.account}",
                                      group.course_day, now, None)
        group.update(account=self.groups.account)
        self.groups.changed()
        return True

    def _met(self, event: Event) -> None:
        """A person belongs to the account they befriended (a friend request), else to the first they met."""
        if isinstance(event, FriendRequest):
            self.store.funnel.set_account(event.contact, self.groups.account, replace=True)
        elif isinstance(event, Message) and event.sender not in self.advisors:
            self.store.funnel.set_account(event.sender, self.groups.account)

    def _on_message(self, msg: Message, now: datetime) -> None:
        group = self.groups.get(msg.room)
        # a backlog message (redelivered on login) is recorded, but nothing is said or done because of it
        stale = now - msg.ts > self._backlog_age
        ctx = self.context(now, msg.room, group, msg, actor=msg.sender, stale=stale)
        cmd = parse_command(msg.text) if msg.kind == "text" else None
        if cmd is not None and (cmd.name in self.wiring.commands or msg.sender in self.advisors):
            ctx.private_replies = msg.sender in self.advisors  # an advisor is answered privately, not before the class
            if stale:  # sent while the bot was away: running it now could do the wrong thing at the wrong time
                log.info("backlog command %r from %s at %s not executed", msg.text, msg.sender, msg.ts)
                if msg.sender in self.advisors:
                    when = msg.ts.astimezone(self.playbook.tz).strftime("%m-%d %H:%M")
                    ctx.reply(f"{when} 发的 {cmd.prefix}{shown(cmd.name)} 是机器人离线期间收到的，已过期没有执行；如仍需要请重新发送。")
            else:
                self._on_command(ctx, cmd)
            return
        if msg.sender in self.advisors and msg.kind == "text" and not stale:
            self.wiring.emit("advisor", ctx)
        if msg.room is None:
            if msg.sender not in self.advisors:
                for route in self.wiring.privates:
                    if route.wants(ctx) and route.handler(ctx) == STOP:
                        break
            return
        if group is None or msg.sender in self.advisors:
            return
        if group.members.get(msg.sender) != msg.name:
            self.store.members.upsert(group.room, msg.sender, msg.name, msg.ts)
            group.members[msg.sender] = msg.name
        for route in self.wiring.routes_for(group.state, msg.kind):
            if route.wants(ctx) and route.handler(ctx) == STOP:
                break

    def _on_command(self, ctx: Context, cmd: Command) -> None:
        spec = self.wiring.commands.get(cmd.name)
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
        if spec.needs_group and ctx.group is None:
            ctx.reply("本群还没有开课，请先用 /start [YYYY-MM-DD] 绑定课程。" if ctx.room else "请在学习群里使用这个指令。")
            return
        try:
            with self.store.tx():
                spec.handler(replace(ctx, private_replies=False) if spec.for_group else ctx, cmd)  # its reply is for the class
        except UsageError as exc:
            ctx.reply(f"{exc} 用法：{spec.usage}" if str(exc) else f"用法：{spec.usage}")
        except TransitionNotAllowed:
            ctx.group = self.groups.get(ctx.room)  # read again: the command's changes were rolled back
            ctx.reply(f"当前状态是「{ctx.group.state_name}」，不能执行 {cmd.prefix}{cmd.name}，什么也没有改变。")

    def _on_join(self, ev: MemberJoined) -> None:
        """Members are tracked in every room the bot is in, so a later /start knows who is there."""
        group = self.groups.get(ev.room)
        joined = [m for m in ev.members if m.id not in self.advisors]
        for m in joined:
            self.store.members.upsert(ev.room, m.id, m.name, ev.ts)
            if group is not None:
                group.members[m.id] = m.name
        if joined:
            self.wiring.emit("joined", self.context(self.clock.now(), ev.room, group), joined)

    def _on_leave(self, ev: MemberLeft) -> None:
        for m in ev.members:
            self.store.members.left(ev.room, m.id, ev.ts)

    # -- the course calendar (bot/schedule/scheduler.py) -----------------------------------------------
    def tick(self) -> int:
        """Run every scheduled action and acknowledgement that is due; returns how many ran."""
        return self.scheduler.tick()

    def next_due(self) -> datetime | None:
        """The earliest moment something is scheduled (for virtual clocks)."""
        return self.scheduler.next_due()
