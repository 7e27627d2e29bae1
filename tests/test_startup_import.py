"""Start-up without pandas: the CLI, and a whole bot assembled as the daemon does, never import pandas or numpy
(sqlite_utils and cpca would pull them in; the storage and the gazetteer do without)."""
from __future__ import annotations

import subprocess
import sys

from harness import ROOT

ASSEMBLE = """
import sys
from datetime import datetime, timezone
import main, bot.cli.daemon
from bot.app import assemble
from bot.schedule.clock import VirtualClock
from bot.transport.fake import FakeTransport
clock = VirtualClock(datetime(2026, 12, 1, tzinfo=timezone.utc))
bot = assemble(":memory:", "data/playbook.yaml", clock, FakeTransport(clock))
print(sorted(m for m in ("pandas", "numpy", "sqlite_utils", "cpca") if m in sys.modules))
"""


def test_the_cli_help_does_not_import_pandas():
    res = subprocess.run([sys.executable, "-c", "import sys, main; print(sorted(m for m in ('pandas', 'numpy') "
                          "if m in sys.modules))"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "[]"


def test_a_bot_assembled_as_the_daemon_does_imports_neither_pandas_nor_sqlite_utils():
    res = subprocess.run([sys.executable, "-c", ASSEMBLE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "[]"


REPORT = """
import runpy, sys
from bot.storage import Store, connect
Store(connect(sys.argv[1])).close()
sys.argv = ["main.py", "report", "--db", sys.argv[1]]
try:
    runpy.run_path("main.py", run_name="__main__")
except SystemExit as exc:
    assert not exc.code, exc.code
print(sorted(m for m in ("PIL", "bot.pictures.cards") if m in sys.modules), file=sys.stderr)
"""


def test_a_report_draws_nothing_so_it_does_not_import_pillow(tmp_path):
    res = subprocess.run([sys.executable, "-c", REPORT, str(tmp_path / "bot.db")], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stderr.strip().splitlines()[-1] == "[]"
