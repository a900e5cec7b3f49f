"""Marking texts for translation outside the window (no Qt here).

Core modules (the model manager's verdicts, errors the window shows) mark their English
templates with :func:`QT_TRANSLATE_NOOP`, the name ``pyside6-lupdate`` looks for, and keep
the values apart from the template; the window translates the template and then fills it in.
"""

from __future__ import annotations


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name the extractor knows
    """*text* unchanged; the extractor records it under *context*."""
    del context
    return text
