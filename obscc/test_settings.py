"""Settings for the test suite: production settings (DEBUG off) with a throwaway key."""

import os

os.environ["DEBUG"] = "0"  # the suite runs the production configuration
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-never-used-in-production")

from obscc.settings import *  # noqa: E402,F403

(BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405 (plain `pytest` needs no `make` first)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
WHITENOISE_AUTOREFRESH = True  # serve from the finders; the suite does not run collectstatic
SECURE_SSL_REDIRECT = False  # the test client and live server speak plain HTTP

# A second database stands in for the read replica; the router test switches reads to it.
if "replica" not in DATABASES:  # noqa: F405
    replica = dict(DATABASES["default"])  # noqa: F405
    if replica["ENGINE"].endswith("sqlite3"):
        replica["NAME"] = str(BASE_DIR / "var" / "replica.sqlite3")  # noqa: F405
        replica["TEST"] = {"NAME": str(BASE_DIR / "var" / "test_replica.sqlite3")}  # noqa: F405
    else:
        replica["NAME"] = f"{replica['NAME']}_replica"
        replica["TEST"] = {"NAME": f"test_{replica['NAME']}"}
    DATABASES["replica"] = replica  # noqa: F405
REPLICA_READS = False
REPLICA_MIGRATE = True
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute"}}  # noqa: F405
