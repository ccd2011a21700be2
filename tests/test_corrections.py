"""The correction workflow: recording, history, withdrawal, and the public side."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from surveys.caching import bump_version
from surveys.editorial.corrections import (
    parse_finding_value,
    record_correction,
    withdraw_correction,
)
from surveys.models import Answer, Correction, PublishedFinding
from tests import factories as f

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def finding(world):
    return f.finding(
        world,
        "t-concern",
        metric="concern_users",
        system_type=world.external,
        value=5,
        qualifier="at_least",
        wording="at least 5 synthetic respondents",
    )


def correct(finding, world, **fields):
    values = dict(finding=finding, new_value="3", reason="Re-counted", source=world.report)
    values.update(fields)
    return record_correction(Correction(**values))


def test_recording_a_correction_keeps_the_published_value(world, finding):
    c = correct(finding, world, new_qualifier="exact", announced_on=datetime.date(2021, 2, 1))
    assert (c.old_value, c.new_value) == ("at least 5", "3")
    finding.refresh_from_db()
    assert finding.value == 5  # as published, for ever
    record = c.history.get()
    assert record.history_change_reason == "Re-counted"
    assert (record.old_value, record.new_value, record.reason) == ("at least 5", "3", "Re-counted")


def test_a_second_correction_starts_from_the_current_value(world, finding):
    correct(finding, world)
    second = correct(finding, world, new_value="4", reason="Second look")
    assert second.old_value == "at least 3"


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"reason": "  "}, "reason"),
        ({"source": None}, "source"),
        ({"new_value": "many"}, "new_value"),
        ({"new_value": "-1"}, "new_value"),
        ({"new_value": "2.5"}, "new_value"),
    ],
)
def test_bad_corrections_are_refused_and_nothing_is_written(world, finding, fields, field):
    with pytest.raises(ValidationError) as info:
        correct(finding, world, **fields)
    assert field in info.value.message_dict
    assert not Correction.objects.exists()


def test_a_correction_needs_exactly_one_target(world, finding):
    answer = f.answer(f.return_of(world.northshire, world.round_2020), world.drones)
    with pytest.raises(ValidationError):
        correct(finding, world, answer=answer, answer_field="operates")
    with pytest.raises(ValidationError):
        correct(None, world)


def test_correcting_an_answer_changes_it_and_withdrawal_restores_it(world):
    answer = f.answer(f.return_of(world.northshire, world.round_2020), world.drones, operates=True)
    c = record_correction(
        Correction(
            answer=answer,
            answer_field="operates",
            new_value="no",
            reason="The force never flew drones",
            source=world.report,
        )
    )
    answer.refresh_from_db()
    assert answer.operates is False
    assert (c.old_value, c.new_value) == ("yes", "no")
    assert answer.history.first().history_change_reason == "Correction: The force never flew drones"
    withdraw_correction(c, reason="The force did fly drones after all")
    answer.refresh_from_db()
    assert answer.operates is True
    c.refresh_from_db()
    assert c.withdrawn_on == datetime.date.today()
    assert c.history.first().history_change_reason.startswith("Withdrawn: ")


def test_withdrawal_needs_a_reason_and_happens_once(world, finding):
    c = correct(finding, world)
    with pytest.raises(ValidationError):
        withdraw_correction(c, reason="")
    withdraw_correction(c, reason="Announced in error")
    with pytest.raises(ValidationError):
        withdraw_correction(c, reason="again")


def test_every_published_value_is_recoverable_from_history(world, finding):
    correct(finding, world, new_value="3")
    c2 = correct(finding, world, new_value="7", reason="Later count")
    withdraw_correction(c2, reason="Wrong")
    values = {h.new_value for h in Correction.history.all()}
    assert values == {"3", "7"}
    assert PublishedFinding.history.filter(key="t-concern").first().value == 5


# --- Public side --------------------------------------------------------------------------------


def test_overview_marks_the_real_hikvision_correction(real_data, client):
    html = client.get("/").content.decode()
    c = Correction.objects.get()
    assert f'href="/corrections/{c.pk}/"' in html
    assert "Published: at least 2; corrected to 0" in html


def test_withdrawn_correction_no_longer_applies(real_data, client):
    c = Correction.objects.get()
    withdraw_correction(c, reason="Synthetic test withdrawal")
    html = client.get("/systems/body-worn-video/").content.decode()
    assert "corrected to 0" not in html
    assert '<span class="finding-number">at least 2</span>' in html
    page = client.get("/corrections/").content.decode()
    assert "Withdrawn" in page and "Synthetic test withdrawal" in page


def test_corrections_page_newest_first(real_data, client):
    first = Correction.objects.get()
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    newer = record_correction(
        Correction(
            finding=finding,
            new_value="12",
            reason="Synthetic newer correction",
            source=finding.publication,
            announced_on=datetime.date(2024, 1, 1),
        )
    )
    html = client.get("/corrections/").content.decode()
    assert html.index(f'id="correction-{newer.pk}"') < html.index(f'id="correction-{first.pk}"')
    detail = client.get(f"/corrections/{first.pk}/")
    assert detail.status_code == 200
    assert "none of the forces who replied" in detail.content.decode()
    assert client.get("/corrections/99999/").status_code == 404


def test_feed_is_valid_atom(real_data, client):
    response = client.get("/corrections/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    for required in ("id", "title", "updated", "link"):
        assert entry.find(f"{ATOM}{required}") is not None
    assert "Hikvision" in entry.find(f"{ATOM}title").text
    assert (
        entry.find(f"{ATOM}link")
        .get("href")
        .endswith(f"/corrections/{Correction.objects.get().pk}/")
    )


def test_findings_as_published(real_data, client):
    current = client.get("/findings/?system_type=body-worn-video").content.decode()
    original = client.get("/findings/?system_type=body-worn-video&as_published=1").content.decode()
    assert "Corrected" in current
    assert "Corrected" not in original.split("<tbody>")[1]
    assert "Showing values as first published" in original


def test_answer_corrections_show_on_the_body_page(real_data, client):
    f.intent_corrected("kent", "Synthetic test: force revised its answer")
    html = client.get("/forces/kent/").content.decode()
    assert "Synthetic test: force revised its answer" in html
    assert "Unsure" in html


def feed_times(client) -> tuple[datetime.datetime, dict[str, dict[str, datetime.datetime]]]:
    """The feed's own <updated>, and each entry's <published> and <updated>, by entry id."""
    root = ET.fromstring(client.get("/corrections/feed/").content)

    def when(node, name):
        found = node.find(f"{ATOM}{name}")
        return None if found is None else datetime.datetime.fromisoformat(found.text)

    entries = {  # by the end of the id (tag:<host>,<date>:correction-<pk>)
        e.find(f"{ATOM}id").text.rsplit(":", 1)[1]: {
            "published": when(e, "published"),
            "updated": when(e, "updated"),
        }
        for e in root.findall(f"{ATOM}entry")
    }
    return when(root, "updated"), entries


def back_in_time(correction, days: int) -> Correction:
    """As if the correction had been recorded, published and last changed ``days`` ago."""
    then = timezone.now() - datetime.timedelta(days=days)
    Correction.objects.filter(pk=correction.pk).update(
        recorded_at=then, published_at=then, changed_at=then
    )
    return Correction.objects.get(pk=correction.pk)


def test_feed_shows_a_withdrawal_as_the_latest_change(world, finding, client):
    old = back_in_time(correct(finding, world), days=30)
    newer = back_in_time(correct(finding, world, new_value="4", reason="Again"), days=10)
    feed_updated, entries = feed_times(client)
    assert feed_updated == newer.changed_at
    assert entries[f"correction-{old.pk}"]["published"] == old.published_at

    # Withdrawn today, with a withdrawal date long before it was published here.
    withdraw_correction(old, reason="Wrong figure", on=datetime.date(2020, 1, 1))
    old.refresh_from_db()
    feed_updated, entries = feed_times(client)
    entry = entries[f"correction-{old.pk}"]
    assert entry["updated"] == old.changed_at > newer.changed_at
    assert entry["updated"] >= entry["published"] == old.published_at
    assert feed_updated == old.changed_at
    root = ET.fromstring(client.get("/corrections/feed/").content)
    first = root.find(f"{ATOM}entry")
    assert first.find(f"{ATOM}id").text.endswith(f":correction-{old.pk}")
    assert first.find(f"{ATOM}title").text.startswith("Withdrawn: ")


def test_feed_published_is_when_it_was_published_here(world, finding, client):
    correction = back_in_time(correct(finding, world), days=5)
    Correction.objects.filter(pk=correction.pk).update(published_at=None)
    bump_version()  # a bulk update sends no signal; every real write bumps the data version
    _, entries = feed_times(client)
    assert entries[f"correction-{correction.pk}"]["published"] == correction.recorded_at
    published = timezone.now() - datetime.timedelta(days=2)
    Correction.objects.filter(pk=correction.pk).update(published_at=published)
    bump_version()
    _, entries = feed_times(client)
    assert entries[f"correction-{correction.pk}"]["published"] == published


def test_a_draft_never_appears_in_the_feed_or_on_public_pages(world, finding, client):
    published = back_in_time(correct(finding, world), days=3)
    draft = Correction.objects.create(
        finding=finding,
        old_value="at least 5",
        new_value="1",
        reason="Draft: not yet checked",
        source=world.report,
        status=Correction.Status.DRAFT,
    )
    feed_updated, entries = feed_times(client)
    assert set(entries) == {f"correction-{published.pk}"}
    assert feed_updated == published.changed_at < draft.changed_at
    assert "Draft: not yet checked" not in client.get("/corrections/feed/").content.decode()
    assert "Draft: not yet checked" not in client.get("/corrections/").content.decode()
    assert client.get(f"/corrections/{draft.pk}/").status_code == 404
    api = client.get("/api/v1/corrections/").json()
    assert [c["id"] for c in api["results"]] == [published.pk]


def test_a_corrected_figure_is_bounded(real_data):
    anpr = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    for raw in ("1e400", "9" * 199, "10000000", "12.345"):
        with pytest.raises(ValidationError):
            parse_finding_value(anpr, raw)
    responded = PublishedFinding.objects.get(key="pr2023-responded")  # 39 of 47
    with pytest.raises(ValidationError, match="out of 47"):
        parse_finding_value(responded, "48")
    assert parse_finding_value(responded, "40") == 40


def test_both_targets_give_a_readable_error(real_data):
    finding = PublishedFinding.objects.first()
    c = Correction(
        finding=finding,
        answer=Answer.objects.first(),
        new_value="1",
        old_value="",
        reason="x",
        source=finding.publication,
    )
    with pytest.raises(ValidationError) as exc:
        c.full_clean()
    assert "Choose one thing to correct" in str(exc.value) and "correction_targets" not in str(
        exc.value
    )
