"""gunicorn settings for production (docker-compose.yml and `make loadtest`).

Every value can be overridden with an environment variable of the same name.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers: page work is short SQL reads and template rendering, CPU-bound per request.
# 2 x cores + 1 is gunicorn's usual starting point; tune with WEB_CONCURRENCY.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# A public page answers in well under a second; 30 s ends a stuck worker (e.g. a lost
# database connection) without cutting off the largest CSV export on this data.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that slow memory growth cannot accumulate. Not too often: a
# page from the whole-response cache takes a few milliseconds, so 2,000 requests went by in
# seconds under load, and a new worker starts with an empty in-process cache.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# Logs to stdout; the access log has no query strings or cookies (paths only).
accesslog = "-"
logger_class = "obscc.logs.AccessLogger"  # a secret path (a password link) shows as its route
errorlog = "-"
access_log_format = (
    '{"time":"%(t)s","method":"%(m)s","path":"%(U)s","status":%(s)s,'
    '"bytes":%(B)s,"duration_us":%(D)s}'
)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
