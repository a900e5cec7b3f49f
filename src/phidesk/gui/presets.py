"""System-prompt presets of the settings dialog: their names are translated, their texts (read by the model) are
English, which small models follow best; "Answer in Hindi" and, when the OS's language is neither English nor
Hindi, "Answer in <that language>"."""

from __future__ import annotations

from PySide6.QtCore import QLocale

from phidesk.gui.i18n import translate
from phidesk.texts import QT_TRANSLATE_NOOP

NONE = QT_TRANSLATE_NOOP("Presets", "(none)")
PRESETS = {
    NONE: "",
    QT_TRANSLATE_NOOP("Presets", "Helpful assistant"):
        "You are a helpful, honest assistant. Answer clearly and concisely.",
    QT_TRANSLATE_NOOP("Presets", "Concise"): "Answer in as few words as possible. No preamble.",
    QT_TRANSLATE_NOOP("Presets", "Coding helper"):
        "You are an expert programmer. Give correct, idiomatic code with short explanations. "
        "Use fenced code blocks with the language named.",
    QT_TRANSLATE_NOOP("Presets", "Teacher"): "Explain step by step, with simple examples, as to a curious student.",
    QT_TRANSLATE_NOOP("Presets", "Answer in Hindi"):
        "Always answer in Hindi (हिन्दी), written in Devanagari script, whatever language the question is in. "
        "Keep names, code and technical terms such as GPU as they are.",
}
"""Preset name (English, the key) → the system prompt it puts in."""

_SKIP = (QLocale.Language.English, QLocale.Language.Hindi, QLocale.Language.C, QLocale.Language.AnyLanguage)


def locale_preset(locale: QLocale | None = None) -> tuple[str, str, str] | None:
    """(key, shown name, prompt) of "Answer in <the OS's language>", when that is neither English nor Hindi."""
    locale = QLocale.system() if locale is None else locale
    if locale.language() in _SKIP:
        return None
    english = QLocale.languageToString(locale.language())
    native = locale.nativeLanguageName() or english
    key = f"Answer in {english}"
    shown = translate("Presets", "Answer in {language}").format(language=native)
    prompt = (f"Always answer in {english} ({native}), whatever language the question is in. "
              "Keep names, code and technical terms as they are.")
    return key, shown, prompt


def presets(locale: QLocale | None = None) -> list[tuple[str, str, str]]:
    """Every preset as (key, shown name, prompt), the locale's own language last."""
    found = [(key, translate("Presets", key), text) for key, text in PRESETS.items()]
    extra = locale_preset(locale)
    return [*found, extra] if extra is not None else found
