#!/usr/bin/env bash
# Load test: gunicorn on 127.0.0.1 (production settings), then wrk with 50 connections for
# DURATION seconds across the public pages. Loopback only; bounded in time; stops by itself.
# Fails when any request errors or answers other than 2xx.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT="${LOADTEST_PORT:-8765}"
DURATION="${DURATION:-60}"
CONNECTIONS="${CONNECTIONS:-50}"
export DEBUG=0 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 ALLOWED_HOSTS=127.0.0.1
export SECRET_KEY="loadtest-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export GUNICORN_BIND="127.0.0.1:${PORT}" WEB_CONCURRENCY="${WEB_CONCURRENCY:-4}"
export LOG_LEVEL=WARNING

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; else
    echo "wrk is needed: sudo apt-get install wrk" >&2; exit 1; fi
fi
$PY manage.py migrate --no-input -v0
$PY manage.py load_obscc >/dev/null
$PY manage.py collectstatic --no-input -v0

.venv/bin/gunicorn obscc.wsgi:application -c gunicorn.conf.py --access-logfile /dev/null &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null; wait $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:${PORT}/healthz" >/dev/null && break
  sleep 0.2
done

echo "wrk: ${CONNECTIONS} connections, ${DURATION}s, ${WEB_CONCURRENCY} gunicorn workers, $(nproc) cores"
out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency -s scripts/loadtest.lua \
  "http://127.0.0.1:${PORT}")
echo "$out"
result=$(echo "$out" | grep '^RESULT')
errors=$(echo "$result" | sed -E 's/.*socket_errors=([0-9]+) non2xx=([0-9]+).*/\1 \2/')
read -r socket_errors non2xx <<<"$errors"
if [ "$socket_errors" != 0 ] || [ "$non2xx" != 0 ]; then
  echo "FAILED: ${socket_errors} socket errors, ${non2xx} non-2xx answers" >&2
  exit 1
fi
echo "OK: zero errors"
