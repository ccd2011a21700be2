"""The figures computed per round and system type: FIGURES describes each once (name, label,
definition, what it counts and its coverage); a Figure is one computed value."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from surveys.models import SurveyRound, VendorConcern


def percent(numerator: int, denominator: int) -> int:
    """A whole percentage, rounded half up as publications do (39 of 47 -> 83)."""
    ratio = Decimal(numerator) * 100 / Decimal(denominator)
    return int(ratio.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- Vendors of concern ---------------------------------------------------------------------


def concern_vendor_ids(rounds: Iterable[SurveyRound]) -> dict[int, set[int]]:
    """Per round id, the vendors with at least one cited concern in force at its date."""
    concerns = list(
        VendorConcern.objects.values_list("vendor_id", "in_force_from", "in_force_until")
    )
    result = {}
    for survey_round in rounds:
        date = survey_round.reference_date
        result[survey_round.pk] = {
            vendor_id
            for vendor_id, start, end in concerns
            if (start is None or start <= date) and (end is None or end > date)
        }
    return result


def _concern_q(concern_ids: dict[int, set[int]], prefix: str = "") -> Q:
    """Rows whose vendor was of concern in their own round."""
    q = Q(pk__in=[])
    for round_id, vendor_ids in concern_ids.items():
        q |= Q(
            **{
                f"{prefix}survey_return__survey_round": round_id,
                f"{prefix}answer_vendors__vendor__in": vendor_ids,
            }
        )
    return q


# --- Per round and system type --------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A computed count and its coverage: how many responding bodies' answers it rests on."""

    value: int | None
    coverage: int

    @classmethod
    def of(cls, value: int, coverage: int) -> Figure:
        return cls(value if coverage else None, coverage)


@dataclass(frozen=True)
class FigureDescription:
    """One figure computed per round and system type: the one place that names, labels,
    defines and counts it. Pages, the API, the downloads and /about/ loop over FIGURES."""

    name: str  # in the API and templates
    label: str  # a column heading or card label, for a reader
    definition: str  # on /about/ and in the API
    counts: Callable[[dict[int, set[int]]], Q]  # the answers it counts (given concern vendors)
    known: Callable[[dict[int, set[int]]], Q]  # the answers that say something about it
    distinct: str = "pk"  # what is counted once
    kind: str = "count of bodies"
    body_label: str = ""  # the label said of one body (a column or filter of the bodies table)


FIGURES = (
    FigureDescription(
        "operators",
        "Operate it",
        "Responding bodies whose answer says they operate the system type, out of the answers "
        "that say whether they do.",
        counts=lambda concerns: Q(operates=True),
        known=lambda concerns: Q(operates__isnull=False),
    ),
    FigureDescription(
        "concern_users",
        "Use a vendor named as of concern (derived)",
        "Distinct responding bodies with at least one vendor recorded for the system type that "
        "had a cited concern in force at the round's date, out of the answers that list vendors, "
        "say the body does not operate it, or say it uses no vendor of concern. Derived by the "
        "dashboard from the vendors named: not a statement by the bodies.",
        counts=lambda concerns: _concern_q(concerns),
        known=lambda concerns: (
            Q(answer_vendors__isnull=False) | Q(operates=False) | Q(says_vendor_of_concern=False)
        ),
        distinct="survey_return__body",
        body_label="Uses a vendor named as of concern (derived)",
    ),
    FigureDescription(
        "aware",
        "Say they are aware of concerns",
        "Responding bodies saying they are aware of security or ethical concerns about the "
        "system type's equipment, out of the answers that say whether they are.",
        counts=lambda concerns: Q(aware_of_concerns=True),
        known=lambda concerns: Q(aware_of_concerns__isnull=False),
    ),
)


def figure_description(name: str) -> FigureDescription:
    """The one description of the figure called ``name``."""
    return next(d for d in FIGURES if d.name == name)


CONCERN_USERS = figure_description("concern_users")
