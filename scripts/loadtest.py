"""Load test: gunicorn on 127.0.0.1 with production settings (2 workers, the real data), then
wrk (scripts/loadtest.lua), warm:

- throughput: `/about/`, `/` and `/forces/` in turn, three times over (20 connections, 5 s
  each), and each page's requests per second as a share of `/about/`'s (target >= 75%);
- spike: 200 connections for 60 s on the overview and a body page (target: 0 errors);
- mixed: 50 connections cycling through 18 public pages and exports.

Prints a table, writes var/loadtest.json (LOADTEST_JSON to change), and fails when any request
errors or answers other than 2xx. Usage: make loadtest (scripts/loadtest.sh runs this).
Environment: LOADTEST_PORT, WEB_CONCURRENCY, THROUGHPUT_SECONDS, THROUGHPUT_ROUNDS,
SPIKE_SECONDS, SPIKE_CONNECTIONS, DURATION and CONNECTIONS (the mixed run), DATABASE_URL and
CACHE_URL.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PORT = os.environ.get("LOADTEST_PORT", "8765")
BASE = f"http://127.0.0.1:{PORT}"
WORKERS = os.environ.get("WEB_CONCURRENCY", "2")
OUTPUT = Path(os.environ.get("LOADTEST_JSON", ROOT / "var" / "loadtest.json"))
THROUGHPUT_PAGES = ["/about/", "/", "/forces/"]
SPIKE_PAGES = ["/", "/forces/kent/"]
TARGET_SHARE = 0.75
RESULT = re.compile(r"^RESULT (.*)$", re.MULTILINE)


def environment() -> dict:
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        ALLOWED_HOSTS="127.0.0.1",
        SECRET_KEY=f"loadtest-{secrets.token_hex(32)}",
        GUNICORN_BIND=f"127.0.0.1:{PORT}",
        WEB_CONCURRENCY=WORKERS,
        LOG_LEVEL="WARNING",
    )
    return env


def wrk(name: str, paths: list[str] | None, connections: int, seconds: int) -> dict:
    env = dict(os.environ)
    env.pop("WRK_PATHS", None)
    if paths:
        env["WRK_PATHS"] = ",".join(paths)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["--latency", "-s", "scripts/loadtest.lua", BASE]
    out = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    fields = dict(part.split("=") for part in RESULT.search(out.stdout).group(1).split())
    result = {key: float(value) for key, value in fields.items()}
    result.update(name=name, connections=connections, paths=paths or "18 public pages")
    return result


def throughput(seconds: int, rounds: int) -> list[dict]:
    """Each page in turn, ``rounds`` times over, so that a change in what else the machine is
    doing falls on every page alike; requests per second over all of a page's rounds."""
    runs = {path: [] for path in THROUGHPUT_PAGES}
    for _ in range(rounds):
        for path in THROUGHPUT_PAGES:
            runs[path].append(wrk(path, [path], 20, seconds))
    results = []
    for parts in runs.values():
        total = {key: sum(part[key] for part in parts) for key in ("requests", "duration_s")}
        total.update(socket_errors=sum(p["socket_errors"] for p in parts))
        total.update(
            non2xx=sum(p["non2xx"] for p in parts), rps=total["requests"] / total["duration_s"]
        )
        for q in ("p50_ms", "p95_ms", "p99_ms"):
            total[q] = statistics.median(part[q] for part in parts)  # of the rounds
        results.append({**parts[0], **total})
    return results


def warm(paths: list[str], times: int) -> None:
    for _ in range(times):  # every worker, whichever the connection reaches
        for path in paths:
            with urllib.request.urlopen(BASE + path, timeout=30) as response:
                response.read()


def drain() -> None:
    """Wait (up to three minutes) until the server answers promptly again: the requests a run
    left queued are served before the next run starts."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        start = time.monotonic()
        try:
            with urllib.request.urlopen(f"{BASE}/about/", timeout=30) as response:
                response.read()
        except OSError:
            continue
        if time.monotonic() - start < 0.5:
            return
        time.sleep(1)


def table(results: list[dict]) -> str:
    lines = [
        "| run | connections | requests | requests/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        errors = int(r["socket_errors"] + r["non2xx"])
        lines.append(
            f"| {r['name']} | {r['connections']} | {int(r['requests']):,} in "
            f"{r['duration_s']:.0f} s | {r['rps']:,.0f} | {r['p50_ms']:,.0f} | "
            f"{r['p95_ms']:,.0f} | {r['p99_ms']:,.0f} | {errors} |"
        )
    return "\n".join(lines)


def main() -> int:
    env = environment()
    for args in (["migrate", "--no-input"], ["load_obscc"], ["collectstatic", "--no-input"]):
        subprocess.run(
            [PY, "manage.py", *args], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL
        )
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "obscc.wsgi:application",
            "-c",
            "gunicorn.conf.py",
            "--access-logfile",
            "/dev/null",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{BASE}/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        seconds = int(os.environ.get("THROUGHPUT_SECONDS", "5"))
        load = os.getloadavg()[0]
        print(f"gunicorn: {WORKERS} workers; {os.cpu_count()} cores; load {load:.1f}", flush=True)
        warm(THROUGHPUT_PAGES + SPIKE_PAGES, 2 * int(WORKERS) + 2)
        results = throughput(seconds, int(os.environ.get("THROUGHPUT_ROUNDS", "3")))
        drain()
        spike_connections = int(os.environ.get("SPIKE_CONNECTIONS", "200"))
        spike = wrk(
            "spike: " + " and ".join(SPIKE_PAGES),
            SPIKE_PAGES,
            spike_connections,
            int(os.environ.get("SPIKE_SECONDS", "60")),
        )
        drain()
        mixed = wrk(
            "mixed public pages",
            None,
            int(os.environ.get("CONNECTIONS", "50")),
            int(os.environ.get("DURATION", "30")),
        )
        results += [spike, mixed]
    finally:
        server.terminate()
        server.wait(timeout=60)
    about = results[0]["rps"]
    shares = {r["name"]: round(r["rps"] / about, 3) for r in results[1:3]}
    print(table(results))
    for name, share in shares.items():
        verdict = "met" if share >= TARGET_SHARE else "MISSED"
        print(f"{name}: {share:.0%} of /about/'s requests/s (target {TARGET_SHARE:.0%}: {verdict})")
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(
        json.dumps(
            {
                "workers": int(WORKERS),
                "cores": os.cpu_count(),
                "runs": results,
                "share_of_about": shares,
            },
            indent=2,
        )
    )
    print(f"written: {OUTPUT}")
    failed = [r for r in results if r["socket_errors"] or r["non2xx"]]
    for r in failed:
        print(
            f"FAILED: {r['name']}: {int(r['socket_errors'])} socket errors, "
            f"{int(r['non2xx'])} non-2xx answers",
            file=sys.stderr,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
