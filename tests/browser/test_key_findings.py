"""The overview opens with its key findings, in plain English, with sources; a correction in
force shows as corrected, and "as first published" shows the published value."""

import pytest
from playwright.sync_api import expect

from surveys.editorial import corrections
from surveys.models import Correction, PublishedFinding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_key_findings_are_the_first_thing_a_reader_sees(site, page):
    page.goto(site + "/")
    block = page.get_by_test_id("key-findings")
    expect(block).to_be_visible()
    expect(block.get_by_role("heading")).to_have_text("Key findings of the 2022 survey")
    items = block.locator("li")
    expect(items.first).to_contain_text("Responses received to the 2022 survey: 39 of 47.")
    # The block comes before the response cards and their badges.
    block_top = block.bounding_box()["y"]
    cards_top = page.locator("#responses-heading").bounding_box()["y"]
    assert block_top < cards_top
    # The published Hikvision body-worn video figure was corrected to 0 (PR2023-UPDATE).
    bwv = items.filter(has_text="made by Hikvision")
    expect(bwv).to_contain_text(
        "0 respondents use cameras made by Hikvision in their body-worn video systems."
    )
    expect(bwv).to_contain_text("Corrected: first published as at least 2")
    bwv.get_by_role("link", name="see the correction").click()
    expect(page.locator("h1")).to_have_text("Correction")


def test_a_new_correction_reaches_the_key_findings_and_as_published_keeps_the_old(site, page):
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    corrections.record_correction(
        Correction(
            finding=finding,
            new_value="12",
            new_qualifier="exact",
            reason="Synthetic browser test: the final count was 12",
            source=finding.publication,
        )
    )
    page.goto(site + "/")
    anpr = page.get_by_test_id("key-findings").locator("li").filter(has_text="ANPR")
    expect(anpr).to_contain_text("12 said the same of their ANPR")
    expect(anpr).to_contain_text("Corrected: first published as at least 11")
    page.get_by_role("link", name="Show figures as first published").click()
    anpr = page.get_by_test_id("key-findings").locator("li").filter(has_text="ANPR")
    expect(anpr).to_contain_text("At least 11 said the same of their ANPR")
    expect(anpr).to_contain_text("As first published; a later correction")


def test_a_badge_explains_itself(site, page):
    page.goto(site + "/")
    card = page.locator(".finding", has_text="91%").first
    help_ = card.locator("details.badge-help")
    expect(help_.locator("p")).to_be_hidden()
    help_.locator("summary").click()
    expect(help_.locator("p")).to_be_visible()
    expect(help_).to_contain_text("It does not say which is right")
    help_.get_by_role("link", name="All labels explained").click()
    expect(page.locator("#labels")).to_be_visible()
