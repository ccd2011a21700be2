"""Whether a published figure agrees with the computed one, under docs/METRICS.md's rule, and
what each outcome's label means for a reader."""

from __future__ import annotations

from decimal import Decimal

from surveys.models import PublishedFinding
from surveys.stats.figures import percent


class Agreement:
    AGREES = "agrees"
    DISAGREES = "disagrees"
    NO_DATA = "no_data"
    PARTIAL = "partial"
    ARITHMETIC = "arithmetic"

    LABELS = {
        AGREES: "Matches the per-body data",
        DISAGREES: "Differs from the per-body data",
        NO_DATA: "No per-body data",
        PARTIAL: "Per-body data incomplete",
        ARITHMETIC: "Published arithmetic does not hold",
    }
    # The denominator is the dashboard's own derivation: the mismatch says nothing about the
    # publication, only that its percentage does not fit what the dashboard derived.
    DERIVED_DENOMINATOR_LABEL = "Percentage does not fit the derived denominator"

    # For readers: what each label means, shown where the label is and on /about/.
    MEANINGS = {
        AGREES: "The figure the publication gave is the same as the count the dashboard makes "
        'from the bodies\' own answers recorded here (for "at least N": the count is N or more).',
        DISAGREES: "The publication's figure and the count from the bodies' answers recorded here "
        "are not the same. It does not say which is right: a publication may count differently, "
        "or later returns may have arrived.",
        NO_DATA: "No body's own answer on this is recorded here, so there is nothing to compare "
        "the published figure with. It is not zero: it is not known.",
        PARTIAL: "Answers are recorded for only some bodies, so the count from them is lower than "
        "the published figure, as expected. It is not a disagreement.",
        ARITHMETIC: "The publication's percentage is not the rounded ratio of its own two "
        "numbers (for example 39 of 47 is 83%, not 91%).",
        "derived_denominator": "The publication gave a count and a percentage but not what it "
        "was out of; the dashboard derived that number. The percentage does not fit the derived "
        "number: this says nothing about the publication being wrong.",
    }


def agreement(
    *,
    published: Decimal,
    qualifier: str,
    computed: int | None,
    is_percent: bool = False,
    complete: bool = True,
) -> str:
    """Compare a published figure with the computed one under docs/METRICS.md's rule.

    "at least N" agrees with any computed count >= N; an exact figure must be equal. Where
    per-body answers cover only some respondents (complete=False), a computed count below
    the published one is expected, so it is "partial", not a discrepancy.
    """
    if computed is None:
        return Agreement.NO_DATA
    if qualifier == PublishedFinding.Qualifier.AT_LEAST and not is_percent:
        agrees = computed >= published
    else:
        agrees = Decimal(computed) == published
    if agrees:
        return Agreement.AGREES
    if not complete and not is_percent and computed < published:
        return Agreement.PARTIAL
    return Agreement.DISAGREES


def arithmetic_holds(finding: PublishedFinding) -> bool | None:
    """Does a percentage equal the rounded ratio of its own numerator and denominator?"""
    if finding.unit == PublishedFinding.Unit.PERCENT:
        if finding.numerator is None or not finding.denominator:
            return None
        return finding.value == percent(finding.numerator, finding.denominator)
    if finding.published_percent is not None and finding.denominator:
        return finding.published_percent == percent(int(finding.value), finding.denominator)
    return None
