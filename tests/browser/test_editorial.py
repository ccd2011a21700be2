"""An editor in a real browser: an import that changes published values asks for a reason and
publishes a correction; a return's status is read-only, with the way to change it shown."""

import pytest
from playwright.sync_api import expect

from surveys.models import Answer, Return
from tests.browser.test_accounts import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_import_changing_published_values_needs_a_reason(site, page, logged_in_editor, tmp_path):
    file = tmp_path / "answers.csv"
    file.write_text(
        "body,round,system_type,source,vendors\nbedfordshire,2022,cctv-unspecified,EPOCH2022,Dahua\n"
    )
    page.goto(site + "/admin/surveys/answer/import/")
    page.set_input_files("input[type=file]", str(file))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-reason-missing")).to_be_visible()
    expect(page.locator("#import-changes")).to_contain_text("vendors: Hikvision → Dahua")

    # A draft: previewed with the public values it changes and the pages as they will be,
    # then discarded; nothing public changed.
    page.goto(site + "/admin/surveys/answer/import/")
    page.set_input_files("input[type=file]", str(file))
    page.get_by_label("Reason").fill("Synthetic browser test: the vendor was misread")
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-draft")).to_contain_text("Saved as a draft")
    # Bedfordshire's Hikvision becomes Dahua: one Hikvision user fewer (both are of concern).
    changes = page.locator("#import-public-changes tbody tr")
    expect(changes).to_have_count(1)
    expect(changes).to_contain_text("(Hikvision) (init2022-hikvision-cameras)")
    expect(changes.locator("td").nth(1)).to_contain_text("per-body data 10 of 12")
    assert_accessible(page)
    page.get_by_role("link", name="Bedfordshire Police").click()
    expect(page.get_by_test_id("preview-page")).to_contain_text("Dahua")
    expect(page.get_by_test_id("draft-notice")).to_contain_text("not public")
    assert_accessible(page)
    public = page.context.new_page()
    public.goto(site + "/forces/bedfordshire/")
    expect(public.locator("main")).not_to_contain_text("Dahua")
    public.close()
    page.get_by_test_id("discard").click()
    expect(page.locator(".messagelist")).to_contain_text("Discarded the draft import")
    expect(page.locator("#import-drafts")).to_have_count(0)

    # Uploaded again and published.
    page.set_input_files("input[type=file]", str(file))
    page.get_by_label("Reason").fill("Synthetic browser test: the vendor was misread")
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Publish these rows").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Created 0 answers, updated 1, recorded 1 correction (from answers.csv)."
    )

    page.goto(site + "/forces/bedfordshire/")
    expect(page.locator("main")).to_contain_text("Hikvision → Dahua")
    answer = Answer.objects.get(
        survey_return__body__slug="bedfordshire", system_type__slug="cctv-unspecified"
    )
    assert answer.corrections.get().reason == "Synthetic browser test: the vendor was misread"


def test_a_returns_status_is_read_only_with_the_way_to_change_it(site, page, logged_in_editor):
    kent = Return.objects.get(body__slug="kent", survey_round__year=2022)
    page.goto(f"{site}/admin/surveys/return/{kent.pk}/change/")
    expect(page.locator("select[name=status]")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("only through a correction")
