"""Page-level read functions: one per page, each a fixed number of queries, returning a page's
context (a dict, or a dataclass where one is shared). They combine the statistics of ``stats``
with the records a page lists; views stay thin. Every name is importable from here."""

from surveys.web.selectors.answer_rows import answer_rows  # noqa: F401
from surveys.web.selectors.bodies import (  # noqa: F401
    bodies_for_round,
    publications_coded,
    sources_by_body,
    with_concern,
)
from surveys.web.selectors.overview import (  # noqa: F401
    CONCERN_METRICS,
    KeySentence,
    Overview,
    SystemCard,
    overview,
)
from surveys.web.selectors.pages import (  # noqa: F401
    LIST_LIMIT,
    about,
    body_detail,
    correction_detail,
    corrections_list,
    round_has_returns,
    system_type_detail,
    system_types_index,
    vendor_detail,
    vendors_index,
    with_answer_kinds,
)
from surveys.web.selectors.rounds import (  # noqa: F401
    all_rounds,
    default_round,
    round_from_param,
    rounds_covering,
)
