"""A single write rebuilds only the summary rows it can change (``SummaryDirtyPart``), and
those rows still equal the full computation after any sequence of such writes: an admin's
edit of one answer, its vendors (each link, or through ``Answer.vendors``) or its kinds, a
return's status, a correction on one answer or return, a concern's dates, an answer moved or
deleted."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.models import (
    Answer,
    AnswerKind,
    AnswerVendor,
    BodyTypeSummary,
    Return,
    RoundSummary,
    RoundTypeSummary,
    SummaryDirty,
    SystemType,
    VendorConcern,
)
from surveys.stats import summaries
from surveys.values import ANSWER_KINDS, VendorRole
from tests import factories as f
from tests.test_summaries import WRITES, _answers, assert_summaries_equal_the_full_computation

pytestmark = pytest.mark.django_db
RESPONDED, NOT = Return.Status.RESPONDED, Return.Status.DID_NOT_RESPOND


def _pick(pick: int) -> Answer | None:
    answers = _answers()
    return answers[pick % len(answers)] if answers else None


def _as_the_admin(write) -> None:
    """The change form's transaction: the write, then the summaries' hook (save_related)."""
    with transaction.atomic():
        write()
        summaries.refresh()


def edit_answer(world, pick: int, field: str, value) -> None:
    if (answer := _pick(pick)) is None:
        return
    if field == "operates" and value is False:
        answer.unit_count = None

    def write():
        setattr(answer, field, value)
        answer.save()

    _as_the_admin(write)


def link_vendor(world, pick: int, which: int, role: str | None) -> None:
    """The vendors inline: a link added, its role changed, or deleted (``role`` None)."""
    if (answer := _pick(pick)) is None:
        return
    vendor = [world.redcam, world.bluecam, world.homecam][which]

    def write():
        link = AnswerVendor.objects.filter(answer=answer, vendor=vendor).first()
        if link is None and role is not None:
            AnswerVendor.objects.create(answer=answer, vendor=vendor, role=role)
        elif link is not None and role is None:
            link.delete()
        elif link is not None:
            link.role = role
            link.save()

    _as_the_admin(write)


def vendors_through_the_answer(world, pick: int, which: int, action: str) -> None:
    if (answer := _pick(pick)) is None:
        return
    vendor = [world.redcam, world.bluecam, world.homecam][which]
    writes = {
        "add": lambda: answer.vendors.add(vendor),
        "remove": lambda: answer.vendors.remove(vendor),
        "clear": lambda: answer.vendors.clear(),
        "reverse add": lambda: vendor.answers.add(answer),
    }
    _as_the_admin(writes[action])


def set_kinds(world, pick: int, kinds: list[str]) -> None:
    """The kinds inline, on a facial recognition answer (the only kind that has them)."""
    answer = _pick(pick)
    if answer is None or answer.system_type_id != world.facial.pk:
        return

    def write():
        AnswerKind.objects.filter(answer=answer).exclude(kind__in=kinds).delete()
        for kind in kinds:
            AnswerKind.objects.get_or_create(answer=answer, kind=kind)

    _as_the_admin(write)


def flip_status(world, pick: int) -> None:
    """A return's status changed in the admin (not through a correction)."""
    returns = list(Return.objects.order_by("pk"))
    survey_return = returns[pick % len(returns)]

    def write():
        survey_return.status = NOT if survey_return.status == RESPONDED else RESPONDED
        survey_return.save()

    _as_the_admin(write)


def concern_dates(world, pick: int, start: int | None, end: int | None) -> None:
    """A concern's dates edited: it comes into force, or ends, around the rounds' dates."""
    concerns = list(VendorConcern.objects.order_by("pk"))
    concern = concerns[pick % len(concerns)]

    def write():
        concern.in_force_from = start and datetime.date(start, 6, 1)
        concern.in_force_until = end and datetime.date(end, 6, 1)
        concern.save()

    _as_the_admin(write)


def move_answer(world, pick: int) -> None:
    """An answer moved to another system type of its return (a rare edit: whole rounds)."""
    if (answer := _pick(pick)) is None:
        return
    taken = Answer.objects.filter(survey_return=answer.survey_return_id).values("system_type")
    free = SystemType.objects.exclude(pk__in=taken).exclude(pk=world.facial.pk).first()
    if free is None:
        return

    def write():
        answer.system_type = free
        answer.save()

    _as_the_admin(write)


