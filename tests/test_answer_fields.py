"""An answer's fields: each carries its own source, two sources that disagree on a field
are refused, and a body's explicit "no" is known (shown as its answer, counted in the coverage,
never as a user) where a silence is a gap."""

import shutil

import pytest
import yaml

from surveys import stats
from surveys.editorial.loading import load_reference_data
from surveys.editorial.reference_files import DATA_DIR, DataFileError
from surveys.models import Answer, SurveyRound, Vendor
from tests.pages import text, visible
from tests.test_facial_recognition import fr_answers

pytestmark = pytest.mark.django_db


def test_a_field_carries_its_own_source(real_data, client):
    """FOI0823 says Cambridgeshire uses facial recognition; INIT2022 that it intends to use it
    live: one answer, two sources, each shown beside what it says."""
    answer = fr_answers().get(survey_return__body__slug="cambridgeshire")
    assert (answer.operates, answer.intent) == (True, "intends")
    assert answer.source_of("operates").code == "FOI0823"
    assert answer.source_of("intent").code == "INIT2022"
    api = client.get(f"/api/v1/answers/{answer.pk}/").json()
    assert api["sources"]["operates"] == "FOI0823" and api["sources"]["intent"] == "INIT2022"
    assert api["sources"]["kinds"] is None and api["sources"]["aware_of_concerns"] is None
    page = text(client.get("/forces/cambridgeshire/"))
    row = visible(page.split('"answer-facial-recognition"')[1].split("</tr>")[0])
    assert "Yes FOI0823" in row and "Intends to use (live facial recognition) INIT2022" in row


def test_two_blocks_that_disagree_on_a_field_are_refused(db, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    blocks = yaml.safe_load((data / "answers.yaml").read_text())
    blocks.append(
        {
            "round": 2022,
            "system_type": "facial-recognition",
            "source": "INIT2022",
            "operates": False,
            "bodies": ["kent"],
        }
    )
    (data / "answers.yaml").write_text(yaml.safe_dump(blocks, sort_keys=False))
    with pytest.raises(DataFileError, match="kent, 2022, facial-recognition: operates"):
        load_reference_data(data)
    assert not Answer.objects.exists()  # one transaction: nothing half-loaded


def test_west_yorkshire_shows_20_dji_drones_and_an_explicit_no(real_data, client):
    html = text(client.get("/forces/west-yorkshire/"))
    drones = visible(html.split('data-testid="answer-drones"')[1].split("</tr>")[0])
    assert "Yes FOI0323" in drones and "20 FOI0323" in drones and "DJI" in drones
    bwv = html.split('data-testid="answer-body-worn-video"')[1].split("</tr>")[0]
    said = visible(bwv.split('data-testid="says-concern">')[1].split("</td>")[0]).strip()
    assert said == "No FOI0323"  # the body's own "no", not "no data"
    external = visible(html.split('data-testid="answer-external-cctv"')[1].split("</tr>")[0])
    assert "Milestone" in external


def test_milestone_is_a_vendor_with_no_concern(real_data, client):
    html = visible(text(client.get("/vendors/milestone/")))
    assert "West Yorkshire Police" in html
    (concern_ids,) = stats.concern_vendor_ids(SurveyRound.objects.filter(year=2022)).values()
    assert Vendor.objects.get(name="Milestone").pk not in concern_ids
    assert Vendor.objects.get(name="DJI").pk in concern_ids


def test_an_explicit_no_counts_as_known_and_not_as_a_user(real_data):
    by_type = {
        s.system_type.slug: s
        for s in stats.system_type_stats(survey_round=SurveyRound.objects.get(year=2022))
    }
    bwv = by_type["body-worn-video"].concern_users
    assert (bwv.value, bwv.coverage) == (0, 1)  # West Yorkshire said no: 0 of 1, not a gap
    assert by_type["internal-cctv"].concern_users.value is None  # nobody said: a gap
