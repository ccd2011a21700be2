"""django-filter FilterSets for the public tables. Every filter state lives in the URL."""

from __future__ import annotations

from dataclasses import dataclass

import django_filters
from django.db import connections, router
from django.utils.text import slugify

from surveys import stats
from surveys.models import (
    Body,
    BodyRoundVendorSummary,
    BodyTypeSummary,
    Publication,
    PublishedFinding,
    Return,
    SurveyRound,
    SystemType,
    Vendor,
)
from surveys.stats import CONCERN_USERS
from surveys.web.figure_rows import FigureRowsField
from surveys.web.selectors.bodies import name_matches, with_concern
from surveys.web.widgets import Select

YES_NO = [("yes", "Yes"), ("no", "No")]
STATUS_CHOICES = [
    (Return.Status.RESPONDED, "Responded"),
    (Return.Status.DID_NOT_RESPOND, "Did not respond"),
    ("none", "No return recorded"),
]


# A name filter longer than this is cut in a download's file name (the About sheet keeps it all).
NAME_IN_FILENAME = 40


@dataclass(frozen=True)
class AppliedFilter:
    """One filter that took effect: its parameter and value, and the same in words."""

    name: str  # the query parameter, e.g. "system_type"
    param: str  # its value in the URL, e.g. "drones"
    label: str  # e.g. "Operates system type"
    value: str  # e.g. "Drones / UAVs"

    @property
    def slug(self) -> str:
        """``name-value`` for a file name: lower-case ASCII letters, digits and hyphens."""
        name = "name" if self.name == "q" else self.name
        value = slugify(self.param)[:NAME_IN_FILENAME] if self.name == "q" else self.param
        parts = (slugify(part).replace("_", "-").strip("-") for part in (name, value))
        return "-".join(part for part in parts if part)


