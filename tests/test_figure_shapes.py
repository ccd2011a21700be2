"""A figure carries what it shows: its value, coverage, and for a share its percentage and,
where it is out of something else, its denominator; the derived-label rule sits beside the
labels and refuses a figure that breaks it."""

import pytest
from django.db.models import Q

from surveys.stats import FIGURES, Figure, FigureDescription
from surveys.templatetags.survey_tags import NO_PER_BODY_DATA, figure


def _anything(concerns):
    return Q()


def describe(**fields) -> FigureDescription:
    fields.setdefault("name", "example")
    fields.setdefault("label", "An example")
    fields.setdefault("definition", "Bodies saying something, out of the answers that say.")
    return FigureDescription(counts=_anything, known=_anything, **fields)


def test_a_share_carries_its_percentage_of_its_coverage():
    share = Figure.of(11, 12, share=True)
    assert (share.value, share.coverage, share.denominator, share.percentage) == (11, 12, None, 92)
    assert share.out_of == 12


def test_a_share_out_of_something_else_carries_that_denominator():
    share = Figure.of(1, 8, denominator=8 - 6, share=True)
    assert (share.out_of, share.coverage, share.percentage) == (2, 8, 50)


def test_a_count_has_no_percentage_and_no_coverage_means_not_known():
    assert Figure.of(3, 4).percentage is None
    assert Figure.of(0, 0, share=True) == Figure(None, 0)
    assert Figure.of(0, 4, denominator=0, share=True).percentage is None  # nothing to divide by


def test_the_figure_filter_shows_a_share_with_its_percentage():
    assert figure(Figure.of(11, 12, share=True)) == "11 of 12, 92%"
    assert figure(Figure.of(1, 8, denominator=2, share=True)) == ("1 of 2, 50% (coverage 8)")
    assert figure(Figure.of(0, 0, share=True)) == NO_PER_BODY_DATA
    assert figure(Figure.of(3, 11)) == "3 of 11"


def test_a_derived_figure_must_be_labelled_derived_and_not_the_bodies_statement():
    with pytest.raises(ValueError, match="derived"):
        describe(label="Use a vendor named as of concern", derived_from="the vendors named")
    with pytest.raises(ValueError, match="not a statement by the bodies"):
        describe(label="Use one (derived)", derived_from="the vendors named")
    with pytest.raises(ValueError, match="derived"):
        describe(
            label="Use one (derived)",
            body_label="Uses one",
            definition="Counted, not a statement by the bodies.",
            derived_from="the vendors named",
        )
    ok = describe(
        label="Use one (derived)",
        definition="Counted, not a statement by the bodies.",
        derived_from="the vendors named",
    )
    assert ok.note == (
        "Derived by the dashboard from the vendors named, not a statement by the bodies."
    )


def test_no_label_words_a_figure_as_the_publications_metric():
    with pytest.raises(ValueError, match="publications' wording"):
        describe(label="Use equipment of concern")


def test_only_a_share_is_out_of_a_denominator():
    with pytest.raises(ValueError, match="share"):
        describe(denominator=_anything)
    assert describe(denominator=_anything, share=True).kind == (
        "share of bodies, with its percentage"
    )


def test_every_figure_keeps_the_rule():
    for d in FIGURES:
        assert d == FigureDescription(**{f: getattr(d, f) for f in d.__dataclass_fields__})
        if d.derived_from:
            assert d.note and d.label.endswith("(derived)")
