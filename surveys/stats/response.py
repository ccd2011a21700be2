"""Response per round: bodies invited, returns received, the computed and published rate."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models.functions import Coalesce

from surveys.caching import cached
from surveys.models import PublishedFinding, Return, SurveyRound
from surveys.stats.figures import percent
from surveys.stats.summaries import ensure_current

RESPONDED = Return.Status.RESPONDED
Metric = PublishedFinding.Metric


@dataclass(frozen=True)
class RoundResponse:
    year: int
    invited: int | None
    responded: int | None
    published_rate: Decimal | None
    published_invited: int | None = None  # round-level counts, where a publication gives them
    published_responded: int | None = None

    @property
    def has_per_body_returns(self) -> bool:
        return self.invited is not None

    @property
    def published_counts_rate(self) -> int | None:
        """The rate the published counts give (36 of 47 -> 77), to check the published rate."""
        if not self.published_invited or self.published_responded is None:
            return None
        return percent(self.published_responded, self.published_invited)

    @property
    def published_rate_fits(self) -> bool | None:
        """Does the published rate equal the rounded ratio of the published counts?"""
        if self.published_rate is None or self.published_counts_rate is None:
            return None
        return self.published_rate == self.published_counts_rate

    @property
    def rate(self) -> int | None:
        if not self.invited or self.responded is None:
            return None
        return percent(self.responded, self.invited)


def response_by_round() -> list[RoundResponse]:
    """Per round: bodies invited, returns received and the rate (two queries for all rounds).

    A round without per-body returns (2017, 2019) has no counts, only its published rate.
    """
    return cached("response_by_round", (), _response_by_round)


def _response_by_round() -> list[RoundResponse]:
    ensure_current()
    rounds = SurveyRound.objects.annotate(
        n_invited=Coalesce("summary__invited", 0), n_responded=Coalesce("summary__responded", 0)
    ).order_by("year")
    published: dict[tuple[int, str], Decimal] = {}
    for year, metric, value in (
        PublishedFinding.objects.filter(
            metric__in=[Metric.RESPONSE_RATE, Metric.INVITED, Metric.RESPONDED]
        )
        .order_by("publication__published_on", "pk")
        .values_list("survey_round__year", "metric", "value")
    ):
        published.setdefault((year, metric), value)

    def count(year: int, metric: str) -> int | None:
        value = published.get((year, metric))
        return None if value is None else int(value)

    return [
        RoundResponse(
            year=r.year,
            invited=r.n_invited or None,
            responded=r.n_responded if r.n_invited else None,
            published_rate=published.get((r.year, Metric.RESPONSE_RATE)),
            published_invited=count(r.year, Metric.INVITED),
            published_responded=count(r.year, Metric.RESPONDED),
        )
        for r in rounds
    ]
