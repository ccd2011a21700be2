"""The footer's licence line for the sources a page cites.

Every citation on a page shows its source's code (PR2023, EPOCH2022, ...), so the page's main
content says which sources it shows: ``{% sources_licensed %}`` renders what it wraps, finds
the codes cited before the ``{% page_licences %}`` marker (the footer) and puts there the
licence of each: Crown copyright under the Open Government Licence, or the holder's own
copyright, quoted for reporting. A page that cites no source gets no list, only the rule.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from surveys.models import licence_groups
from surveys.stats.publications import publications

register = template.Library()

MARKER = "<!-- page-licences -->"


def _joins_a_word(char: str) -> bool:
    r"""A character that a code cannot stand beside as a whole word (regular expressions'
    ``[\w-]``: a letter or digit of any script, ``_`` or ``-``)."""
    return char.isalnum() or char in "_-"


def codes_cited(html: str, codes) -> set[str]:
    r"""The codes that stand as whole words in ``html`` (PR2023 is not cited by PR2023-UPDATE),
    each found by plain substring search and its neighbours checked: a page of any size is
    read once per code, not tried at every position (``tests/test_dates_and_licences.py``
    holds it equal to the regular expression ``(?<![\w-])(code|...)(?![\w-])``)."""
    cited = set()
    for code in codes:
        if not code:
            continue
        start = html.find(code)
        while start != -1:
            end = start + len(code)
            before = html[start - 1] if start else ""
            after = html[end] if end < len(html) else ""
            if not (before and _joins_a_word(before)) and not (after and _joins_a_word(after)):
                cited.add(code)
                break
            start = html.find(code, start + 1)
    return cited


def licence_of_cell(text: str) -> str:
    """The licence statement of each source a download's cell cites ("PR2023: © Crown
    copyright, ..."), or empty where it cites none (a figure the dashboard derived)."""
    by_code = publications()  # cached per data version, shared with the sources
    return "; ".join(
        f"{code}: {by_code[code].licence_display}" for code in sorted(codes_cited(text, by_code))
    )


def licences_cited(text: str) -> list[tuple[str, list[str]]]:
    """The licence statements of the sources ``text`` cites, each with the codes it covers
    (Open Government Licence first), as the footer groups them."""
    by_code = publications()
    return licence_groups(by_code[code] for code in codes_cited(text, by_code))


def page_licences_html(html: str) -> SafeString:
    by_code = publications()
    cited = codes_cited(html, by_code)
    if not cited:
        return mark_safe("")
    about = reverse("surveys:about")
    groups = licence_groups(by_code[code] for code in cited)
    items = format_html_join(
        "",
        "<li>{}: {}.</li>",
        (
            (
                statement,
                format_html_join(
                    ", ", '<a href="{}#source-{}">{}</a>', ((about, c, c) for c in codes)
                ),
            )
            for statement, codes in groups
        ),
    )
    return format_html(
        "<p>The sources cited on this page, and the licence of each:</p>"
        '<ul data-testid="page-licences">{}</ul>',
        items,
    )


class SourcesLicensedNode(template.Node):
    def __init__(self, nodelist) -> None:
        self.nodelist = nodelist

    def render(self, context) -> str:
        html = self.nodelist.render(context)
        shown, marker, rest = html.partition(MARKER)
        if not marker:
            return html
        return shown + page_licences_html(shown) + rest


@register.tag
def sources_licensed(parser, token):
    nodelist = parser.parse(("endsources_licensed",))
    parser.delete_first_token()
    return SourcesLicensedNode(nodelist)


@register.simple_tag
def page_licences() -> SafeString:
    return mark_safe(MARKER)
