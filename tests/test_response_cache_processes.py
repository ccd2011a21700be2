"""A change published in one process is served by another on its very next request, though
both hold the page in their whole-response caches: the data version is read from the
database on every request. The other process is a real one (a subprocess on the same
database, with its own cache, or sharing Redis)."""

import json
import os
import secrets
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client

from surveys.editorial import corrections
from surveys.models import Correction, PublishedFinding
from tests.test_sqlite_concurrency import file_database  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
# The other process: reads URLs on stdin, answers each as a JSON line.
WORKER = """
import json, sys
import django
django.setup()
from django.test import Client
client = Client()
for line in sys.stdin:
    response = client.get(line.strip())
    print(json.dumps({"etag": response.get("ETag"), "html": response.content.decode()}), flush=True)
"""
CORRECTED = "corrected to 12"


def database_url(path) -> str:
    if path is not None:
        return f"sqlite:///{path}"
    s = connections[DEFAULT_DB_ALIAS].settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


class OtherProcess:
    def __init__(self, database: str, cache_url: str):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "obscc.test_settings",
            "DATABASE_URL": database,
            "CACHE_URL": cache_url,
        }
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def get(self, url: str) -> dict:
        self.process.stdin.write(url + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


@pytest.fixture(params=["locmem://", "redis"])
def cache_url(request, settings):
    """Each process its own cache, or both one Redis database (as gunicorn's workers)."""
    if request.param == "locmem://":
        yield request.param
        return
    from django.core.cache import caches

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/2")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    }  # the settings fixture's signal starts a new cache connection
    try:
        caches["default"].clear()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no Redis at {url}: {exc}")
    yield url
    caches["default"].clear()


def test_a_correction_published_in_one_process_is_served_by_another(
    real_data,
    file_database,  # noqa: F811
    cache_url,
):
    other = OtherProcess(database_url(file_database), cache_url)
    try:
        before = other.get("/")
        assert other.get("/") == before  # stored, and served from the cache
        assert CORRECTED not in before["html"]
        here = Client()
        assert CORRECTED not in here.get("/").content.decode()

        finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
        draft = corrections.save_draft(
            Correction(
                finding=finding,
                new_value="12",
                new_qualifier="exact",
                reason=f"Synthetic test {secrets.token_hex(4)}: the final count was 12",
                announced_on=date(2024, 3, 1),
                source=finding.publication,
            )
        )
        corrections.publish(draft, check_editor=False)

        after = other.get("/")
        assert CORRECTED in after["html"]
        assert after["etag"] != before["etag"]
        assert CORRECTED in here.get("/").content.decode()
    finally:
        other.close()
