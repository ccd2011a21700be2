"""The rows of a system type page's two long tables, written in Python: its figures by round
(a figure per cell, each linked to the bodies behind it) and its vendors by round (a vendor a
row, every round's: sixty rows at 10,000 x 10). Through the template language these took more
of the page's time than everything else in it. The HTML is the template's, character for
character (tests/test_system_type_rows.py renders the template they replace beside them).
"""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from surveys.templatetags.links import escape, page_url
from surveys.templatetags.survey_tags import figure_with_rows

register = template.Library()


@register.simple_tag
def round_figure_rows(per_round, system_type) -> SafeString:
    """A row per round: its year, its answers and each figure of FIGURES with its links."""
    rows = []
    for survey_round, stats in per_round:
        cells = "".join(
            f"<td>{conditional_escape(figure_with_rows(d, value, survey_round, system_type))}</td>"
            for d, value in stats.described
        )
        rows.append(
            f'<tr>\n    <th scope="row">{escape(survey_round.year)}</th>\n'
            f'    <td class="num">{escape(stats.answered)}</td>\n    {cells}\n  </tr>'
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value in it is escaped above


def breakdown_row(year, viewname: str, slug: str, name: str, count) -> str:
    """A row of a vendors breakdown (a system type's page: the vendor linked; a vendor's: the
    system type): the round, the page linked, the role, the responding bodies and whether the
    vendor was of concern that round. ``count``: a ``stats.VendorCount``."""
    return (
        f'<tr><th scope="row">{escape(year)}</th>'
        f'<td><a href="{escape(page_url(viewname, slug))}">'
        f"{escape(name)}</a></td><td>{escape(count.role_label)}</td>"
        f'<td class="num">{escape(count.bodies)}</td>'
        f"<td>{'Yes' if count.of_concern else 'No'}</td></tr>"
    )


@register.simple_tag
def vendor_rows(breakdown) -> SafeString:
    """A row per round, vendor and role: the bodies naming it, and whether it is of concern."""
    rows = [
        breakdown_row(year, "surveys:vendor", v.vendor_slug, v.vendor_name, v)
        for year, v in breakdown
    ]
    return mark_safe("".join(rows))  # noqa: S308 - every value in it is escaped
