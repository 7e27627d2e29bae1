"""Wechaty transport: python-wechaty 0.10.7 speaking the Wechaty gRPC protocol (wechaty-puppet-service).

This is the ONLY module that imports wechaty. SDK objects never leave it: events go out as bot.core.events.

Facts about the pinned SDK that shape this code (see tests/e2e/smoke_adapter.py for the proof):
- `import wechaty` fails on Python 3.11 (dataclass rejects the PuppetOptions() default) unless
  PuppetOptions gets an identity __hash__ first; and importing it creates $CACHE_DIR (default
  ./.wechaty in the cwd), so CACHE_DIR must be set before the import. Import is therefore lazy.
- Wechaty.start() swallows every error (print + return; sleeps 60 s then restarts on a dropped
  stream). We run its three steps ourselves so failures surface and nothing restarts behind us.
- Its own puppet listeners handle events as concurrent asyncio tasks (order not kept) and log every
  message at INFO. We replace the message/room/friendship listeners on the puppet with ours: fetch
  payloads concurrently, deliver to on_event strictly in arrival order, one at a time.
- Contact and Room objects are pooled process-wide by the SDK (never refreshed, and bound to the
  puppet of the connection that made them): names and topics are as first seen; we refresh a
  room's payload on a room-topic event and empty the pools on every start(). Its per-bot classes
  (bot.Contact, bot.Room, ...) share the base class's pool, so with several accounts in one process a
  contact loaded by one account would be fetched through the other's puppet: each connection's
  classes get pools of their own.
- room.say()/contact.say() re-fetch the sent message whenever the server returns an id (an extra
  RPC that can fail after the send succeeded), and room.say() prefixes "@name" unconditionally. We
  call puppet.message_send_text directly with the same "@name\u2005" prefix, skipping names the
  text already @-mentions. (PuppetMock returns no id: the SDK then gives None.)
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import socket
import tempfile
from collections import OrderedDict
from datetime import datetime, timezone
from typing import Any, Callable

from bot.core.events import Event, FriendRequest, Member, MemberJoined, MemberLeft, Message, Outgoing
from bot.core.names import display_name
from bot.cli.redact import redact, scrub
from bot.pictures import ready
from bot.transport import EventHandler, SendError

log = logging.getLogger("bot.transport.wechaty")

AT_SEPARATOR = "\u2005"  # what WeChat (and room.say) put after "@name"
# card kinds whose payload the puppet gives on request: (puppet method, the payload fields that become Message.text)
CARD_TEXT = {"url": ("message_url", ("title", "description", "url")),
             "mini_program": ("message_mini_program", ("title", "description"))}

_sdk: Any = None


class TransportStartError(RuntimeError):
    """The transport could not connect and log in (wrong token, gateway down, no login in time)."""


def _load_sdk(cache_dir: str | None) -> Any:
    """Import wechaty once, with the Python 3.11 shim and CACHE_DIR / log level set beforehand."""
    global _sdk
    if _sdk is None:
        if cache_dir:
            os.environ["CACHE_DIR"] = cache_dir
        elif "CACHE_DIR" not in os.environ:
            os.environ["CACHE_DIR"] = tempfile.mkdtemp(prefix="wechaty-cache-")
        os.environ.setdefault("WECHATY_LOG", "warn")  # the SDK logs every event at INFO otherwise
        import wechaty_puppet.schemas.puppet as puppet_schemas

        puppet_schemas.PuppetOptions.__hash__ = object.__hash__  # type: ignore[method-assign]
        import wechaty
        import wechaty_puppet
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        _sdk = type("Sdk", (), {})()
        _sdk.Wechaty, _sdk.WechatyOptions = wechaty.Wechaty, wechaty.WechatyOptions
        _sdk.pools = (wechaty.Contact._pool, wechaty.Room._pool)  # noqa: SLF001 - shared by every bot
        _sdk.PuppetOptions = puppet_schemas.PuppetOptions
        _sdk.MessageType, _sdk.FriendshipType = wechaty_puppet.MessageType, wechaty_puppet.FriendshipType
        _sdk.FileBox = wechaty_puppet.FileBox
        _sdk.AsyncIOScheduler = AsyncIOScheduler
    elif cache_dir and os.environ.get("CACHE_DIR") != cache_dir:
        log.warning("wechaty already imported with CACHE_DIR=%s; ignoring %s", os.environ.get("CACHE_DIR"), cache_dir)
    return _sdk


# a quoted reply as the WeChat puppets (padlocal, wechat4u) pass it: 「name：quoted text」, a dashed rule, the reply
_QUOTE_RULE = "\n- - - - - - - - - - - - - - -\n"


def split_quote(text: str) -> tuple[str, str]:
    """(the reply, the quoted text) of a quoted reply's text; (text, '') for any other text."""
    if not text.startswith("「") or _QUOTE_RULE not in text:
        return text, ""
    quoted, _, reply = text.partition(_QUOTE_RULE)
    if not quoted.endswith("」"):
        return text, ""
    return reply, quoted[1:-1]


