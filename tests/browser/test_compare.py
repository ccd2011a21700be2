"""/compare/'s chooser in a real browser, with the keyboard alone: search by name, add two
bodies, compare them, remove one; each step a link or a form that works without JavaScript."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _focused_name(page) -> str:
    """The focused element's text, as a screen reader names a link."""
    return " ".join(page.evaluate("document.activeElement.textContent").split())


def test_a_keyboard_user_finds_adds_compares_and_removes_bodies(site, page):
    page.goto(site + "/compare/")
    search = page.get_by_label("Find a body to add, by name")
    search.focus()
    page.keyboard.type("Yorkshire")
    page.keyboard.press("Enter")
    page.wait_for_url("**/compare/?q=Yorkshire#compare-found")
    # The results follow the search: the next stop of the Tab key is the first one's link.
    page.keyboard.press("Tab")
    assert _focused_name(page) == "Add North Yorkshire Police"
    page.keyboard.press("Tab")
    assert _focused_name(page) == "Add South Yorkshire Police"
    page.keyboard.press("Tab")
    assert _focused_name(page) == "Add West Yorkshire Police"
    page.keyboard.press("Enter")
    page.wait_for_url("**/compare/?bodies=west-yorkshire&q=Yorkshire#compare-choose")
    assert "(1 chosen)" in page.get_by_role("alert").inner_text()
    page.get_by_role("link", name="Add North Yorkshire Police").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/compare/?bodies=west-yorkshire%2Cnorth-yorkshire&q=Yorkshire*")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "West Yorkshire and North Yorkshire, side by side"
    expect(page.get_by_role("heading", name="2022 survey")).to_be_visible()
    page.get_by_role("link", name="Remove West Yorkshire Police").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/compare/?bodies=north-yorkshire&q=Yorkshire*")
    chosen = page.get_by_role("list", name="Bodies chosen: 1 of 2 to 4").inner_text()
    assert "North Yorkshire Police" in chosen and "West Yorkshire" not in chosen


def test_the_chooser_works_on_a_320_pixel_screen(site, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(site + "/compare/?bodies=kent&q=shire")
    overflow = page.evaluate("document.documentElement.scrollWidth")
    add = page.get_by_role("link", name="Add Derbyshire Constabulary").bounding_box()
    context.close()
    assert overflow <= 320
    assert add["x"] + add["width"] <= 320
