"""Translations of the window's texts (Qt's own system: .ts sources, .qm compiled files).

Every user-visible string in :mod:`phidesk.gui` goes through :func:`translate` with a literal
context and a literal source text, so that ``pyside6-lupdate`` finds it::

    translate("Composer", "Send")
    translate("Composer", "%n image(s) attached", None, count)          # plural forms
    translate("Header", "Loaded {model} on {provider}").format(model=..., provider=...)

Texts that exist before a translator is installed (module-level constants, core modules'
templates) are marked with ``QT_TRANSLATE_NOOP(context, text)`` from :mod:`phidesk.texts` and
translated with :func:`translate` (same context) where they are shown.

:func:`install` (called by the start-up before any widget exists) chooses the language: ``PHIDESK_LANG``
(hi, en, hi_IN…; an unknown value means English, with one warning in the log), else the ``language`` setting,
else the OS's locale. It installs PhiDesk's translation and Qt's own (``qtbase_<lang>.qm``, for the languages
Qt ships: not Hindi), makes the locale the default one (numbers and dates: :func:`number`, :func:`short_date`),
and sets the layout direction from the locale, so a right-to-left language needs no change in the code.
Qt has no Hindi for its standard buttons: :func:`standard_buttons` gives a dialog's OK, Cancel, Close, Yes, No…
PhiDesk's own translation of them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from phidesk.gui import i18n_files
from phidesk.texts import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

ENV = "PHIDESK_LANG"
ENGLISH = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """*text* in the window's language (the English source when no translation is installed)."""
    return QCoreApplication.translate(context, text, disambiguation, n)


def parse_language(value: str) -> QLocale | None:
    """The locale a value such as ``hi``, ``hi_IN``, ``hi-IN`` or ``hi_IN.UTF-8`` names; None if it names none."""
    value = value.strip().split(".")[0].split("@")[0].replace("-", "_")
    if not value:
        return None
    locale = QLocale(value)
    return None if locale.language() in (QLocale.Language.C, QLocale.Language.AnyLanguage) else locale


def choose_locale(setting: str = "system", env: Mapping[str, str] | None = None) -> QLocale:
    """``PHIDESK_LANG`` if set (unknown: English, and a warning), else the *setting*, else the OS's locale."""
    raw = (os.environ if env is None else env).get(ENV, "")
    if raw.strip():
        locale = parse_language(raw)
        if locale is None:
            log.warning("%s=%r names no language PhiDesk knows: using English", ENV, raw)
            return ENGLISH
        return locale
    if setting and setting != "system":
        locale = parse_language(setting)
        if locale is not None:
            return locale
        log.warning("the language setting %r names no language: following the system", setting)
    return QLocale.system()


def translation_code(locale: QLocale, codes: list[str] | None = None) -> str | None:
    """Which of PhiDesk's translations (*codes*: those shipped) serves *locale* (hi_IN → hi), or None."""
    codes = i18n_files.available() if codes is None else codes
    for name in locale.uiLanguages():
        candidate = name.replace("-", "_")
        if candidate in codes:
            return candidate
        parts = candidate.split("_")  # hi_Deva_IN → hi_IN, as the files are named
        if len(parts) == 3 and f"{parts[0]}_{parts[2]}" in codes:
            return f"{parts[0]}_{parts[2]}"
    return None


_installed: list[QTranslator] = []
_state: dict[str, str] = {"language": "en"}


def install(app: QCoreApplication, setting: str = "system", env: Mapping[str, str] | None = None) -> QLocale:
    """Choose the language and install its translations (replacing earlier ones); the locale chosen."""
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    locale = choose_locale(setting, env)
    QLocale.setDefault(locale)
    code = translation_code(locale)
    if code is not None:
        qm = i18n_files.qm_file(code)
        ours = QTranslator(app)
        if qm is not None and ours.load(str(qm)):
            app.installTranslator(ours)
            _installed.append(ours)
        else:
            log.warning("the %s translation could not be loaded (%s): the window stays in English", code, qm)
    qt_own = QTranslator(app)
    if qt_own.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_own)  # Qt's file dialogs and context menus (Qt ships none for Hindi)
        _installed.append(qt_own)
    _state["language"] = locale.name()
    if isinstance(app, QGuiApplication):
        rtl = locale.textDirection() == Qt.LayoutDirection.RightToLeft
        app.setLayoutDirection(Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight)
        ensure_font()
    log.info("language: %s (PhiDesk's translation: %s)", locale.name(), code or "none, English")
    return locale


def language() -> str:
    """The locale name :func:`install` chose (``en_US`` before it ran)."""
    return _state["language"]


def ensure_font(folder: Path | None = None) -> list[str]:
    """Fonts shipped with PhiDesk for scripts the system has no font for (a bare Linux has no Devanagari
    font: the double-click app carries Noto Sans Devanagari); the families added."""
    if QFontDatabase.families(QFontDatabase.WritingSystem.Devanagari):
        return []
    if folder is None:
        i18n = i18n_files.i18n_dir()
        folder = i18n.parent / "fonts" if i18n is not None else None
    if folder is None or not folder.is_dir():
        log.info("no Devanagari font on this system and none shipped: Hindi may show as boxes")
        return []
    added: list[str] = []
    for font in sorted(folder.glob("*.[to]tf")):
        font_id = QFontDatabase.addApplicationFont(str(font))
        if font_id >= 0:
            added += QFontDatabase.applicationFontFamilies(font_id)
    log.info("no Devanagari font on this system: loaded %s", ", ".join(sorted(set(added))) or "none")
    return added


_BUTTONS = {
    "Ok": QT_TRANSLATE_NOOP("StandardButtons", "OK"),
    "Cancel": QT_TRANSLATE_NOOP("StandardButtons", "Cancel"),
    "Close": QT_TRANSLATE_NOOP("StandardButtons", "Close"),
    "Yes": QT_TRANSLATE_NOOP("StandardButtons", "Yes"),
    "No": QT_TRANSLATE_NOOP("StandardButtons", "No"),
    "Save": QT_TRANSLATE_NOOP("StandardButtons", "Save"),
    "Discard": QT_TRANSLATE_NOOP("StandardButtons", "Discard"),
    "Apply": QT_TRANSLATE_NOOP("StandardButtons", "Apply"),
    "Open": QT_TRANSLATE_NOOP("StandardButtons", "Open"),
    "Retry": QT_TRANSLATE_NOOP("StandardButtons", "Retry"),
    "Abort": QT_TRANSLATE_NOOP("StandardButtons", "Abort"),
    "Ignore": QT_TRANSLATE_NOOP("StandardButtons", "Ignore"),
    "Help": QT_TRANSLATE_NOOP("StandardButtons", "Help"),
    "Reset": QT_TRANSLATE_NOOP("StandardButtons", "Reset"),
}


def standard_buttons(box: QDialogButtonBox | QMessageBox) -> None:
    """Give *box*'s standard buttons PhiDesk's translation of their texts.

    Qt names them itself (from its own ``qtbase_<lang>.qm``), and ships no Hindi: call this after the box's
    standard buttons are set. A language PhiDesk has no text for keeps Qt's own (German from Qt, say).
    """
    kinds = QMessageBox.StandardButton if isinstance(box, QMessageBox) else QDialogButtonBox.StandardButton
    for name, text in _BUTTONS.items():
        button = box.button(getattr(kinds, name))
        shown = translate("StandardButtons", text)
        if button is not None and shown != text:
            button.setText(shown)
