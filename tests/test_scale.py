"""The same pages on a larger synthetic world (test data, labelled synthetic): the number of
queries per page does not grow with the data."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from surveys import stats
from surveys.editorial.synthetic import RealDataPresent, generate
from surveys.models import (
    Answer,
    AnswerVendor,
    Body,
    Publication,
    PublishedFinding,
    Return,
    SurveyRound,
)
from tests.snapshots import Snapshot, take_snapshots
from tests.test_views import BUDGETS

pytestmark = pytest.mark.django_db

SYNTHETIC_PAGES = [
    "/",
    "/forces/",
    "/forces/?concern=yes&nation=wales",
    "/forces/synthetic-body-000007/",
    "/systems/drones/",
    "/vendors/",
    "/vendors/synthetic-vendor-03/",
    "/findings/",
    "/about/",
    "/data/",
    "/forces/?export=csv",
]


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(context.captured_queries)


def test_generator_makes_a_labelled_realistic_world(db):
    report = generate(bodies=40, rounds=3, seed=7)
    assert (report.bodies, report.rounds, report.returns) == (40, 3, 120)
    assert Body.objects.count() == 40 and SurveyRound.objects.count() == 3
    assert Publication.objects.get(code="SYNTHETIC").kind == "synthetic"
    assert not Body.objects.exclude(source__code="SYNTHETIC").exists()
    non_respondents = Return.objects.filter(status="did_not_respond").count()
    assert 0 <= non_respondents < 20
    answers = Answer.objects.count()
    assert 0.8 * 117 * 9 < answers <= 120 * 9  # some answers are missing
    assert Answer.objects.filter(operates=None).exists()  # and some are not known


def test_generator_publishes_a_few_labelled_findings_that_agree_with_its_rows(db):
    generate(bodies=40, rounds=3, seed=7)
    first, middle, latest = SurveyRound.objects.order_by("year")
    findings = PublishedFinding.objects.select_related("publication")
    assert {f.publication.code for f in findings} == {"SYNTHETIC"}
    assert all(
        f.wording.startswith("Synthetic finding (test data, not real)")
        and not f.wording_is_verbatim
        for f in findings
    )
    metrics = {
        r: sorted(findings.filter(survey_round=r).values_list("metric", flat=True))
        for r in (first, middle, latest)
    }
    response = ["invited", "responded", "response_rate"]
    assert metrics[first] == response  # as 2017's: its response alone
    assert metrics[middle] == sorted([*response, "operators"])
    assert metrics[latest] == sorted([*response, "operators", "concern_users", "vendor_users"])
    for view in stats.finding_views(stats.findings_for_display()):
        if view.finding.metric != "response_rate":
            assert view.computed == int(view.finding.value), view.finding.key
    vendor = findings.get(metric="vendor_users").vendor
    assert vendor.slug == (
        AnswerVendor.objects.filter(answer__system_type__slug="drones")
        .values_list("vendor__slug", flat=True)
        .annotate(n=Count("pk"))
        .order_by("-n", "vendor__slug")
        .first()
    )  # the vendor most named for drones, which the benchmark's vendor page shows


def test_a_round_level_round_publishes_its_response_and_holds_no_returns(db):
    report = generate(bodies=40, rounds=2, round_level=1, seed=7)
    first, *surveyed = SurveyRound.objects.order_by("year")
    assert (report.rounds, report.returns) == (3, 80)
    assert not Return.objects.filter(survey_round=first).exists()
    (rate,) = PublishedFinding.objects.filter(survey_round=first)  # as 2017's: the rate alone
    assert (rate.metric, rate.numerator, rate.denominator) == ("response_rate", None, None)
    assert 75 < rate.value <= 100
    assert all(Return.objects.filter(survey_round=r).count() == 40 for r in surveyed)


def test_a_round_level_rounds_overview_runs_the_queries_of_the_real_2017s(client, real_data):
    """The benchmark's "overview, earlier round" is the same page on both of its sets."""
    from django.core.cache import cache

    real = count(client, "/?round=2017")
    generate(bodies=20, rounds=1, round_level=1, seed=2, allow_real_data=True)
    first = SurveyRound.objects.filter(source__code="SYNTHETIC").order_by("year").first()
    cache.clear()
    assert count(client, f"/?round={first.year}") == real


def test_generator_is_repeatable_with_a_seed(db):
    first = generate(bodies=10, rounds=1, seed=3)
    statuses = list(Return.objects.order_by("body__slug").values_list("status", flat=True))
    findings = list(PublishedFinding.objects.order_by("key").values_list("key", "value"))
    PublishedFinding.objects.all().delete()
    Answer.objects.all().delete()
    Return.objects.all().delete()
    SurveyRound.objects.all().delete()
    Body.objects.all().delete()
    second = generate(bodies=10, rounds=1, seed=3)
    assert first.answers == second.answers
    assert statuses == list(Return.objects.order_by("body__slug").values_list("status", flat=True))
    assert findings == list(PublishedFinding.objects.order_by("key").values_list("key", "value"))


def test_generator_refuses_the_real_data(real_data):
    with pytest.raises(RealDataPresent):
        generate(bodies=5, rounds=1)
    with pytest.raises(CommandError, match="real survey data"):
        call_command("generate_synthetic", "--bodies", "5", "--rounds", "1", stdout=io.StringIO())
    call_command(
        "generate_synthetic",
        "--bodies",
        "5",
        "--rounds",
        "1",
        "--allow-real-data",
        stdout=io.StringIO(),
    )
    assert Body.objects.count() == 52


def test_pages_say_the_data_is_synthetic(db, client):
    generate(bodies=5, rounds=1)
    assert "Synthetic test data." in client.get("/").content.decode()


@pytest.fixture(scope="module")
def two_sizes(django_db_setup, django_db_blocker) -> list[Snapshot]:
    """A small synthetic world, then ten times the bodies and two more rounds added to it;
    generated once, restored for each page."""
    return take_snapshots(
        django_db_blocker,
        lambda: generate(bodies=30, rounds=2, seed=1),
        lambda: generate(bodies=300, rounds=2, seed=2),
    )


@pytest.mark.parametrize("url", SYNTHETIC_PAGES)
def test_query_count_is_the_same_at_two_sizes(db, client, url, two_sizes):
    from django.core.cache import cache

    small_world, large_world = two_sizes
    small_world.restore()
    cache.clear()
    small = count(client, url)
    large_world.restore()
    cache.clear()
    large = count(client, url)
    assert large == small, (url, small, large)
    budget = BUDGETS.get(url)
    if budget is not None:
        assert large <= budget + 2
