#!/usr/bin/env bash
# Install, then run the daemon. Without WeChat settings: the local terminal sandbox and data/bot.db.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python main.py run "$@"
