"""Wechaty transport: python-wechaty 0.10.7 speaking the Wechaty gRPC protocol (wechaty-puppet-service).

This is the ONLY module that imports wechaty. SDK objects never leave it: events go out as bot.core.events.

The adapter owns the connection: it logs in, keeps the event stream running and delivers events in order. What an
event says is read in wechaty_inbound, what the bot sends becomes puppet calls in wechaty_outbound, and the SDK is
imported (lazily, with its shims) by wechaty_sdk. Facts about the pinned SDK that shape this module (see
tests/e2e/smoke_adapter.py for the proof):
- Wechaty.start() swallows every error (print + return; sleeps 60 s then restarts on a dropped
  stream). We run its three steps ourselves so failures surface and nothing restarts behind us.
- Its own puppet listeners handle events as concurrent asyncio tasks (order not kept) and log every
  message at INFO. We replace the message/room/friendship listeners on the puppet with ours: fetch
  payloads concurrently, deliver to on_event strictly in arrival order, one at a time.
- Contact and Room objects are pooled process-wide by the SDK (never refreshed, and bound to the
  puppet of the connection that made them): we empty the pools on every start(). Its per-bot classes
  (bot.Contact, bot.Room, ...) share the base class's pool, so with several accounts in one process a
  contact loaded by one account would be fetched through the other's puppet: each connection's
  classes get pools of their own.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections import OrderedDict
from datetime import datetime, timezone
from typing import Any, Callable

from bot.core.events import Event, MemberJoined, Outgoing
from bot.cli.redact import redact, scrub
from bot.pictures import ready
from bot.transport import EventHandler, SendError
from bot.transport import wechaty_inbound as inbound
from bot.transport import wechaty_outbound as outbound
from bot.transport.wechaty_sdk import TransportStartError, free_port, load

log = logging.getLogger("bot.transport.wechaty")

__all__ = ["TransportStartError", "WechatyTransport"]


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
        sdk = load(self.cache_dir)
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
                port=free_port(),
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
                members = await inbound.members(self._bot, ids)
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
        bot, timeout = self._bot, self.send_timeout
        resolve: Callable[[Any], Any] = {
            "message": lambda payload: inbound.message(bot, payload, timeout),
            "room-join": lambda payload: inbound.room_join(bot, payload),
            "room-leave": lambda payload: inbound.room_leave(bot, payload),
            "room-topic": lambda payload: inbound.room_topic(bot, payload),
            "friendship": lambda payload: inbound.friendship(bot, payload),
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

    # ---- messages out -------------------------------------------------------------------------
    async def say(self, out: Outgoing) -> None:
        """A text, or a picture: drawn now (off the event loop: inbound events keep flowing) if it was queued as a
        recipe; if it cannot be drawn, its alt text goes as a text."""
        self._check_connected()
        if out.image and await asyncio.to_thread(ready, out.image):
            await outbound.send_image(self._bot, out, self.send_timeout)
        else:
            await outbound.send_text(self._bot, out, self.send_timeout)

    async def accept_friend(self, request_id: str, contact: str) -> None:
        """Accept a friend request by its id."""
        await self._call(f"accept friend request {request_id}", lambda puppet: puppet.friendship_accept(request_id))

    async def invite(self, room: str, contact: str) -> None:
        """Add a contact to a room (WeChat sends an invitation card for groups over 40 members)."""
        await self._call(f"invite {contact} into {room}", lambda puppet: puppet.room_add(room, contact))

    async def remove(self, room: str, contact: str) -> None:
        """Remove a member from a room (WeChat allows it only when the bot's account owns or administers the room).
        The puppet's room_delete directly: Room.delete() would also re-fetch the room, an RPC that can fail after
        the removal succeeded."""
        await self._call(f"remove {contact} from {room}", lambda puppet: puppet.room_delete(room, contact))

    def _check_connected(self) -> None:
        if not self.connected:
            raise SendError("wechaty transport is not connected")

    async def _call(self, what: str, request: Callable[[Any], Any]) -> None:
        self._check_connected()
        await outbound.call(what, request(self._bot.puppet), self.send_timeout)
