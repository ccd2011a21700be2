from django import template

from surveys.stats import Agreement

register = template.Library()

STATUS_CLASSES = {
    Agreement.AGREES: "tag--green",
    Agreement.DISAGREES: "tag--red",
    Agreement.NO_DATA: "tag--grey",
    Agreement.PARTIAL: "tag--yellow",
    Agreement.ARITHMETIC: "tag--orange",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "tag--grey")


@register.filter
def known(value, labels: str = "Yes,No,Not known") -> str:
    """Render a nullable boolean: None is 'not known', never 'no'."""
    yes, no, unknown = labels.split(",")
    if value is None:
        return unknown
    return yes if value else no
