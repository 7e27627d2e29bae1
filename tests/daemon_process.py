"""`main.py run` as a child process, its output read line by line (the sandbox and the e2e tests share it)."""
from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections import deque

from harness import ROOT


class DaemonProcess:
    """The real daemon: type into it (sandbox), wait for what it prints, kill it or stop it."""

    def __init__(self, args: list[str], env: dict[str, str], interactive: bool = False) -> None:
        self.proc = subprocess.Popen([sys.executable, "main.py", "run", *args], cwd=ROOT, env={**env, "PYTHONUNBUFFERED": "1"},
                                     stdin=subprocess.PIPE if interactive else subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: deque[str] = deque(maxlen=2000)  # bounded: a runaway daemon must not balloon the test run
        threading.Thread(target=self._pump, daemon=True).start()

    @staticmethod
    def base_env() -> dict[str, str]:
        """This environment without any WeChat settings."""
        return {k: v for k, v in os.environ.items() if not k.startswith("WECHATY")}

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def type(self, line: str) -> None:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def wait_log(self, needle: str, timeout: float = 30) -> str:
        """The first new output line containing needle (fails with everything printed so far)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None and self.lines.empty():
                    break
                continue
            self.log.append(line)
            if needle in line:
                return line
        raise AssertionError(f"daemon never printed {needle!r}; its last lines:\n" + "\n".join(list(self.log)[-200:]))

    def output(self, timeout: float = 30) -> str:
        """Everything it printed, once it has exited."""
        self.proc.wait(timeout)
        time.sleep(0.2)
        while not self.lines.empty():
            self.log.append(self.lines.get())
        return "\n".join(self.log)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(10)

    def stop(self) -> int:
        self.proc.terminate()
        return self.proc.wait(20)
