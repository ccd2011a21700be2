"""An editor enters a correction in the admin as a draft, previews it exactly as the public
will see it, publishes it, and later withdraws it; the key findings follow."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_enters_a_correction_and_the_public_sees_it(site, page, logged_in_editor):
    expect(page.locator("#editor-tools")).to_be_visible()

    page.get_by_role("link", name="Enter a correction").click()
    # The finding is picked through the autocomplete widget.
    page.locator("#id_finding + .select2").click()
    page.locator(".select2-search__field").fill("ANPR systems")
    page.locator(".select2-results__option", has_text="ANPR systems").first.click()  # filtered
    page.get_by_label("New value").fill("14")
    page.get_by_label("New qualifier").select_option("exact")
    page.get_by_label("Reason").fill("Synthetic browser test: a later count found 14")
    page.get_by_label("Announced on").fill("2024-05-06")
    page.locator("#id_source + .select2").click()
    page.locator(".select2-search__field").fill("REP2023")
    page.locator(".select2-results__option", has_text="REP2023").first.click()
    page.get_by_role("button", name="Save as draft and preview", exact=True).click()

    # A draft: the preview shows the change and the page as the public will see it.
    notice = page.get_by_test_id("draft-notice")
    expect(notice).to_contain_text("Saved as a draft: nothing public has changed")
    expect(page.get_by_test_id("changes")).to_contain_text("at least 11")
    expect(page.get_by_test_id("preview-page")).to_contain_text(
        "Published: at least 11; corrected to 14, announced by REP2023 on 6 May 2024"
    )
    public = page.context.new_page()
    public.goto(site + "/")
    expect(public.locator("main")).not_to_contain_text("corrected to 14")
    public.close()
    page.get_by_test_id("publish").click()
    expect(page.locator(".messagelist")).to_contain_text("Published")

    page.goto(site + "/")
    card = page.locator(".card", has=page.get_by_role("link", name="ANPR"))
    expect(card.locator(".finding-number")).to_have_text("14")
    expect(card).to_contain_text(
        "Published: at least 11; corrected to 14, announced by REP2023 on 6 May 2024"
    )
    card.get_by_role("link", name=re.compile("Corrected")).click()
    expect(page.locator("h1")).to_have_text("Correction")
    expect(page.locator("main")).to_contain_text("a later count found 14")

    page.goto(site + "/corrections/")
    first = page.locator("article.correction").first
    expect(first).to_contain_text("at least 11 → 14")
    feed = page.request.get(site + "/corrections/feed/")
    assert feed.ok and "a later count found 14" in feed.text()
