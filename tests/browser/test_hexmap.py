"""The tile map in a real browser: a reader moves through its tiles with the keyboard in
reading order, each one a named link, and it fits a 320-pixel screen."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tiles_are_links_reached_with_the_keyboard_north_to_south(site, page):
    page.goto(site + "/forces/?round=2022&map=response")
    first = page.locator(".hexmap__tile").first
    first.focus()
    names = [first.get_attribute("aria-label")]
    for _ in range(3):
        page.keyboard.press("Tab")
        names.append(page.evaluate("document.activeElement.getAttribute('aria-label')"))
    assert [name.split(":")[0] for name in names] == [
        "Northumbria Police",
        "Cumbria Constabulary",
        "Durham Constabulary",
        "Lancashire Constabulary",
    ]
    page.keyboard.press("Enter")
    page.wait_for_url("**/forces/lancashire/")


def test_the_map_fits_a_320_pixel_screen(site, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(site + "/forces/?round=2022")
    box = page.locator(".hexmap__svg").bounding_box()
    overflow = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert box["width"] <= 320 and box["height"] > 200
    assert overflow <= 320


def test_a_reader_ticks_two_bodies_and_compares_them(site, page):
    page.goto(site + "/forces/?round=2022")
    page.get_by_label("Compare Kent Police").check()
    page.get_by_label("Compare Essex Police").check()
    page.get_by_role("button", name="Compare the chosen bodies").click()
    page.wait_for_url("**/compare/?bodies=essex%2Ckent")
    assert page.get_by_role("heading", level=1).inner_text() == "Essex and Kent, side by side"
