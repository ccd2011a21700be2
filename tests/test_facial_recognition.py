"""Facial recognition as FOI0823 and INIT2022 report it: the 21 bodies that use it, only
the one live user shown as live, the two sources agreeing or flagged, mention counts that are
mentions, and a kind of facial recognition only on a facial-recognition answer."""

import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from surveys import stats
from surveys.models import Answer, PublishedFinding, SurveyRound
from tests.pages import text, visible

pytestmark = pytest.mark.django_db


FOI0823_USERS = {
    "bedfordshire",
    "cambridgeshire",
    "cheshire",
    "devon-and-cornwall",
    "dorset",
    "durham",
    "dyfed-powys",
    "essex",
    "hampshire-and-isle-of-wight",
    "hertfordshire",
    "kent",
    "leicestershire",
    "norfolk",
    "north-wales",
    "nottinghamshire",
    "suffolk",
    "west-mercia",
    "west-midlands",
    "west-yorkshire",
    "british-transport-police",
    "metropolitan-police",
}


def fr_answers():
    return Answer.objects.filter(
        system_type__slug="facial-recognition", survey_return__survey_round__year=2022
    )


def test_the_21_facial_recognition_users_are_listed(real_data, client):
    html = text(client.get("/forces/?system_type=facial-recognition&round=2022&per_page=100"))
    assert "<strong>21</strong> bodies match" in html
    table = html.split('id="bodies-table"')[1].split("</table>")[0]
    listed = set(re.findall(r'href="/forces/([a-z-]+)/"', table))
    assert listed == FOI0823_USERS
    assert set(
        fr_answers().filter(operates=True).values_list("survey_return__body__slug", flat=True)
    ) == (FOI0823_USERS)


def test_only_the_metropolitan_police_is_shown_as_a_live_user(real_data, client):
    html = text(client.get("/forces/?system_type=facial-recognition&round=2022&per_page=100"))
    table = html.split('id="bodies-table"')[1].split("</table>")[0]
    rows = [visible(r) for r in table.split("</tr>") if 'href="/forces/' in r]
    live = [r for r in rows if " Live " in f"{r} "]
    assert len(rows) == 21 and len(live) == 1 and "Metropolitan Police Service" in live[0]
    assert sum("Not stated" in r for r in rows) == 20
    # The body pages and the API say the same.
    assert fr_answers().exclude(kind="").get().survey_return.body.slug == "metropolitan-police"
    kent = visible(text(client.get("/forces/kent/")))
    assert "Facial recognition Yes FOI0823 Not stated" in kent
    api = client.get("/api/v1/answers/?system_type=facial-recognition&limit=100").json()
    assert [a["body"] for a in api["results"] if a["kind"] == "live"] == ["metropolitan-police"]


def test_foi0823_and_init2022_agree_or_are_flagged(real_data):
    views = {
        v.finding.key: v
        for v in stats.findings_with_status(survey_round=SurveyRound.objects.get(year=2022))
    }
    # The Met's "live" and the 13 intents are INIT2022's own: agreement is no check of it.
    assert (views["init2022-lfr-users"].computed, views["init2022-lfr-users"].status) == (
        1,
        "same_publication",
    )
    assert views["init2022-lfr-intend"].status == "same_publication"
    # Were a second body recorded as a live user, INIT2022's "only one" would be flagged.
    kent = fr_answers().get(survey_return__body__slug="kent")
    kent.kind = "live"
    kent.save()  # a save, as every writer makes: it marks the summaries to rebuild
    cache.clear()
    views = {
        v.finding.key: v
        for v in stats.findings_with_status(survey_round=SurveyRound.objects.get(year=2022))
    }
    assert (views["init2022-lfr-users"].computed, views["init2022-lfr-users"].status) == (
        2,
        "disagrees",
    )


def test_q2_mention_counts_are_mentions_not_bodies(real_data, client):
    mentions = PublishedFinding.objects.filter(publication__code="FOI0823")
    assert {(m.kind, int(m.value)) for m in mentions} == {
        ("retrospective", 11),
        ("other", 8),
        ("operator_initiated", 1),
        ("live", 1),
        ("none_of_the_above", 17),
    }
    assert set(mentions.values_list("unit", flat=True)) == {"mentions"}
    assert mentions.get(kind="retrospective").format_value() == "11 mentions"
    page = visible(text(client.get("/findings/?publication=FOI0823")))
    assert "11 mentions" in page


def test_kind_only_on_a_facial_recognition_answer(real_data):
    answer = Answer.objects.get(
        survey_return__body__slug="west-yorkshire",
        survey_return__survey_round__year=2022,
        system_type__slug="drones",
    )
    answer.kind = "live"
    with pytest.raises(ValidationError, match="facial recognition"):
        answer.full_clean()
    for answer in Answer.objects.all():
        answer.full_clean()
