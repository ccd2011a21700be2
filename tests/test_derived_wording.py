"""What the pages say is what the sources say: the dashboard's derivations are labelled as
derived and never put in a body's mouth, and what is not known is shown as not known.

On the real data, through the test client, asserting the text a reader sees.
"""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from surveys import stats
from surveys.models import Answer, Return

pytestmark = pytest.mark.django_db

DERIVED = "Uses a vendor named as of concern (derived)"
DERIVED_FIGURE = "Use a vendor named as of concern (derived)"


def text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8-sig")


def visible(html: str) -> str:
    """The page's words, without tags, scripts or runs of white space."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")
    return re.sub(r" ([,.:;)])", r"\1", words).replace("( ", "(")


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text(response))))


# --- 3. A percentage that does not fit a derived denominator ----------------------------------


def test_a_derived_denominator_is_not_blamed_on_the_publication(real_data, client):
    for url in ("/", "/systems/cctv-unspecified/", "/vendors/hikvision/", "/findings/"):
        page = visible(text(client.get(url)))
        assert "Percentage does not fit the derived denominator" in page, url
        assert "Published arithmetic does not hold" not in page, url
        assert "truncated" not in page.lower(), url
    page = visible(text(client.get("/systems/cctv-unspecified/")))
    assert "The published 30% does not fit the derived denominator: 11 of 36 is 30.6%." in page
    assert "the denominator 36 is derived, not published" in page


def test_a_stated_denominator_that_does_not_fit_is_still_reported(real_data, client):
    from surveys.models import PublishedFinding
    from surveys.stats import finding_views, findings_for_display

    [view] = finding_views(findings_for_display().filter(key="pr2023-response-rate"))
    assert view.arithmetic_ok is False
    assert (
        view.arithmetic_note
        == "The published 91% does not equal its own numbers: 39 of 47 is 83.0%."
    )
    derived = PublishedFinding.objects.get(key="init2022-hikvision-cameras")
    [view] = finding_views(findings_for_display().filter(pk=derived.pk))
    assert view.status_label == "Percentage does not fit the derived denominator"


# --- 5. As published, with the correction beside it --------------------------------------------


def test_body_worn_video_chart_shows_the_figure_as_published_and_its_correction(real_data, client):
    html = text(client.get("/systems/body-worn-video/"))
    table = visible(html.split('id="system-chart-table"')[1].split("</table>")[0])
    assert "2022 (as published)" in table and "2022 (current, after corrections)" in table
    assert "2022 (published)" not in table
    assert "at least 2; corrected to 0 by PR2023-UPDATE" in table
    assert "0 (corrected by PR2023-UPDATE)" in table
    page = visible(html)
    assert "published as at least 2; corrected to 0 by PR2023-UPDATE (the correction)." in page
    assert re.search(r'href="/corrections/\d+/">the correction</a>', html)
    rows = csv_rows(client.get("/systems/body-worn-video/figures.csv"))
    assert rows[0][1:] == ["2022 (as published)", "2022 (current, after corrections)"]
    pr2023 = next(r for r in rows if "[PR2023]" in r[0])
    assert pr2023[1:] == ["2", "0"]
