"""A vendor page's two lists, written in Python: where it appears (a row per round, system type
and role: ninety rows at 10,000 x 10) and the newest answers naming it (fifty, each with its
body's link and its source's). Through the template language they took a fifth of the page's
time. The HTML is the template's, character for character (tests/test_vendor_rows.py renders
the template they replace, kept in tests/rows_before/, beside them).
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from surveys.templatetags.links import escape, page_url
from surveys.templatetags.system_type_rows import breakdown_row

register = template.Library()


@register.simple_tag
def vendor_type_rows(breakdown) -> SafeString:
    """A row per round, system type and role: the responding bodies naming the vendor, and
    whether it was of concern that round."""
    rows = [
        breakdown_row(year, "surveys:system_type", system_type.slug, system_type.name, v)
        for year, system_type, v in breakdown
    ]
    return mark_safe("".join(rows))  # noqa: S308 - every value in it is escaped


@register.simple_tag
def vendor_answer_items(links) -> SafeString:
    """An item per answer naming the vendor: its body (linked), round, system type and role,
    and the publication stating its vendors (else the answer's own)."""
    sources: dict[int, str] = {}
    items = []
    for link in links:
        answer = link.answer
        survey_return = answer.survey_return
        source = answer.vendors_source or answer.source
        if source.pk not in sources:
            sources[source.pk] = f'(<a href="{escape(source.url)}">{escape(source.code)}</a>)'
        items.append(
            f'<li><a href="{escape(page_url("surveys:body", survey_return.body.slug))}">'
            f"{escape(survey_return.body.name)}</a>, {escape(survey_return.survey_round.year)}, "
            f"{escape(answer.system_type.name)}{escape(link.role_suffix)} "
            f"{sources[source.pk]}</li>"
        )
    return mark_safe("".join(items))  # noqa: S308 - every value in it is escaped above
