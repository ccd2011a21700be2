"""The tile map on each page: which measure it shows, and for which bodies."""

from __future__ import annotations

from django.urls import reverse

from surveys.models import Body, SurveyRound, SystemType, Vendor
from surveys.templatetags.links import page_url
from surveys.web import map_measures
from surveys.web.filters import BodyFilter
from surveys.web.hexmap import HexMap, Measure, hex_map
from surveys.web.selectors.rounds import all_rounds
from surveys.web.selectors.tiles import map_rows

MEASURES = {
    "response": "Response to the round",
    "concern": "Uses a vendor named as of concern (derived)",
    "operates": "Operates the system type filtered",
    "vendor": "Records the vendor filtered",
    "intent": "Intends to use live facial recognition",
}


def _url(body: Body) -> str:
    return page_url("surveys:body", body.slug)


def bodies_map(
    measure_param: str | None, body_filter: BodyFilter, survey_round: SurveyRound
) -> tuple[HexMap, list[tuple[str, str]], str | None]:
    """The bodies page's map, following every filter in the URL: the measure asked for
    (``?map=``) where the filters allow it, else the one they suggest; bodies the filters
    leave out are drawn as outside the view. Also the measures on offer, and a note when the
    one asked for could not be shown."""
    body_filter.is_valid()
    system_type = body_filter.form.cleaned_data.get("system_type")
    vendor = body_filter.form.cleaned_data.get("vendor")
    offered = {
        "response": map_measures.response(survey_round.year),
        "concern": map_measures.concern(system_type),
        "intent": map_measures.live_facial_recognition_intent(),
    }
    if system_type is not None:
        offered["operates"] = map_measures.operates(system_type)
    if vendor is not None:
        offered["vendor"] = map_measures.vendor(vendor)
    default = "vendor" if vendor else "operates" if system_type else "concern"
    note = None
    if measure_param and measure_param not in offered:
        note = (
            f"The map cannot show “{measure_param[:40]}” with these filters, so it shows "
            f"{offered[default].caption.lower()}."
        )
    measure: Measure = offered.get(measure_param or default) or offered[default]
    rows = map_rows(
        survey_round,
        system_type=system_type,
        vendor=vendor,
        intent=(measure_param or default) == "intent",
    )
    # Which of the bodies drawn the filters keep: asked of those few, not of every body.
    drawn = [row.pk for row in rows]
    in_view = set(body_filter.qs.filter(pk__in=drawn).values_list("pk", flat=True))
    choices = [(key, MEASURES[key]) for key in offered]
    return hex_map(rows, measure, url=_url, in_view=in_view), choices, note


def round_map(survey_round: SurveyRound, *, marked: Body | None = None) -> HexMap:
    """Who responded to ``survey_round``; ``marked``'s own tile stands out."""
    return hex_map(
        map_rows(survey_round, concern=False),
        map_measures.response(survey_round.year),
        url=_url,
        table_url=f"{reverse('surveys:bodies')}?round={survey_round.year}&map=response#map",
        marked=marked.pk if marked else None,
    )


def system_type_map(survey_round: SurveyRound, system_type: SystemType) -> HexMap:
    """Which bodies' answers say they operate ``system_type`` in ``survey_round``."""
    return hex_map(
        map_rows(survey_round, system_type=system_type, concern=False),
        map_measures.operates(system_type),
        url=_url,
        table_url=f"{reverse('surveys:bodies')}?round={survey_round.year}"
        f"&map=operates&system_type={system_type.slug}#map",
    )


def vendor_map(survey_round: SurveyRound, vendor: Vendor) -> HexMap:
    """Which bodies' answers in ``survey_round`` name ``vendor``."""
    return hex_map(
        map_rows(survey_round, vendor=vendor, concern=False),
        map_measures.vendor(vendor),
        url=_url,
        table_url=f"{reverse('surveys:bodies')}?round={survey_round.year}"
        f"&map=vendor&vendor={vendor.slug}#map",
    )


def latest_round_with_returns(
    system_type: SystemType | None = None, *, rounds: list[SurveyRound] | None = None
) -> SurveyRound | None:
    """The latest round with per-body returns (that asked about ``system_type``, if given):
    before it, which bodies were asked is not known, so there is nothing to map. ``rounds``:
    ``all_rounds()`` where the page has read it already."""
    rounds = [r for r in (all_rounds() if rounds is None else rounds) if r.has_returns]
    if system_type is not None:
        rounds = [r for r in rounds if r.covers(system_type)]
    return rounds[-1] if rounds else None
