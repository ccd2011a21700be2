"""A vendor page's two lists are written in Python (surveys/templatetags/vendor_rows.py) for
speed: they must be exactly the HTML the template wrote (kept verbatim in tests/rows_before/),
for every vendor of the real data and for names that need escaping."""

from pathlib import Path

import pytest
from django.template import Context, Template

from surveys.models import (
    Answer,
    AnswerVendor,
    Body,
    Publication,
    Return,
    SurveyRound,
    SystemType,
    Vendor,
)
from surveys.stats import VendorCount
from surveys.values import VendorRole
from surveys.web import selectors

pytestmark = pytest.mark.django_db

BEFORE = Path(__file__).with_name("rows_before")
TYPES = (BEFORE / "vendor_types.html").read_text(encoding="utf-8")
ANSWERS = (BEFORE / "vendor_answers.html").read_text(encoding="utf-8")


def _render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def _both(context) -> tuple[tuple[str, str], tuple[str, str]]:
    breakdown, links = context["breakdown"], context["links"]
    return (
        (
            _render("{% load vendor_rows %}{% vendor_type_rows breakdown %}", breakdown=breakdown),
            _render(TYPES, breakdown=breakdown),
        ),
        (
            _render("{% load vendor_rows %}{% vendor_answer_items links %}", links=links),
            _render(ANSWERS, links=links),
        ),
    )


def test_every_real_vendors_lists_are_the_templates_html(real_data):
    shown = 0
    for slug in Vendor.objects.values_list("slug", flat=True):
        context = selectors.vendor_detail(slug)
        for new, old in _both(context):
            assert new == old, slug
        shown += len(context["breakdown"]) + len(context["links"])
    assert shown > 10  # every list of the real data's vendors, rows and answers


def test_names_and_roles_are_escaped_as_the_template_escapes_them():
    source = Publication.objects.create(code="T&1", title="A test", url="https://x.test/?a=1&b=2")
    other = Publication.objects.create(code="T2", title="Another", url="")
    survey_round = SurveyRound.objects.create(year=2030, source=source)
    system_type = SystemType.objects.create(slug="cctv", name="CCTV <external>", position=1)
    vendor = Vendor.objects.create(slug="smith-sons", name="Smith & <Sons>")
    body = Body.objects.create(
        name='O\'Brien "Police"', short_name="O'Brien", slug="obrien", source=source
    )
    survey_return = Return.objects.create(
        body=body, survey_round=survey_round, status="responded", source=source
    )
    answer = Answer.objects.create(
        survey_return=survey_return, system_type=system_type, operates=True, source=source
    )
    AnswerVendor.objects.create(answer=answer, vendor=vendor, role=VendorRole.SOFTWARE)
    answer.vendors_source = other
    answer.save()
    context = selectors.vendor_detail(vendor.slug)
    context["breakdown"].append(
        (2030, system_type, VendorCount(1, 1, 7, vendor.name, vendor.slug, 3, True))
    )
    (types, old_types), (answers, old_answers) = _both(context)
    assert types == old_types and answers == old_answers
    assert "CCTV &lt;external&gt;" in types and "<td>Yes</td>" in types
    assert "O&#x27;Brien &quot;Police&quot;" in answers and "(Software" in answers
    assert '(<a href="">T2</a>)' in answers  # the vendors' source, before the answer's
