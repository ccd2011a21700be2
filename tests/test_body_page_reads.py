"""A body's page reads its answers, corrections and evidence without joining again what it has
read already (returns, lineage, publications): it must list exactly what the plain joined
queries list, in their order, with the same related records, for every body of the real data
with corrections of an answer and of a return (a draft one left out)."""

import pytest
from django.db.models import Q

from surveys.editorial.corrections import record_correction
from surveys.models import Answer, Body, Correction, PublicEvidence, Return
from surveys.web import selectors
from tests import factories


def _plain(body: Body):
    """The joined queries the page ran before."""
    lineage = body.lineage()
    answers = list(
        Answer.objects.filter(survey_return__body__in=lineage)
        .select_related("survey_return__survey_round", "survey_return__body", "system_type")
        .order_by("survey_return__survey_round__year", "system_type__position")
    )
    corrections = list(
        Correction.objects.published()
        .filter(Q(answer__survey_return__body__in=lineage) | Q(survey_return__body__in=lineage))
        .select_related(
            "source",
            "answer__system_type",
            "answer__survey_return__survey_round",
            "survey_return__survey_round",
        )
    )
    evidence = list(
        PublicEvidence.objects.filter(body__in=lineage).select_related(
            "body", "system_type", "vendor", "source"
        )
    )
    return answers, corrections, evidence


def _answer_facts(a):
    r = a.survey_return
    return (
        a.pk,
        r.pk,
        r.survey_round.year,
        r.body.pk,
        a.system_type.slug,
        a.source.code,
        *(getattr(a, name) and getattr(a, name).code for _, name in Answer.SOURCED_FIELDS),
    )


def _correction_facts(c):
    answer = c.answer and (
        c.answer.pk,
        c.answer.survey_return.survey_round.year,
        c.answer.system_type.name,
    )
    survey_return = c.survey_return and (c.survey_return.pk, c.survey_return.survey_round.year)
    return c.pk, c.source.code, answer, survey_return


def _evidence_facts(e):
    return e.pk, e.body.pk, e.body.short_name, e.source.code, e.system_type_id, e.vendor_id


@pytest.mark.django_db
def test_the_body_page_lists_what_the_joined_queries_list(real_data):
    answer = factories.intent_corrected("kent", "Synthetic test").answer
    kent_return = Return.objects.filter(body__slug="kent").order_by("survey_round__year").last()
    record_correction(
        Correction(
            survey_return=kent_return,
            answer_field="status",
            new_value="did_not_respond" if kent_return.status == "responded" else "responded",
            reason="Synthetic test",
            source=kent_return.source,
        )
    )
    Correction.objects.create(
        answer=answer,
        answer_field="intent",
        new_value="intends",
        reason="Synthetic draft",
        source=answer.source,
        status="draft",
    )
    seen = {"answers": 0, "corrections": 0, "evidence": 0}
    for body in Body.objects.all():
        page = selectors.body_detail(body.slug)
        answers, corrections, evidence = _plain(body)
        assert list(map(_answer_facts, page["answers"])) == list(map(_answer_facts, answers))
        assert list(map(_correction_facts, page["corrections"])) == list(
            map(_correction_facts, corrections)
        )
        assert list(map(_evidence_facts, page["evidence"])) == list(map(_evidence_facts, evidence))
        for key, rows in (
            ("answers", answers),
            ("corrections", corrections),
            ("evidence", evidence),
        ):
            seen[key] += len(rows)
    assert seen["answers"] > 30 and seen["corrections"] == 2 and seen["evidence"] > 5
