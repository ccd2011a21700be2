"""The statistics: the figure list (FIGURES) and the SQL that computes each figure; no request.

One definition each (see docs/METRICS.md), counted in SQL: pages, exports and the API all read
these functions, each a fixed number of queries whatever the number of bodies, answers or
rounds. ``None`` always means "not known" and is never shown as 0.
"""

from surveys.stats.agreement import Agreement, agreement, arithmetic_holds
from surveys.stats.figures import (
    CONCERN_USERS,
    FIGURES,
    Figure,
    FigureDescription,
    concern_vendor_ids,
    figure_description,
    percent,
)
from surveys.stats.findings import (
    KIND_OF_METRIC,
    FindingView,
    finding_views,
    findings_for_display,
    findings_with_status,
)
from surveys.stats.records import (
    answers_recorded,
    figure_answers_count,
    returns_recorded,
    rows_recorded,
)
from surveys.stats.response import RoundResponse, response_by_round
from surveys.stats.system_types import (
    COUNTED,
    COVERAGE,
    SystemTypeStats,
    VendorCount,
    figure_answers,
    in_round_order,
    intent_counts,
    kind_counts,
    stated_counts,
    system_type_stats,
    system_type_stats_by_round,
    vendor_breakdown,
)

__all__ = [
    "CONCERN_USERS",
    "COUNTED",
    "COVERAGE",
    "figure_answers",
    "figure_answers_count",
    "in_round_order",
    "FIGURES",
    "KIND_OF_METRIC",
    "Agreement",
    "Figure",
    "FigureDescription",
    "FindingView",
    "RoundResponse",
    "SystemTypeStats",
    "VendorCount",
    "agreement",
    "answers_recorded",
    "arithmetic_holds",
    "concern_vendor_ids",
    "figure_description",
    "finding_views",
    "findings_for_display",
    "findings_with_status",
    "intent_counts",
    "kind_counts",
    "percent",
    "response_by_round",
    "returns_recorded",
    "rows_recorded",
    "stated_counts",
    "system_type_stats",
    "system_type_stats_by_round",
    "vendor_breakdown",
]
