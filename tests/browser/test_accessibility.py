"""axe-core with the WCAG 2.2 AA rule set on every public page: zero violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.charts import draw_charts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PAGES = [
    "/",
    "/?round=2019",
    "/?round=nonsense",
    "/?as_published=1",
    "/forces/",
    "/forces/?nation=mars&status=responded",
    "/forces/?nation=wales&kind=special",
    "/forces/metropolitan-police/",
    "/forces/west-yorkshire/",
    "/forces/essex/",
    "/forces/?system_type=facial-recognition&round=2022",
    "/forces/?round=2019",
    "/?round=2023",
    "/systems/facial-recognition/?evidence=1",
    "/vendors/milestone/",
    "/forces/gwent/",
    "/systems/",
    "/systems/body-worn-video/",
    "/systems/helicopters/",
    "/vendors/",
    "/vendors/hikvision/",
    "/findings/",
    "/about/",
    "/data/",
    "/corrections/",
    "/forces/no-such-body/",
    "/compare/?bodies=west-yorkshire,metropolitan-police,cleveland",
    "/compare/?bodies=kent,atlantis",
    "/compare/?bodies=kent&q=york",  # the chooser: one chosen, a search
    "/compare/?bodies=kent,essex,cleveland,durham&q=york",  # four: no more to add
    "/compare/?q=atlantis",  # a search that finds nothing
    "/forces/?round=2022&map=intent",
    "/systems/drones/",
    "/embed/concern-by-system-type/?round=2022",
    "/embed/figures-by-round/",
    "/embed/published-figures/?system_type=drones",
    "/embed/concern-by-system-type/?round=1999",
]


def test_no_wcag_violations_on_any_public_page(site, page):
    axe = Axe()
    failures = {}
    for path in PAGES:
        page.goto(site + path)
        draw_charts(page)  # axe checks the drawn charts too
        page.wait_for_load_state("networkidle")
        results = axe.run(
            page,
            options={
                "runOnly": {"type": "tag", "values": WCAG_22_AA},
                "resultTypes": ["violations"],
            },
        )
        if results.violations_count:
            failures[path] = results.generate_report()
    assert not failures, "\n\n".join(f"{path}:\n{report}" for path, report in failures.items())
