"""A whole round, collected online, in Chromium: open it for two system types, fetch one body's
link, fill its form with one mistake (the error summary), fix it, save a draft, come back,
review, submit, see the receipt; another body fills in the questionnaire offline (XLSX) and
uploads it; an editor accepts both; the deadline passes; publish_round; the overview for that
year shows the figures computed from those two returns and the 45 bodies that did not respond.
Synthetic answers on the real bodies (the round is a test's, not a real one)."""

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook
from playwright.sync_api import expect

from surveys.collection import review
from surveys.models import Collection, OnlineReturn, Return
from tests import factories as f

pytestmark = pytest.mark.browser
YEAR = 2026


def link_of(slug: str) -> str:
    out = io.StringIO()
    call_command("invitation_links", str(YEAR), "--body", slug, stdout=out, stderr=io.StringIO())
    (row,) = list(csv.DictReader(io.StringIO(out.getvalue())))
    return row["link"]


def fill_online(page, start: str) -> None:
    """Kent, at its link: drones (DJI), no body-worn video; one mistake on the way."""
    page.goto(start)
    page.get_by_role("link", name="Start the return online").click()
    drones = page.locator("#type-drones")
    drones.get_by_role("group", name=re.compile("operate Drones")).get_by_label(
        "Yes", exact=True
    ).check()
    drones.get_by_label("DJI").check()
    video = page.locator("#type-body-worn-video")
    video.get_by_role("group", name=re.compile("operate Body-worn video")).get_by_label(
        "No", exact=True
    ).check()
    video.get_by_label("Hikvision").check()  # the mistake: not operated, yet a vendor
    page.get_by_role("button", name="Save as draft").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Body-worn video")
    video = page.locator("#type-body-worn-video")
    video.get_by_label("Hikvision").uncheck()
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_text("Your draft was saved")).to_be_visible()
    page.goto(start + "form/")  # come back later: the draft is there
    expect(page.locator("#type-drones").get_by_label("DJI")).to_be_checked()
    page.get_by_role("button", name="Continue to review").click()
    expect(page.get_by_role("heading", name="Check your answers before submitting")).to_be_visible()
    page.get_by_label("Your full name").fill("Synthetic Tester")
    page.get_by_label("Your role").fill("Synthetic test officer")
    page.get_by_role("button", name="Submit the return").click()
    expect(page.get_by_role("heading", name="Return submitted")).to_be_visible()


def fill_offline(page, start: str, tmp_path) -> None:
    """Essex, offline: the questionnaire downloaded, filled in (drones, Hikvision), uploaded."""
    page.goto(start)
    with page.expect_download() as download:
        page.get_by_role("link", name="questionnaire", exact=False).first.click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        cells = dict(zip(header, row, strict=False))
        if cells["system_type"].value == "drones":
            cells["operates"].value = "yes"
            cells["vendors"].value = "Hikvision"
        else:
            cells["operates"].value = "yes"
            cells["aware_of_concerns"].value = "no"
    filled = tmp_path / "essex.xlsx"
    book.save(filled)
    page.goto(start + "upload/")
    page.locator("input[type=file]").set_input_files(str(filled))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", name="Check your answers before submitting")).to_be_visible()
    page.get_by_label("Your full name").fill("Synthetic Uploader")
    page.get_by_label("Your role").fill("Synthetic test officer")
    page.get_by_role("button", name="Submit the return").click()
    expect(page.get_by_role("heading", name="Return submitted")).to_be_visible()


def test_a_round_collected_online_from_opening_to_the_published_overview(
    site, page, settings, tmp_path
):
    settings.SITE_URL = site
    deadline = datetime.date.today() + datetime.timedelta(days=30)
    call_command(
        "open_round",
        str(YEAR),
        "--deadline",
        deadline.isoformat(),
        "--system-types",
        "drones,body-worn-video",
        stdout=io.StringIO(),
    )
    collection = Collection.objects.get(year=YEAR)
    assert collection.invitations.count() == 47
    # Not public while open: as if the round did not exist. (Asked in this process, not by the
    # browser, which may keep a public page 30 s: PAGE_MAX_AGE.)
    closed = Client().get(f"/?round={YEAR}").content.decode()
    assert f"no survey round &#x27;{YEAR}&#x27;" in closed or f"no survey round '{YEAR}'" in closed

    fill_online(page, link_of("kent"))
    fill_offline(page, link_of("essex"), tmp_path)

    editor = User.objects.filter(username="round-editor").first() or f.account("round-editor")
    for online in OnlineReturn.objects.filter(invitation__collection=collection):
        assert online.status == "submitted"
        review.accept(online, user=editor)
    Collection.objects.filter(pk=collection.pk).update(
        deadline=datetime.date.today() - datetime.timedelta(days=1)
    )  # the deadline passes
    call_command("publish_round", str(YEAR), stdout=io.StringIO())

    returns = Return.objects.filter(survey_round__year=YEAR)
    assert returns.filter(status="responded").count() == 2
    assert returns.filter(status="did_not_respond").count() == 45
    page.goto(f"{site}/?round={YEAR}")
    expect(page.get_by_role("heading", name=f"Who responded in {YEAR}")).to_be_visible()
    expect(page.get_by_test_id("responded").first).to_contain_text("2")
    expect(page.get_by_test_id("responded").first).to_contain_text("of 47")
    page.goto(f"{site}/forces/?round={YEAR}&status=did_not_respond")
    expect(page.locator("#result-count")).to_have_text("45 bodies match.")
    page.goto(f"{site}/systems/drones/?round={YEAR}")
    # both operate drones and name a vendor of concern: 2 of 2 from the returns
    expect(page.locator("main")).to_contain_text("2 of 2")
