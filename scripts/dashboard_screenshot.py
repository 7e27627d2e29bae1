"""Screenshot of the dashboard's main page with headless Chromium (Debian's `chromium`).

    .venv/bin/python scripts/dashboard_screenshot.py [--db data/bot.db] [--out docs/dashboard.png] [--install]

Without --db it plays the test cohort (tests/dashboard_cohort.py) into a temporary database first. The dashboard
runs as `main.py dashboard` on a free loopback port and is stopped afterwards. --install: apt-get install chromium
and fonts-noto-cjk when they are missing (only when asked)."""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import dashboard_cohort as cohort  # noqa: E402 - after the path set-up

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         "--virtual-time-budget=15000"]  # the charts are drawn by JavaScript after the page loads


CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")  # Debian's fonts-noto-cjk


def chromium(install: bool) -> str:
    """The browser (and a Chinese font), installed from Debian's packages only when asked."""
    found = shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)
    if install and not (found and CJK_FONT.exists()):
        subprocess.run(["apt-get", "install", "-y", "-q", "chromium", "fonts-noto-cjk"], check=True)
        return CHROMIUM
    if not found:
        sys.exit(f"no Chromium at {CHROMIUM}: apt-get install chromium fonts-noto-cjk, or pass --install")
    if not CJK_FONT.exists():
        print("warning: no Chinese font (fonts-noto-cjk): the text may show as boxes; --install adds it", file=sys.stderr)
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="the database to show (default: the test cohort, played now)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "dashboard.png")
    ap.add_argument("--size", default="1280,1600", help="window size WIDTH,HEIGHT")
    ap.add_argument("--install", action="store_true", help="apt-get install chromium fonts-noto-cjk if missing")
    args = ap.parse_args()
    browser = chromium(args.install)
    with tempfile.TemporaryDirectory(prefix="dashboard-shot-") as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "bot.db"
            cohort.build(db).bot.close()
        port = cohort.free_port()
        server = cohort.serve(db.resolve(), port)
        try:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([browser, *FLAGS, f"--user-data-dir={Path(tmp) / 'chromium'}",
                            f"--screenshot={args.out.resolve()}", f"--window-size={args.size}",
                            f"http://127.0.0.1:{port}/"], check=True, timeout=180,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        finally:
            cohort.stop(server)
    print(f"{args.out}: screenshot of the dashboard ({db if args.db else 'the test cohort'})")


if __name__ == "__main__":
    main()
