"""The sidebar's sections and search hits, as pure functions (no Qt): tested with fixed times and a fixed "now".

Sections: Pinned (whatever their date), then Today, Yesterday, Previous 7 days, Older, by the time of the last
message, against *local* midnights (computed from the calendar date, so a day with a daylight-saving change is
still one day). A time in the future (another machine's clock) counts as today. The second line's time or date,
in the window's locale, is written by ``gui.conversations``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Protocol, TypeVar

from phidesk.gui.markdown import escape
from phidesk.texts import QT_TRANSLATE_NOOP

# English names (also the keys); the sidebar shows them translated (context "Sidebar")
PINNED = QT_TRANSLATE_NOOP("Sidebar", "Pinned")
TODAY = QT_TRANSLATE_NOOP("Sidebar", "Today")
YESTERDAY = QT_TRANSLATE_NOOP("Sidebar", "Yesterday")
PREVIOUS_7_DAYS = QT_TRANSLATE_NOOP("Sidebar", "Previous 7 days")
OLDER = QT_TRANSLATE_NOOP("Sidebar", "Older")
SECTIONS = (PINNED, TODAY, YESTERDAY, PREVIOUS_7_DAYS, OLDER)


class Dated(Protocol):
    @property
    def pinned(self) -> bool: ...

    @property
    def updated_at(self) -> float: ...


D = TypeVar("D", bound=Dated)


def midnight(day: date) -> float:
    """The local time stamp at which *day* begins."""
    return datetime.combine(day, datetime.min.time()).timestamp()


def section(updated_at: float, now: float, pinned: bool = False) -> str:
    if pinned:
        return PINNED
    today = datetime.fromtimestamp(now).date()
    if updated_at >= midnight(today):
        return TODAY
    if updated_at >= midnight(today - timedelta(days=1)):
        return YESTERDAY
    if updated_at >= midnight(today - timedelta(days=7)):
        return PREVIOUS_7_DAYS
    return OLDER


def grouped(items: Iterable[D], now: float) -> list[tuple[str, list[D]]]:
    """(section, items) in SECTIONS order, empty sections left out; each keeps the order it was given."""
    groups: dict[str, list[D]] = {name: [] for name in SECTIONS}
    for item in items:
        groups[section(item.updated_at, now, item.pinned)].append(item)
    return [(name, members) for name, members in groups.items() if members]


def hit_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where *query* occurs in *text*, compared case-folded as the store's search does; none if folding changes
    the length of *text* (then the offsets would not line up: no highlight rather than a wrong one)."""
    folded, needle = text.casefold(), query.casefold()
    if not needle or len(folded) != len(text):
        return []
    spans, start = [], folded.find(needle)
    while start >= 0:
        spans.append((start, start + len(needle)))
        start = folded.find(needle, start + len(needle))
    return spans


def highlighted(text: str, query: str, mark: str = "<b>", end: str = "</b>") -> str:
    """*text* as rich text: every piece escaped first, then each search hit wrapped in *mark* … *end*."""
    out, pos = [], 0
    for start, stop in hit_spans(text, query):
        out += [escape(text[pos:start]), mark, escape(text[start:stop]), end]
        pos = stop
    out.append(escape(text[pos:]))
    return "".join(out)
