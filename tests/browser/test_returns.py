"""A body completes its return at its link in Chromium: one mistake shown in the error summary
(its link focuses the field), fixed, saved as a draft, back again, reviewed, submitted, the
receipt; the same without JavaScript; axe finds nothing on any return page."""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from openpyxl import load_workbook
from playwright.sync_api import expect

from surveys.models import OnlineReturn
from tests.returns_world import open_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture
def link(transactional_db, live_server, world):
    online = open_round(world)
    return live_server.url, f"{live_server.url}/returns/{online.token(world.northshire)}/"


def violations(page) -> str:
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]},
    )
    return results.generate_report() if results.violations_count else ""


def test_a_body_completes_its_return_with_one_mistake_on_the_way(link, page):
    site, start = link
    failures = {}
    page.goto(start)
    failures["start"] = violations(page)
    page.get_by_role("link", name="Start the return online").click()
    external = page.locator("#type-external-cctv")
    external.get_by_label("Yes").first.check()
    external.get_by_label("Redcam").check()
    page.locator("#external-cctv-unit_count").fill("40")
    drones = page.locator("#type-drones")
    drones.get_by_role("group", name="Does Northshire operate Drones?").get_by_label(
        "No", exact=True
    ).check()
    drones.get_by_label("Homecam").check()  # the mistake: not operated, yet a vendor
    page.get_by_role("button", name="Save as draft").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(page.locator("#error-summary")).to_be_focused()
    failures["form with errors"] = violations(page)
    summary.get_by_role("link", name="Drones, vendors: This answer says").click()
    expect(page.locator("#drones-vendors-0")).to_be_focused()
    expect(page.locator("#drones-vendors-error")).to_be_visible()

    page.locator("#type-drones").get_by_label("Homecam").uncheck()
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_text("Your draft was saved")).to_be_visible()
    page.goto(start + "form/")  # come back later
    assert page.locator("#type-external-cctv").get_by_label("Redcam").is_checked()
    assert page.locator("#external-cctv-unit_count").input_value() == "40"
    assert not page.locator("#type-drones").get_by_label("Homecam").is_checked()

    page.get_by_role("button", name="Continue to review").click()
    expect(page.get_by_role("heading", name="Check your answers before submitting")).to_be_visible()
    expect(page.locator("#answer-external-cctv + dl").get_by_text("Redcam")).to_be_visible()
    failures["review"] = violations(page)
    page.get_by_role("button", name="Submit the return").click()  # no name: an error
    expect(page.locator("#error-summary")).to_be_focused()
    failures["review with errors"] = violations(page)
    page.get_by_label("Your full name").fill("Alex Example")
    page.get_by_label("Your role").fill("Information manager")
    page.get_by_role("button", name="Submit the return").click()
    expect(page.get_by_role("heading", name="Return submitted")).to_be_visible()
    failures["receipt"] = violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download a receipt").click()
    receipt = download.value.path().read_text(encoding="utf-8-sig")
    assert "Redcam" in receipt and "Alex Example" in receipt

    page.goto(start + "upload/")  # closed now: the receipt
    expect(page.get_by_role("heading", name="Return submitted")).to_be_visible()
    page.goto(site + "/returns/" + "A" * 43 + "/")
    failures["404"] = violations(page)
    assert OnlineReturn.objects.get().status == OnlineReturn.Status.SUBMITTED
    assert not any(failures.values()), failures


def test_the_upload_page_with_errors_has_no_violations(link, page):
    _, start = link
    page.goto(start)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the questionnaire").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    book.worksheets[0]["E2"] = "perhaps"
    buffer = io.BytesIO()
    book.save(buffer)
    page.goto(start + "upload/")
    assert not violations(page)
    page.set_input_files(
        "#id_file",
        files=[
            {"name": "q.xlsx", "mimeType": "application/octet-stream", "buffer": buffer.getvalue()}
        ],
    )
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_text("Row 2, column operates").first).to_be_visible()
    expect(page.locator("#error-summary")).to_be_focused()
    assert not violations(page)


def test_the_return_works_without_javascript(link, browser):
    _, start = link
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(start + "form/")
        page.locator("#type-external-cctv").get_by_label("Yes").first.check()
        page.locator("#external-cctv-unit_count").fill("lots")
        page.get_by_role("button", name="Save as draft").click()
        expect(page.locator("#error-summary")).to_be_visible()
        page.locator("#external-cctv-unit_count").fill("12")
        page.get_by_role("button", name="Save as draft").click()
        expect(page.get_by_text("Your draft was saved")).to_be_visible()
        page.get_by_role("button", name="Continue to review").click()
        page.get_by_label("Your full name").fill("Sam Sample")
        page.get_by_label("Your role").fill("Analyst")
        page.get_by_role("button", name="Submit the return").click()
        expect(page.get_by_role("heading", name="Return submitted")).to_be_visible()
    finally:
        context.close()
    submitted = OnlineReturn.objects.get()
    assert (submitted.status, submitted.submitted_by_name) == ("submitted", "Sam Sample")
