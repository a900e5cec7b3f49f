"""Translations of the window's texts (Qt's own system: .ts sources, .qm compiled files).

Every user-visible string in :mod:`phidesk.gui` goes through :func:`translate` with a literal
context and a literal source text, so that ``pyside6-lupdate`` finds it::

    translate("Composer", "Send")
    translate("Composer", "%n image(s) attached", None, count)          # plural forms
    translate("Header", "Loaded {model} on {provider}").format(model=..., provider=...)

Texts that exist before a translator is installed (module-level constants, core modules'
templates) are marked with ``QT_TRANSLATE_NOOP(context, text)`` from :mod:`phidesk.texts` and
translated with :func:`translate` (same context) where they are shown.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """*text* in the window's language (the English source when no translation is installed)."""
    return QCoreApplication.translate(context, text, disambiguation, n)

