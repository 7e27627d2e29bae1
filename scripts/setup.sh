#!/usr/bin/env bash
# Create .venv (Python 3.11) and install the pinned requirements. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-$(command -v python3.11 || command -v python3)}
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
  echo "need Python 3.11 (wechaty does not run on 3.13+); found $("$PY" --version 2>&1) at $PY" >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
# the CJK font the pictures are drawn with (bot/pictures/fonts.py): Debian's fonts-noto-cjk, installed only if missing
if ! ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1 && [ -z "${BOT_CJK_FONT_DIR:-}" ]; then
  if command -v apt-get >/dev/null; then
    SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends fonts-noto-cjk >/dev/null
  else
    echo "no CJK font: install Noto Sans CJK (fonts-noto-cjk) or set BOT_CJK_FONT_DIR; pictures are posted as text until then" >&2
  fi
fi
