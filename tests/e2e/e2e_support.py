"""End-to-end support: the Node gateway serving the official mock puppet over real gRPC, and the real daemon
(`main.py run`) as a subprocess connected to it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from daemon_process import DaemonProcess


ROOT = Path(__file__).resolve().parents[2]
GATEWAY_DIR = ROOT / "tests" / "e2e" / "gateway"
TOKEN = "e2e-token"


class Gateway:
    """The mock WeChat world: contacts, rooms, members speaking; and every message the bot really sent."""

    def __init__(self, port: int = 0, token: str = TOKEN, bot_id: str = "bot") -> None:
        """A puppet service for one WeChat account (`bot_id` = the account's own contact id; several gateways with
        their own tokens play several accounts)."""
        assert (GATEWAY_DIR / "node_modules").is_dir(), f"run `npm install` in {GATEWAY_DIR} (scripts/test.sh does)"
        self.token, self.bot_id = token, bot_id
        self.proc = subprocess.Popen(["node", "gateway.mjs", str(port), token], cwd=GATEWAY_DIR, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True,
                                     env={**os.environ, "BOT_ID": bot_id})
        self.port = self.control = 0
        self.contacts: set[str] = set()
        while not self.port:
            line = self.proc.stdout.readline()
            assert line, f"gateway exited early with {self.proc.wait()}"
            word, _, value = line.strip().partition(" ")
            if word == "CONTROL":
                self.control = int(value)
            elif word == "READY":
                self.port = int(value)
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()  # keep the pipe drained

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def call(self, method: str, path: str, body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.control}{path}", data=data, method=method,
                                     headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read())

    def contact(self, cid: str, name: str) -> None:
        """Create a contact once (the mock world is shared by the module's tests)."""
        if cid not in self.contacts:
            self.call("POST", "/contact", {"id": cid, "name": name})
            self.contacts.add(cid)

    def room(self, rid: str, topic: str, members: list[str]) -> None:
        self.call("POST", "/room", {"id": rid, "topic": topic, "members": members})

    def say(self, who: str, text: str, room: str | None = None, **extra) -> str:
        where = {"room": room} if room else {"to": self.bot_id}
        return self.call("POST", "/say", {"from": who, "text": text, **where, **extra})["id"]

    def join(self, room: str, members: list[str], inviter: str) -> None:
        self.call("POST", "/join", {"room": room, "members": members, "inviter": inviter})

    def sent(self) -> list[dict]:
        return self.call("GET", "/sent")

    def wait_sent(self, predicate, what: str, timeout: float = 30) -> dict:
        """The first message the bot sent that satisfies predicate, waiting for it."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for m in self.sent():
                if predicate(m):
                    return m
            time.sleep(0.2)
        raise AssertionError(f"the bot never sent {what}; it sent:\n" + "\n".join(m["text"] for m in self.sent()))

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


class Daemon(DaemonProcess):
    """`main.py run` against the gateway."""

    running: list["Daemon"] = []  # killed after each test, so a failed test cannot leave a second bot connected

    def __init__(self, gateway: Gateway, db: Path, playbook: Path, token: str = TOKEN, advisors: str = "adv") -> None:
        env = {**self.base_env(), "WECHATY_PUPPET_SERVICE_TOKEN": token,
               "WECHATY_PUPPET_SERVICE_ENDPOINT": gateway.endpoint, "BOT_ADVISORS": advisors}
        super().__init__(["--db", str(db), "--playbook", str(playbook)], env)
        Daemon.running.append(self)


class AccountsDaemon(DaemonProcess):
    """`main.py run --accounts FILE`: one daemon over several gateways (one account each)."""

    def __init__(self, accounts: dict[str, Gateway], db: Path, playbook: Path, per_minute: dict[str, int] | None = None,
                 advisors: str = "adv") -> None:
        per_minute = per_minute or {}
        lines = [f'- {{name: {name}, endpoint: "{gw.endpoint}", token_env: {name.upper()}_TOKEN, '
                 f'per_minute: {per_minute.get(name, 40)}}}' for name, gw in accounts.items()]
        path = db.parent / "accounts.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        env = {**self.base_env(), "BOT_ADVISORS": advisors, **{f"{n.upper()}_TOKEN": gw.token for n, gw in accounts.items()}}
        super().__init__(["--db", str(db), "--playbook", str(playbook), "--accounts", str(path)], env)
        Daemon.running.append(self)


def report(db: Path) -> dict:
    out = subprocess.run([sys.executable, "main.py", "report", "--db", str(db), "--json"], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return {g["room"]: g for g in json.loads(out.stdout)["groups"]}
