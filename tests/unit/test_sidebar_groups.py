"""The sidebar's sections and second lines: fixed time stamps, a fixed "now", local midnights (sections Qt-free)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pytest

from phidesk.gui.sidebar_groups import (
    OLDER,
    PINNED,
    PREVIOUS_7_DAYS,
    TODAY,
    YESTERDAY,
    grouped,
    highlighted,
    hit_spans,
    section,
)


@pytest.fixture
def berlin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is Berlin's (daylight saving ends on 2026-10-25 at 03:00, when clocks go back to 02:00)."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def local(*args: int) -> float:
    return datetime(*args).timestamp()  # type: ignore[arg-type]  # year, month, day[, hour, minute, second]


@dataclass(frozen=True)
class Row:
    name: str
    updated_at: float
    pinned: bool = False


@pytest.mark.usefixtures("berlin")
def test_sections_follow_local_midnights() -> None:
    now = local(2026, 10, 27, 0, 30)  # just after midnight, two days after the clocks went back
    assert section(local(2026, 10, 27, 0, 0), now) == TODAY
    assert section(local(2026, 10, 26, 23, 59, 59), now) == YESTERDAY
    assert section(local(2026, 10, 26, 0, 0), now) == YESTERDAY
    assert section(local(2026, 10, 25, 23, 59), now) == PREVIOUS_7_DAYS  # the 25-hour day is still one day
    assert section(local(2026, 10, 20, 0, 0), now) == PREVIOUS_7_DAYS
    assert section(local(2026, 10, 19, 23, 59), now) == OLDER
    assert section(now + 3600, now) == TODAY  # another machine's clock ahead
    assert section(local(2020, 1, 1), now, pinned=True) == PINNED


@pytest.mark.usefixtures("berlin")
def test_the_day_after_daylight_saving_ends_is_not_cut_by_24_hours() -> None:
    now = local(2026, 10, 25, 12, 0)  # the day itself has 25 hours
    # 23:30 the day before: 13.5 real hours before now, and yesterday
    assert section(local(2026, 10, 24, 23, 30), now) == YESTERDAY
    assert section(local(2026, 10, 25, 0, 10), now) == TODAY  # 12 h 50 min of real time before now
    assert now - local(2026, 10, 25, 0, 0) == 13 * 3600  # midnight to noon took 13 hours that day


@pytest.mark.usefixtures("berlin")
def test_grouped_puts_pinned_first_and_keeps_the_order_within_a_section() -> None:
    now = local(2026, 11, 30, 12, 0)
    rows = [Row("pinned-old", local(2025, 1, 1), pinned=True), Row("a", local(2026, 11, 30, 11)),
            Row("b", local(2026, 11, 30, 9)), Row("c", local(2026, 11, 29, 22)), Row("d", local(2026, 11, 1))]
    assert [(name, [r.name for r in members]) for name, members in grouped(rows, now)] == [
        (PINNED, ["pinned-old"]), (TODAY, ["a", "b"]), (YESTERDAY, ["c"]), (OLDER, ["d"])]
    assert grouped([], now) == []


@pytest.fixture
def british() -> Iterator[None]:
    """The window's locale is English (United Kingdom): 24-hour times, day/month/year dates."""
    from PySide6.QtCore import QLocale

    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    yield
    QLocale.setDefault(before)


@pytest.mark.usefixtures("berlin", "british")
def test_second_line_time_day_or_date_in_the_locale() -> None:
    from phidesk.gui.conversations import when

    now = local(2026, 11, 30, 12, 0)  # a Monday
    assert when(local(2026, 11, 30, 9, 5), now) == "09:05"
    assert when(local(2026, 11, 29, 21, 0), now) == "Yesterday 21:00"
    assert when(local(2026, 11, 26, 8, 0), now) == "Thu 08:00"
    assert when(local(2026, 10, 2, 8, 0), now) == "02/10/2026"


@pytest.mark.usefixtures("berlin")
def test_second_line_follows_the_hindi_locale() -> None:
    from PySide6.QtCore import QLocale

    from phidesk.gui.conversations import when

    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.Hindi, QLocale.Country.India))
    try:
        now = local(2026, 11, 30, 12, 0)
        assert when(local(2026, 11, 26, 8, 0), now) == "गुरु 8:00 am"
        assert when(local(2026, 10, 2, 8, 0), now) == "2/10/26"
    finally:
        QLocale.setDefault(before)


def test_a_search_hit_is_marked_after_the_text_is_escaped() -> None:
    text = "<img src=x> Paris, paris & PARIS"
    assert highlighted(text, "paris") == ("&lt;img src=x&gt; <b>Paris</b>, <b>paris</b> &amp; <b>PARIS</b>")
    assert highlighted(text, "img") == "&lt;<b>img</b> src=x&gt; Paris, paris &amp; PARIS"
    assert highlighted("<b>", "<b>") == "<b>&lt;b&gt;</b>"  # the query itself is escaped too
    assert highlighted("no hit", "zzz") == "no hit"
    assert hit_spans("Straße", "SS") == []  # folding changes the length: no highlight rather than a wrong one
    assert hit_spans("abc", "") == []
