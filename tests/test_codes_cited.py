"""The footer's licence line finds the codes a page cites by substring search: exactly the
codes the regular expression it replaced finds, whatever the text around them."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.templatetags.licences import codes_cited


def _cited_by_the_regular_expression(html: str, codes) -> set[str]:
    """How the footer first found the codes a page cites."""
    alternatives = "|".join(re.escape(c) for c in sorted(codes, key=len, reverse=True))
    return set(re.findall(rf"(?<![\w-])({alternatives})(?![\w-])", html)) if codes else set()


CODE = st.text(alphabet="PRT20-_x", min_size=1, max_size=6)
AROUND = st.sampled_from(["", " ", "-", "_", "a", "é", "٣", ">", '<a href="#source-', ",", "\n"])


@settings(max_examples=300, deadline=None)
@given(
    codes=st.sets(CODE, min_size=1, max_size=5),
    parts=st.lists(st.one_of(CODE, AROUND), max_size=25),
)
def test_the_codes_cited_are_those_the_regular_expression_finds(codes, parts):
    html = "".join(parts)
    assert codes_cited(html, codes) == _cited_by_the_regular_expression(html, codes)
