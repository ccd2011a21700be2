"""A cache of computed statistics, invalidated on every change to the survey data.

Keys carry the data version (a counter in the database, so every process sees a change at
once, whatever the cache backend) and the code version (a hash of the modules whose results are
cached, so after a deploy that changes a result's shape nothing cached by the old code is
read). Any save or delete of survey data bumps the data version in the same transaction; bulk
writes that skip signals (the synthetic generator) call ``bump_version``.
Within one request the version is read once.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import functools
import hashlib
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

T = TypeVar("T")
_request_version: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "obscc_data_version", default=None
)
# When the data last changed, read with the request's version: (that version, the time).
_request_changed: contextvars.ContextVar[tuple[int, datetime.datetime | None] | None] = (
    contextvars.ContextVar("obscc_data_changed", default=None)
)
# Within a request, what ``cached(..., per_request=True)`` has read, by key (the key holds the
# data version, so a write in the request is read afresh): read from the cache once, not once
# per caller.
_request_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "obscc_request_memo", default=None
)
TIMEOUT = 24 * 60 * 60


def bump_version() -> None:
    from surveys.models import DataVersion

    updated = DataVersion.objects.filter(pk=1).update(
        version=F("version") + 1, changed_at=timezone.now()
    )
    if not updated:
        DataVersion.objects.get_or_create(pk=1)
    if _request_version.get() is not None:
        _request_version.set(0)


def current_version() -> int:
    """The data version; read once per request (0 = in a request, not read yet; None = not
    in a request, so always read)."""
    memo = _request_version.get()
    if memo:
        return memo
    if memo == 0:
        return version_and_last_changed()[0]
    from surveys.models import DataVersion

    return DataVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def data_last_changed() -> datetime.datetime | None:
    """When the survey data last changed (any save, import, correction or load): in a
    request, as read with its data version (no query of its own)."""
    memo = _request_changed.get()
    if memo is not None and memo[0] == _request_version.get():
        return memo[1]
    from surveys.models import DataVersion

    return DataVersion.objects.filter(pk=1).values_list("changed_at", flat=True).first()


def version_and_last_changed() -> tuple[int, datetime.datetime | None]:
    """The data version and when the data last changed, in one query; in a request the
    version is then remembered as ``current_version`` remembers it."""
    from surveys.models import DataVersion

    row = DataVersion.objects.filter(pk=1).values_list("version", "changed_at").first()
    version, changed = row or (0, None)
    if _request_version.get() == 0 and version:
        _request_version.set(version)
        _request_changed.set((version, changed))
    return version, changed


# The modules that compute what is cached, and the classes it is made of.
CODE_MODULES = (
    "surveys.stats",
    "surveys.web.selectors",
    "surveys.opendata",
    "surveys.editorial.synthetic",
    "surveys.models",
    "surveys.caching",
)


@functools.cache
def code_version() -> str:
    """A hash of the source of every module whose results are cached."""
    digest = hashlib.sha256()
    for name in CODE_MODULES:
        module = importlib.import_module(name)
        # A package counts with every module in it, not only its __init__.
        paths = (
            sorted(Path(module.__path__[0]).rglob("*.py"))
            if hasattr(module, "__path__")
            else [Path(module.__file__)]
        )
        for path in paths:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _key(name: str, parts: tuple) -> str:
    database = connection.settings_dict.get("NAME", "")
    raw = repr((str(database), name, parts)).encode()
    digest = hashlib.sha256(raw).hexdigest()[:32]
    return f"obscc:stats:{code_version()}:{current_version()}:{digest}"


_bypass: contextvars.ContextVar[bool] = contextvars.ContextVar("obscc_no_cache", default=False)


@contextlib.contextmanager
def uncached():
    """Compute everything afresh and store nothing: for a preview that is rolled back, whose
    data version would otherwise be reused by the next real change with the preview's
    results in the cache."""
    token = _bypass.set(True)
    try:
        yield
    finally:
        _bypass.reset(token)
        if _request_version.get() is not None:
            _request_version.set(0)  # read the version again after the rollback


def cached(name: str, parts: tuple, compute: Callable[[], T], *, per_request: bool = False) -> T:
    """``compute()``'s result, kept in the cache with the data and code versions. With
    ``per_request``, a request reads it from the cache once and hands every caller the same
    object (for read-only values that many parts of a page ask for)."""
    if not settings.STATS_CACHE or _bypass.get():
        return compute()
    key = _key(name, parts)
    memo = _request_memo.get() if per_request else None
    if memo is not None and key in memo:
        return memo[key]
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    if memo is not None:
        memo[key] = value
    return value


class RequestVersionMiddleware:
    """Read the data version at most once per request (and what is cached per request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token, changed = _request_version.set(0), _request_changed.set(None)
        memo = _request_memo.set({})
        try:
            return self.get_response(request)
        finally:
            _request_version.reset(token)
            _request_changed.reset(changed)
            _request_memo.reset(memo)


def _on_change(sender, **kwargs) -> None:
    # A draft correction is not data anyone sees: saving or discarding it changes nothing.
    if sender in _watched() and getattr(kwargs.get("instance"), "status", None) != "draft":
        bump_version()


def _on_m2m(sender, action, **kwargs) -> None:
    """``sender`` is the through model: only survey data's (answer vendors) counts."""
    if action.startswith("post_") and sender in _watched():
        bump_version()


_WATCHED: set = set()


def _watched() -> set:
    if not _WATCHED:
        from django.apps import apps

        from surveys.models import (
            COLLECTION_MODELS,
            SUMMARY_MODELS,
            ChangeDraft,
            DataVersion,
            ImportDraft,
            KeyFindingDraft,
            ReferenceLoad,
            ReferenceRecord,
            WithdrawalDraft,
        )

        # not shown anywhere (a draft is the editors' until it is published)
        bookkeeping = {
            *SUMMARY_MODELS,  # derived from the data, rebuilt with it
            *COLLECTION_MODELS,  # a round being collected: public only once published
            DataVersion,
            ReferenceLoad,
            ReferenceRecord,
            ImportDraft,
            KeyFindingDraft,
            WithdrawalDraft,
            ChangeDraft,
        }
        _WATCHED.update(
            m
            for m in apps.get_app_config("surveys").get_models()
            if m not in bookkeeping and not m.__name__.startswith("Historical")
        )
    return _WATCHED


def is_public_model(model) -> bool:
    """Whether a change to this model's rows changes what the public sees."""
    return model in _watched()


def connect_signals() -> None:
    post_save.connect(_on_change, dispatch_uid="obscc-data-changed-save")
    post_delete.connect(_on_change, dispatch_uid="obscc-data-changed-delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="obscc-data-changed-m2m")
