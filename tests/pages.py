"""What a response says: its whole text, and the words a reader sees on a page."""

import re
from html import unescape


def content(response) -> bytes:
    """The response's body, streamed or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def text(response) -> str:
    """The response's body as text (a CSV download's byte-order mark left out)."""
    return content(response).decode("utf-8-sig")


def visible(html: str) -> str:
    """The page's words: tags dropped, entities decoded, runs of white space made one space."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))
