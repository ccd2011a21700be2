"""Settings for the OBSCC survey dashboard: every value comes from the environment.

Defaults make a fresh checkout run locally (SQLite under ``var/``); production sets
``DEBUG=0``, ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL``.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no; got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_secret(name: str) -> str:
    """Read a secret from NAME or from the file named by NAME_FILE (Docker secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points at {path!r}: {exc}") from exc
    return os.environ.get(name, "")


def cache_config(url: str) -> dict:
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url in ("", "locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if url == "dummy://":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL must be redis://, rediss://, locmem:// or dummy://; got {url!r}"
    )


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-used-only-with-DEBUG-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "obscc.apps.ObsccAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "simple_history",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # First: a client guessing return links is refused before anything reads its request.
    "obscc.middleware.ReturnLinkMiddleware",
    "obscc.middleware.RequestBodyMiddleware",
    "obscc.routers.ReplicaMiddleware",
    "obscc.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "surveys.caching.RequestVersionMiddleware",
    # Whole public responses per data version (obscc/response_cache.py): outside the session,
    # CSRF and authentication middleware, so that it sees every cookie and Vary they add.
    "obscc.response_cache.ResponseCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "obscc.middleware.OpenDataMiddleware",
    # Last, so that it sees failed logins after authentication has run.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "obscc.urls"
WSGI_APPLICATION = "obscc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "surveys.editorial.synthetic.context",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}

# SQLite (the local default) has one write lock for the whole file. Writers wait for it up to
# 20 seconds instead of failing with "database is locked", and take it as their transaction
# begins (IMMEDIATE): a transaction that read first cannot wait for it without risking a
# deadlock, so SQLite fails it at once. Write-ahead logging lets pages read while an editor
# writes. Options given in DATABASE_URL (e.g. ?timeout=60) take precedence.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL",
        **DATABASES["default"].get("OPTIONS", {}),
    }

# A database password from a file (Docker secret) overrides the one in DATABASE_URL.
if os.environ.get("DATABASE_PASSWORD_FILE"):
    DATABASES["default"]["PASSWORD"] = env_secret("DATABASE_PASSWORD")

# A read replica (e.g. PostgreSQL streaming replication): public pages read from it.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    if os.environ.get("DATABASE_PASSWORD_FILE"):
        DATABASES["replica"]["PASSWORD"] = DATABASES["default"]["PASSWORD"]
REPLICA_READS = "replica" in DATABASES
REPLICA_MIGRATE = False  # a physical replica follows the primary's schema by itself
DATABASE_ROUTERS = ["obscc.routers.PrimaryReplicaRouter"]

CACHES = {"default": cache_config(os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", ""))}
# Computed statistics are cached, keyed by the data version (surveys/caching.py).
STATS_CACHE = env_bool("STATS_CACHE", True)
# Whole public responses are cached per data version and deploy (obscc/response_cache.py).
RESPONSE_CACHE = env_bool("RESPONSE_CACHE", True)
RESPONSE_CACHE_MAX_BYTES = env_int("RESPONSE_CACHE_MAX_BYTES", 4 * 1024 * 1024)
# The deployed code, in every ETag and cache key; unset: a hash of the source and templates.
DEPLOY_ID = os.environ.get("DEPLOY_ID", "").strip()
# Cache-Control of public pages: browsers keep them PAGE_MAX_AGE seconds, a CDN or proxy
# PAGE_S_MAXAGE, and may serve them PAGE_STALE_WHILE_REVALIDATE longer while it asks again.
PAGE_MAX_AGE = env_int("PAGE_MAX_AGE", 30)
PAGE_S_MAXAGE = env_int("PAGE_S_MAXAGE", 60)
PAGE_STALE_WHILE_REVALIDATE = env_int("PAGE_STALE_WHILE_REVALIDATE", 300)
# gzip for public text responses (never for a response with a cookie, a session or CSRF token).
COMPRESS_RESPONSES = env_bool("COMPRESS_RESPONSES", not DEBUG)
# Maker-checker: a correction or an import drafted by one editor is published by another.
CORRECTIONS_NEED_SECOND_EDITOR = env_bool("CORRECTIONS_NEED_SECOND_EDITOR", False)
# History keeps an editor's whole reason: a text column, never PostgreSQL's varchar(100).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security --------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and X-Forwarded-For), set
# BEHIND_PROXY=1 and PROXY_COUNT to the number of proxies. Never trust the headers otherwise.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
PROXY_COUNT = env_int("PROXY_COUNT", 1 if BEHIND_PROXY else 0)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
if SECURE_COOKIES:
    # The __Host- prefix makes browsers refuse the cookie unless Secure, host-only, path /.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the container healthcheck speaks plain HTTP

# No inline script anywhere and no eval: script-src is 'self' only. style-src needs
# 'unsafe-inline' because plotly.js adds a <style> element for its own rules when it draws;
# tests/browser/test_security.py shows the chart is not drawn without it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Failed admin logins: lock the username from that address after 5 failures for 30 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # its log lines carry usernames and addresses
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "obscc.client.client_ip"  # the one rule for the client's address

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "obscc.logs.JsonFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Django's own handlers replaced: runserver's access lines and, with DEBUG, errors go
        # through the JSON handler too, which hides secret paths (obscc.logs).
        "django": {"level": "INFO"},
        "django.server": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
}

# The read-only JSON API (surveys/api/).
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["obscc.client.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_RATE_LIMIT", "120/minute")},
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Police surveillance camera surveys: open data API",
    "DESCRIPTION": "Read-only data of the Biometrics and Surveillance Camera Commissioner's "
    "police surveys. Published figures: Open Government Licence v3.0.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    # A finding's qualifier and a correction's new qualifier are the same choice set.
    "ENUM_NAME_OVERRIDES": {
        "QualifierEnum": "surveys.models.PublishedFinding.Qualifier",
        "DatePrecisionEnum": "surveys.models.Publication.DatePrecision",
        "AnswerFieldEnum": "surveys.models.Correction.AnswerField",
    },
}

# Where the site is served: the base of the password links that `manage.py add_editor` prints.
SITE_URL = os.environ.get("SITE_URL", "")  # unset: http://127.0.0.1:PORT, as `make run` serves

# Guessing a return link's token (/returns/<token>/): after this many wrong links from one
# client address within the window (seconds), that address is answered 429 until it ends.
RETURN_LINK_MISSES = env_int("RETURN_LINK_MISSES", 20)
RETURN_LINK_WINDOW = env_int("RETURN_LINK_WINDOW", 10 * 60)
# Email, for the invitations and reminders of a round collected online (send_invitations): the
# console by default (the message is printed); SMTP in production.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")

# Admin imports of per-body answers: size limit and where a previewed file waits.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
# How many bytes an XLSX upload may inflate to (its sheet, strings and workbook parts): the
# bound on reading time; memory stays bounded whatever this is (surveys/editorial/import_files.py).
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 64 * 1024 * 1024)
IMPORT_DIR = BASE_DIR / "var" / "imports"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# No request body may be larger than this (the largest import file plus its form), and only the
# admin reads bodies at all: public URLs answer 405 to anything but GET/HEAD/OPTIONS unread.
MAX_REQUEST_BYTES = IMPORT_MAX_BYTES + 64 * 1024