def region_choices():
    """Every region a body has, once, in order: a walk of the region index, each step the
    least region after the last (one index probe), so a few rows are read whatever the
    number of bodies, where ``DISTINCT`` reads every body (``tests/test_widgets.py`` holds
    it equal to the ``DISTINCT`` query)."""
    connection = connections[router.db_for_read(Body)]
    table = connection.ops.quote_name(Body._meta.db_table)
    region = connection.ops.quote_name(Body._meta.get_field("region").column)
    walk = (
        f"WITH RECURSIVE walk(region) AS (SELECT MIN({region}) FROM {table} WHERE {region} > %s "
        f"UNION ALL SELECT (SELECT MIN({region}) FROM {table} WHERE {region} > walk.region) "
        "FROM walk WHERE walk.region IS NOT NULL) SELECT region FROM walk WHERE region IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(walk, [""])
        return [(r, r) for (r,) in cursor.fetchall()]


class FigureFilter(django_filters.CharFilter):
    """``NAME.SYSTEM-TYPE.PART``: the rows behind a computed figure (an empty value: none)."""

    field_class = FigureRowsField


class BodyFilter(django_filters.FilterSet):
    """Filters on the bodies table. Round-dependent filters apply to ``survey_round``."""

    q = django_filters.CharFilter(method="filter_name", label="Name contains")
    nation = django_filters.ChoiceFilter(
        choices=Body.Nation.choices, empty_label="Any nation", widget=Select
    )
    region = django_filters.ChoiceFilter(
        choices=region_choices, empty_label="Any region", widget=Select
    )
    kind = django_filters.ChoiceFilter(
        choices=Body.Kind.choices, empty_label="Any kind", widget=Select
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES,
        method="filter_status",
        label="Response",
        empty_label="Any",
        widget=Select,
    )
    system_type = django_filters.ModelChoiceFilter(
        queryset=SystemType.objects.all(),
        to_field_name="slug",
        method="filter_system_type",
        label="Operates system type",
        empty_label="Any system type",
        widget=Select,
    )
    vendor = django_filters.ModelChoiceFilter(
        queryset=Vendor.objects.all(),
        to_field_name="slug",
        method="filter_vendor",
        label="Records vendor",
        empty_label="Any vendor",
        widget=Select,
    )
    concern = django_filters.ChoiceFilter(
        choices=YES_NO,
        method="filter_concern",
        label=CONCERN_USERS.body_label,
        empty_label="Any",
        widget=Select,
    )
    figure = FigureFilter(method="filter_figure", label="The rows behind a figure")

    class Meta:
        model = Body
        fields = [
            "q",
            "nation",
            "region",
            "kind",
            "status",
            "system_type",
            "vendor",
            "concern",
            "figure",
        ]

    def __init__(self, *args, survey_round: SurveyRound, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey_round = survey_round

    def applied(self) -> list[AppliedFilter]:
        """The filters that took effect, in the order of ``Meta.fields``: a value the form
        refused is ignored by the queryset, so it is left out here too."""
        self.is_valid()
        cleaned = self.form.cleaned_data
        applied = []
        for name in self._meta.fields:
            value = cleaned.get(name)
            if isinstance(value, str):
                value = value.strip()[:200]
            if value in (None, ""):
                continue
            label = str(self.filters[name].label or self.form.fields[name].label)
            if hasattr(value, "slug"):
                param, words = value.slug, value.name
            elif name == "q":
                param, words = value, f"“{value}”"
            else:
                param, words = value, str(dict(self.form.fields[name].choices).get(value, value))
            applied.append(AppliedFilter(name=name, param=param, label=label, value=words))
        return applied

    def system_type_filtered(self) -> SystemType | None:
        """The system type filtered, if one took effect (other filters may have been refused)."""
        self.is_valid()
        return self.form.cleaned_data.get("system_type")

    def filter_queryset(self, queryset):
        # The concern column and its filter speak of the system type filtered, if any: a
        # vendor named for another type says nothing about this one.
        scope = self.form.cleaned_data.get("system_type")
        queryset = with_concern(queryset, self.survey_round, system_type=scope)
        return super().filter_queryset(queryset)

    def filter_name(self, queryset, name, value):
        value = value.strip()[:200]
        return queryset.filter(name_matches(value)).distinct()

    def filter_status(self, queryset, name, value):
        if value == "none":
            return queryset.filter(status__isnull=True)
        return queryset.filter(status=value)

    def filter_system_type(self, queryset, name, value):
        operating = BodyTypeSummary.objects.filter(
            survey_round=self.survey_round, system_type=value, operates=True
        )
        return queryset.filter(pk__in=operating.values("body"))

    def filter_vendor(self, queryset, name, value):
        # The bodies whose answers in the round name the vendor (when they responded): their
        # summary rows, by its unique index (``stats.summaries`` keeps them in step).
        naming = BodyRoundVendorSummary.objects.filter(survey_round=self.survey_round, vendor=value)
        return queryset.filter(pk__in=naming.values("body"))

    def filter_figure(self, queryset, name, value):
        answers = stats.figure_answers(
            value.description.name, self.survey_round, value.system_type, part=value.part
        )
        return queryset.filter(pk__in=answers.values("survey_return__body"))

    def filter_concern(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(uses_concern=True)
        return queryset.filter(uses_concern=False, vendors_known=True)


class FindingFilter(django_filters.FilterSet):
    round = django_filters.ModelChoiceFilter(
        field_name="survey_round",
        queryset=SurveyRound.objects.all(),
        to_field_name="year",
        label="Round",
        empty_label="Any round",
    )
    system_type = django_filters.ModelChoiceFilter(
        queryset=SystemType.objects.all(),
        to_field_name="slug",
        label="System type",
        empty_label="Any system type",
    )
    publication = django_filters.ModelChoiceFilter(
        queryset=Publication.objects.filter(findings__isnull=False).distinct(),
        to_field_name="code",
        label="Publication",
        empty_label="Any publication",
    )
    metric = django_filters.ChoiceFilter(
        choices=PublishedFinding.Metric.choices, label="Figure", empty_label="Any figure"
    )

    class Meta:
        model = PublishedFinding
        fields = ["round", "system_type", "publication", "metric"]
