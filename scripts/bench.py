"""Benchmark every public page and export on PostgreSQL, on the real data and on a large
synthetic set (10,000 bodies x 10 rounds, about 800,000 answers: synthetic, not real).

For each page: SQL queries, server time (median and p95 over repeated requests through
Django's test client) with an empty statistics cache and with a warm one, and the floor: the
same SQL statements the page ran, executed directly. Prints a table, writes var/bench.json,
and says which targets are missed. Usage: make bench (or python scripts/bench.py).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
REPEATS = int(os.environ.get("BENCH_REPEATS", "9"))
PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "obscc_bench")
DATASETS = {
    "real": {"database": f"{PREFIX}_real"},
    "large": {"database": f"{PREFIX}_large", "bodies": 10_000, "rounds": 10},
}
PAGES = [
    ("overview", "/"),
    ("overview, earlier round", "/?round={first_year}"),
    ("bodies", "/forces/"),
    ("bodies, filtered", "/forces/?concern=yes&nation=wales&status=responded"),
    ("bodies, sorted by concern", "/forces/?sort=-uses_concern"),
    ("bodies, vendor filter", "/forces/?vendor={vendor}&system_type=drones"),
    ("body", "/forces/{body}/"),
    ("system types", "/systems/"),
    ("system type", "/systems/drones/"),
    ("vendors", "/vendors/"),
    ("vendor", "/vendors/{vendor}/"),
    ("findings", "/findings/"),
    ("corrections", "/corrections/"),
    ("about", "/about/"),
    ("chart CSV", "/charts/concern-by-system-type.csv"),
    ("bodies CSV", "/forces/?export=csv"),
    ("bodies XLSX", "/forces/?export=xlsx"),
]
TARGETS_MS = {  # on the large set: (uncached, warm)
    "overview": (300, 20),
    "overview, earlier round": (300, 20),
    "system type": (300, 20),
    "bodies": (200, None),
    "bodies, filtered": (200, None),
    "bodies, sorted by concern": (200, None),
    "bodies, vendor filter": (200, None),
}


def prepare(name: str, spec: dict) -> None:
    """Create the dataset's database once; later runs reuse it."""
    database = spec["database"]
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{database}", "DEBUG": "1"}
    exists = subprocess.run(
        [
            "psql",
            f"{SERVER}/postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname='{database}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists == "1":
        return
    subprocess.run(["psql", f"{SERVER}/postgres", "-qc", f"CREATE DATABASE {database}"], check=True)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    if name == "real":
        subprocess.run(
            [*manage, "load_obscc"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )
    else:
        subprocess.run(
            [
                *manage,
                "generate_synthetic",
                "--bodies",
                str(spec["bodies"]),
                "--rounds",
                str(spec["rounds"]),
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
    subprocess.run(["psql", f"{SERVER}/{database}", "-qc", "VACUUM ANALYZE"], check=True)


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def p95_ms(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=20)[18] * 1000, 1)


def measure(name: str, database: str) -> list[dict]:
    """Runs in a child process whose settings point at the dataset's database."""
    import django

    os.environ["DATABASE_URL"] = f"{SERVER}/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "obscc.test_settings")
    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from surveys.models import AnswerVendor, Body, SurveyRound

    setup_test_environment()
    client = Client()
    names = {
        "first_year": SurveyRound.objects.order_by("year").values_list("year", flat=True).first(),
        "body": Body.objects.order_by("pk").values_list("slug", flat=True).first(),
        "vendor": AnswerVendor.objects.values_list("vendor__slug", flat=True).first() or "dji",
    }

    def get(url):
        response = client.get(url)
        size = (
            len(b"".join(response.streaming_content))
            if response.streaming
            else len(response.content)
        )
        assert response.status_code == 200, (url, response.status_code)
        return size

    results = []
    for label, pattern in PAGES:
        url = pattern.format(**names)
        cache.clear()
        with CaptureQueriesContext(connection) as context:
            size = get(url)
        # A server-side cursor's DECLARE ... FOR <query> is timed as its query.
        sqls = [
            q["sql"].split(" FOR ", 1)[1] if q["sql"].startswith("DECLARE") else q["sql"]
            for q in context.captured_queries
        ]
        cold, warm, floor = [], [], []
        for _ in range(REPEATS):
            cache.clear()
            started = time.perf_counter()
            get(url)
            cold.append(time.perf_counter() - started)
            started = time.perf_counter()
            get(url)
            warm.append(time.perf_counter() - started)
            started = time.perf_counter()
            with connection.cursor() as cursor:
                for sql in sqls:
                    cursor.execute(sql)
                    if cursor.description:
                        cursor.fetchall()
            floor.append(time.perf_counter() - started)
        results.append(
            {
                "dataset": name,
                "page": label,
                "url": url,
                "queries": len(sqls),
                "bytes": size,
                "uncached_median_ms": median_ms(cold),
                "uncached_p95_ms": p95_ms(cold),
                "warm_median_ms": median_ms(warm),
                "warm_p95_ms": p95_ms(warm),
                "sql_floor_median_ms": median_ms(floor),
            }
        )
    results += [export_memory(database, label) for label in STREAMED]
    return results


STREAMED = {
    "answers CSV (all)": "/data/answers.csv",
    "whole data set, zip": "/data/obscc-data.zip",
    "whole data set, JSON": "/data/obscc-data.json",
}


def export_memory(database: str, label: str) -> dict:
    """Time, size and peak memory of one streamed download, measured in a fresh process."""
    code = (
        "import os, resource, time, django; django.setup();"
        "from django.test import Client; from django.test.utils import setup_test_environment;"
        "setup_test_environment(); base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss;"
        f"t = time.perf_counter(); r = Client().get({STREAMED[label]!r}); n = 0\n"
        "for chunk in r.streaming_content: n += len(chunk)\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(n, round(time.perf_counter() - t, 1), peak // 1024, base // 1024)"
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{database}",
        "DJANGO_SETTINGS_MODULE": "obscc.test_settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    size, seconds, peak_mb, base_mb = out.stdout.split()
    return {
        "dataset": database,
        "page": label,
        "megabytes": round(int(size) / 1e6, 1),
        "seconds": float(seconds),
        "peak_rss_mb": int(peak_mb),
        "rss_before_mb": int(base_mb),
    }


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        name = sys.argv[2]
        print(json.dumps(measure(name, DATASETS[name]["database"])))
        return 0
    results = []
    for name, spec in DATASETS.items():
        prepare(name, spec)
        out = subprocess.run(
            [sys.executable, __file__, "--child", name], cwd=ROOT, capture_output=True, text=True
        )
        if out.returncode:
            print(out.stderr, file=sys.stderr)
            return out.returncode
        results += json.loads(out.stdout.strip().splitlines()[-1])
    report(results)
    return 0


def report(results: list[dict]) -> None:
    pages = [r for r in results if "queries" in r]
    by = {(r["dataset"], r["page"]): r for r in pages}
    print(
        f"{'page':28} {'q real':>6} {'q large':>7} | {'real ms':>8} | "
        f"{'large: uncached':>15} {'p95':>6} {'warm':>6} {'SQL floor':>9} {'ratio':>5}"
    )
    misses = []
    for label, _ in PAGES:
        real, large = by[("real", label)], by[("large", label)]
        ratio = large["uncached_median_ms"] / max(large["sql_floor_median_ms"], 0.1)
        print(
            f"{label:28} {real['queries']:6} {large['queries']:7} | "
            f"{real['uncached_median_ms']:8} | {large['uncached_median_ms']:15} "
            f"{large['uncached_p95_ms']:6} {large['warm_median_ms']:6} "
            f"{large['sql_floor_median_ms']:9} {ratio:5.1f}"
        )
        if real["queries"] != large["queries"]:
            misses.append(
                f"{label}: {real['queries']} queries on the real data, "
                f"{large['queries']} on the large set"
            )
        uncached, warm = TARGETS_MS.get(label, (None, None))
        if uncached and large["uncached_median_ms"] > uncached:
            misses.append(f"{label}: uncached {large['uncached_median_ms']} ms > {uncached} ms")
        if warm and large["warm_median_ms"] > warm:
            misses.append(f"{label}: warm {large['warm_median_ms']} ms > {warm} ms")
        if ratio > 2 and large["uncached_median_ms"] > 20:
            misses.append(f"{label}: uncached is {ratio:.1f}x its SQL floor (target 2x)")
    for r in results:
        if "peak_rss_mb" in r:
            print(
                f"{r['page']}, {r['dataset']}: {r['megabytes']} MB in {r['seconds']} s, "
                f"peak RSS {r['peak_rss_mb']} MB (before the request: {r['rss_before_mb']} MB)"
            )
            if r["peak_rss_mb"] > 200:
                misses.append(f"{r['page']} on {r['dataset']}: peak {r['peak_rss_mb']} MB > 200 MB")
    out = ROOT / "var" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"machine": f"{os.cpu_count()} cores", "results": results}, indent=2))
    print(f"\nWrote {out}")
    print("Targets missed:" if misses else "All targets met.")
    for miss in misses:
        print(f"  - {miss}")


if __name__ == "__main__":
    sys.exit(main())
