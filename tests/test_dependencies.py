"""Reproducible installs: the lock files pin every dependency within pyproject's ranges, the
environment the tests run in is the locked one, and the charts' two plotly halves agree."""

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


def test_the_tests_run_in_the_locked_environment():
    for name, pinned in pins("dev.txt").items():
        if name in ("pip", "setuptools", "wheel"):
            continue
        assert version(name) == pinned, f"{name}: installed {version(name)}, locked {pinned}"


def test_python_plotly_and_the_served_plotly_js_are_the_same_release():
    """The figures are built by Python plotly and drawn by the vendored plotly.js: the schema
    the first writes must be the one the second reads."""
    from plotly.offline import get_plotlyjs_version

    (served,) = (ROOT / "static" / "vendor" / "plotly").glob("plotly-basic-*.min.js")
    header = served.read_text(encoding="utf-8")[:200]
    assert f"v{get_plotlyjs_version()}" in header
    assert served.name == f"plotly-basic-{get_plotlyjs_version()}.min.js"
