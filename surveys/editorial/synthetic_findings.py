"""The synthetic generator's published findings: a few per round, labelled synthetic as the
rest of its data (they cite the publication ``SYNTHETIC`` and say so in their words), so that
the pages about findings run on synthetic data as they do on the real data."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from surveys.models import Publication, PublishedFinding, SurveyRound, Vendor

FINDINGS_TYPE = "drones"  # the system type the synthetic findings speak of
Metric = PublishedFinding.Metric


@dataclass
class Tally:
    """What one synthetic round's findings state, counted as its rows are made."""

    invited: int = 0
    responded: int = 0
    operators: int = 0  # responding bodies operating drones
    concern_users: int = 0  # of which naming a vendor of concern (as equipment maker)
    vendors: Counter = field(default_factory=Counter)  # responding bodies naming each vendor

    def count_drones(self, vendors: list[int], of_concern: set[int]) -> None:
        """A responding body operating drones, naming these vendors (distinct)."""
        self.operators += 1
        self.concern_users += any(v in of_concern for v in vendors)
        self.vendors.update(vendors)


def make_findings(
    survey_rounds: list[SurveyRound],
    tallies: dict[int, Tally],
    source: Publication,
    system_type_id: int | None,
    round_level: frozenset[int] = frozenset(),
) -> int:
    """Published findings for these rounds, shaped as the real rounds' are: each round's
    response (bodies invited, returns received, the rate); after the database's first round
    (2017's published its response rate alone), the bodies operating drones; in its latest
    round (the one the pages show first), also those using equipment of concern for drones
    and the vendor most named for drones (the real data name a vendor in one round only).
    A round known by its findings alone (ids in ``round_level``, no per-body returns) states
    its response rate alone, without the counts behind it, as 2017's and 2019's do. Each
    states what was generated, so it agrees with its computed counterpart. Returns how many
    were made."""
    named = sum((t.vendors for t in tallies.values()), Counter())
    slugs = dict(Vendor.objects.filter(pk__in=list(named)).values_list("pk", "slug"))
    vendor = min(named, key=lambda v: (-named[v], slugs[v])) if named else None
    years = list(SurveyRound.objects.order_by("year").values_list("year", flat=True))
    rows = []
    for survey_round in survey_rounds:
        tally = tallies[survey_round.pk]
        if not tally.invited:
            continue
        if survey_round.pk in round_level:
            rows.append(_rate(survey_round, tally, counts_stated=False))
            continue
        rows += _response(survey_round, tally)
        if survey_round.year == years[0] or system_type_id is None:
            continue
        latest = survey_round.year == years[-1]
        rows += _of_drones(
            survey_round, tally, system_type_id, latest and vendor, slugs.get(vendor)
        )
    for row in rows:
        row.publication = source
        row.wording = f"Synthetic finding (test data, not real): {row.wording}."
        row.wording_is_verbatim = False  # no source's words: a summary of generated data
    PublishedFinding.objects.bulk_create(rows)
    return len(rows)


def _key(survey_round: SurveyRound, *parts) -> str:
    return "-".join(str(part) for part in ("synthetic", survey_round.year, *parts))


def _response(survey_round: SurveyRound, tally: Tally) -> list[PublishedFinding]:
    """The bodies invited, the returns received and the rate, with the counts behind it."""
    return [
        PublishedFinding(
            key=_key(survey_round, "invited"),
            survey_round=survey_round,
            metric=Metric.INVITED,
            value=tally.invited,
            wording=f"{tally.invited} bodies invited",
        ),
        PublishedFinding(
            key=_key(survey_round, "responded"),
            survey_round=survey_round,
            metric=Metric.RESPONDED,
            value=tally.responded,
            denominator=tally.invited,
            wording=f"{tally.responded} returns received",
        ),
        _rate(survey_round, tally, counts_stated=True),
    ]


def _rate(survey_round: SurveyRound, tally: Tally, *, counts_stated: bool) -> PublishedFinding:
    """The response rate; where the counts behind it are not stated (as 2017's), none."""
    rate = (Decimal(100) * tally.responded / tally.invited).quantize(Decimal("0.01"))
    return PublishedFinding(
        key=_key(survey_round, "response-rate"),
        survey_round=survey_round,
        metric=Metric.RESPONSE_RATE,
        value=rate,
        unit=PublishedFinding.Unit.PERCENT,
        numerator=tally.responded if counts_stated else None,
        denominator=tally.invited if counts_stated else None,
        wording=f"{rate}% of bodies responded",
    )


def _of_drones(
    survey_round: SurveyRound,
    tally: Tally,
    system_type_id: int,
    vendor: int | None,
    vendor_slug: str | None,
) -> list[PublishedFinding]:
    rows = [
        PublishedFinding(
            key=_key(survey_round, "operators", FINDINGS_TYPE),
            survey_round=survey_round,
            metric=Metric.OPERATORS,
            system_type_id=system_type_id,
            value=tally.operators,
            wording=f"{tally.operators} bodies operate drones",
        )
    ]
    if vendor:  # the latest round
        rows.append(
            PublishedFinding(
                key=_key(survey_round, "concern-users", FINDINGS_TYPE),
                survey_round=survey_round,
                metric=Metric.CONCERN_USERS,
                system_type_id=system_type_id,
                value=tally.concern_users,
                wording=f"{tally.concern_users} bodies use drones from a vendor of concern",
            )
        )
        users = tally.vendors[vendor]
        rows.append(
            PublishedFinding(
                key=_key(survey_round, "vendor-users", FINDINGS_TYPE, vendor_slug),
                survey_round=survey_round,
                metric=Metric.VENDOR_USERS,
                system_type_id=system_type_id,
                vendor_id=vendor,
                value=users,
                wording=f"{users} bodies use {vendor_slug}'s drones",
            )
        )
    return rows
