"""Reproducible installs: the lock files pin every dependency within pyproject's ranges, the
environment the tests run in is the locked one, and the charts' two plotly halves agree."""

import json
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def pins(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text()
    found = re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+) \\\n\s+--hash=sha256:", text, re.M)
    return {package.lower().replace("_", "-"): pinned for package, pinned in found}


def canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


@pytest.mark.parametrize(
    "lock, requirements",
    [
        ("base.txt", PYPROJECT["project"]["dependencies"]),
        (
            "dev.txt",
            PYPROJECT["project"]["dependencies"]
            + PYPROJECT["project"]["optional-dependencies"]["dev"],
        ),
    ],
)
def test_every_dependency_is_pinned_with_hashes_within_its_range(lock, requirements):
    pinned = {canonical(k): v for k, v in pins(lock).items()}
    for line in requirements:
        requirement = Requirement(line)
        name = canonical(requirement.name)
        assert name in pinned, f"{name} is not in requirements/{lock}: run make lock"
        assert requirement.specifier.contains(pinned[name]), (name, pinned[name])


def test_the_production_lock_holds_no_python_plotly():
    """The app writes the charts' JSON itself (an import-linter contract keeps plotly out of
    it): only the tests build figures with plotly, so the image need not carry it."""
    assert "plotly" not in pins("base.txt")
    assert "plotly" in pins("dev.txt")


def test_the_tests_run_in_the_locked_environment():
    for name, pinned in pins("dev.txt").items():
        if name in ("pip", "setuptools", "wheel"):
            continue
        assert version(name) == pinned, f"{name}: installed {version(name)}, locked {pinned}"


def test_python_plotly_and_the_served_plotly_js_are_the_same_release():
    """The figures are built by Python plotly and drawn by the vendored plotly.js: the schema
    the first writes must be the one the second reads. The bundle is built from the plotly.js
    that scripts/plotly/package-lock.json pins (docs/development.md)."""
    from plotly.offline import get_plotlyjs_version

    release = get_plotlyjs_version()
    (served,) = (ROOT / "static" / "vendor" / "plotly").glob("plotly-*.min.js")
    assert served.name == f"plotly-bar-scatter-{release}.min.js"
    assert f"v{release}: core, bar and scatter only" in served.read_text(encoding="utf-8")[:300]
    lock = json.loads((ROOT / "scripts" / "plotly" / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/plotly.js"]["version"] == release
    chart_scripts = ROOT / "templates" / "surveys" / "partials" / "chart_scripts.html"
    assert f"vendor/plotly/{served.name}" in chart_scripts.read_text(encoding="utf-8")


def test_the_plotly_bundle_registers_only_the_traces_the_figures_use():
    """A trace type the figures start using must be added to the bundle (scripts/plotly/)."""
    entry = (ROOT / "scripts" / "plotly" / "entry.js").read_text()
    bundled = set(re.findall(r"require\('plotly\.js/lib/(\w+)'\)", entry)) - {"core"}
    assert bundled == {"bar", "scatter"}
    source = (ROOT / "surveys" / "charts.py").read_text()
    used = set(re.findall(r'"type": "(\w+)"', source))
    assert used == bundled, f"charts.py draws {used}; the bundle has {bundled}"
