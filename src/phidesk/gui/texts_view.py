"""Core messages in the window's language: a :class:`phidesk.texts.Text` translated and filled in.

The core (no Qt) raises and returns ``Text`` values whose string is English; here their template is looked up
under their context, the values are filled in (numbers whose field asks for grouping, ``{n:,}``, written in the
window's locale: 1,00,000 in Hindi), and a translation that cannot be filled in (a placeholder a translator
mistyped) falls back to the English template rather than failing where the window shows it.

Errors that come from the worker process cross its pipe as a code and an English line (``EngineError``);
:func:`localized_error` says the common ones in the window's language by their code.
"""

from __future__ import annotations

import logging
import re
import string
from typing import Any

from PySide6.QtCore import QLocale

from phidesk.gui.i18n import translate
from phidesk.texts import QT_TRANSLATE_NOOP, Text, message_of

log = logging.getLogger(__name__)

_GROUPED = re.compile(r",(?:\.(?P<precision>\d+))?(?P<kind>[df]?)")


class _LocaleFormatter(string.Formatter):
    """``str.format`` with the grouped numbers (``{n:,}``, ``{x:,.1f}``) in the default QLocale's digits."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        match = _GROUPED.fullmatch(format_spec)
        locale = QLocale()
        if match is None or isinstance(value, bool) or not isinstance(value, (int, float)) \
                or locale.language() == QLocale.Language.C:  # the C locale writes no grouping at all: keep Python's
            return super().format_field(value, format_spec)
        precision, kind = match["precision"], match["kind"]
        if isinstance(value, int) and precision is None and kind != "f":
            return locale.toString(value)
        return locale.toString(float(value), "f", int(precision) if precision is not None else 6)


_FORMATTER = _LocaleFormatter()


def _fill(template: str, values: dict[str, object]) -> str:
    return _FORMATTER.vformat(template, (), values)


def localized(message: object) -> str:
    """*message* in the window's language: a Text (or an exception raised with one) translated with its values
    filled in, its Text values too; anything else as its ``str``."""
    if isinstance(message, BaseException):
        message = message_of(message)
    if not isinstance(message, Text):
        return str(message)
    values = {key: localized(value) if isinstance(value, (Text, BaseException)) else value
              for key, value in message.values.items()}
    translated = translate(message.context, message.template)
    try:
        return _fill(translated, values)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError) as exc:
        if translated != message.template:
            log.warning("translation of %r cannot be filled in (%s): shown in English", message.template, exc)
        try:
            return _fill(message.template, values)
        except (KeyError, IndexError, ValueError, AttributeError, TypeError):
            return str.__str__(message)


def fill(template: str, /, **values: object) -> str:
    """*template* (already translated) with *values*, grouped numbers (``{n:,}``) in the window's locale."""
    return _fill(template, values)


def size_text(mb: float) -> str:
    """A size given in MB, as the window writes it: "1.5 GB" from 1,024 MB up, else "300 MB"."""
    if mb >= 1024:
        return fill(translate("Units", "{gb:,.1f} GB"), gb=mb / 1024)
    return fill(translate("Units", "{mb:,.0f} MB"), mb=mb)


def sentence(text: str) -> str:
    """A one-line reason as a sentence of its own: its first letter upper-case, a full stop at its end (none
    added after one, or after a Devanagari danda)."""
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "।")) else text + "."


# What the window says for the common failures that cross the worker's pipe as a code and an English line; the
# line, whose details (a signal, a log path, a size) only the worker knows, is kept as {detail}.
ERROR_CODES = {
    "worker_died": QT_TRANSLATE_NOOP(
        "Errors", "The model process stopped; it starts again with the next message. Details: {detail}"),
    "no_model": QT_TRANSLATE_NOOP("Errors", "No model is loaded: choose one in the model picker."),
    "cancelled": QT_TRANSLATE_NOOP(
        "Errors", "Loading the model was stopped (Stop or Esc); it loads again with the next message."),
    "bad_text": QT_TRANSLATE_NOOP(
        "Errors", "The text holds characters that are not valid Unicode, so it was not sent."),
    "bad_template": QT_TRANSLATE_NOOP("Errors", "The model's chat template cannot be used. Details: {detail}"),
    "prompt_too_long": QT_TRANSLATE_NOOP(
        "Errors", "This message does not fit the model's context: shorten it, or raise the context in Settings. "
                  "Details: {detail}"),
    "bad_image": QT_TRANSLATE_NOOP("Errors", "An image cannot be used. Details: {detail}"),
    "cannot_continue": QT_TRANSLATE_NOOP("Errors", "This answer cannot be continued. Details: {detail}"),
    "load_failed": QT_TRANSLATE_NOOP("Errors", "The model could not be loaded. Details: {detail}"),
    "generate_failed": QT_TRANSLATE_NOOP("Errors", "The answer failed. Details: {detail}"),
    "disk_full": QT_TRANSLATE_NOOP("Errors", "The disk is full: free some space, then try again. Details: {detail}"),
}


def localized_error(code: str | None, message: object) -> str:
    """An error the window shows: a Text (or an exception raised with one) translated; else, for a common *code*
    whose text has a translation, that text with *message* as its detail; else *message* as it is (English)."""
    if isinstance(message, BaseException):
        message = message_of(message)
    if isinstance(message, Text):
        return localized(message)
    english = str(message)
    template = ERROR_CODES.get(code or "")
    if template is None:
        return english
    translated = translate("Errors", template)
    if translated == template:  # no translation installed: the worker's own line says more
        return english
    try:
        return translated.format(detail=english)
    except (KeyError, IndexError, ValueError, AttributeError):
        return english
