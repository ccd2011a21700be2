"""The answers tables' rows are written in Python (surveys/templatetags/answer_rows.py) for
speed: they must be exactly the HTML the template wrote, for every answer of the real data and
for values that need escaping, a facial recognition answer's kinds and intent, a vendor's role
and a body page that includes a predecessor's records."""

from pathlib import Path

import pytest
from django.template import Context, Template

from surveys.models import Answer, AnswerKind, AnswerVendor, Body, SystemType, Vendor
from surveys.web import selectors

# The rows as the templates wrote them (templates/surveys/body.html, system_type.html), verbatim.
BEFORE = Path(__file__).with_name("rows_before")
BODY_ROWS = (BEFORE / "body.html").read_text(encoding="utf-8")
SYSTEM_TYPE_ROWS = (BEFORE / "system_type.html").read_text(encoding="utf-8")


def _render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def _assert_body_rows_as_the_template(answers) -> None:
    for predecessors in ([], ["a body it succeeded"]):
        new = _render(
            "{% load answer_rows %}{% body_answer_rows answers predecessors %}",
            answers=answers,
            predecessors=predecessors,
        )
        assert new == _render(BODY_ROWS, answers=answers, predecessors=predecessors)


def _assert_system_type_rows_as_the_template(answers, system_type) -> None:
    new = _render(
        "{% load answer_rows %}{% system_type_answer_rows answers system_type %}",
        answers=answers,
        system_type=system_type,
    )
    assert new == _render(SYSTEM_TYPE_ROWS, answers=answers, system_type=system_type)


def _awkward_answers() -> None:
    """Values that need escaping, every kind, a stated intent, a software vendor, no units."""
    facial = SystemType.objects.get(slug="facial-recognition")
    answer = Answer.objects.filter(system_type=facial).first()
    answer.notes = 'Says "live" <b>trials</b> & more'
    answer.intent = "intends"
    answer.unit_count = 0
    answer.save()
    odd = Vendor.objects.create(name="Smith & <Sons>", slug="smith-sons")
    AnswerVendor.objects.create(answer=answer, vendor=odd, role="software")
    for kind in ("live", "retrospective"):
        AnswerKind.objects.get_or_create(answer=answer, kind=kind)
    other = Answer.objects.exclude(system_type=facial).first()
    other.unit_count, other.notes = None, "It's <none>"
    other.save()


@pytest.mark.django_db
def test_body_answer_rows_are_the_templates_html(real_data):
    _awkward_answers()
    for slug in Body.objects.values_list("slug", flat=True):
        answers = selectors.body_detail(slug)["answers"]
        _assert_body_rows_as_the_template(answers)
    # and the awkward values are there, escaped
    html = _render(
        "{% load answer_rows %}{% body_answer_rows answers predecessors %}",
        answers=selectors.body_detail(
            Answer.objects.get(notes__contains="<b>").survey_return.body.slug
        )["answers"],
        predecessors=[],
    )
    assert "Smith &amp; &lt;Sons&gt;" in html and "&lt;b&gt;trials&lt;/b&gt;" in html


@pytest.mark.django_db
def test_system_type_answer_rows_are_the_templates_html(real_data):
    _awkward_answers()
    for slug in SystemType.objects.values_list("slug", flat=True):
        context = selectors.system_type_detail(slug)
        if context["answers"]:
            _assert_system_type_rows_as_the_template(context["answers"], context["system_type"])
