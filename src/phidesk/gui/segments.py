"""An answer's Markdown cut into segments: runs of prose, and each top-level code block on its own.

Qt-free. The message widget shows each segment in its own widget: a code block scrolls sideways inside its
own box (a QTextBrowser cannot scroll one table cell), and a stream re-renders only its last segment, so the
cost of an update does not grow with the answer.

Why re-parsing only the tail is the same as parsing everything: in CommonMark new lines can change only the
blocks still open at the end of the text; a top-level block followed by another one is closed for good. A
segment is therefore final once another segment follows it, and ``split(text, start)`` from the start of the
last segment yields what ``split(text)`` yields from there (prose is grouped greedily, block by block, so the
grouping of the tail does not depend on what came before). One difference: a link reference definition
(``[x]: https://...``) applies only inside its own segment.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from typing import Any

from phidesk.gui.markdown import parser

PROSE_CHARS = 1_200
"""A run of prose blocks becomes its own segment once it is at least this long (at the next block's start)."""

_NEWLINES = re.compile(r"\r\n?")


@dataclass(frozen=True)
class Segment:
    """One piece of a message: ``kind`` "prose" (Markdown source) or "code" (a top-level code block)."""

    kind: str
    start: int
    """Offset of the segment in the (newline-normalised) text."""
    source: str
    """The Markdown source of the segment, up to the next segment's start."""
    language: str = ""
    code: str = ""
    """For a code block: its text without the final newline."""


def normalise(text: str) -> str:
    """The text with CR LF and CR as LF (offsets then match the parser's lines)."""
    return _NEWLINES.sub("\n", text) if "\r" in text else text


def split(text: str, start: int = 0) -> list[Segment]:
    """The segments of ``text[start:]`` (*text* normalised; *start* a segment's start); never empty."""
    tail = text[start:]
    offsets = _line_offsets(tail)
    blocks: list[tuple[int, Any]] = []  # (first line, token) of each top-level block
    try:
        tokens = _parse(tail)
    except Exception:  # the renderer shows the text as it is; one prose segment does the same here
        tokens = []
    for token in tokens:
        if token.level == 0 and token.nesting >= 0 and token.map is not None:
            blocks.append((token.map[0], token))
    segments: list[Segment] = []
    prose_from: int | None = 0
    for number, (line, token) in enumerate(blocks):
        at = offsets[min(line, len(offsets) - 1)]
        if token.type in {"fence", "code_block"}:
            if prose_from is not None:
                if tail[prose_from:at].strip():
                    segments.append(Segment("prose", start + prose_from, tail[prose_from:at]))
                else:
                    at = prose_from  # blank lines before a code block belong to it
            prose_from = None
            end = offsets[min(blocks[number + 1][0], len(offsets) - 1)] if number + 1 < len(blocks) else len(tail)
            info = html.unescape(token.info).strip() if token.type == "fence" else ""
            language = info.split(maxsplit=1)[0] if info else ""
            content = token.content[:-1] if token.content.endswith("\n") else token.content
            segments.append(Segment("code", start + at, tail[at:end], language, content))
            continue
        if prose_from is None:
            prose_from = at
        elif at - prose_from >= PROSE_CHARS:
            segments.append(Segment("prose", start + prose_from, tail[prose_from:at]))
            prose_from = at
    if prose_from is not None and (tail[prose_from:].strip() or not segments):  # else: blank lines at the start
        segments.append(Segment("prose", start + prose_from, tail[prose_from:]))
    return segments


def _line_offsets(text: str) -> list[int]:
    offsets = [0]
    for match in re.finditer("\n", text):
        offsets.append(match.end())
    offsets.append(len(text))  # a map's end line past the last
    return offsets


@functools.lru_cache(maxsize=8)
def _parse(text: str) -> list[Any]:
    return list(parser().parse(text, {}))
