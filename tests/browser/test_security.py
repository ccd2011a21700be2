"""The Content-Security-Policy in a real browser: the site runs under it with no violation,
and plotly.js is why style-src must allow 'unsafe-inline'."""

import pytest
from playwright.sync_api import expect

from tests.browser.charts import draw_charts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__cspViolations.push({directive: e.violatedDirective, source: e.sourceFile}));
"""


def test_pages_run_under_the_policy_without_violations(site, page):
    page.add_init_script(RECORD_VIOLATIONS)
    for path in ("/", "/systems/body-worn-video/", "/forces/", "/corrections/"):
        response = page.goto(site + path)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-eval" not in policy
        draw_charts(page)  # plotly.js draws only what comes near the viewport
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__cspViolations") == [], path
    # the last page has no chart
    expect(page.locator("#chart-concern-by-system-type .chart-plot")).to_have_count(0)


def test_plotly_needs_unsafe_inline_styles(site, page):
    """With style-src 'self' alone, plotly.js's own <style> element is blocked."""
    page.add_init_script(RECORD_VIOLATIONS)

    def strict_styles(route):
        response = route.fetch()
        headers = dict(response.headers)
        if "content-security-policy" in headers:
            headers["content-security-policy"] = headers["content-security-policy"].replace(
                "style-src 'self' 'unsafe-inline'", "style-src 'self'"
            )
        route.fulfill(response=response, headers=headers)

    page.route("**/*", strict_styles)
    page.goto(site + "/")
    draw_charts(page)
    violations = page.evaluate("window.__cspViolations")
    assert any(
        v["directive"].startswith("style-src") and "plotly" in v["source"] for v in violations
    ), violations


def test_an_injected_inline_script_would_not_run(site, page):
    page.goto(site + "/")
    page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.__injected = true'; document.body.appendChild(s); }"""
    )
    assert page.evaluate("window.__injected === undefined")
