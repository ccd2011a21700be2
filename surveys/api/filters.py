"""The API's query filters: strict (a parameter given twice, or empty, is an error)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Subquery
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from surveys import stats
from surveys.models import (
    Answer,
    Body,
    PublicEvidence,
    PublishedFinding,
    Return,
    SurveyRound,
)
from surveys.web.filters import FigureFilter
from surveys.web.selectors import all_rounds, default_round

# --- Errors, as the schema documents them ----------------------------------------------------
# A refused parameter: 400 with each parameter's messages, {"round": ["Enter a whole number."]};
# anything else (404, 429): {"detail": "..."}. A 304 has no body.


class IntegerFilter(django_filters.NumberFilter):
    """A whole number, as the schema says (NumberFilter alone takes decimals)."""

    field_class = forms.IntegerField


class StrictFilterSet(django_filters.FilterSet):
    """Refuses, besides values the filters refuse, what the schema does not allow either: a
    parameter given more than once, or an empty value for a number or a choice."""

    def is_valid(self):
        valid = super().is_valid()
        for name, filter_ in self.filters.items():
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            if len(values) > 1:
                self.form.add_error(name, "Give this parameter once.")
                continue
            text = isinstance(filter_, django_filters.CharFilter)  # an empty string is a string
            if values and not values[0].strip() and not text:
                self.form.add_error(name, "Give a value or leave the parameter out.")
        return valid and not self.form.errors


class BodyApiFilter(StrictFilterSet):
    nation = django_filters.ChoiceFilter(choices=Body.Nation.choices)
    region = django_filters.CharFilter()
    kind = django_filters.ChoiceFilter(choices=Body.Kind.choices)

    class Meta:
        model = Body
        fields = ["nation", "region", "kind"]


@extend_schema_field(OpenApiTypes.STR)
class ApiFigureFilter(FigureFilter):
    """A string in the schema (the filter's own field parses it)."""


class AnswerFilter(StrictFilterSet):
    """``figure=NAME.SYSTEM-TYPE.counted`` (or ``.coverage``), with ``round``: the answers one
    computed figure counts, or rests on, from the figure's own definition (as on /forces/)."""

    round = IntegerFilter(field_name="survey_return__survey_round__year", method="filter_round")
    body = django_filters.CharFilter(field_name="survey_return__body__slug")
    nation = django_filters.ChoiceFilter(
        field_name="survey_return__body__nation", choices=Body.Nation.choices
    )
    region = django_filters.CharFilter(field_name="survey_return__body__region")
    system_type = django_filters.CharFilter(field_name="system_type__slug")
    vendor = django_filters.CharFilter(field_name="vendors__slug", distinct=True)
    figure = ApiFigureFilter(
        method="filter_figure",
        help_text="The answers behind a computed figure of the round: NAME.SYSTEM-TYPE.PART, "
        "NAME one of the figures (operators, concern_users, aware), PART counted (the answers "
        "it counts) or coverage (the answers it rests on); of the round given, else of the "
        "latest round that asked about every system type (as the pages).",
    )

    figure_rows = None  # (figure, round), once filtered by a figure
    figure_answers = None  # and the answers behind it

    class Meta:
        model = Answer
        fields = ["round", "body", "nation", "region", "system_type", "vendor", "figure"]

    def filter_round(self, queryset, name, value):
        """The round's answers through ``AnswerRound``, whose index holds them in id order:
        a page is read without reading the whole round first."""
        return queryset.filter(placement__survey_round=in_round(value))

    def filter_figure(self, queryset, name, value):
        year = self.form.cleaned_data.get("round")
        survey_round = (
            SurveyRound.objects.filter(year=year).first()
            if year is not None
            else default_round(all_rounds())  # each with its coverage: two queries
        )
        if survey_round is None:
            return queryset.none()
        answers = stats.figure_answers(
            value.description.name, survey_round, value.system_type, part=value.part
        )
        self.figure_rows = (value, survey_round)
        self.figure_answers = answers
        return queryset.filter(placement__survey_round=survey_round, pk__in=answers.values("pk"))


def in_round(year: int) -> Subquery:
    """The id of the round of ``year``, as a subquery (none: no row matches)."""
    return Subquery(SurveyRound.objects.filter(year=year).values("pk"))


class EvidenceFilter(StrictFilterSet):
    body = django_filters.CharFilter(field_name="body__slug")
    system_type = django_filters.CharFilter(field_name="system_type__slug")
    vendor = django_filters.CharFilter(field_name="vendor__slug")
    kind = django_filters.ChoiceFilter(choices=PublicEvidence.Kind.choices)

    class Meta:
        model = PublicEvidence
        fields = ["body", "system_type", "vendor", "kind"]


class ReturnFilter(StrictFilterSet):
    round = IntegerFilter(field_name="survey_round__year", method="filter_round")
    body = django_filters.CharFilter(field_name="body__slug")
    nation = django_filters.ChoiceFilter(field_name="body__nation", choices=Body.Nation.choices)
    status = django_filters.ChoiceFilter(choices=Return.Status.choices)

    class Meta:
        model = Return
        fields = ["round", "body", "nation", "status"]

    def filter_round(self, queryset, name, value):
        """By the round's id, which an index holds its returns in id order under."""
        return queryset.filter(survey_round=in_round(value))


class FindingApiFilter(StrictFilterSet):
    round = IntegerFilter(field_name="survey_round__year")
    system_type = django_filters.CharFilter(field_name="system_type__slug")
    vendor = django_filters.CharFilter(field_name="vendor__slug")
    publication = django_filters.CharFilter(field_name="publication__code")

    class Meta:
        model = PublishedFinding
        fields = ["round", "system_type", "vendor", "publication", "metric"]
