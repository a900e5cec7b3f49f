"""The window's theme: follow the OS, or force light or dark (Fusion with explicit palettes).

"system" follows the OS while the app runs: when the OS switches between light and dark
(``QStyleHints.colorSchemeChanged``, Qt 6.5+), the palette is taken again from the style, and every widget
that draws with its own colours (the messages: ``ChatView``) re-styles on the palette change.

Its own module so that the start-up (``phidesk.gui.app``) and the window (``phidesk.gui.main_window``), which
both apply it, need not import each other.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

SCHEMES = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark, "system": Qt.ColorScheme.Unknown}
_applied = {"theme": "system", "watching": ""}


def apply_theme(theme: str) -> None:
    """Follow the OS (system), or force light or dark.

    The color-scheme hint alone is not honoured everywhere (e.g. X11 without a desktop's
    platform theme), so a forced theme also sets the Fusion style with an explicit palette.
    """
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    _applied["theme"] = theme
    if not _applied["watching"]:  # once per process: the OS switching light/dark while "system" is chosen
        QGuiApplication.styleHints().colorSchemeChanged.connect(_on_system_scheme)
        _applied["watching"] = "yes"
    QGuiApplication.styleHints().setColorScheme(SCHEMES.get(theme, Qt.ColorScheme.Unknown))
    if theme == "system":
        style = app.style()
        app.setPalette(style.standardPalette() if style is not None else QPalette())
        return
    app.setStyle("Fusion")
    app.setPalette(_dark_palette() if theme == "dark" else QPalette(QColor("#efefef")))


def _on_system_scheme(_scheme: Qt.ColorScheme) -> None:
    app = QApplication.instance()
    if _applied["theme"] == "system" and isinstance(app, QApplication):
        style = app.style()
        app.setPalette(style.standardPalette() if style is not None else QPalette())


def _dark_palette() -> QPalette:
    p = QPalette()
    roles = QPalette.ColorRole
    for role, color in ((roles.Window, "#2b2b2e"), (roles.WindowText, "#e6e6e6"), (roles.Base, "#1f1f22"),
                        (roles.AlternateBase, "#34343a"), (roles.Text, "#e6e6e6"), (roles.Button, "#3a3a40"),
                        (roles.ButtonText, "#e6e6e6"), (roles.Highlight, "#3d6fb6"),
                        (roles.HighlightedText, "#ffffff"), (roles.ToolTipBase, "#34343a"),
                        (roles.ToolTipText, "#e6e6e6"), (roles.Link, "#7fb2ff"), (roles.PlaceholderText, "#8a8a90")):
        p.setColor(role, QColor(color))
    p.setColor(QPalette.ColorGroup.Disabled, roles.Text, QColor("#77777c"))
    p.setColor(QPalette.ColorGroup.Disabled, roles.ButtonText, QColor("#77777c"))
    return p


def is_dark() -> bool:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app.palette().color(QPalette.ColorRole.Window).lightness() < 128
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
