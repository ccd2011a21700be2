"""A new editor from add_editor: sets a password through the printed link, logs in, enters a
correction; a withdrawal with no reason shows its error and stays editable."""

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

from surveys.models import Correction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-editor-password-2024"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def assert_accessible(page) -> None:
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]},
    )
    assert not results.violations_count, f"{page.url}:\n{results.generate_report()}"


def new_editor_logs_in(page, site) -> None:
    out = io.StringIO()
    call_command("add_editor", "newbie", "newbie@example.org", "--base-url", site, stdout=out)
    link = out.getvalue().splitlines()[-1]  # the link is the last line
    page.goto(link)
    assert_accessible(page)
    page.get_by_label("New password:").fill(PASSWORD)
    page.get_by_label("Confirm password:").fill(PASSWORD)
    page.get_by_role("button", name="Set my password").click()
    expect(page.locator("#content")).to_contain_text("Your password is set.")
    assert_accessible(page)
    page.goto(link)  # the link works once
    expect(page.locator("#password-link-invalid")).to_be_visible()
    assert_accessible(page)

    page.goto(site + "/admin/")
    page.get_by_label("Username").fill("newbie")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#editor-tools")).to_be_visible()


def test_a_new_editor_sets_a_password_logs_in_and_enters_a_correction(site, page):
    new_editor_logs_in(page, site)
    page.get_by_role("link", name="Enter a correction").click()
    page.locator("#id_finding + .select2").click()
    page.locator(".select2-search__field").fill("previous surveys")
    # The 2017 and 2019 findings have the same words: their labels differ by round.
    options = page.locator(".select2-results__option", has_text="had been 100%")
    expect(options).to_have_count(3)
    for year in (2017, 2019, 2022):
        expect(options.filter(has_text=f"{year} round")).to_have_count(1)
    page.locator(".select2-search__field").fill("ANPR systems")
    page.locator(".select2-results__option", has_text="ANPR systems").first.click()
    expect(page.locator("#id_finding + .select2")).to_contain_text("2022 round")
    page.get_by_label("New value").fill("12")
    page.get_by_label("Reason").fill("Synthetic browser test: a later count found 12")
    page.get_by_label("Announced on").fill("2024-05-06")
    page.locator("#id_source + .select2").click()
    page.locator(".select2-search__field").fill("REP2023")
    page.locator(".select2-results__option", has_text="REP2023").first.click()
    page.get_by_role("button", name="Save as draft and preview", exact=True).click()

    # Saved as a draft and previewed as the public will see it; then published.
    expect(page.get_by_test_id("draft-notice")).to_contain_text("Saved as a draft")
    expect(page.get_by_test_id("changes")).to_contain_text("at least 11")
    expect(page.get_by_test_id("preview-page")).to_contain_text("corrected to at least 12")
    assert_accessible(page)
    correction = Correction.objects.get(reason__startswith="Synthetic browser test")
    assert page.request.get(f"{site}/corrections/{correction.pk}/").status == 404  # not public
    page.get_by_test_id("publish").click()
    expect(page.locator(".messagelist")).to_contain_text("Published")
    page.goto(site + "/admin/surveys/correction/")
    expect(page.locator("#result_list")).to_contain_text("at least 11 → at least 12")

    page.goto(f"{site}/corrections/{correction.pk}/")
    main = page.locator("main")
    expect(main).to_contain_text("at least 11 → at least 12")
    expect(main).to_contain_text("Announced by the source")
    expect(main).to_contain_text("6 May 2024")
    expect(main).to_contain_text("Published here")
    assert_accessible(page)

    # Later withdrawn (a draft, previewed, then published): it stays on the public record,
    # marked withdrawn.
    page.goto(f"{site}/admin/surveys/correction/{correction.pk}/change/")
    page.get_by_label("Date of the withdrawal").fill("2024-06-01")
    page.get_by_label("Why the correction is withdrawn").fill(
        "Synthetic browser test: counted twice"
    )
    page.get_by_role("button", name="Save the withdrawal as draft and preview").click()
    expect(page.get_by_test_id("draft-notice")).to_contain_text("draft withdrawal: not public")
    expect(page.get_by_test_id("changes")).to_contain_text("at least 12")
    assert_accessible(page)
    page.get_by_role("button", name="Publish the withdrawal").click()
    expect(page.locator(".messagelist")).to_contain_text("the correction is withdrawn")
    page.goto(f"{site}/corrections/{correction.pk}/")
    expect(page.locator("main")).to_contain_text("counted twice")


def test_the_import_page_guides_the_editor(site, page):
    new_editor_logs_in(page, site)
    page.goto(site + "/admin/surveys/answer/import/")
    expect(page.locator("h1")).to_have_count(1)
    page.get_by_role("link", name="What each column means").click()
    expect(page.locator("#column-guide")).to_be_in_viewport()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download an example file")).click()
    assert download.value.suggested_filename == "example-answers.csv"
    assert_accessible(page)


def test_a_withdrawal_without_reason_shows_its_error(site, page):
    new_editor_logs_in(page, site)
    correction = Correction.objects.get()
    page.goto(f"{site}/admin/surveys/correction/{correction.pk}/change/")
    page.get_by_label("Date of the withdrawal").fill("2024-06-01")
    page.get_by_role("button", name="Save the withdrawal as draft and preview").click()

    expect(page.locator(".errornote")).to_contain_text("Please correct the error below.")
    field = page.locator(".field-withdrawal_reason")
    expect(field.locator(".errorlist")).to_have_text("Say why the correction is withdrawn.")
    expect(page.get_by_label("Date of the withdrawal")).to_have_value("2024-06-01")
    expect(page.get_by_label("Why the correction is withdrawn")).to_be_editable()
    assert_accessible(page)
    correction.refresh_from_db()
    assert correction.withdrawn_on is None

    page.get_by_label("Why the correction is withdrawn").fill(
        "Synthetic browser test: entered in error"
    )
    page.get_by_role("button", name="Save the withdrawal as draft and preview").click()
    expect(page.get_by_test_id("draft-notice")).to_contain_text("draft withdrawal: not public")
    correction.refresh_from_db()
    assert correction.withdrawn_on is None  # a draft until published
    page.get_by_role("button", name="Publish the withdrawal").click()
    expect(page.locator(".messagelist")).to_contain_text("the correction is withdrawn")
    page.goto(f"{site}/admin/surveys/correction/{correction.pk}/change/")
    expect(page.get_by_label("Why the correction is withdrawn")).to_have_count(0)
    expect(page.locator(".field-withdrawal_reason")).to_contain_text("entered in error")