def _utc(timestamp: float | int | None) -> datetime:
    """SDK timestamps are epoch seconds or milliseconds (PuppetMock: ms); 0/None means unknown -> now."""
    if not timestamp:
        return datetime.now(timezone.utc)
    ts = float(timestamp)
    if ts > 1e11:  # milliseconds
        ts /= 1000.0
    return datetime.fromtimestamp(ts, tz=timezone.utc)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WechatyTransport:
    """Transport over a Wechaty puppet service (gRPC, plain text) at `endpoint` ("host:port")."""

    name = "wechaty"
    images = True  # sent as a file box

    def __init__(
        self,
        endpoint: str,
        token: str,
        *,
        cache_dir: str | None = None,
        login_timeout: float = 30.0,
        send_timeout: float = 30.0,
        fetch_concurrency: int = 16,
        dedupe_window: int = 10_000,
    ) -> None:
        if not endpoint:
            raise ValueError("endpoint is required (without it the SDK asks an internet discovery service)")
        # the SDK warns with the token at every start (PuppetService.__init__): mask it in every log record, and
        # take it out of the environment so the SDK does not also warn about "two tokens"
        redact(token)
        for key in ("WECHATY_PUPPET_SERVICE_TOKEN", "TOKEN", "token"):
            if os.environ.get(key) == token:
                del os.environ[key]
        self.endpoint = endpoint
        self.token = token
        self.cache_dir = cache_dir
        self.login_timeout = login_timeout
        self.send_timeout = send_timeout
        self._fetch_slots = asyncio.Semaphore(fetch_concurrency)
        self._dedupe_window = dedupe_window
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._bot: Any = None
        self._scheduler: Any = None
        self._on_event: EventHandler | None = None
        self._queue: asyncio.Queue[asyncio.Task[Event | None]] = asyncio.Queue()
        self._runner: asyncio.Task[None] | None = None
        self._consumer: asyncio.Task[None] | None = None
        self._roster_task: asyncio.Task[None] | None = None
        self._logged_in = asyncio.Event()
        self._stopping = False
        self._ever_logged_in = False
        self.self_id: str | None = None

    # ---- lifecycle ----------------------------------------------------------------------------
    async def start(self, on_event: EventHandler) -> None:
        """Connect, wait for login (login_timeout), then keep the event stream running in the background."""
        if self._runner is not None:
            raise RuntimeError("WechatyTransport already started")
        sdk = _load_sdk(self.cache_dir)
        self._on_event = on_event
        self._stopping = False
        self._ever_logged_in = False
        self._logged_in.clear()
        for pool in sdk.pools:  # objects from an earlier connection point at its closed puppet
            pool.clear()
        self._scheduler = sdk.AsyncIOScheduler()  # in-memory; the SDK's default is a sqlite file
        self._bot = sdk.Wechaty(
            sdk.WechatyOptions(
                puppet="wechaty-puppet-service",
                puppet_options=sdk.PuppetOptions(token=self.token, end_point=self.endpoint),
                # The SDK refuses to log in if its (unused) plugin web port is busy: give it a free one.
                host="127.0.0.1",
                port=_free_port(),
                scheduler=self._scheduler,
            )
        )
        self._consumer = asyncio.create_task(self._consume(), name="wechaty-consume")
        self._runner = asyncio.create_task(self._run(), name="wechaty-stream")
        login = asyncio.create_task(self._logged_in.wait())
        await asyncio.wait({login, self._runner}, timeout=self.login_timeout, return_when=asyncio.FIRST_COMPLETED)
        if self._logged_in.is_set():
            self._ever_logged_in = True
            log.info("wechaty logged in as %s via %s", self.self_id, self.endpoint)
            self._roster_task = asyncio.create_task(self._roster(), name="wechaty-roster")
            return
        login.cancel()
        if self._runner.done():
            err = self._runner.exception() if not self._runner.cancelled() else None
            reason = f"the connection ended before login: {err!r}" if err else "the event stream ended before login"
        else:
            reason = f"no login within {self.login_timeout:g}s"
        await self.stop()
        raise TransportStartError(scrub(f"wechaty at {self.endpoint}: {reason}"))  # a server may echo the token

    async def _roster(self) -> None:
        """Deliver each room's current members as one join event, so a group bound later knows who is in it before
        anyone speaks. The id is a digest of the member list: an unchanged room is a redelivery the engine ignores."""
        puppet = self._bot.puppet
        try:
            room_ids = await asyncio.wait_for(puppet.room_list(), timeout=self.send_timeout)
        except Exception as e:  # noqa: BLE001 - the roster is a convenience; events still flow
            log.warning("room list unavailable: %r", e)
            return
        for room_id in room_ids:
            try:
                payload = await asyncio.wait_for(puppet.room_payload(room_id), timeout=self.send_timeout)
                ids = sorted(m for m in payload.member_ids if m != self.self_id)  # the raw gRPC response
                members = await self._members(ids)
            except Exception as e:  # noqa: BLE001
                log.warning("room %s: no member list (%r)", room_id, e)
                continue
            if members and self._on_event is not None:
                digest = hashlib.sha1("+".join(ids).encode()).hexdigest()[:16]
                await self._on_event(MemberJoined(f"roster:{room_id}:{digest}", datetime.now(timezone.utc), room_id,
                                                  members, payload.topic or ""))

    async def _run(self) -> None:
        """Wechaty.start() minus its catch-all: connect, bridge events, stream until the stream ends."""
        bot = self._bot
        try:
            await bot.init_puppet()
            for cls in (bot.ContactSelf, bot.Contact, bot.Room, bot.Tag):  # this connection's own pools
                cls._pool = {}  # noqa: SLF001 - see the module's docstring
            await bot.init_puppet_event_bridge(bot.puppet)
            self._rewire(bot.puppet)
            await bot.puppet.start()  # returns only when the server closes the event stream
            if not self._stopping:
                log.error("wechaty event stream closed by %s", self.endpoint)
        except asyncio.CancelledError:
            raise
        except Exception:
            if self._ever_logged_in and not self._stopping:  # before login, start() raises it instead
                log.exception("wechaty connection to %s failed", self.endpoint)
            raise
        finally:
            self._logged_in.clear()

    async def stop(self) -> None:
        """Disconnect: stop the background tasks, then the SDK (which also stops the remote puppet)."""
        self._stopping = True
        tasks = [t for t in (self._runner, self._consumer, self._roster_task) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)  # outcomes already reported by _run
        while not self._queue.empty():
            self._queue.get_nowait().cancel()
        puppet = self._bot._puppet if self._bot is not None else None  # noqa: SLF001 - Wechaty.stop() breaks on None
        if puppet is not None:
            try:
                await asyncio.wait_for(self._bot.stop(), timeout=5)
            except Exception as e:  # noqa: BLE001 - best effort on the way out
                (log.warning if self._ever_logged_in else log.debug)("wechaty stop: %r", e)
                if puppet.channel is not None:  # Wechaty.stop() skips the close when the stop RPC fails
                    puppet.channel.close()
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._runner = self._consumer = self._roster_task = None
        self._bot = self._scheduler = None
        self._logged_in.clear()

    @property
    def connected(self) -> bool:
        return self._logged_in.is_set() and self._runner is not None and not self._runner.done()

    # ---- events in ----------------------------------------------------------------------------
    def _rewire(self, puppet: Any) -> None:
        """Take over the puppet events we translate; leave Wechaty's login/logout/etc. bridge in place."""
        stream = puppet._event_stream  # noqa: SLF001 - PuppetService.on() has no matching off()
        for event in ("message", "room-join", "room-leave", "room-topic", "friendship"):
            stream.remove_all_listeners(event)
            stream.on(event, self._arrival(event))

        def on_login(payload: Any) -> None:
            self.self_id = payload.contact_id
            self._logged_in.set()

        def on_logout(payload: Any) -> None:
            log.warning("wechaty logged out: %s", payload)
            self._logged_in.clear()

        stream.on("login", on_login)
        stream.on("logout", on_logout)

    def _arrival(self, event: str) -> Callable[[Any], None]:
        resolve = {
            "message": self._message,
            "room-join": self._room_join,
            "room-leave": self._room_leave,
            "room-topic": self._room_topic,
            "friendship": self._friendship,
        }[event]

        def arrived(payload: Any) -> None:  # sync: runs in the order the stream delivers
            key = f"{event}:{payload!r}"
            if key in self._seen:  # the SDK notes the server sometimes repeats events
                return
            self._seen[key] = None
            if len(self._seen) > self._dedupe_window:
                self._seen.popitem(last=False)
            self._queue.put_nowait(asyncio.create_task(self._fetch(resolve, payload)))

        return arrived

    async def _fetch(self, resolve: Callable[[Any], Any], payload: Any) -> Event | None:
        async with self._fetch_slots:
            return await resolve(payload)

    async def _consume(self) -> None:
        while True:
            task = await self._queue.get()
            try:
                event = await task
            except asyncio.CancelledError:
                if self._stopping:
                    raise
                continue
            except Exception:
                log.exception("could not resolve a wechaty event")
                continue
            if event is None or self._on_event is None:
                continue
            try:
                await self._on_event(event)
            except Exception:
                log.exception("event handler failed on %s", type(event).__name__)

    async def _message(self, payload: Any) -> Message | None:
        sdk, bot = _sdk, self._bot
        msg = bot.Message.load(payload.message_id)
        await msg.ready()  # also readies talker, room and listener (pooled)
        if msg.is_self():
            return None
        p = msg.payload
        room = msg.room()
        kind = p.type.name.removeprefix("MESSAGE_TYPE_").lower() if isinstance(p.type, sdk.MessageType) else "unknown"
        text = p.text or ""
        if kind in CARD_TEXT:  # a link or mini-program card: its title and address, not the puppet's raw XML
            text = await self._card_text(kind, msg.message_id) or text
        text, quote = split_quote(text) if kind == "text" else (text, "")
        return Message(
            id=msg.message_id,
            ts=_utc(p.timestamp),
            room=room.room_id if room else None,
            sender=p.from_id,
            name=msg.talker().name,
            text=text,
            topic=(room.payload.topic or "") if room else "",
            kind=kind,
            mentions=tuple(p.mention_ids or ()),
            quote=quote,
        )

    async def _card_text(self, kind: str, message_id: str) -> str:
        """'title description url' of a link card, 'title description' of a mini-program card ('' if the puppet
        cannot say: the message then keeps the text the puppet gave)."""
        method, fields = CARD_TEXT[kind]
        try:
            card = await asyncio.wait_for(getattr(self._bot.puppet, method)(message_id), timeout=self.send_timeout)
        except Exception as e:  # noqa: BLE001 - the message still goes in, with the puppet's text
            log.warning("%s card %s: no payload (%r)", kind, message_id, e)
            return ""
        return " ".join(str(v) for v in (getattr(card, f, None) for f in fields) if v)

    async def _members(self, ids: list[str]) -> tuple[Member, ...]:
        members = []
        for cid in ids:
            contact = self._bot.Contact.load(cid)
            await contact.ready()
            members.append(Member(id=cid, name=contact.name))
        return tuple(members)

    async def _room(self, room_id: str) -> Any:
        room = self._bot.Room.load(room_id)
        await room.ready()
        return room

    async def _room_join(self, payload: Any) -> MemberJoined:
        return await self._membership(MemberJoined, "room-join", payload, payload.invited_ids)

    async def _room_leave(self, payload: Any) -> MemberLeft:
        return await self._membership(MemberLeft, "room-leave", payload, payload.removed_ids)

    async def _membership(self, cls: type, kind: str, payload: Any, ids: Any) -> Any:
        """A join or leave event; the SDK gives it no id, so one is made from what identifies it."""
        room = await self._room(payload.room_id)
        members = await self._members(list(ids))
        return cls(
            id=f"{kind}:{payload.room_id}:{payload.timestamp}:{'+'.join(m.id for m in members)}",
            ts=_utc(payload.timestamp),
            room=payload.room_id,
            members=members,
            topic=room.payload.topic or "",
        )

    async def _room_topic(self, payload: Any) -> None:
        room = await self._room(payload.room_id)
        room._payload = await self._bot.puppet.room_payload(payload.room_id)  # noqa: SLF001 - pooled forever
        return None

    async def _friendship(self, payload: Any) -> FriendRequest | None:
        friendship = self._bot.Friendship.load(payload.friendship_id)
        await friendship.ready()
        p = friendship.payload
        if p.type != _sdk.FriendshipType.FRIENDSHIP_TYPE_RECEIVE:  # confirm / verify are not requests
            return None
        contact = friendship.contact()
        await contact.ready()
        return FriendRequest(
            id=payload.friendship_id,
            ts=datetime.now(timezone.utc),  # the friendship payload carries no time
            contact=p.contact_id,
            name=contact.name,
            hello=p.hello or "",
        )

    # ---- messages out -------------------------------------------------------------------------
    async def say(self, out: Outgoing) -> None:
        if not self.connected:
            raise SendError("wechaty transport is not connected")
        # drawn now (off the event loop: inbound events keep flowing) if it was queued as a recipe; else its alt text goes
        if out.image and await asyncio.to_thread(ready, out.image):
            await self._send_image(out)
            return
        if out.room:
            conversation = out.room
            text = await self._mention_prefix(out) + out.text
            mention_ids = list(out.mentions) or None
        elif out.to:
            conversation, text, mention_ids = out.to, out.text, None
        else:
            raise SendError("Outgoing needs a room or a contact")
        try:
            await asyncio.wait_for(
                self._bot.puppet.message_send_text(
                    conversation_id=conversation, message=text, mention_ids=mention_ids
                ),
                timeout=self.send_timeout,
            )
        except asyncio.TimeoutError as e:
            raise SendError(f"send to {conversation} timed out after {self.send_timeout:g}s", unknown=True) from e
        except Exception as e:  # grpc status, dropped stream: the request may have been acted on
            raise SendError(f"send to {conversation} failed: {e!r}", unknown=True) from e

    async def _send_image(self, out: Outgoing) -> None:
        """A picture as a file box (base64 inside the gRPC request; the alt text is not sent: the picture says it)."""
        conversation = out.room or out.to
        if not conversation:
            raise SendError("Outgoing needs a room or a contact")
        try:
            box = _sdk.FileBox.from_file(out.image)
        except OSError as e:  # nothing was sent
            raise SendError(f"picture {out.image} unreadable: {e!r}") from e
        await self._call(f"send picture to {conversation}",
                         self._bot.puppet.message_send_file(conversation_id=conversation, file=box))

    async def accept_friend(self, request_id: str, contact: str) -> None:
        """Accept a friend request by its id."""
        await self._call(f"accept friend request {request_id}", self._bot.puppet.friendship_accept(request_id))

    async def invite(self, room: str, contact: str) -> None:
        """Add a contact to a room (WeChat sends an invitation card for groups over 40 members)."""
        await self._call(f"invite {contact} into {room}", self._bot.puppet.room_add(room, contact))

    async def remove(self, room: str, contact: str) -> None:
        """Remove a member from a room (WeChat allows it only when the bot's account owns or administers the room).
        The puppet's room_delete directly: Room.delete() would also re-fetch the room, an RPC that can fail after
        the removal succeeded."""
        await self._call(f"remove {contact} from {room}", self._bot.puppet.room_delete(room, contact))

    async def _call(self, what: str, coro: Any) -> None:
        if not self.connected:
            coro.close()
            raise SendError("wechaty transport is not connected")
        try:
            await asyncio.wait_for(coro, timeout=self.send_timeout)
        except asyncio.TimeoutError as e:
            raise SendError(f"{what} timed out after {self.send_timeout:g}s", unknown=True) from e
        except Exception as e:  # the request may have been acted on
            raise SendError(f"{what} failed: {e!r}", unknown=True) from e

    async def _mention_prefix(self, out: Outgoing) -> str:
        """'@Name\u2005' for each mentioned member not already @-named in the text (as room.say does)."""
        parts = []
        for cid in out.mentions:
            contact = self._bot.Contact.load(cid)
            try:
                await contact.ready()
            except Exception as e:  # noqa: BLE001 - unknown contact: keep the mention id, skip the name
                log.warning("mention %s: no contact payload (%r)", cid, e)
                continue
            name = display_name(contact.name, cid)  # the SDK's raw name: line breaks, bidi, 10,000 characters
            if f"@{name}" not in out.text:
                parts.append(f"@{name}{AT_SEPARATOR}")
        return "".join(parts)
