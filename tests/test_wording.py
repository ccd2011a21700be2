"""Words are data: what is printed in quotation marks is the source's own words.

Every finding's ``wording`` (shown between quotation marks) is found word for word in the
verbatim text of its publication kept in ``surveys/data/sources`` (``...`` marks words left
out), and the Hikvision correction's reason is the Update's own text.
"""

import re
import shutil
from pathlib import Path

import pytest

from surveys.editorial.loading import load_reference_data
from surveys.editorial.reference_files import DATA_DIR
from surveys.models import Correction, PublishedFinding, VendorConcern
from tests.pages import text, visible

pytestmark = pytest.mark.django_db
SOURCES = DATA_DIR / "sources"


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def source_text(code: str) -> str:
    path = SOURCES / f"{code}.txt"
    assert path.exists(), f"no verbatim text of {code} to quote from"
    return normalised(path.read_text(encoding="utf-8"))


def test_every_quoted_wording_is_verbatim_in_its_source(real_data):
    findings = PublishedFinding.objects.select_related("publication")
    assert findings.filter(wording_is_verbatim=True).count() == 21
    for finding in findings.filter(wording_is_verbatim=True):
        text = source_text(finding.publication.code)
        for part in normalised(finding.wording).split("..."):
            assert part.strip() in text, (finding.key, part)


def test_the_correction_reason_is_the_updates_own_text(real_data):
    correction = Correction.objects.get(finding__key="pr2023-bwv-hikvision")
    assert normalised(correction.reason) in source_text("PR2023-UPDATE")


def test_a_paraphrase_would_fail(real_data):
    text = source_text("INIT2022")
    assert "11 (30%) use Hikvision." not in text
    assert "eleven (30%) of which were using Hikvision cameras" in text


def test_no_note_guesses_why_a_percentage_is_off(real_data):
    assert not PublishedFinding.objects.filter(notes__icontains="truncated").exists()


def test_new_wording_reaches_a_database_loaded_with_the_old(real_data, tmp_path):
    """Shipped as a reference-file change: applied where nobody edited the finding."""
    old = tmp_path / "data"
    shutil.copytree(DATA_DIR, old)
    path = old / "findings.yaml"
    path.write_text(
        path.read_text().replace(
            "eleven (30%) of which were using Hikvision cameras", "11 (30%) use Hikvision."
        )
    )
    finding = PublishedFinding.objects.get(key="init2022-hikvision-cameras")
    load_reference_data(old)  # as if the database had been loaded from the old files
    finding.refresh_from_db()
    assert finding.wording == "11 (30%) use Hikvision."
    report = load_reference_data(Path(DATA_DIR))
    finding.refresh_from_db()
    assert finding.wording == "eleven (30%) of which were using Hikvision cameras"
    assert report.updated["published findings"] == 1 and not report.conflicts


def test_camera_makers_are_not_said_to_be_named_by_the_commissioner(real_data, client):
    """FACTS.md: the five makers are named inside what respondents "say" about their camera
    systems, not in the Commissioner's own words."""
    for name in ("Dahua", "Hikvision", "Honeywell", "Huawei", "Nuuo"):
        for concern in VendorConcern.objects.filter(vendor__name=name):
            assert "by the Commissioner" not in concern.summary
            assert "respondents" in concern.summary
    page = visible(text(client.get("/vendors/hikvision/")))
    assert "Named by the Commissioner" not in page


def test_summaries_are_never_printed_in_quotation_marks(real_data, client):
    page = text(client.get("/findings/?round=2023"))
    summary = PublishedFinding.objects.get(key="drone2023-non-operators").wording
    assert summary in page and f"“{summary}”" not in page
    assert "summary of what the source reports, not its words" in page
    quoted = PublishedFinding.objects.get(key="init2022-hikvision-cameras").wording
    assert f"“{quoted}”" in text(client.get("/findings/?publication=INIT2022"))
