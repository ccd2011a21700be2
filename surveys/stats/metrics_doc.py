"""docs/METRICS.md's rows for the figures of FIGURES, written from the list so they cannot drift
(``python manage.py metrics_doc``; a test fails when the document differs)."""

from __future__ import annotations

from surveys.stats.figures import FIGURES

START = "<!-- Generated from surveys.stats.FIGURES by `python manage.py metrics_doc`. -->"
END = "<!-- End of the generated figures. -->"


def figure_rows() -> str:
    """One table row per figure: its label and name, kind, and definition."""
    rows = ["| figure (round, system type) | kind | definition |", "|---|---|---|"]
    rows += [f"| {d.label} (`{d.name}`) | {d.kind} | {d.definition} |" for d in FIGURES]
    return "\n".join(rows)


def with_figure_rows(document: str) -> str:
    """``document`` with the text between its two markers replaced by ``figure_rows()``."""
    before, rest = document.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n{figure_rows()}\n{END}{after}"
