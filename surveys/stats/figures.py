"""The figures computed per round and system type: FIGURES describes each once (name, label,
definition, what it counts and its coverage); a Figure is one computed value."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from surveys.models import SurveyRound, VendorConcern, counts_toward_concern


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


def concern_links(vendor_ids: set[int], prefix: str = "answer_vendors__") -> Q:
    """The rule for "uses a vendor named as of concern", on an answer's vendor links
    (``prefix`` leads from the rows filtered to them): a link to a vendor of concern in the
    answer's round (``concern_vendor_ids``). The figure, the summaries and the bodies table
    all apply it through here. Only a vendor named in a role that counts toward concern (an
    equipment maker, not a video management system's software) counts."""
    return counts_toward_concern(prefix) & Q(**{f"{prefix}vendor__in": vendor_ids})


def _concern_q(concern_ids: dict[int, set[int]], prefix: str = "") -> Q:
    """Rows naming, in a role that counts toward concern, a vendor that was of concern in
    their own round."""
    q = Q(pk__in=[])
    for round_id, vendor_ids in concern_ids.items():
        q |= Q(
            concern_links(vendor_ids, f"{prefix}answer_vendors__"),
            **{f"{prefix}survey_return__survey_round": round_id},
        )
    return q


# --- Per round and system type --------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A computed count and its coverage: how many responding bodies' answers it rests on.

    A share figure also carries its percentage, of its denominator: its coverage unless the
    figure is out of something else (``denominator``, then shown beside the coverage).
    """

    value: int | None
    coverage: int
    denominator: int | None = None  # only where a share is not out of its coverage
    percentage: int | None = None  # only for a share figure

    @classmethod
    def of(
        cls, value: int, coverage: int, *, denominator: int | None = None, share: bool = False
    ) -> Figure:
        if not coverage:
            return cls(None, coverage, denominator)
        out_of = coverage if denominator is None else denominator
        return cls(
            value, coverage, denominator, percent(value, out_of) if share and out_of else None
        )

    @property
    def out_of(self) -> int:
        """What the figure is "N of": its denominator where it has one, else its coverage."""
        return self.coverage if self.denominator is None else self.denominator


# The rule for a figure the dashboard derives rather than one the bodies state (docs/METRICS.md):
# its labels say "(derived)", and its definition and note say it is not the bodies' statement.
DERIVED = " (derived)"
NOT_THEIR_STATEMENT = "not a statement by the bodies"
# The publications' own metric: a label of the dashboard's never words a figure this way.
PUBLISHED_WORDING = "equipment of concern"

Condition = Callable[[dict[int, set[int]]], Q]  # answers, given the concern vendors per round


@dataclass(frozen=True)
class FigureDescription:
    """One figure computed per round and system type: the one place that names, labels,
    defines and counts it. Pages, the API, the downloads, /about/ and docs/METRICS.md loop over
    FIGURES: a new figure is one entry here."""

    name: str  # in the API and templates
    label: str  # a column heading or card label, for a reader
    definition: str  # on /about/, in the API and in docs/METRICS.md
    counts: Condition  # the answers it counts
    known: Condition  # the answers that say something about it: its coverage
    distinct: str = "pk"  # what is counted once
    body_label: str = ""  # the label said of one body (a column or filter of the bodies table)
    share: bool = False  # shown with its percentage: "N of C, P%"
    denominator: Condition | None = None  # what a share is out of, where not its coverage
    front_page: bool = False  # on the overview's card for each system type
    coverage_words: str = "answers that say"  # after "N of C" on the overview's card
    derived_from: str = ""  # what the dashboard derives it from; empty: the bodies state it

    def __post_init__(self):
        labels = [self.label, *([self.body_label] if self.body_label else [])]
        if any(PUBLISHED_WORDING in label.lower() for label in labels):
            raise ValueError(f"{self.name}: {PUBLISHED_WORDING!r} is the publications' wording.")
        if self.derived_from and not (
            all(label.endswith(DERIVED) for label in labels)
            and NOT_THEIR_STATEMENT in self.definition
        ):
            raise ValueError(
                f"{self.name} is derived: its labels end {DERIVED!r} and its definition says "
                f"{NOT_THEIR_STATEMENT!r}."
            )
        if self.denominator is not None and not self.share:
            raise ValueError(f"{self.name}: only a share figure is out of a denominator.")

    @property
    def kind(self) -> str:
        return "share of bodies, with its percentage" if self.share else "count of bodies"

    @property
    def note(self) -> str:
        """Said beside the figure on the overview: whose statement it is."""
        if not self.derived_from:
            return ""
        return f"Derived by the dashboard from {self.derived_from}, {NOT_THEIR_STATEMENT}."

    def annotations(self, concern_ids: dict[int, set[int]]) -> dict[str, Count]:
        """The counts this figure needs, to annotate one grouped query of answers with."""
        found = {
            self.name: Count(self.distinct, filter=self.counts(concern_ids), distinct=True),
            f"{self.name}_known": Count("pk", filter=self.known(concern_ids), distinct=True),
        }
        if self.denominator is not None:
            of = self.denominator(concern_ids)
            found[f"{self.name}_of"] = Count(self.distinct, filter=of, distinct=True)
        return found

    def figure(self, row: dict[str, int]) -> Figure:
        """The figure from one row annotated with ``annotations``."""
        denominator = row[f"{self.name}_of"] if self.denominator is not None else None
        return Figure.of(
            row[self.name], row[f"{self.name}_known"], denominator=denominator, share=self.share
        )


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
        "Distinct responding bodies with at least one vendor recorded for the system type as "
        "the equipment's maker that had a cited concern in force at the round's date, out of "
        "the answers that name the equipment's maker, say the body does not operate it, or say "
        "it uses no vendor of concern (a vendor named only for software, such as a video "
        "management system, settles nothing). Derived by the dashboard from the vendors named: "
        "not a statement by the bodies.",
        counts=lambda concerns: _concern_q(concerns),
        known=lambda concerns: (
            counts_toward_concern("answer_vendors__")
            | Q(operates=False)
            | Q(says_vendor_of_concern=False)
        ),
        distinct="survey_return__body",
        body_label="Uses a vendor named as of concern (derived)",
        front_page=True,
        coverage_words="answers that name who made the equipment or say none is of concern",
        derived_from="the vendors named",
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
