from django import template

from surveys.stats import FIGURES, Agreement, Figure, FigureDescription
from surveys.stats import figure_description as _figure_description
from surveys.values import correction_change_text

register = template.Library()

STATUS_CLASSES = {
    Agreement.AGREES: "tag--green",
    Agreement.CONSISTENT: "tag--grey",
    Agreement.SAME_PUBLICATION: "tag--grey",
    Agreement.DISAGREES: "tag--red",
    Agreement.NO_DATA: "tag--grey",
    Agreement.PARTIAL: "tag--yellow",
    Agreement.ARITHMETIC: "tag--orange",
    Agreement.DERIVED_DENOMINATOR: "tag--yellow",
}


@register.filter
def correction_change(correction) -> str:
    """ "at least 11 → at least 12": the new value with the qualifier that applies to it."""
    return correction_change_text(correction)


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "tag--grey")


NO_PER_BODY_DATA = "no per-body data"


@register.filter
def figure(value: Figure | None) -> str:
    """A computed figure as "N of C" (C: the answers it rests on), a share with its percentage
    ("N of C, P%"; a share out of something else also says its coverage), or the one empty
    value."""
    if value is None or value.value is None:
        return NO_PER_BODY_DATA
    text = f"{value.value} of {value.out_of}"
    if value.percentage is not None:
        text += f", {value.percentage}%"
    if value.denominator is not None:
        text += f" (coverage {value.coverage})"
    return text


@register.simple_tag
def figure_with_rows(
    description: FigureDescription, value: Figure | None, survey_round, system_type
) -> str:
    """``figure``, with the count and its coverage each a link to the bodies behind it
    (``/forces/?figure=NAME.TYPE.counted`` or ``.coverage``): the rows it counts, exactly."""
    from urllib.parse import urlencode

    from django.utils.html import format_html

    from surveys.stats import COUNTED, COVERAGE
    from surveys.templatetags.links import page_url

    if value is None or value.value is None:
        return NO_PER_BODY_DATA

    def link(number: int, part: str, words: str):
        query = urlencode(
            {"round": survey_round.year, "figure": f"{description.name}.{system_type.slug}.{part}"}
        )
        return format_html(
            '<a href="{}?{}" aria-label="{} {}">{}</a>',
            page_url("surveys:bodies"),
            query,
            number,
            words,
            number,
        )

    counted = link(value.value, COUNTED, "bodies counted: list them")
    coverage = link(value.coverage, COVERAGE, "answers it rests on: list them")
    if value.denominator is None:
        text = format_html("{} of {}", counted, coverage)
    else:
        text = format_html("{} of {}", counted, value.denominator)
    if value.percentage is not None:
        text = format_html("{}, {}%", text, value.percentage)
    if value.denominator is not None:
        text = format_html("{} (coverage {})", text, coverage)
    return text


@register.filter
def computed(view) -> str:
    """A finding's computed counterpart (a FindingView) the same way: "N of C" or the one empty
    value; a percentage keeps its sign."""
    if view.computed is None:
        return NO_PER_BODY_DATA
    unit = "%" if view.finding.unit == "percent" else ""
    return f"{view.computed}{unit} of {view.coverage}"


@register.simple_tag
def figure_descriptions():
    """Every figure computed per round and system type (surveys.stats.FIGURES)."""
    return FIGURES


@register.simple_tag
def figure_description(name: str) -> FigureDescription:
    """One figure of surveys.stats.FIGURES, by name: its label and definition."""
    return _figure_description(name)


@register.filter
def known(value, labels: str = "Yes,No,Not known") -> str:
    """Render a nullable boolean: None is 'not known', never 'no'."""
    yes, no, unknown = labels.split(",")
    if value is None:
        return unknown
    return yes if value else no


@register.simple_tag
def field_source(answer, name: str) -> str:
    """A link to the publication that states one field of an answer, or nothing where the
    field is not stated (so a reader sees which source says what)."""
    source = answer.stated_source(name)
    return "" if source is None else source_link(source)


def source_link(source) -> str:
    """The link ``field_source`` puts after a value: the publication's code."""
    from django.utils.html import format_html

    return format_html(
        ' <a class="field-source" href="{}" title="{}">{}</a>',
        source.url,
        source.title,
        source.code,
    )
