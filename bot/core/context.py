"""What a handler gets: the moment, the group, the message, ways to speak, and the narrow services it may use (the
database, the playbook, the groups, the outbox, the calendar); never the engine."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Iterable

from bot.schedule.calendar import local_day
from bot.core.events import Message, Outgoing
from bot.core.groups import Groups
from bot.core.lifecycle import Group
from bot.core.names import display_name, topic
from bot.playbook import Playbook
from bot.playbook.dates import calendar_vars
from bot.delivery.outbox import ACK, POST, REPLY, Outbox
from bot.storage import Store
from bot.schedule.scheduler import Scheduler
from bot.core.wiring import Wiring

if TYPE_CHECKING:  # the reader is loaded by the engine, which reads messages, not by every ritual's import
    from bot.language import Reader, Reading


@dataclass(frozen=True)
class Services:
    """What handlers may use, built once by the engine."""

    store: Store
    pb: Playbook
    reader: Reader
    advisors: frozenset[str]
    groups: Groups
    outbox: Outbox
    scheduler: Scheduler
    wiring: Wiring
    status: Callable[[], str]  # the sender's one-line state, for /status
    memory: dict[str, dict[str, Any]] = field(default_factory=dict)  # per engine, per ritual: what it keeps in memory


@dataclass
class Context:
    """A handler's view of one event or scheduled action (all writes join the open transaction)."""

    services: Services
    now: datetime
    room: str | None
    group: Group | None = None
    message: Message | None = None
    actor: str | None = None
    broadcast: bool = False  # a scheduled post (queued behind replies to people)
    ack: bool = False  # a batched acknowledgement (queued behind scheduled posts)
    stale: bool = False  # a backlog message: recorded, not acted on
    private_replies: bool = False  # an advisor's command: reply() answers them privately, naming the room
    _reading: Reading | None = field(default=None, repr=False)

    @property
    def reading(self) -> Reading:
        """What the current message says, read once by the language layer and shared by every ritual."""
        if self._reading is None:
            self._reading = self.services.reader.read(self.message.text, private=self.room is None)
        return self._reading

    @property
    def store(self) -> Store:
        return self.services.store

    @property
    def pb(self) -> Playbook:
        return self.services.pb

    @property
    def groups(self) -> Groups:
        return self.services.groups

    @property
    def calendar(self) -> Scheduler:
        """Bind a group, move its calendar, run an action now."""
        return self.services.scheduler

    @property
    def advisors(self) -> frozenset[str]:
        return self.services.advisors

    def memory(self, ritual: str) -> dict[str, Any]:
        """What a ritual keeps in memory for this engine (gone with it; the database keeps what must last)."""
        memory = self.services.memory.get(ritual)
        if memory is None:
            memory = self.services.memory[ritual] = {}
        return memory

    def send(self, out: Outgoing, priority: int | None = None) -> bool:
        """Queue any outgoing message or action (an invitation, an acceptance) in the open transaction, where this
        context's messages go in the sending order unless `priority` says otherwise (POST, REPLY, ACK)."""
        return self.services.outbox.put(out, self.now, priority=self.priority if priority is None else priority)

    @property
    def priority(self) -> int:
        """Where what this context says goes in the sending order (bot/storage/outbox.py)."""
        return ACK if self.ack else POST if self.broadcast else REPLY

    def fit_lines(self, lines: Iterable[str], fixed: int = 0) -> str:
        """As many of `lines`, in order, as fit in one message (settings.max_message_chars) beside `fixed` characters
        of other text, joined by line breaks ('' if none fits): a long board is cut, the message stays one."""
        room, kept = self.pb.settings.max_message_chars - fixed, []
        for line in lines:
            if len(line) + 1 > room:
                break
            room -= len(line) + 1
            kept.append(line)
        return "\n".join(kept)

    def fmt(self, template: str, **values: object) -> str:
        """Fill a playbook text with the persona and calendar placeholders ({weekday:周四}, {course_day:3}) and `values`."""
        start = self.group.start_date if self.group is not None else None
        return template.format(**{**self.pb.persona_vars(), **calendar_vars(self.now, self.pb.tz, start), **values}).strip()

    @property
    def asked(self) -> Message | None:
        """The member's message this answers (replies are limited); None for advisors and scheduled posts."""
        if self.broadcast or self.ack or self.message is None or self.message.sender in self.services.advisors:
            return None
        return self.message

    def say(self, text: str, mentions: tuple[str, ...] | list[str] = (), image: str | None = None) -> None:
        """Queue a message to this room (an answer to a member counts against their reply limit). A text longer
        than settings.max_message_chars is split at line breaks (a ritual summarises long lists itself: this is
        the last guard, never a wall of text). With `image` (a PNG's path) it is a picture and `text` its alt text."""
        if image is not None:
            self.services.outbox.put(Outgoing(self.room, None, text, tuple(mentions), image=image), self.now,
                                     asked=self.asked, priority=self.priority)
            return
        for i, part in enumerate(split_text(text, self.pb.settings.max_message_chars)):
            out = Outgoing(self.room, None, part, tuple(mentions) if i == 0 else ())
            self.services.outbox.put(out, self.now, asked=self.asked, priority=self.priority)

    def say_to(self, contact: str, text: str, image: str | None = None) -> None:
        """Queue a private message (an answer to a member counts against their reply limit); `image` as for say."""
        self.services.outbox.put(Outgoing(None, contact, text, image=image), self.now, asked=self.asked,
                                 priority=self.priority)

    def reply(self, text: str) -> None:
        """Answer the sender of the current message: in a private chat, or in the room @-mentioning them; an
        advisor's command is answered privately (private_replies), naming the room it was sent in."""
        if self.room is None:
            self.say_to(self.message.sender, text)
        elif self.private_replies:
            self.tell_advisor(text)
        else:
            self.say(f"@{display_name(self.message.name, self.message.sender)} {text}", (self.message.sender,))

    def tell_advisor(self, text: str) -> None:
        """Answer the advisor privately (prefixed with the room's name when the command was sent in a room):
        replies to commands and results about one member (an enrolment, a claim, who opted out) are not the group's
        business."""
        self.say_to(self.actor or self.message.sender, f"【{self.room_name}】{text}" if self.room else text)

    @property
    def room_name(self) -> str:
        """The room's name as people know it (its topic), or its id."""
        name = (self.group.topic if self.group else "") or (self.message.topic if self.message else "")
        return topic(name) or (self.room or "")

    def say_mentioning(self, text: str, members: list[tuple[str, str]]) -> None:
        """Post `text` in one message @-mentioning the first mentions_per_message `members` (the caller puts first
        those who most need it) and counting the rest (settings.mentions_rest): a reminder never shouts."""
        settings = self.pb.settings
        room = settings.max_message_chars - len(text) - len(self.fmt(settings.mentions_rest, count=len(members))) - 2
        tags: list[str] = []
        for mid, name in members[:settings.mentions_per_message]:
            tag = f"@{display_name(name, mid)}"
            if len(tag) + 1 > room:
                break  # the message stays within max_message_chars: the others are counted
            room -= len(tag) + 1
            tags.append(tag)
        lines = [text, " ".join(tags)]
        if len(members) > len(tags):
            lines.append(self.fmt(settings.mentions_rest, count=len(members) - len(tags)))
        self.say("\n".join(lines), [mid for mid, _ in members[:len(tags)]])

    def names(self, members: list[str]) -> str:
        """'张三、李四' or, past settings.acks.names, '张三、李四等 37 位同学' (the count is everyone)."""
        cfg = self.pb.settings.acks
        shown = "、".join(self.name_of(m) for m in members[:cfg.names])
        return shown if len(members) <= cfg.names else shown + self.fmt(cfg.more, count=len(members))

    def day_of(self, ts: datetime) -> int:
        """The group's course day at ts."""
        return local_day(self.pb, self.group.start_date, ts)

    def today(self) -> int:
        return self.day_of(self.now)

    def request_ack(self) -> None:
        """Ask for a batched acknowledgement of what was just recorded (not for backlog messages)."""
        if not self.stale:
            self.services.scheduler.acks.request(self.group, self.now)

    def name_of(self, member: str) -> str:
        """A member's display name in this group, safe to print (a name stored before sanitising is cleaned too)."""
        if self.group is not None and member in self.group.members:
            name = self.group.members[member]
        elif self.room is not None:
            name = self.store.members.names(self.room).get(member)
        else:
            name = (self.store.funnel.contact(member) or {}).get("name")
        return display_name(name, member) if name else display_name(member)

    def member_list(self) -> list[tuple[str, str]]:
        """Current members (advisors excluded), as (id, name)."""
        return [(m, n) for m, n in self.store.members.current(self.room) if m not in self.services.advisors]


def split_text(text: str, limit: int) -> list[str]:
    """`text` in parts of at most `limit` characters, cut at line breaks (a longer line is cut where it must)."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        if current and len(current) + 1 + len(line) > limit:
            parts.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        parts.append(current)
    return parts
