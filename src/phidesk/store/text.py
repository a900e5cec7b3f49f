"""Text helpers of the conversation store: case-insensitive matching for any script, snippets, automatic titles.

SQLite's own ``LIKE`` and ``lower()`` fold only ASCII letters, so the store registers :func:`casefold`
as an SQL function and searches with ``instr(casefold(text), casefold(query))``: a literal substring
match (``%`` and ``_`` in a query are ordinary characters) that treats "ÉCOLE" and "école", "STRASSE" and
"straße" alike.
"""

from __future__ import annotations

import re

TITLE_LIMIT = 60
SNIPPET_BEFORE = 30
SNIPPET_AFTER = 60

_SPACES = re.compile(r"\s+")


def casefold(text: str | None) -> str | None:
    """The SQL function ``casefold(x)``: Unicode case folding; NULL stays NULL."""
    return None if text is None else text.casefold()


def collapse(text: str) -> str:
    """Runs of whitespace (newlines included) become one space; ends are stripped."""
    return _SPACES.sub(" ", text).strip()


def title_from(text: str) -> str:
    """A title from a first message: its first non-blank line, whitespace collapsed, at most 60 characters."""
    line = next((collapse(line) for line in text.splitlines() if line.strip()), "")
    if len(line) <= TITLE_LIMIT:
        return line
    return line[: TITLE_LIMIT - 1].rstrip() + "…"


def _find_folded(text: str, folded_query: str) -> tuple[int, int] | None:
    """Where ``folded_query`` occurs in ``text`` once folded, as (start, end) indexes into ``text`` itself.

    Folding can change the length ("ß" becomes "ss"), so each folded character remembers its source.
    """
    source: list[int] = []
    parts: list[str] = []
    for index, char in enumerate(text):
        folded = char.casefold()
        parts.append(folded)
        source.extend([index] * len(folded))
    at = "".join(parts).find(folded_query)
    if at < 0 or not folded_query:
        return None
    return source[at], source[at + len(folded_query) - 1] + 1


def snippet(text: str, query: str) -> str:
    """A one-line excerpt of ``text`` around the first case-insensitive match of ``query``, with "…" where cut."""
    span = _find_folded(text, query.casefold())
    start, end = span if span else (0, 0)
    left = max(0, start - SNIPPET_BEFORE)
    right = min(len(text), end + SNIPPET_AFTER)
    if left > 0:  # start at a word boundary when one is near
        space = text.find(" ", left, start)
        left = space + 1 if space >= 0 else left
    excerpt = collapse(text[left:right])
    return ("…" if left > 0 else "") + excerpt + ("…" if right < len(text) else "")
