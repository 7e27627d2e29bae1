"""The embedded default transport: a terminal where a person types as members or an advisor.

    alice: 打卡            alice says 打卡 in the current room (alice joins on first word)
    adv: /start            the advisor (id 'adv' by default) starts a course here
    :img alice             alice posts a screenshot
    :url bob https://x.cn  bob shares a link card  (:mini bob 标题  a mini-program,  :card bob 名字  a contact card)
    :join bob carol        members join;  :leave bob   a member leaves
    :friend dan 想学理财    dan sends the bot a friend request (with a hello)
    :dm dan 退订            dan writes to the bot in a private chat
    :room ID               switch to another room;  :time  show the bot's clock;  :quit
"""
from __future__ import annotations

import asyncio
import shutil
import uuid
import sys
from pathlib import Path
from typing import TextIO

from bot.core.events import FriendRequest, Member, MemberJoined, MemberLeft, Message, Outgoing
from bot.pictures import ready
from bot.transport import EventHandler

HELP = __doc__.split("\n\n", 1)[1]
CARDS = {"url": "url", "mini": "mini_program", "card": "contact"}  # typed card -> Message.kind (as the adapter names them)


class SandboxTransport:
    """Reads typed lines as events; prints what the bot says."""

    name = "sandbox (local terminal, no WeChat account needed)"
    images = True  # saved under images_dir, the path printed

    def __init__(self, clock, tz, room: str = "sandbox@chatroom", topic: str = "7天小白理财实操课·沙盒群",
                 stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout, images_dir: Path = Path("sandbox-images")) -> None:
        self.clock, self.tz, self.room, self.topic = clock, tz, room, topic
        self.images_dir = images_dir
        self.stdin, self.stdout = stdin, stdout
        self._seen: set[tuple[str, str]] = set()
        self._task: asyncio.Task | None = None
        self._on_event: EventHandler | None = None
        self.closed = asyncio.Event()

    def _print(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def _stamp(self) -> str:
        return self.clock.now().astimezone(self.tz).strftime("%m-%d %H:%M")

    async def start(self, on_event: EventHandler) -> None:
        self._on_event = on_event
        self._print(HELP)
        self._task = asyncio.create_task(self._read(on_event))

    async def _read(self, on_event: EventHandler) -> None:
        loop = asyncio.get_running_loop()
        while True:
            line = await loop.run_in_executor(None, self.stdin.readline)
            if not line or line.strip() in (":quit", ":q"):
                break
            try:
                await self._line(line.strip(), on_event)
            except Exception as exc:  # a typo in the sandbox must not end it
                self._print(f"  (sandbox: {exc})")
        self.closed.set()

    def _id(self) -> str:
        return f"sb-{uuid.uuid4().hex[:16]}"  # unique across restarts: ids are deduplicated durably

    async def _ensure_joined(self, member: str, on_event: EventHandler) -> None:
        if (self.room, member) not in self._seen:
            self._seen.add((self.room, member))
            await on_event(MemberJoined(self._id(), self.clock.now(), self.room, (Member(member, member),), self.topic))

    async def _line(self, line: str, on_event: EventHandler) -> None:
        if not line:
            return
        if line.startswith(":"):
            cmd, *args = line[1:].split()
            if cmd == "room" and args:
                self.room = self.topic = args[0]
            elif cmd == "time":
                self._print(f"  🕒 {self._stamp()}")
            elif cmd == "join":
                for m in args:
                    await self._ensure_joined(m, on_event)
            elif cmd == "leave":
                self._seen.difference_update({(self.room, m) for m in args})
                await on_event(MemberLeft(self._id(), self.clock.now(), self.room, tuple(Member(m, m) for m in args), self.topic))
            elif cmd == "friend" and args:
                await on_event(FriendRequest(self._id(), self.clock.now(), args[0], args[0], " ".join(args[1:])))
            elif cmd == "dm" and len(args) >= 2:
                await on_event(Message(self._id(), self.clock.now(), None, args[0], args[0], " ".join(args[1:])))
            elif cmd == "img" and args:
                await self._ensure_joined(args[0], on_event)
                await on_event(Message(self._id(), self.clock.now(), self.room, args[0], args[0], "[图片]", self.topic, kind="image"))
            elif cmd in CARDS and len(args) >= 2:
                await self._ensure_joined(args[0], on_event)
                await on_event(Message(self._id(), self.clock.now(), self.room, args[0], args[0], " ".join(args[1:]),
                                       self.topic, kind=CARDS[cmd]))
            else:
                self._print(HELP)
            return
        who, sep, text = line.partition(":")
        if not sep:
            who, sep, text = line.partition("：")
        if not sep or not who.strip():
            self._print("  (type  name: message   e.g.  alice: 打卡   or  :help)")
            return
        who = who.strip()
        await self._ensure_joined(who, on_event)
        await on_event(Message(self._id(), self.clock.now(), self.room, who, who, text.strip(), self.topic))

    async def say(self, out: Outgoing) -> None:
        where = out.room if out.room else f"私聊 {out.to}"
        body = out.text.replace("\n", "\n    ")
        if out.image and ready(out.image):  # keep a copy (the bot's own may be replaced by a newer one) and print where it is
            self.images_dir.mkdir(parents=True, exist_ok=True)
            saved = self.images_dir / f"{self.clock.now().astimezone(self.tz):%m%d-%H%M%S}-{Path(out.image).name}"
            shutil.copyfile(out.image, saved)
            body = f"🖼 {saved}\n    {body}"
        self._print(f"[{self._stamp()}] 🤖 → {where}: {body}")

    async def accept_friend(self, request_id: str, contact: str) -> None:
        self._print(f"[{self._stamp()}] 🤖 accepts the friend request of {contact}")

    async def invite(self, room: str, contact: str) -> None:
        """Print the invitation, and let the invitee accept it (they join the room a moment later)."""
        self._print(f"[{self._stamp()}] 🤖 invites {contact} into {room}; {contact} joins")
        if self._on_event is not None:
            self._seen.add((room, contact))
            event = MemberJoined(self._id(), self.clock.now(), room, (Member(contact, contact),), room)
            asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(self._on_event(event)))

    async def remove(self, room: str, contact: str) -> None:
        """Print the removal, and let the member leave the room (as WeChat reports a removal)."""
        self._print(f"[{self._stamp()}] 🤖 removes {contact} from {room}; {contact} leaves")
        self._seen.discard((room, contact))
        if self._on_event is not None:
            event = MemberLeft(self._id(), self.clock.now(), room, (Member(contact, contact),), room)
            asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(self._on_event(event)))

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
