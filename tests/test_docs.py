"""The README and docs/ name only things that exist: every `make` target, management command,
repository path, and relative link (with its anchor) they mention, so a rename or a move that
forgets the docs fails here instead of misleading the next reader."""

import re
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# Top-level folders of the repository whose paths the docs name; others (secrets/, var/) are
# made at set-up and are not in a checkout.
TRACKED = ("surveys", "obscc", "scripts", "tests", "templates", "static", "docs", "requirements")

FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)
INLINE = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6} +(.+?) *$", re.M)


def code_of(text: str) -> list[str]:
    """What the text shows as code: fenced blocks, then inline spans outside them."""
    blocks = FENCE.findall(text)
    return blocks + INLINE.findall(FENCE.sub("", text))


def mentions(pattern: str) -> list[tuple[str, str]]:
    return [
        (doc.relative_to(ROOT).as_posix(), found)
        for doc in DOCS
        for code in code_of(doc.read_text(encoding="utf-8"))
        for found in re.findall(pattern, code)
    ]


def make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text()
    return {
        target
        for targets in re.findall(r"^([\w .-]+):(?!=)", makefile, re.M)
        for target in targets.split()
    }


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(doc: Path) -> set[str]:
    seen: dict[str, int] = {}
    found = set()
    for heading in HEADING.findall(FENCE.sub("", doc.read_text(encoding="utf-8"))):
        base = slug(heading)
        found.add(f"{base}-{seen[base]}" if base in seen else base)
        seen[base] = seen.get(base, 0) + 1
    return found


def exists(path: str) -> bool:
    """A path names a file, a folder, a glob with a match, or (without a suffix) a module,
    which may be one file or a package."""
    if any(char in path for char in "*?["):
        return any(ROOT.glob(path))
    return (ROOT / path).exists() or (ROOT / f"{path}.py").exists()


def test_every_make_target_the_docs_name_is_in_the_makefile():
    named = mentions(r"(?<![\w-])make ([a-z][\w-]*)")
    assert named, "the docs name no make target: the pattern is wrong"
    assert [(doc, target) for doc, target in named if target not in make_targets()] == []


def test_every_management_command_the_docs_name_exists():
    named = mentions(r"manage\.py ([a-z_]+)")
    assert named, "the docs name no management command: the pattern is wrong"
    assert [(doc, command) for doc, command in named if command not in get_commands()] == []


def test_every_repository_path_the_docs_name_exists():
    named = mentions(rf"(?<![\w/.-])((?:{'|'.join(TRACKED)})/[\w./*-]*)")
    paths = [(doc, path.rstrip(".")) for doc, path in named]
    assert {"surveys/models/", "scripts/mutation.py"} <= {path for _, path in paths}
    assert [(doc, path) for doc, path in paths if not exists(path)] == []


def resolves(doc: Path, target: str) -> bool:
    if re.match(r"[a-z][a-z+.-]*:", target):  # https:, mailto:: not ours to check
        return True
    path, _, anchor = target.partition("#")
    linked = (doc.parent / path).resolve() if path else doc
    if not linked.exists():
        return False
    return not anchor or linked.suffix != ".md" or anchor in anchors(linked)


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves_to_a_file_and_its_heading(doc):
    links = LINK.findall(FENCE.sub("", doc.read_text(encoding="utf-8")))
    assert [target for target in links if not resolves(doc, target)] == []
