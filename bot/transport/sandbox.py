"""The embedded default transport: a terminal where a person types as members or an advisor.

沙盒：以成员或导师的身份输入（type as members or as the advisor）
    alice: 打卡            alice 在当前群说「打卡」（第一次说话时自动进群）  alice says 打卡 here
    adv: /start            导师（默认 id 为 adv）在这个群开课  the advisor starts a course here
    :img alice             alice 发一张截图  a screenshot
    :url bob https://x.cn  bob 分享链接卡片（:mini bob 标题 小程序，:card bob 名字 名片）  link / mini-program / card
    :join bob carol        成员进群；:leave bob 成员退群  members join / leave
    :friend dan 想学理财    dan 加机器人好友（附招呼语）  a friend request
    :dm dan 退订            dan 私聊机器人  a private message
    :room ID               切换到另一个群（只写 :room 显示当前群）；:time 机器人的时钟  switch room / the clock
    :help                  显示本说明；:quit（或 Ctrl-D、Ctrl-C）退出  this list / stop
"""
from __future__ import annotations

import asyncio
import shutil
import sys
import threading
import uuid
from pathlib import Path
from typing import TextIO

from bot.core.events import FriendRequest, Member, MemberJoined, MemberLeft, Message, Outgoing
from bot.core.names import clean_text
from bot.pictures import ready
from bot.transport import EventHandler

HELP = __doc__.split("\n\n", 1)[1]
CARDS = {"url": "url", "mini": "mini_program", "card": "contact"}  # typed card -> Message.kind (as the adapter names them)
COMMANDS = ("img", "url", "mini", "card", "join", "leave", "friend", "dm", "room", "time", "help", "quit")
MAX_LINE = 100_000  # what is read of one typed or pasted line (the engine reads far less of a message)
MAX_WHO = 32  # a longer "name" before the colon is a pasted sentence, not a member
WEEKDAYS = "一二三四五六日"


