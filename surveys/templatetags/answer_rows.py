"""The rows of the answers tables on a body's page and a system type's page, written in Python.

A row shows a dozen values, each with the publication that states it; through the template
language (a tag or filter per value, a reversed URL per link) a table of a hundred answers
took most of its page's time. These tags write the same HTML, character for character
(tests/test_answer_rows.py renders the template they replace beside them): every value is
escaped as the template escaped it, and each link (a page's address, a publication's) is
written once per table.
"""

from __future__ import annotations

from functools import cache

from django import template
from django.utils.safestring import SafeString, mark_safe

from surveys.models import Answer
from surveys.templatetags.links import escape, page_url
from surveys.templatetags.survey_tags import known, source_link

register = template.Library()

FACIAL_RECOGNITION = "facial-recognition"
NOT_STATED = "Not stated"


class _Links:
    """A table's links: pages' addresses (reversed once per process), and publications'
    links, each written once per table."""

    def __init__(self) -> None:
        self.urls: dict[tuple[str, str], str] = {}
        self.sources: dict[int, str] = {}

    def url(self, viewname: str, slug: str) -> str:
        key = (viewname, slug)
        if key not in self.urls:
            self.urls[key] = escape(page_url(viewname, slug))
        return self.urls[key]

    def stated(self, answer, name: str, value: str) -> str:
        """A cell: the value (escaped) and the link to the publication that states it."""
        source = answer.stated_source(name)
        if source is None:
            return f"<td>{value}</td>"
        if source.pk not in self.sources:
            self.sources[source.pk] = source_link(source)
        return f"<td>{value}{self.sources[source.pk]}</td>"


@cache
def _intent_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Answer._meta.get_field("intent").flatchoices}


def _kinds(answer) -> str:
    """``{{ a.kind_labels|join:"; "|default:"Not stated" }}``"""
    return "; ".join(escape(label) for label in answer.kind_labels) or NOT_STATED


def _vendors(answer, links: _Links, *, linked: bool) -> str:
    """Each vendor named (a link to its page where ``linked``) with its role, or "None
    stated"."""
    names = [
        (
            f'<a href="{links.url("surveys:vendor", link.vendor.slug)}">'
            f"{escape(link.vendor.name)}</a>"
            if linked
            else escape(link.vendor.name)
        )
        + escape(link.role_suffix)
        for link in answer.vendors_named
    ]
    return ", ".join(names) or "None stated"


def _cells(answer, links: _Links, *, facial_recognition: bool, linked: bool) -> dict[str, str]:
    """The cells both tables show (the kinds' only where the system type has kinds)."""
    # ``get_intent_display()``, from the choices read once
    intent = escape(_intent_labels().get(answer.intent, answer.intent))
    if answer.intent and facial_recognition:
        intent += " (live facial recognition)"
    units = NOT_STATED if answer.unit_count is None else escape(answer.unit_count)
    says = escape(known(answer.says_vendor_of_concern, "Yes,No,Not stated"))
    return {
        "operates": links.stated(answer, "operates", escape(known(answer.operates))),
        "kinds": links.stated(answer, "kinds", _kinds(answer)) if facial_recognition else "",
        "units": links.stated(answer, "unit_count", units),
        "vendors": links.stated(answer, "vendors", _vendors(answer, links, linked=linked)),
        "says": links.stated(answer, "says_vendor_of_concern", says),
        "aware": links.stated(answer, "aware_of_concerns", escape(known(answer.aware_of_concerns))),
        "intent": links.stated(answer, "intent", intent),
    }


def _row(test_id: str, cells: list[str]) -> str:
    return f'<tr data-testid="answer-{escape(test_id)}">\n    ' + "\n    ".join(cells) + "\n  </tr>"


@register.simple_tag
def body_answer_rows(answers, predecessors) -> SafeString:
    """The rows of a body's answers, by round and system type; the body's name on each where
    its page includes the records of the bodies it succeeded."""
    links, rows = _Links(), []
    for a in answers:
        system_type = a.system_type
        facial = system_type.slug == FACIAL_RECOGNITION
        cell = _cells(a, links, facial_recognition=facial, linked=True)
        says = cell["says"].replace("<td>", '<td data-testid="says-concern">', 1)
        name = f"<td>{escape(a.survey_return.body.short_name)}</td>" if predecessors else ""
        type_url = links.url("surveys:system_type", system_type.slug)
        cells = [
            f'<th scope="row">{escape(a.survey_return.survey_round.year)}</th>',
            name,
            f'<td><a href="{type_url}">{escape(system_type.name)}</a></td>',
            cell["operates"],
            cell["kinds"] if facial else '<td><span class="hint">Not applicable</span></td>',
            cell["units"],
            cell["vendors"],
            says,
            cell["aware"],
            cell["intent"],
            f"<td>{escape(a.notes)}</td>",
        ]
        rows.append(_row(system_type.slug, cells))
    return mark_safe("".join(rows))  # noqa: S308 - every value in it is escaped above


@register.simple_tag
def system_type_answer_rows(answers, system_type) -> SafeString:
    """The rows of a system type's answers in a round, by body (vendors named without links,
    kinds only for facial recognition)."""
    links, rows = _Links(), []
    facial = system_type.slug == FACIAL_RECOGNITION
    for a in answers:
        body = a.survey_return.body
        cell = _cells(a, links, facial_recognition=facial, linked=False)
        cells = [
            f'<th scope="row"><a href="{links.url("surveys:body", body.slug)}">'
            f"{escape(body.name)}</a></th>",
            f"<td>{escape(a.survey_return.survey_round.year)}</td>",
            cell["operates"],
            cell["kinds"],
            cell["units"],
            cell["vendors"],
            cell["says"],
            cell["aware"],
            cell["intent"],
        ]
        rows.append(_row(body.slug, cells))
    return mark_safe("".join(rows))  # noqa: S308 - every value in it is escaped above
