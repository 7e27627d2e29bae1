"""`main.py` in a pseudo-terminal, as a person at a keyboard runs it: what it prints, keys typed, Ctrl-C pressed."""
from __future__ import annotations

import os
import pty
import re
import select
import signal
import sys
import time

from harness import ROOT

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class Terminal:
    """A child process on a pty (its controlling terminal: Ctrl-C is a real SIGINT to it)."""

    def __init__(self, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WECHATY")}
        env.update(PYTHONUNBUFFERED="1", COLUMNS="200", TERM="xterm")
        pid, fd = pty.fork()
        if pid == 0:  # the child: the pty is its stdin, stdout, stderr and controlling terminal
            os.chdir(ROOT)
            os.execve(sys.executable, [sys.executable, "main.py", *args], env)
        self.pid, self.fd = pid, fd
        self.screen = ""  # everything printed so far, without colour and cursor codes
        self.status: int | None = None

    def _pump(self, timeout: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:  # the child has exited and the pty is closed
                chunk = b""
            self.screen += _ANSI.sub("", chunk.decode("utf-8", errors="replace")).replace("\r", "")

    def wait_for(self, needle: str, timeout: float = 60, after: int = 0) -> int:
        """Wait until `needle` is on the screen (after position `after`); return where it ends."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            at = self.screen.find(needle, after)
            if at >= 0:
                return at + len(needle)
            self._pump(0.2)
            if self.exited() and needle not in self.screen[after:]:
                self._pump(0.2)
                if needle not in self.screen[after:]:
                    break
        raise AssertionError(f"never printed {needle!r}; the screen:\n{self.screen[-3000:]}")

    def type(self, text: str) -> None:
        data = text.encode("utf-8")
        for i in range(0, len(data), 1024):  # a paste arrives in pieces, as from a terminal
            os.write(self.fd, data[i:i + 1024])
            self._pump(0)

    def ctrl_c(self) -> None:
        os.write(self.fd, b"\x03")

    def exited(self) -> bool:
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
        return self.status is not None

    def wait_exit(self, timeout: float = 30) -> int:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self._pump(0.1)
            if self.exited():
                self._pump(0.1)
                return self.status
        raise AssertionError(f"still running after {timeout}s; the screen:\n{self.screen[-3000:]}")

    def close(self) -> None:
        if not self.exited():
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)
