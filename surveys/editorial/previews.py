"""Previews of a draft: what publishing it would change, exactly as the public would see it.

The draft is applied inside a transaction that is always rolled back, with the statistics
cache bypassed, so nothing of the preview is ever public or cached. The public pages are
rendered by their own views; the preview shows their main content.

On SQLite that transaction runs on a private in-memory copy of the database: SQLite has one
write lock for the whole file, and a preview holding it while it renders made editors' saves
fail. PostgreSQL locks only the rows the draft changes, so there it runs on the database itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import RequestFactory
from django.urls import resolve
from django.utils.safestring import mark_safe

from surveys import stats
from surveys.caching import uncached
from surveys.models import Correction, PublishedFinding, SurveyRound
from surveys.templatetags.survey_tags import figure as figure_text

MAIN_START = '<main id="main" class="container" tabindex="-1">'


@dataclass(frozen=True)
class ValueChange:
    what: str
    before: str
    after: str


@dataclass(frozen=True)
class PreviewPage:
    url: str
    title: str


@dataclass(frozen=True)
class Preview:
    changes: list[ValueChange]
    pages: list[PreviewPage]
    selected: PreviewPage | None
    html: str  # the selected page's main content, as the public would see it


class _RollBack(Exception):
    pass


def shown_values(rounds: Iterable[SurveyRound]) -> dict[str, str]:
    """Every figure the public pages show for these rounds, by a reader's name for it."""
    rounds = list(rounds)
    values: dict[str, str] = {}
    responses = {r.year: r for r in stats.response_by_round()}
    for survey_round in rounds:
        response = responses.get(survey_round.year)
        if response is not None and response.has_per_body_returns:
            values[f"{survey_round.year}: returns on record"] = (
                f"{response.responded} of {response.invited}, {response.rate}%"
            )
    findings = stats.findings_for_display().filter(survey_round__in=rounds)
    for view in stats.finding_views(findings):
        f = view.finding
        name = f"{f.survey_round.year}, {f.publication.code}: {f.get_metric_display()}"
        if f.system_type:
            name += f", {f.system_type.name}"
        if f.vendor:
            name += f" ({f.vendor.name})"
        values[f"{name} ({f.key})"] = f"{view.current_display}; {view.status_label}" + (
            f"; per-body data {view.computed} of {view.coverage}"
            if view.computed is not None
            else ""
        )
    for (round_id, _), row in stats.system_type_stats_by_round(rounds).items():
        year = next(r.year for r in rounds if r.pk == round_id)
        for description, figure in row.described:
            values[f"{year}, {row.system_type.name}: {description.label}"] = figure_text(figure)
    return values


def render_main(url: str) -> str:
    """The main content of a public page, rendered by its own view for an anonymous reader."""
    path = url.split("?", 1)[0]
    request = RequestFactory().get(url)
    request.user = AnonymousUser()
    match = resolve(path)
    request.resolver_match = match
    response = match.func(request, *match.args, **match.kwargs)
    if hasattr(response, "render"):
        response.render()
    html = response.content.decode()
    if MAIN_START not in html:
        return ""
    return html.split(MAIN_START, 1)[1].rsplit("</main>", 1)[0]


def preview(
    apply: Callable[[], None],
    *,
    rounds: Iterable[SurveyRound],
    pages: list[PreviewPage],
    page: str = "",
    setup: Callable[[], Iterable[SurveyRound]] | None = None,
) -> Preview:
    """What ``apply`` would change, and the page ``page`` (a url of ``pages``) after it.

    ``setup``, where given, first writes what ``apply`` is compared against (a round not yet
    public, say) and returns the rounds to compare, in the same rolled-back transaction."""
    rounds = list(rounds)
    selected = next((p for p in pages if p.url == page), pages[0] if pages else None)
    html = ""
    with uncached(), _private_database():
        if setup is None:
            before = shown_values(rounds)
        try:
            with transaction.atomic():
                if setup is not None:
                    rounds = list(setup())
                    before = shown_values(rounds)
                apply()
                after = shown_values(rounds)
                if selected is not None:
                    html = render_main(selected.url)
                raise _RollBack
        except _RollBack:
            pass
    changes = [
        ValueChange(name, before.get(name, "not shown"), after.get(name, "not shown"))
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    ]
    return Preview(changes, pages, selected, mark_safe(html))  # noqa: S308 (our own views)


@contextlib.contextmanager
def _private_database() -> Iterator[None]:
    """On SQLite, send this thread's queries to a private in-memory copy of the database, so
    that the real file is only read, for as long as the copy takes."""
    real = connections[DEFAULT_DB_ALIAS]
    # Inside a caller's transaction the caller already holds the write lock (transactions
    # begin IMMEDIATE), and SQLite cannot copy a connection's uncommitted writes.
    if real.vendor != "sqlite" or real.in_atomic_block:
        yield
        return
    copy = real.copy()
    copy.settings_dict["NAME"] = ":memory:"
    copy.ensure_connection()
    try:
        real.ensure_connection()
        real.connection.backup(copy.connection)
        connections[DEFAULT_DB_ALIAS] = copy
        yield
    finally:
        connections[DEFAULT_DB_ALIAS] = real
        copy.connection.close()  # an in-memory database goes with its connection


def correction_pages(correction: Correction) -> list[PreviewPage]:
    """The public pages a correction changes."""
    pages: list[PreviewPage] = []
    if correction.finding_id:
        f: PublishedFinding = correction.finding
        year = f.survey_round.year
        pages.append(PreviewPage(f"/?round={year}", f"Overview, {year}"))
        if f.system_type_id:
            pages.append(PreviewPage(f"/systems/{f.system_type.slug}/", f.system_type.name))
        if f.vendor_id:
            pages.append(PreviewPage(f"/vendors/{f.vendor.slug}/", f.vendor.name))
        pages.append(PreviewPage(f"/findings/?round={year}", f"Published figures, {year}"))
        return pages
    survey_return = _survey_return(correction)
    year, body = survey_return.survey_round.year, survey_return.body
    pages.append(PreviewPage(f"/forces/{body.slug}/", body.name))
    if correction.answer_id:
        system_type = correction.answer.system_type
        pages.append(PreviewPage(f"/systems/{system_type.slug}/", system_type.name))
    pages.append(PreviewPage(f"/?round={year}", f"Overview, {year}"))
    pages.append(PreviewPage(f"/forces/?round={year}", f"Forces and other bodies, {year}"))
    return pages


def correction_rounds(correction: Correction) -> list[SurveyRound]:
    if correction.finding_id:
        return [correction.finding.survey_round]
    return [_survey_return(correction).survey_round]


def _survey_return(correction: Correction):
    """The return an answer or return correction concerns."""
    return correction.survey_return or correction.answer.survey_return