def delete_answer(world, pick: int) -> None:
    """An answer deleted (from the shell: the admin deletes no survey record)."""
    answer = _pick(pick)
    if answer is not None and not answer.corrections.exists():  # a correction keeps it
        _as_the_admin(answer.delete)


NARROW_WRITES = st.one_of(
    st.tuples(
        st.just(edit_answer),
        st.integers(0, 50),
        st.sampled_from(["operates", "aware_of_concerns", "says_vendor_of_concern"]),
        st.sampled_from([True, False, None]),
    ),
    st.tuples(
        st.just(edit_answer),
        st.integers(0, 50),
        st.just("intent"),
        st.sampled_from(["", "intends", "no_intention", "unsure"]),
    ),
    st.tuples(
        st.just(link_vendor),
        st.integers(0, 50),
        st.integers(0, 2),
        st.sampled_from([None, VendorRole.EQUIPMENT, VendorRole.SOFTWARE]),
    ),
    st.tuples(
        st.just(vendors_through_the_answer),
        st.integers(0, 50),
        st.integers(0, 2),
        st.sampled_from(["add", "remove", "clear", "reverse add"]),
    ),
    st.tuples(
        st.just(set_kinds),
        st.integers(0, 50),
        st.lists(st.sampled_from([k for k, _ in ANSWER_KINDS]), max_size=2, unique=True),
    ),
    st.tuples(st.just(flip_status), st.integers(0, 50)),
    st.tuples(
        st.just(concern_dates),
        st.integers(0, 5),
        st.sampled_from([None, 2019, 2020, 2021]),
        st.sampled_from([None, 2020, 2021, 2022]),
    ),
    st.tuples(st.just(move_answer), st.integers(0, 50)),
    st.tuples(st.just(delete_answer), st.integers(0, 50)),
    WRITES,  # the services': corrections on one answer or return, withdrawals, and the rest
)


@pytest.fixture
def narrow_world(answered_world):
    """The answered world with facial recognition answers, which may state kinds."""
    world = answered_world
    world.facial = f.system_type("facial-recognition", 3, name="Facial recognition")
    for body, operates in ((world.northshire, True), (world.southshire, None)):
        f.answer(f.return_of(body, world.round_2020), world.facial, operates=operates)
    f.answer(
        f.return_of(world.southshire, world.round_2021),
        world.facial,
        operates=True,
        vendors=[world.redcam, world.homecam],
    )
    summaries.refresh()
    return world


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(writes=st.lists(NARROW_WRITES, min_size=1, max_size=6))
def test_summaries_equal_the_full_computation_after_any_single_record_writes(narrow_world, writes):
    with transaction.atomic():
        assert_summaries_equal_the_full_computation()
        for write, *arguments in writes:
            write(narrow_world, *arguments)
            assert_summaries_equal_the_full_computation()
        transaction.set_rollback(True)  # the next example starts from the same world


def _ids(model, **where) -> set[int]:
    return set(model.objects.filter(**where).values_list("pk", flat=True))


def test_an_admin_edit_of_one_answer_rebuilds_only_its_round_and_type_and_body(narrow_world):
    world = narrow_world
    answer = Answer.objects.get(
        survey_return__body=world.northshire,
        survey_return__survey_round=world.round_2020,
        system_type=world.drones,
    )
    others = {
        RoundSummary: _ids(RoundSummary),
        RoundTypeSummary: _ids(RoundTypeSummary) - _ids(RoundTypeSummary, system_type=world.drones),
        BodyTypeSummary: _ids(BodyTypeSummary) - _ids(BodyTypeSummary, body=world.northshire),
    }

    def write():
        answer.operates = False
        answer.unit_count = None
        answer.save()
        AnswerVendor.objects.filter(answer=answer, vendor=world.redcam).delete()
        assert not SummaryDirty.objects.exists()  # no round marked whole

    _as_the_admin(write)
    for model, ids in others.items():
        assert ids <= _ids(model), f"{model.__name__} rows it cannot change were rebuilt"
    assert_summaries_equal_the_full_computation()


def test_the_vendor_filter_counts_the_bodies_naming_it_from_the_summaries(client, narrow_world):
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/forces/?round=2020&vendor=redcam").content.decode()
    [count] = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT")]
    assert "surveys_bodyroundvendorsummary" in count and "surveys_answervendor" not in count
    assert "<strong>1</strong> body matches" in html  # Northshire: its 2020 drones answer
