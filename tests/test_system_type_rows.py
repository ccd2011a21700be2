"""A system type page's figures-by-round and vendors tables are written in Python
(surveys/templatetags/system_type_rows.py) for speed: they must be exactly the HTML the
template wrote (kept verbatim in tests/rows_before/), for every system type of the real data
and for a vendor whose name needs escaping."""

from pathlib import Path

import pytest
from django.template import Context, Template

from surveys.models import SystemType, Vendor
from surveys.stats import VendorCount
from surveys.web import selectors

BEFORE = Path(__file__).with_name("rows_before")
ROUND_FIGURES = (BEFORE / "round_figures.html").read_text(encoding="utf-8")
VENDORS = (BEFORE / "vendors.html").read_text(encoding="utf-8")


def _render(text: str, **context) -> str:
    return Template(text).render(Context(context))


@pytest.mark.django_db
def test_round_figure_and_vendor_rows_are_the_templates_html(real_data):
    shown = 0
    for slug in SystemType.objects.values_list("slug", flat=True):
        context = selectors.system_type_detail(slug)
        per_round, system_type = context["per_round"], context["system_type"]
        new = _render(
            "{% load system_type_rows %}{% round_figure_rows per_round system_type %}",
            per_round=per_round,
            system_type=system_type,
        )
        assert new == _render(ROUND_FIGURES, per_round=per_round, system_type=system_type)
        breakdown = context["breakdown"]
        new = _render("{% load system_type_rows %}{% vendor_rows breakdown %}", breakdown=breakdown)
        assert new == _render(VENDORS, breakdown=breakdown)
        shown += len(breakdown) + len(per_round)
    assert shown > 20


def test_a_vendor_name_is_escaped_as_the_template_escapes_it():
    vendor = Vendor(name="Smith & <Sons>", slug="smith-sons")
    breakdown = [
        (2023, VendorCount(1, 1, 7, vendor.name, vendor.slug, 3, True)),
        (2023, VendorCount(1, 1, 8, "Plain", "plain", 1, False, role="software")),
    ]
    new = _render("{% load system_type_rows %}{% vendor_rows breakdown %}", breakdown=breakdown)
    assert new == _render(VENDORS, breakdown=breakdown)
    assert "Smith &amp; &lt;Sons&gt;" in new and "<td>Yes</td>" in new and "<td>No</td>" in new
