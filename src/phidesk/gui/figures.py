"""Numbers, sizes, times and dates in the window, in the chosen locale (``QLocale()``: the language picked at
start-up; Hindi/India groups as 1,00,000).

The "C" locale (no locale set, e.g. ``LANG=C``) keeps what the window showed before it had locales: counts
grouped as in English (1,182) instead of Qt's bare C digits, 24-hour times and ISO dates (2026-10-02). Decimals
are rounded by Python first (half to even on the exact binary value, as the window always showed them), then
written with the locale's separators.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QLocale, QTime

from phidesk.gui.i18n import translate


def locale() -> QLocale:
    """The window's locale: the default one, with "C" read as English (United States)."""
    chosen = QLocale()
    if chosen.language() == QLocale.Language.C:
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    return chosen


def number(n: int) -> str:
    """A count with the locale's digit grouping (1,182; in Hindi 1,00,000)."""
    return locale().toString(int(n))


def decimal(value: float, places: int) -> str:
    """*value* with *places* decimals and the locale's separators."""
    return locale().toString(round(float(value), places), "f", places)


def megabytes(size: int) -> str:
    """A file size in MB (one decimal) from a MB, else in KB (at least 1)."""
    if size >= 2**20:
        return translate("Figures", "{size} MB").format(size=decimal(size / 2**20, 1))
    return translate("Figures", "{size} KB").format(size=number(max(1, size // 1024)))


def _plain() -> bool:
    return QLocale().language() == QLocale.Language.C


def short_time(moment: datetime) -> str:
    """The time of day in the locale's short format (09:05, 9:05 AM, 9:05 am)."""
    if _plain():
        return moment.strftime("%H:%M")
    return locale().toString(QTime(moment.hour, moment.minute), QLocale.FormatType.ShortFormat)


def short_date(moment: datetime) -> str:
    """The date in the locale's short format."""
    if _plain():
        return moment.strftime("%Y-%m-%d")
    return locale().toString(QDate(moment.year, moment.month, moment.day), QLocale.FormatType.ShortFormat)


def short_day(moment: datetime) -> str:
    """The weekday's short name (Mon; सोम)."""
    return locale().dayName(moment.isoweekday(), QLocale.FormatType.ShortFormat)
