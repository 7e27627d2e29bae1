#!/usr/bin/env bash
# Install, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# the e2e gateway (Node 20): the official mock puppet served over the real Wechaty gRPC protocol.
# `npm install`, not `npm ci`: the registry has no darwin/win32 @swc/core builds, which npm ci calls a lock mismatch.
command -v node >/dev/null || { echo "Node.js 20 is needed for the end-to-end tests" >&2; exit 1; }
(cd tests/e2e/gateway && npm install --no-audit --no-fund --loglevel=error >/dev/null)
exec .venv/bin/python -m pytest "$@"
