"""The summary tables equal the full computation from the answers after any sequence of
writes, each through the service that makes it (corrections, withdrawals, imports, the
generator, an admin save); a preview never changes the summaries the public reads."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys import opendata, stats
from surveys.caching import uncached
from surveys.editorial import previews
from surveys.editorial.corrections import record_correction, withdraw_correction
from surveys.editorial.synthetic import generate
from surveys.models import (
    SUMMARY_MODELS,
    Answer,
    AnswerVendor,
    Body,
    Correction,
    Return,
    RoundSystemType,
    SummaryDirty,
    SummaryDirtyPart,
    SurveyRound,
    SystemType,
    Vendor,
    VendorConcern,
)
from surveys.stats import summaries
from surveys.stats.counting import round_counts, stated_rows, vendor_rows, vendor_rows_by_round
from surveys.stats.figures import CONCERN_USERS, concern_vendor_ids
from surveys.stats.system_types import figures_from_answers
from surveys.web import selectors
from surveys.web.filters import BodyFilter
from tests import factories as f

pytestmark = pytest.mark.django_db
RESPONDED = Return.Status.RESPONDED


# --- The full computation, from the answers (as the pages computed it before the summaries) --


def bodies_from_answers(survey_round: SurveyRound, system_type: SystemType | None = None):
    """Each body's row of the bodies table, counted from the answers with a subquery per
    column: the computation the summaries replace."""
    answers = Answer.objects.filter(
        survey_return__survey_round=survey_round, survey_return__status=RESPONDED
    )
    mine = answers.filter(survey_return__body=OuterRef("pk"))

    def count(qs):
        return Coalesce(
            Subquery(
                qs.order_by().values("survey_return__body").annotate(c=Count("pk")).values("c")
            ),
            0,
        )

    def every_asked_type_in(qs):
        answered = qs.filter(survey_return__body=OuterRef(OuterRef("pk")))
        asked = SystemType.objects.filter(pk__in=summaries.asked_type_ids(survey_round))
        return ~Exists(asked.exclude(pk__in=answered.values("system_type")))

    scoped = mine if system_type is None else mine.filter(system_type=system_type)
    concern_ids = concern_vendor_ids([survey_round])[survey_round.pk]
    survey_return = Return.objects.filter(body=OuterRef("pk"), survey_round=survey_round)
    rows = Body.objects.annotate(
        status=Subquery(survey_return.values("status")[:1]),
        answered=count(mine),
        operated=count(mine.filter(operates=True)),
        answers_complete=every_asked_type_in(answers),
        operates_complete=every_asked_type_in(answers.exclude(operates=None)),
        vendors_known=Exists(scoped.filter(CONCERN_USERS.known({}))),
        uses_concern=Exists(scoped.filter(answer_vendors__vendor__in=concern_ids)),
    )
    return _bodies(rows)


def _bodies(rows) -> dict:
    """Per body: what the bodies table shows (completeness only matters for a respondent)."""
    return {
        b.pk: (
            b.status,
            b.answered,
            b.operated,
            b.status == RESPONDED and b.answers_complete,
            b.status == RESPONDED and b.operates_complete,
            b.uses_concern,
            b.vendors_known,
        )
        for b in rows
    }


def bodies_from_summaries(survey_round: SurveyRound, system_type: SystemType | None = None):
    rows = selectors.with_concern(
        selectors.bodies_for_round(survey_round), survey_round, system_type=system_type
    )
    return _bodies(rows)


def _bodies_naming(survey_round: SurveyRound, vendor: Vendor) -> set[int]:
    """The bodies the bodies table lists under ``?vendor=`` (read from the summaries)."""
    rows = selectors.bodies_for_round(survey_round)
    chosen = BodyFilter({"vendor": vendor.slug}, queryset=rows, survey_round=survey_round)
    return set(chosen.qs.values_list("pk", flat=True))


def summary_rows() -> dict[str, set[tuple]]:
    """Every row of every summary table, without its id."""
    return {
        model.__name__: {
            tuple(str(v) for k, v in sorted(row.items()) if k != "id")
            for row in model.objects.values()
        }
        for model in SUMMARY_MODELS
    }


def rebuilt_rows() -> dict[str, set[tuple]]:
    """The summary rows a rebuild from scratch makes now (rolled back)."""
    with transaction.atomic():
        summaries.rebuild()
        rows = summary_rows()
        transaction.set_rollback(True)
    return rows


def assert_summaries_equal_the_full_computation() -> None:
    # Examples are rolled back, so data versions repeat: nothing may come from the cache.
    with uncached():
        _assert_summaries_equal_the_full_computation()


def _assert_summaries_equal_the_full_computation() -> None:
    assert not SummaryDirty.objects.exists()
    assert not SummaryDirtyPart.objects.exists()
    assert summary_rows() == rebuilt_rows()
    assert opendata.page_counts() == opendata.table_counts()  # /data/'s row counts
    rounds = list(SurveyRound.objects.order_by("year"))
    assert stats.system_type_stats_by_round(rounds) == figures_from_answers(rounds)
    assert sorted(
        (v.round_id, v.system_type_id, v.vendor_id, v.bodies)
        for v in stats.vendor_breakdown(rounds)
    ) == sorted(
        (r["round_id"], r["system_type_id"], r["vendor_id"], r["bodies"])
        for r in vendor_rows_by_round(rounds)
    )
    for field in summaries.STATED_FIELDS:
        assert stats.stated_counts(rounds, field) == stated_rows(rounds, field)
    by_year = {r.year: r for r in stats.response_by_round()}
    for pk, invited, responded in round_counts(rounds):
        response = by_year[SurveyRound.objects.get(pk=pk).year]
        assert (response.invited, response.responded) == (
            invited or None,
            responded if invited else None,
        )
    for survey_round in rounds:
        for system_type in (None, *SystemType.objects.all()):
            assert bodies_from_summaries(survey_round, system_type) == bodies_from_answers(
                survey_round, system_type
            )
        for vendor in Vendor.objects.all():  # the bodies table's vendor filter
            assert _bodies_naming(survey_round, vendor) == set(
                Answer.objects.filter(
                    survey_return__survey_round=survey_round,
                    survey_return__status=RESPONDED,
                    answer_vendors__vendor=vendor,
                ).values_list("survey_return__body", flat=True)
            )
    vendors = {v.pk: v.n_bodies for v in selectors.vendors_index()}
    assert vendors == {
        v.pk: next((r["bodies"] for r in vendor_rows() if r["vendor_id"] == v.pk), 0)
        for v in Vendor.objects.all()
    }


# --- Writes, each through the path that makes it ----------------------------------------------


def _answers():
    return list(Answer.objects.select_related("survey_return").order_by("pk"))


def correct_answer(world, pick: int, field: str, value: str) -> None:
    answers = _answers()
    if not answers:
        return
    answer = answers[pick % len(answers)]
    if field == "vendors" and answer.operates is False:
        return
    try:
        record_correction(
            Correction(
                answer=answer,
                answer_field=field,
                new_value=value,
                reason="Synthetic test correction",
                source=world.report,
            )
        )
    except Exception as error:  # a value the rules refuse for this answer: nothing written
        assert "ValidationError" in type(error).__name__


def correct_status(world, pick: int, value: str) -> None:
    returns = list(Return.objects.order_by("pk"))
    survey_return = returns[pick % len(returns)]
    if survey_return.status == value:
        return
    record_correction(
        Correction(
            survey_return=survey_return,
            answer_field="status",
            new_value=value,
            reason="Synthetic test correction",
            source=world.report,
        )
    )


def withdraw(world, pick: int) -> None:
    in_force = list(Correction.objects.published().filter(withdrawn_on=None).order_by("pk"))
    if in_force:
        withdraw_correction(in_force[pick % len(in_force)], reason="Synthetic withdrawal")


def add_answer(world, pick: int, operates, vendors: list[int]) -> None:
    """A new answer as the admin saves one (its change form, then the summaries' hook)."""
    returns = list(Return.objects.filter(status=RESPONDED).order_by("pk"))
    types = list(SystemType.objects.order_by("pk"))
    survey_return = returns[pick % len(returns)]
    system_type = types[pick % len(types)]
    if Answer.objects.filter(survey_return=survey_return, system_type=system_type).exists():
        return
    named = [world.redcam, world.bluecam, world.homecam]
    with transaction.atomic():
        f.answer(
            survey_return,
            system_type,
            operates=operates,
            vendors=[named[i] for i in vendors] if operates else [],
        )
        summaries.refresh()


def change_concern(world, pick: int) -> None:
    """A concern comes into force only after the 2020 survey went out (an admin save)."""
    with transaction.atomic():
        VendorConcern.objects.create(
            vendor=[world.homecam, world.bluecam][pick % 2],
            summary="Synthetic concern",
            source=world.report,
            in_force_from=datetime.date(2020, 6, 1),
        )
        summaries.refresh()


def ask_only_drones(world, pick: int) -> None:
    """A round's coverage is narrowed (an admin save of the round's inline)."""
    with transaction.atomic():
        RoundSystemType.objects.get_or_create(
            survey_round=[world.round_2020, world.round_2021][pick % 2], system_type=world.drones
        )
        summaries.refresh()


def generate_more(world, pick: int) -> None:
    generate(bodies=2, rounds=1, seed=pick)


def write_from_the_shell(world, pick: int) -> None:
    """A write no service makes (the shell): the next read rebuilds what it marked."""
    answers = _answers()
    if answers:
        answer = answers[pick % len(answers)]
        AnswerVendor.objects.filter(answer=answer).delete()
        answer.operates = None
        answer.save()
    summaries.ensure_current()


WRITES = st.one_of(
    st.tuples(
        st.just(correct_answer),
        st.integers(0, 50),
        st.sampled_from(["operates", "aware_of_concerns", "intent"]),
        st.sampled_from(["yes", "no", "not known", "intends", "unsure"]),
    ),
    st.tuples(
        st.just(correct_answer),
        st.integers(0, 50),
        st.just("vendors"),
        st.sampled_from(["Redcam", "Bluecam; Homecam", "Homecam", ""]),
    ),
    st.tuples(
        st.just(correct_status),
        st.integers(0, 50),
        st.sampled_from([RESPONDED, Return.Status.DID_NOT_RESPOND]),
    ),
    st.tuples(st.just(withdraw), st.integers(0, 50)),
    st.tuples(
        st.just(add_answer),
        st.integers(0, 50),
        st.sampled_from([True, False, None]),
        st.lists(st.integers(0, 2), max_size=3, unique=True),
    ),
    st.tuples(st.just(change_concern), st.integers(0, 1)),
    st.tuples(st.just(ask_only_drones), st.integers(0, 1)),
    st.tuples(st.just(generate_more), st.integers(0, 5)),
    st.tuples(st.just(write_from_the_shell), st.integers(0, 50)),
)


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(writes=st.lists(WRITES, min_size=1, max_size=5))
def test_summaries_equal_the_full_computation_after_any_writes(answered_world, writes):
    with transaction.atomic():
        assert_summaries_equal_the_full_computation()
        for write, *arguments in writes:
            write(answered_world, *arguments)
            assert_summaries_equal_the_full_computation()
        transaction.set_rollback(True)  # the next example starts from the same world


def test_a_write_marks_its_part_of_the_round_until_the_writer_rebuilds_it(answered_world):
    answer = Answer.objects.filter(survey_return__survey_round=answered_world.round_2021).get()
    answer.operates = False
    answer.save()
    assert not SummaryDirty.objects.exists()  # not the whole round
    assert list(
        SummaryDirtyPart.objects.values_list("round_id", "body_id", "system_type_id", "vendor_id")
    ) == [(answered_world.round_2021.pk, answered_world.northshire.pk, answered_world.drones.pk, 0)]
    summaries.refresh()
    assert not SummaryDirtyPart.objects.exists()
    assert_summaries_equal_the_full_computation()


def test_a_preview_changes_the_summaries_only_inside_it(answered_world):
    before = summary_rows()
    answer = Answer.objects.get(
        survey_return__body=answered_world.northshire,
        survey_return__survey_round=answered_world.round_2020,
        system_type=answered_world.drones,
    )
    draft = Correction.objects.create(
        answer=answer,
        answer_field="operates",
        new_value="no",
        reason="Synthetic preview",
        status=Correction.Status.DRAFT,
        source=answered_world.report,
    )
    seen = {}

    def apply():
        from surveys.editorial.corrections import publish

        publish(draft, check_editor=False)
        seen["inside"] = summary_rows()

    preview = previews.preview(apply, rounds=[answered_world.round_2020], pages=[])
    assert seen["inside"] != before  # the preview's own figures come from its summaries
    assert any("Operate it" in change.what for change in preview.changes)
    assert summary_rows() == before  # the public's are as they were
    assert not SummaryDirty.objects.exists()
