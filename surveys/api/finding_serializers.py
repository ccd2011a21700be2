"""How published findings and their corrections are written in the API: the figures as
numbers, the status as the pages word it, and each correction's target, typed."""

from __future__ import annotations

from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers

from surveys import stats
from surveys.api.serializers import PublicationRef
from surveys.models import (
    Correction,
    PublishedFinding,
)
from surveys.values import correction_new_value_text


class FigureField(serializers.DecimalField):
    """A figure as a JSON number written as what it is: a whole number (every count of bodies
    or mentions, a whole percentage) as an integer, 11 not 11.0; a fraction with its
    decimals, 83.5."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 9)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(coerce_to_string=False, **kwargs)

    def to_representation(self, value) -> int | float:
        number = super().to_representation(value)
        return int(number) if number == number.to_integral_value() else float(number)


def figure_field(**kwargs) -> FigureField:
    """A published figure (a count or a percentage) as a JSON number, not a string."""
    return FigureField(min_value=0, **kwargs)


def finding_status_field() -> serializers.ChoiceField:
    """A finding's status: the pages' statuses, each with the label and meaning they show."""
    A = stats.Agreement
    return serializers.ChoiceField(
        choices=list(A.LABELS.items()),
        help_text="How the published figure compares with the per-body data; the pages show "
        "the same status with its label. "
        + " ".join(f"`{s}` ({label}): {A.MEANINGS[s]}" for s, label in A.LABELS.items()),
    )


class FindingSerializer(serializers.ModelSerializer):
    """``value`` is the figure as first published; ``current_value`` after corrections."""

    value = figure_field(
        read_only=True,
        help_text="The figure as first published: a whole number for a count of bodies or "
        "mentions, a percentage with its decimals where it has any.",
    )

    survey_round = serializers.SlugRelatedField(slug_field="year", read_only=True)
    publication = PublicationRef()
    system_type = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    vendor = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    # From stats.finding_views, computed by FindingViewSet for a whole page at once.
    current_value = serializers.SerializerMethodField()
    current_qualifier = serializers.SerializerMethodField()
    computed = serializers.SerializerMethodField()
    coverage = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    correction = serializers.SerializerMethodField()

    class Meta:
        model = PublishedFinding
        fields = [
            "key",
            "survey_round",
            "publication",
            "metric",
            "system_type",
            "vendor",
            "value",
            "unit",
            "qualifier",
            "numerator",
            "denominator",
            "denominator_is_derived",
            "published_percent",
            "kind",
            "wording_is_verbatim",
            "wording",
            "notes",
            "current_value",
            "current_qualifier",
            "computed",
            "coverage",
            "status",
            "correction",
        ]

    def _view(self, obj) -> stats.FindingView:
        return self.context["finding_views"][obj.pk]

    @extend_schema_field(figure_field(help_text="The figure after any correction in force."))
    def get_current_value(self, obj) -> float:
        return figure_field().to_representation(self._view(obj).current_value)

    def get_current_qualifier(self, obj) -> str | None:
        return self._view(obj).current_qualifier

    def get_computed(self, obj) -> int | None:
        return self._view(obj).computed

    def get_coverage(self, obj) -> int | None:
        return self._view(obj).coverage

    @extend_schema_field(finding_status_field())
    def get_status(self, obj) -> str:
        return self._view(obj).status

    def get_correction(self, obj) -> int | None:
        correction = self._view(obj).correction
        return correction.pk if correction else None


QUALIFIERS = PublishedFinding.Qualifier


class CorrectionTargetSerializer(serializers.Serializer):
    """What a correction corrects, typed: a published finding, a body's answer (one field of
    it) or a body's return (its response status)."""

    kind = serializers.ChoiceField(
        choices=["finding", "answer", "return"],
        help_text="finding (a published figure), answer (one field of a body's answer) or "
        "return (a body's response status).",
    )
    label = serializers.CharField(help_text="What it corrects, in words, as the pages say it.")
    finding = serializers.SlugField(
        allow_null=True, help_text="The corrected finding's key; null for an answer or a return."
    )
    answer = serializers.IntegerField(
        allow_null=True, help_text="The corrected answer's id (`answers/{id}/`); else null."
    )
    # "return" is a Python keyword: the field is named in to_representation's dict instead.
    body = serializers.SlugField(
        allow_null=True,
        help_text="The body whose answer or return it corrects; null for a finding.",
    )
    round = serializers.IntegerField(help_text="The survey round's year the corrected thing is of.")
    system_type = serializers.SlugField(
        allow_null=True,
        help_text="The system type of the corrected answer or finding; null for a return, or a "
        "finding about no single system type.",
    )
    field = serializers.ChoiceField(
        choices=Correction.AnswerField.choices,
        allow_null=True,
        help_text="The answer's field the correction changes (`status` for a return); null for "
        "a finding.",
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["return"] = serializers.IntegerField(
            allow_null=True,
            help_text="The corrected return's id (`returns/{id}/`), or the return of the "
            "corrected answer; null for a finding.",
        )
        return fields

    def to_representation(self, correction: Correction) -> dict:
        # Only what corrections_list() joins: the list makes the same queries for any length.
        finding, answer = correction.finding, correction.answer
        survey_return = answer.survey_return if answer else correction.survey_return
        if finding is not None:
            kind, survey_round, system_type = "finding", finding.survey_round, finding.system_type
        else:
            kind = "answer" if answer else "return"
            survey_round = survey_return.survey_round
            system_type = answer.system_type if answer else None
        return {
            "kind": kind,
            "label": correction.target_label,
            "finding": finding.key if finding else None,
            "answer": answer.pk if answer else None,
            "return": survey_return.pk if survey_return else None,
            "body": survey_return.body.slug if survey_return else None,
            "round": survey_round.year,
            "system_type": system_type.slug if system_type else None,
            "field": correction.answer_field or None,
        }


def _qualifier_field(which: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=QUALIFIERS.choices,
        allow_null=True,
        read_only=True,
        help_text=f"The qualifier of `{which}_value` (which includes it, as the pages show it); "
        "null for an answer or a return.",
    )


class CorrectionSerializer(serializers.ModelSerializer):
    """A correction's dates say what each one is: ``announced_on`` is the source's,
    ``published_at`` and ``recorded_at`` this dashboard's. ``old_value`` and ``new_value``
    have one shape: each as the pages show it, a figure with its qualifier ("at least 2"),
    and the qualifier also on its own."""

    target = CorrectionTargetSerializer(source="*", read_only=True)
    finding = serializers.SlugRelatedField(slug_field="key", read_only=True, allow_null=True)
    old_value = serializers.CharField(
        read_only=True, help_text="The value before the correction, as the pages showed it."
    )
    old_qualifier = serializers.SerializerMethodField()
    new_value = serializers.SerializerMethodField(
        help_text="The value after the correction, as the pages show it."
    )
    new_qualifier = serializers.SerializerMethodField()
    source = PublicationRef()
    published_at = serializers.DateTimeField(
        source="published_here_at",
        read_only=True,
        help_text="When the correction was published on this dashboard: from then on the "
        "public figures show it. Not the source's date (`announced_on`).",
    )

    class Meta:
        model = Correction
        fields = [
            "id",
            "target",
            "finding",
            "answer_field",
            "old_value",
            "old_qualifier",
            "new_value",
            "new_qualifier",
            "reason",
            "announced_on",
            "source",
            "withdrawn_on",
            "withdrawal_reason",
            "published_at",
            "recorded_at",
        ]
        extra_kwargs = {
            "announced_on": {
                "help_text": "The date the source (`source`) announced the correction; null "
                "when it does not say."
            },
            "withdrawn_on": {
                "help_text": "The date the correction was withdrawn; null while it is in force."
            },
            "recorded_at": {
                "help_text": "When the correction was first entered on this dashboard, usually "
                "as a draft that the public did not see until `published_at`."
            },
        }

    def get_new_value(self, correction: Correction) -> str:
        return correction_new_value_text(correction)

    @extend_schema_field(_qualifier_field("old"))
    def get_old_qualifier(self, correction: Correction) -> str | None:
        if not correction.finding_id:
            return None
        # old_value was written by format_value, with the qualifier in force at the time.
        at_least = correction.old_value.startswith(f"{QUALIFIERS.AT_LEAST.label} ")
        return (QUALIFIERS.AT_LEAST if at_least else QUALIFIERS.EXACT).value

    @extend_schema_field(_qualifier_field("new"))
    def get_new_qualifier(self, correction: Correction) -> str | None:
        if not correction.finding_id:
            return None
        return correction.new_qualifier or correction.finding.qualifier
