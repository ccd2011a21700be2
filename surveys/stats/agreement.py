"""Whether a published figure agrees with the computed one, under docs/METRICS.md's rule, and
what each outcome's label means for a reader. One vocabulary for the pages, the API and the
reconciliation desk: each status has one label and one meaning."""

from __future__ import annotations

from decimal import Decimal

from surveys.models import PublishedFinding
from surveys.stats.figures import percent


class Agreement:
    AGREES = "agrees"
    CONSISTENT = "consistent"
    SAME_PUBLICATION = "same_publication"
    DISAGREES = "disagrees"
    PARTIAL = "partial"
    NO_DATA = "no_data"
    ARITHMETIC = "arithmetic"
    DERIVED_DENOMINATOR = "derived_denominator"

    LABELS = {
        AGREES: "Matches the per-body data",
        CONSISTENT: "Consistent with the answers recorded",
        SAME_PUBLICATION: "From the same publication",
        DISAGREES: "Differs from the per-body data",
        PARTIAL: "Per-body data incomplete",
        NO_DATA: "No per-body data",
        ARITHMETIC: "Published arithmetic does not hold",
        DERIVED_DENOMINATOR: "Percentage does not fit the derived denominator",
    }

    # For readers: what each label means, shown where the label is, on /about/ and in the API.
    MEANINGS = {
        AGREES: "The figure the publication gave is the same as the count the dashboard makes "
        "from the bodies' own answers recorded here, and those answers come from elsewhere than "
        "the publication itself. An exact figure matches only when every responding body's "
        'answer is recorded; "at least N" matches as soon as N bodies\' answers reach it.',
        CONSISTENT: "The count from the answers recorded here equals the published figure, but "
        "answers are recorded for only some of the bodies that responded (the label says how "
        "many), so it neither confirms nor contradicts the figure.",
        SAME_PUBLICATION: "The per-body answers this figure is compared with all come from the "
        "publication that gave the figure, so they can only agree with it: this is not an "
        "independent check.",
        DISAGREES: "The publication's figure and the count from the bodies' answers recorded here "
        "are not the same. It does not say which is right: a publication may count differently, "
        "or later returns may have arrived.",
        PARTIAL: "Answers are recorded for only some bodies, so the count from them is lower than "
        "the published figure, as expected. It is not a disagreement.",
        NO_DATA: "No body's own answer on this is recorded here, so there is nothing to compare "
        "the published figure with. It is not zero: it is not known.",
        ARITHMETIC: "The publication's percentage is not the rounded ratio of its own two "
        "numbers (for example 39 of 47 is 83%, not 91%).",
        DERIVED_DENOMINATOR: "The publication gave a count and a percentage but not what it "
        "was out of; the dashboard derived that number. The percentage does not fit the derived "
        "number: this says nothing about the publication being wrong.",
    }

    # The statuses an editor should look at, in the reconciliation desk's order.
    TO_CHECK = (DISAGREES, ARITHMETIC, DERIVED_DENOMINATOR, PARTIAL)


def agreement(
    *,
    published: Decimal,
    qualifier: str,
    computed: int | None,
    is_percent: bool = False,
    complete: bool = True,
    same_publication: bool = False,
) -> str:
    """Compare a published figure with the computed one under docs/METRICS.md's rule.

    "at least N" agrees with any computed count >= N; an exact figure must be equal. Where
    per-body answers cover only some respondents (complete=False), a computed count below
    the published one is expected, so it is "partial", not a discrepancy; an exact count equal
    to it is only "consistent". Where every row counted comes from the finding's own
    publication (same_publication), agreement is no check at all.
    """
    if computed is None:
        return Agreement.NO_DATA
    at_least = qualifier == PublishedFinding.Qualifier.AT_LEAST and not is_percent
    agrees = computed >= published if at_least else Decimal(computed) == published
    if agrees:
        if same_publication:
            return Agreement.SAME_PUBLICATION
        # The answers not recorded can only add to a count that already reaches "at least N".
        return Agreement.AGREES if complete or at_least else Agreement.CONSISTENT
    if not complete and not is_percent and computed < published:
        return Agreement.PARTIAL
    return Agreement.DISAGREES


def with_arithmetic(status: str, finding: PublishedFinding, arithmetic_ok: bool | None) -> str:
    """A percentage that does not fit its numbers outranks any status but a disagreement; it is
    the publication's arithmetic only where the publication states the denominator."""
    if arithmetic_ok is not False or status == Agreement.DISAGREES:
        return status
    if finding.denominator_is_derived:
        return Agreement.DERIVED_DENOMINATOR
    return Agreement.ARITHMETIC


def arithmetic_holds(finding: PublishedFinding) -> bool | None:
    """Does a percentage equal the rounded ratio of its own numerator and denominator?"""
    if finding.unit == PublishedFinding.Unit.PERCENT:
        if finding.numerator is None or not finding.denominator:
            return None
        return finding.value == percent(finding.numerator, finding.denominator)
    if finding.published_percent is not None and finding.denominator:
        return finding.published_percent == percent(int(finding.value), finding.denominator)
    return None
