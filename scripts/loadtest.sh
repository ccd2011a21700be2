#!/usr/bin/env bash
# Load test (make loadtest): gunicorn on 127.0.0.1 with production settings, then wrk runs
# (scripts/loadtest.py). Loopback only; bounded in time; stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; else
    echo "wrk is needed: sudo apt-get install wrk" >&2; exit 1; fi
fi
exec .venv/bin/python scripts/loadtest.py "$@"