class SandboxTransport:
    """Reads typed lines as events; prints what the bot says. On a terminal a prompt shows the current room and the
    bot's clock; the reading thread never keeps the process alive (Ctrl-C and Ctrl-D stop at once)."""

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
        self._hinted = False  # the "name: message" hint is shown once per run of unreadable lines (a paste)
        self.closed = asyncio.Event()
        try:
            self.interactive = stdin.isatty() and stdout.isatty()
        except (AttributeError, ValueError):
            self.interactive = False

    def prompt(self) -> str:
        """'[sandbox@chatroom · 12-01 周二 09:00] > ': the room typed lines go to and the bot's clock."""
        now = self.clock.now().astimezone(self.tz)
        return f"[{self.room} · {now:%m-%d} 周{WEEKDAYS[now.weekday()]} {now:%H:%M}] > "

    def _print(self, text: str) -> None:
        if self.interactive:  # clear the prompt line, print, and show the prompt again below
            self.stdout.write("\r\033[K" + text + "\n" + self.prompt())
        else:
            self.stdout.write(text + "\n")
        self.stdout.flush()

    def _stamp(self) -> str:
        return self.clock.now().astimezone(self.tz).strftime("%m-%d %H:%M")

    async def start(self, on_event: EventHandler) -> None:
        self._on_event = on_event
        self._print(HELP)
        self._task = asyncio.create_task(self._read(on_event))

    def _lines(self, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue) -> None:
        """In a daemon thread: every line as text (bytes that are not UTF-8, e.g. a paste the terminal cut in the
        middle of a character, become U+FFFD); None at the end of the input."""
        source = getattr(self.stdin, "buffer", None)
        try:
            while True:
                raw = source.readline(MAX_LINE) if source is not None else self.stdin.readline(MAX_LINE)
                if not raw:
                    break
                line = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
                if not line.endswith("\n"):  # a line longer than MAX_LINE: the rest is skipped
                    while (more := source.readline(MAX_LINE) if source is not None else self.stdin.readline(MAX_LINE)) \
                            and not (more.endswith(b"\n") if isinstance(more, bytes) else more.endswith("\n")):
                        pass
                loop.call_soon_threadsafe(queue.put_nowait, line)
        except (OSError, ValueError):
            pass
        finally:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, None)
            except RuntimeError:  # the loop is already closed
                pass

    async def _read(self, on_event: EventHandler) -> None:
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        threading.Thread(target=self._lines, args=(asyncio.get_running_loop(), queue), name="sandbox-stdin",
                         daemon=True).start()
        if self.interactive:
            self.stdout.write(self.prompt())
            self.stdout.flush()
        while True:
            line = await queue.get()
            if line is None or line.strip() in (":quit", ":q"):
                break
            try:
                await self._line(line.strip(), on_event)
            except Exception as exc:  # noqa: BLE001 - a typo in the sandbox must not end it
                self._print(f"  （沙盒没能处理这一行 sandbox: {type(exc).__name__}: {str(exc)[:200]}）")
            if self.interactive and queue.empty():
                self.stdout.write("\r\033[K" + self.prompt())
                self.stdout.flush()
        self.closed.set()

    def _id(self) -> str:
        return f"sb-{uuid.uuid4().hex[:16]}"  # unique across restarts: ids are deduplicated durably

    async def _ensure_joined(self, member: str, on_event: EventHandler) -> None:
        if (self.room, member) not in self._seen:
            self._seen.add((self.room, member))
            await on_event(MemberJoined(self._id(), self.clock.now(), self.room, (Member(member, member),), self.topic))

    def _usage(self, text: str) -> None:
        self._print(f"  （用法 usage：{text}）")

    async def _command(self, cmd: str, args: list[str], on_event: EventHandler) -> None:
        if cmd == "room":
            if args:
                self.room = self.topic = clean_text(args[0], 64) or self.room
                self._print(f"  ✔ 已切换到群 {self.room}：之后输入的消息都发在这个群（now typing in {self.room}）")
            else:
                self._print(f"  当前群 {self.room}（current room）；切换：:room 群ID")
        elif cmd == "time":
            self._print(f"  🕒 {self._stamp()}")
        elif cmd == "help":
            self._print(HELP)
        elif cmd == "join":
            if not args:
                return self._usage(":join 名字 [名字 …]")
            for m in args:
                await self._ensure_joined(m, on_event)
        elif cmd == "leave":
            if not args:
                return self._usage(":leave 名字 [名字 …]")
            self._seen.difference_update({(self.room, m) for m in args})
            await on_event(MemberLeft(self._id(), self.clock.now(), self.room, tuple(Member(m, m) for m in args), self.topic))
        elif cmd == "friend":
            if not args:
                return self._usage(":friend 名字 [打招呼的话]")
            await on_event(FriendRequest(self._id(), self.clock.now(), args[0], args[0], " ".join(args[1:])))
        elif cmd == "dm":
            if len(args) < 2:
                return self._usage(":dm 名字 消息")
            await on_event(Message(self._id(), self.clock.now(), None, args[0], args[0], " ".join(args[1:])))
        elif cmd == "img":
            if not args:
                return self._usage(":img 名字")
            await self._ensure_joined(args[0], on_event)
            await on_event(Message(self._id(), self.clock.now(), self.room, args[0], args[0], "[图片]", self.topic, kind="image"))
        elif cmd in CARDS:
            if len(args) < 2:
                return self._usage(f":{cmd} 名字 内容")
            await self._ensure_joined(args[0], on_event)
            await on_event(Message(self._id(), self.clock.now(), self.room, args[0], args[0], " ".join(args[1:]),
                                   self.topic, kind=CARDS[cmd]))
        else:
            shown = clean_text(cmd, 20) or "（空）"
            self._print(f"  未知命令 :{shown}（unknown command）。可用命令：{'  '.join(':' + c for c in COMMANDS)}")

    async def _line(self, line: str, on_event: EventHandler) -> None:
        if not line:
            return
        if line.startswith(":"):
            self._hinted = False
            cmd, *args = line[1:].split() or [""]
            await self._command(cmd.lower(), args, on_event)
            return
        who, sep, text = line.partition(":")
        alt = line.partition("：")
        if alt[1] and (not sep or len(alt[0]) < len(who)):
            who, sep, text = alt
        who = who.strip()
        if not sep or not who or len(who) > MAX_WHO or any(c.isspace() for c in who):
            if not self._hinted:  # once for a pasted block of many lines, not once per line
                self._print("  （请这样输入 type：名字: 消息，例如  alice: 打卡    或  :help 查看命令）")
            self._hinted = True
            return
        self._hinted = False
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
        self._print(f"[{self._stamp()}] 🤖 通过了 {contact} 的好友申请（accepts the friend request）")

    async def invite(self, room: str, contact: str) -> None:
        """Print the invitation, and let the invitee accept it (they join the room a moment later)."""
        self._print(f"[{self._stamp()}] 🤖 邀请 {contact} 进群 {room}；{contact} 已进群（invited, joins）")
        if self._on_event is not None:
            self._seen.add((room, contact))
            event = MemberJoined(self._id(), self.clock.now(), room, (Member(contact, contact),), room)
            asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(self._on_event(event)))

    async def remove(self, room: str, contact: str) -> None:
        """Print the removal, and let the member leave the room (as WeChat reports a removal)."""
        self._print(f"[{self._stamp()}] 🤖 把 {contact} 移出群 {room}；{contact} 已离开（removed, leaves）")
        self._seen.discard((room, contact))
        if self._on_event is not None:
            event = MemberLeft(self._id(), self.clock.now(), room, (Member(contact, contact),), room)
            asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(self._on_event(event)))

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
