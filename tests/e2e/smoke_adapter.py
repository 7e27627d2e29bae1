#!/usr/bin/env python
"""End-to-end smoke test of WechatyTransport against the mock-puppet gRPC gateway (not a pytest test).

    (cd tests/e2e/gateway && npm install)   # once; `npm ci` rejects the lock: see gateway.mjs
    python tests/e2e/smoke_adapter.py     # from the repo root, in the venv

Starts tests/e2e/gateway/gateway.mjs, drives its mock world over the control channel, checks the
events the adapter delivers and what the bot sent, and prints timings. Exit 0 = pass.
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.events import FriendRequest, Member, MemberJoined, MemberLeft, Message, Outgoing  # noqa: E402
from bot.transport.wechaty_adapter import TransportStartError, WechatyTransport  # noqa: E402

GATEWAY_DIR = ROOT / "tests" / "e2e" / "gateway"
TOKEN = "e2e-smoke-token"
ROOM = "study-1@chatroom"
BULK = 1000


class Gateway:
    """The Node gateway as a child process, plus its HTTP control channel."""

    def __init__(self) -> None:
        if not (GATEWAY_DIR / "node_modules").is_dir():
            sys.exit(f"run `npm install` in {GATEWAY_DIR} first")
        self.proc = subprocess.Popen(
            ["node", "gateway.mjs", "0", TOKEN],
            cwd=GATEWAY_DIR,
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        self.port = self.control = 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                sys.exit(f"gateway exited early with {self.proc.wait()}")
            word, _, value = line.strip().partition(" ")
            if word == "CONTROL":
                self.control = int(value)
            elif word == "READY":
                self.port = int(value)
                return
        sys.exit("gateway did not print READY within 60s")

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def call(self, method: str, path: str, body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.control}{path}", data=data, method=method)
        req.add_header("content-type", "application/json")
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read())

    async def post(self, path: str, body: dict):
        return await asyncio.to_thread(self.call, "POST", path, body)

    async def get(self, path: str):
        return await asyncio.to_thread(self.call, "GET", path)

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Inbox:
    """Collects delivered events; wait() blocks until a predicate holds."""

    def __init__(self) -> None:
        self.events: list = []
        self._changed = asyncio.Condition()

    async def __call__(self, event) -> None:
        async with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    async def wait(self, pred, timeout: float = 10.0):
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: pred(self.events)), timeout)

    async def first(self, kind, timeout: float = 10.0, **match):
        def hits(events):
            return [e for e in events if isinstance(e, kind) and all(getattr(e, k) == v for k, v in match.items())]

        await self.wait(lambda ev: hits(ev), timeout)
        return hits(self.events)[0]


def check(cond: bool, what: str) -> None:
    if not cond:
        raise AssertionError(what)
    print(f"  ok  {what}")


def recent(ts: datetime) -> bool:
    return ts.tzinfo is not None and ts.utcoffset() == timedelta(0) and abs(datetime.now(timezone.utc) - ts) < timedelta(minutes=1)


async def main() -> None:
    figures: dict[str, str] = {}
    cache_dir = tempfile.mkdtemp(prefix="wechaty-smoke-")

    t0 = time.perf_counter()
    gw = Gateway()
    figures["gateway up (spawn -> READY)"] = f"{time.perf_counter() - t0:.2f} s"
    transport: WechatyTransport | None = None
    try:
        print(f"gateway gRPC {gw.endpoint}, control 127.0.0.1:{gw.control}")
        await gw.post("/contact", {"id": "alice", "name": "Alice"})
        await gw.post("/contact", {"id": "bob", "name": "Bob"})
        await gw.post("/contact", {"id": "carol", "name": "Carol"})
        await gw.post("/room", {"id": ROOM, "topic": "Study Group 1", "members": ["alice", "bob"]})

        print("wrong token")
        t = time.perf_counter()
        try:
            await WechatyTransport(gw.endpoint, "not-the-token", cache_dir=cache_dir, login_timeout=10).start(Inbox())
            check(False, "start() with a wrong token raises")
        except TransportStartError as e:
            check(True, f"start() with a wrong token raises TransportStartError ({e})")
        figures["wrong token -> TransportStartError"] = f"{time.perf_counter() - t:.2f} s"

        print("connect")
        inbox = Inbox()
        transport = WechatyTransport(gw.endpoint, TOKEN, cache_dir=cache_dir, login_timeout=20)
        t = time.perf_counter()
        await transport.start(inbox)
        figures["connect -> logged in"] = f"{time.perf_counter() - t:.2f} s"
        check(transport.self_id == "bot", f"logged in as the bot user (self_id={transport.self_id})")

        print("room message with a mention")
        sent = await gw.post("/say", {"from": "alice", "room": ROOM, "text": "hello group", "mentions": ["bot"]})
        m = await inbox.first(Message, id=sent["id"])
        check(m.room == ROOM and m.sender == "alice" and m.name == "Alice", f"room message mapped: {m}")
        check(m.text == "hello group" and m.kind == "text" and m.topic == "Study Group 1", "text, kind, topic")
        check(m.mentions == ("bot",), "mentions carry contact ids")
        check(recent(m.ts), f"ts is tz-aware UTC and current ({m.ts.isoformat()})")

        print("image message")
        sent = await gw.post("/say", {"from": "bob", "room": ROOM, "image": True})
        m = await inbox.first(Message, id=sent["id"])
        check(m.kind == "image" and m.sender == "bob" and m.room == ROOM, f"image -> kind=image ({m.kind!r}, text={m.text!r})")

        print("room join")
        await gw.post("/join", {"room": ROOM, "members": ["carol"], "inviter": "alice"})
        j = await inbox.first(MemberJoined, room=ROOM)
        check(j.members == (Member("carol", "Carol"),) and j.topic == "Study Group 1", f"join mapped: {j}")
        check(recent(j.ts), "join ts is tz-aware UTC")

        print("private message")
        sent = await gw.post("/say", {"from": "bob", "to": "bot", "text": "hi bot, privately"})
        m = await inbox.first(Message, id=sent["id"])
        check(m.room is None and m.sender == "bob" and m.text == "hi bot, privately", f"private message mapped: {m}")

        print("friend request")
        sent = await gw.post("/friendship", {"contact": "dave", "name": "Dave", "hello": "I want to join the study group"})
        f = await inbox.first(FriendRequest, id=sent["id"])
        check(f.contact == "dave" and f.name == "Dave" and f.hello == "I want to join the study group", f"friend request mapped: {f}")

        print("room leave")
        await gw.post("/leave", {"room": ROOM, "members": ["carol"], "remover": "alice"})
        left = await inbox.first(MemberLeft, room=ROOM)
        check(left.members == (Member("carol", "Carol"),), f"leave mapped: {left}")

        print("bot speaks")
        await gw.post("/reset", {})
        await transport.say(Outgoing(room=ROOM, to=None, text="welcome to day 1!", mentions=("alice",)))
        await transport.say(Outgoing(room=None, to="bob", text="your check-in is recorded"))
        out = await gw.get("/sent")
        check(len(out) == 2, f"gateway saw 2 sends: {out}")
        check(out[0]["room"] == ROOM and out[0]["mentions"] == ["alice"], "room send carries mention ids")
        check(out[0]["text"] == "@Alice\u2005welcome to day 1!", f"room text gets the @name prefix: {out[0]['text']!r}")
        check(out[1]["to"] == "bob" and out[1]["room"] is None and out[1]["text"] == "your check-in is recorded", "private send")
        await asyncio.sleep(1.0)  # PuppetMock echoes the bot's own messages back as message events
        check(not any(isinstance(e, Message) and e.sender == "bot" for e in inbox.events), "own (echoed) messages ignored")

        print(f"{BULK} room messages")
        before = len(inbox.events)
        t = time.perf_counter()
        resp = await gw.post("/say-many", {"from": "alice", "room": ROOM, "text": "bulk", "count": BULK})
        t_posted = time.perf_counter() - t
        await inbox.wait(lambda ev: len(ev) >= before + BULK, timeout=120)
        elapsed = time.perf_counter() - t
        got = [e.id for e in inbox.events[before:]]
        check(got == resp["ids"], f"all {BULK} delivered once, in order")
        figures[f"{BULK} room messages -> Python"] = f"{elapsed:.2f} s ({BULK / elapsed:.0f} msg/s; gateway emitted them in {t_posted:.2f} s)"

        await transport.stop()
        check(not transport.connected, "stop() disconnects")

        print("reconnect in the same process")
        inbox = Inbox()
        transport = WechatyTransport(gw.endpoint, TOKEN, cache_dir=cache_dir)
        t = time.perf_counter()
        await transport.start(inbox)
        figures["reconnect -> logged in"] = f"{time.perf_counter() - t:.2f} s"
        sent = await gw.post("/say", {"from": "bob", "room": ROOM, "text": "still there?"})
        m = await inbox.first(Message, id=sent["id"])
        check(m.name == "Bob" and m.topic == "Study Group 1", "events flow after a reconnect")
        await transport.say(Outgoing(room=ROOM, to=None, text="yes", mentions=("bob",)))
        check((await gw.get("/sent"))[-1]["text"] == "@Bob\u2005yes", "sends work after a reconnect")
        await transport.stop()
        transport = None
    finally:
        if transport is not None:
            await transport.stop()
        gw.close()

    print("\nfigures")
    for k, v in figures.items():
        print(f"  {k}: {v}")
    print("\nsmoke_adapter: PASS")


if __name__ == "__main__":
    os.chdir(tempfile.gettempdir())  # the SDK writes relative paths under the cwd; keep the repo clean
    asyncio.run(main())
