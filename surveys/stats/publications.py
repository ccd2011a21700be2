"""Every publication, read once per data version: what the pages cite as a source (an
answer's fields, a figure, a licence line). There are a few dozen, whatever the number of
bodies, so a page reads them all from the cache rather than joining them to its rows."""

from __future__ import annotations

from surveys.caching import cached
from surveys.models import Publication


def publications() -> dict[str, Publication]:
    """Every publication by its code, oldest first (cached with the data version, so a page
    pays one query for them, and none once cached; read once per request, however many of the
    page's parts cite a source). Read-only: every caller shares it."""
    return cached(
        "publications",
        (),
        lambda: {p.code: p for p in Publication.objects.all()},
        per_request=True,
    )


def publications_by_pk() -> dict[int, Publication]:
    return {p.pk: p for p in publications().values()}
