"""Lighthouse (mobile, its default settings) on the chart pages and the other public pages,
served by gunicorn on 127.0.0.1 with production settings and the real data.

Runs the Lighthouse installed by `npm ci` in scripts/lighthouse/ (pinned in its package-lock)
with Debian's Chromium (CHROME_PATH, default /usr/bin/chromium); nothing is downloaded. Prints
the four scores per page (performance, accessibility, best practices, SEO) and the main
metrics, writes var/lighthouse.json (the full reports go to var/lighthouse/) and says which
targets are missed. Usage: make lighthouse (LIGHTHOUSE_RUNS=3 for the median of three runs),
or python scripts/lighthouse.py /systems/anpr/ ... for other pages.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "scripts" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PORT = os.environ.get("LIGHTHOUSE_PORT", "8766")
RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", "1"))
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
METRICS = {
    "largest-contentful-paint": "LCP ms",
    "total-blocking-time": "TBT ms",
    "cumulative-layout-shift": "CLS",
    "total-byte-weight": "KiB",
}
# A listing page and the detail page to test from it; the examples first when present.
DETAILS = [
    ("/forces/", r'href="(/forces/[a-z0-9-]+/)"', None),
    ("/systems/", r'href="(/systems/[a-z0-9-]+/)"', "/systems/external-cctv/"),
    ("/vendors/", r'href="(/vendors/[a-z0-9-]+/)"', "/vendors/hikvision/"),
]


# Pages audited as they are: side by side, and a chart alone as other sites frame it.
FIXED = [
    "/compare/?bodies=west-yorkshire,metropolitan-police,cleveland",
    "/embed/concern-by-system-type/?round=2022",
]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def pages(base: str) -> list[str]:
    found = ["/"]
    for listing, pattern, preferred in DETAILS:
        links = re.findall(pattern, fetch(base + listing))
        found += [listing, preferred if preferred in links else links[0]]
    return [*dict.fromkeys(found + ["/findings/", "/data/", *FIXED])]


def start_server() -> subprocess.Popen:
    env = dict(
        os.environ,
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        ALLOWED_HOSTS="127.0.0.1",
        SECRET_KEY=f"lighthouse-{secrets.token_hex(32)}",
        GUNICORN_BIND=f"127.0.0.1:{PORT}",
        WEB_CONCURRENCY=os.environ.get("WEB_CONCURRENCY", "2"),
        LOG_LEVEL="WARNING",
    )
    python = str(ROOT / ".venv" / "bin" / "python")
    for command in (
        ["migrate", "--no-input", "-v0"],
        ["load_obscc"],
        ["collectstatic", "--no-input", "-v0"],
    ):
        subprocess.run(
            [python, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "obscc.wsgi:application",
            "-c",
            "gunicorn.conf.py",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(ROOT / "var" / "lighthouse" / "gunicorn.log").open("w"),
    )
    for _ in range(100):
        try:
            fetch(f"http://127.0.0.1:{PORT}/healthz")
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def audit(url: str, report: Path, attempts: int = 3) -> dict:
    for attempt in range(attempts):  # Chromium now and then loses the trace (NO_NAVSTART)
        run = subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--output=json",
                f"--output-path={report}",
                f"--only-categories={','.join(CATEGORIES)}",
                f"--chrome-flags={' '.join(CHROME_FLAGS)}",
                "--quiet",
            ],
            env=dict(os.environ, CHROME_PATH=CHROME),
        )
        if run.returncode == 0:
            break
        if attempt == attempts - 1:
            raise SystemExit(f"Lighthouse failed {attempts} times on {url}")
    data = json.loads(report.read_text())
    result = {c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES}
    for audit_id in METRICS:
        value = data["audits"][audit_id]["numericValue"]
        scale = 1024 if audit_id == "total-byte-weight" else 1  # bytes to KiB
        result[audit_id] = round(
            value / scale, 3 if audit_id == "cumulative-layout-shift" else None
        )
    result["failed audits"] = sorted(
        key
        for c in CATEGORIES[1:]
        for ref in data["categories"][c]["auditRefs"]
        if ref["weight"] and (data["audits"][(key := ref["id"])]["score"] or 0) < 1
    )
    return result


def median_run(runs: list[dict]) -> dict:
    """The run with the median performance score, as Lighthouse's docs advise."""
    ordered = sorted(runs, key=lambda r: r["performance"])
    return {**ordered[len(ordered) // 2], "performance runs": [r["performance"] for r in runs]}


def main() -> int:
    if not LIGHTHOUSE.exists():
        raise SystemExit(
            "Lighthouse is missing: npm ci --prefix scripts/lighthouse (make lighthouse does)"
        )
    reports = ROOT / "var" / "lighthouse"
    reports.mkdir(parents=True, exist_ok=True)
    server = start_server()
    base = f"http://127.0.0.1:{PORT}"
    results = {}
    try:
        for path in sys.argv[1:] or pages(base):
            fetch(base + path)  # warm the statistics cache, as a live site's would be
            name = path.strip("/").replace("/", "-") or "overview"
            results[path] = median_run(
                [audit(base + path, reports / f"{name}-{i}.json") for i in range(RUNS)]
            )
    finally:
        server.terminate()
        server.wait()

    columns = [*CATEGORIES, *METRICS]
    print(f"Lighthouse {lighthouse_version()} mobile, {RUNS} run(s) a page, {os.cpu_count()} cores")
    print(f"| page | {' | '.join(METRICS.get(c, c) for c in columns)} |")
    print(f"|---|{'---|' * len(columns)}")
    for path, row in results.items():
        print(f"| {path} | {' | '.join(str(row[c]) for c in columns)} |")
    out = ROOT / "var" / "lighthouse.json"
    out.write_text(
        json.dumps(
            {"machine": f"{os.cpu_count()} cores", "runs": RUNS, "results": results}, indent=2
        )
    )
    print(f"Written to {out.relative_to(ROOT)}")
    missed = [
        (path, f"{c} {row[c]} < {target}")
        for path, row in results.items()
        for c, target in TARGETS.items()
        if row[c] < target
    ]
    for path, line in missed:
        print(f"MISSED: {path} {line}; failing audits: {', '.join(results[path]['failed audits'])}")
    return 0 if not missed else 1


def lighthouse_version() -> str:
    lock = json.loads((ROOT / "scripts" / "lighthouse" / "package-lock.json").read_text())
    return lock["packages"]["node_modules/lighthouse"]["version"]


if __name__ == "__main__":
    sys.exit(main())
