"""The provenance check read from the summaries (``RoundTypeSummary.cited``): for every
finding, the rows its computed counterpart rests on that cite its own publication, exactly as
counted over the answers with joins (the computation it replaced), on the real data, a
synthetic world and after writes to an answer's sources, its vendor links and its kinds."""

import pytest
from django.db import transaction
from django.db.models import Count, Q

from surveys import stats
from surveys.caching import uncached
from surveys.editorial.synthetic import generate
from surveys.models import Answer, AnswerKind, AnswerVendor, Return, SummaryDirtyPart
from surveys.stats import summaries
from surveys.stats.provenance import counted_rows_citing, rows_citing_own_publication
from tests import factories as f

pytestmark = pytest.mark.django_db
M = "answer_vendors__"
VENDOR = (
    ("vendors", Q(**{f"{M}role__in": ["equipment"]})),
    ("operates", Q(operates=False)),
    ("says_vendor_of_concern", Q(says_vendor_of_concern=False)),
)
JOINED_FACTS = {  # as provenance.FACTS was written before the summaries: joins, not EXISTS
    "operators": (("operates", Q(operates__isnull=False)),),
    "aware": (("aware_of_concerns", Q(aware_of_concerns__isnull=False)),),
    "concern_users": VENDOR,
    "vendor_users": VENDOR,
    "intends": (("intent", ~Q(intent="")),),
    "no_intention": (("intent", ~Q(intent="")),),
    "unsure": (("intent", ~Q(intent="")),),
    "live_users": (("kinds", Q(answer_kinds__kind="live")), ("operates", Q(operates=False))),
    "database_access": (
        ("kinds", Q(answer_kinds__kind="database_access")),
        ("operates", Q(operates=False)),
    ),
}


def joined_count(finding) -> int:
    """The finding's answers citing its publication, counted over joins (distinct answers)."""
    own = dict(Answer.SOURCED_FIELDS)
    p = finding.publication_id
    cites = Q(
        *(
            known
            & (Q(**{f"{own[field]}_id": p}) | Q(**{f"{own[field]}__isnull": True, "source_id": p}))
            for field, known in JOINED_FACTS[finding.metric]
        ),
        _connector=Q.OR,
    )
    return (
        Answer.objects.filter(
            survey_return__survey_round=finding.survey_round_id,
            survey_return__status=Return.Status.RESPONDED,
            system_type=finding.system_type_id,
        )
        .filter(cites)
        .aggregate(n=Count("pk", distinct=True))["n"]
    )


def assert_read_as_counted() -> int:
    with uncached():
        findings = list(stats.findings_for_display())
        read = rows_citing_own_publication(findings)
        assert read == counted_rows_citing(findings)
        by_answers = [x for x in findings if x.metric in JOINED_FACTS and x.system_type_id]
        for finding in by_answers:
            assert read[finding.pk] == joined_count(finding), finding.key
    return len(by_answers)


def test_the_real_findings_provenance_is_read_as_counted(real_data):
    assert assert_read_as_counted() >= 15


def test_a_synthetic_worlds_findings_provenance_is_read_as_counted():
    generate(bodies=25, rounds=3, seed=2)
    assert assert_read_as_counted() >= 3


def test_writes_to_sources_links_and_kinds_are_read_as_counted(world):
    other = f.publication("OTHER")
    north = f.return_of(world.northshire, world.round_2021)
    south = f.return_of(world.southshire, world.round_2021)
    drones = f.answer(north, world.drones, operates=True, vendors=[world.redcam])
    f.answer(south, world.drones, operates=False)
    for metric in ("operators", "concern_users", "live_users", "aware"):
        for publication in (world.report, other):
            f.finding(
                world,
                f"{metric}-{publication.code}".lower(),
                survey_round=world.round_2021,
                system_type=world.drones,
                metric=metric,
                value=1,
                publication=publication,
            )
    summaries.refresh()
    assert assert_read_as_counted() == 8
    assert status("operators-testrep") == "same_publication"  # both answers cite the report

    def write(change) -> None:
        with transaction.atomic():
            change()
            assert SummaryDirtyPart.objects.exists()  # its part of the round, marked
            summaries.refresh()
        assert_read_as_counted()

    def source_elsewhere():
        drones.operates_source = other
        drones.vendors_source = other
        drones.save()

    write(source_elsewhere)
    assert status("operators-testrep") == "agrees"  # one answer now from elsewhere: a check
    write(lambda: AnswerKind.objects.create(answer=drones, kind="live"))
    write(lambda: AnswerVendor.objects.filter(answer=drones).delete())
    write(lambda: AnswerKind.objects.filter(answer=drones).delete())


def status(key: str) -> str:
    with uncached():
        views = stats.finding_views(stats.findings_for_display().filter(key=key))
    return views[0].status
