"""Shared pieces of the messages' look: colours taken from the palette, icons, "Copied" feedback, reveal on hover.

Colours are derived from the widget's palette (so a light and a dark palette both work, and a palette change
re-styles at once); icons come from the qtawesome icon font, drawn in the palette's text colour.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import qtawesome
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QGraphicsOpacityEffect, QToolButton, QWidget
from shiboken6 import Shiboken

from phidesk.gui.i18n import translate
from phidesk.gui.markdown import code_colours

COPIED_MS = 1_500
"""How long a Copy button says "Copied"."""

ICONS = {
    "copy": "mdi6.content-copy",
    "copied": "mdi6.check",
    "edit": "mdi6.pencil-outline",
    "regenerate": "mdi6.refresh",
    "continue": "mdi6.play-outline",
    "delete": "mdi6.delete-outline",
    "previous": "mdi6.chevron-left",
    "next": "mdi6.chevron-right",
    "remote": "mdi6.cloud-outline",  # a model served elsewhere (the picker, the models pane)
}


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """*a* moved *amount* (0 to 1) of the way towards *b*."""
    return QColor(round(a.red() + (b.red() - a.red()) * amount), round(a.green() + (b.green() - a.green()) * amount),
                  round(a.blue() + (b.blue() - a.blue()) * amount))


def palette_is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def colours(palette: QPalette) -> dict[str, str]:
    """The message colours for *palette*, as ``#rrggbb`` for style sheets."""
    base, text = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
    highlight = palette.color(QPalette.ColorRole.Highlight)
    window = palette.color(QPalette.ColorRole.Window)
    return {
        "card": mix(base, highlight, 0.16 if palette_is_dark(palette) else 0.10).name(),
        "card_border": mix(base, highlight, 0.35).name(),
        "muted": mix(text, window, 0.40).name(),
        "focus": highlight.name(),
        "hover": mix(window, text, 0.12).name(),
        "quote_bar": mix(text, window, 0.55).name(),
        "text": text.name(),
    }


def app_palette() -> QPalette:
    """The application's palette: what a theme change sets (a widget under a style sheet may keep an old one)."""
    return QApplication.palette()


SMALL_FONT = 0.86
"""The who line, the note and the version count, relative to the text."""


def conversation_style(palette: QPalette, points: float) -> str:
    """One style sheet for the whole conversation, its font size (*points*: the zoomed system size) included.

    Under a style sheet Qt ignores ``setFont`` on a styled widget, so the zoom is a font size here too.
    """
    c = colours(palette)
    small = max(1.0, points * SMALL_FONT)
    return (
        f"QWidget#conversation, QWidget#conversation QWidget {{ font-size: {points:.2f}pt; }}"
        " QWidget#conversation QLabel#message-who, QWidget#conversation QLabel#message-note,"
        f" QWidget#conversation QLabel#versions {{ font-size: {small:.2f}pt; }}"
        " QWidget#conversation QLabel#message-who { font-weight: bold; }"
        "QFrame#message-user, QFrame#message-assistant { border: 2px solid transparent; border-radius: 10px; }"
        f" QFrame#message-user:focus, QFrame#message-assistant:focus {{ border: 2px solid {c['focus']}; }}"
        f" QFrame#message-user QFrame#message-card {{ background: {c['card']}; border: 1px solid {c['card_border']};"
        " border-radius: 14px; }"
        " QFrame#message-assistant QFrame#message-card { background: transparent; border: none; }"
        f" QLabel#message-who, QLabel#message-note, QLabel#versions {{ color: {c['muted']}; }}"
        " MessageText { background: transparent; border: 2px solid transparent; border-radius: 4px; }"
        f" MessageText:focus {{ border: 2px solid {c['focus']}; }}"
        f" CodeView:focus {{ border: 2px solid {c['focus']}; }}"
        + button_style(palette) + code_style(palette_is_dark(palette))
    )


def code_style(dark: bool) -> str:
    """Code blocks: Pygments' background for the theme (in the conversation's one style sheet: one per block
    cost a few milliseconds each when a conversation opens)."""
    bg, fg, header_bg, header_fg = code_colours(dark)
    return (
        f" QFrame#code-block {{ background: {bg}; border-radius: 8px; }}"
        f" QWidget#code-header {{ background: {header_bg}; border-top-left-radius: 8px;"
        " border-top-right-radius: 8px; }"
        f" QLabel#code-language, QFrame#code-block QToolButton {{ color: {header_fg}; }}"
        f" CodeView {{ background: {bg}; color: {fg}; border-radius: 8px; }}"
    )


def icon(name: str, palette: QPalette) -> QIcon:
    colour = palette.color(QPalette.ColorRole.ButtonText).name()
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText).name()
    return _icon(name, colour, disabled)


@functools.lru_cache(maxsize=64)
def _icon(name: str, colour: str, disabled: str) -> QIcon:
    """One icon per name and colours (every message has five or six: made once, shared)."""
    result: QIcon = qtawesome.icon(ICONS[name], color=QColor(colour), color_disabled=QColor(disabled))
    return result


def warm_icons() -> None:
    """Make every action icon for the current palette now (at start-up), not while the first answer is shown:
    qtawesome's first icons cost the GUI thread ~10 ms."""
    palette = app_palette()
    for name in ICONS:
        icon(name, palette)


def button_style(palette: QPalette) -> str:
    """Flat tool buttons with a visible focus ring (the ring is the highlight colour, in both themes)."""
    c = colours(palette)
    return (f"QToolButton {{ border: 2px solid transparent; border-radius: 5px; padding: 2px; }}"
            f" QToolButton:hover {{ background: {c['hover']}; }}"
            f" QToolButton:focus {{ border: 2px solid {c['focus']}; }}")


class ActionButton(QToolButton):
    """An icon button that knows its icon (to draw it again in a new palette's colours) and its idle look.

    Plain attributes, not Qt properties: PySide6 6.12's ``QObject.property`` returns ``None`` for an unset
    property without taking a reference to it (see ``gui.signals``), and a theme change reads many.
    """

    def __init__(self, parent: QWidget, kind: str) -> None:
        super().__init__(parent)
        self.kind = kind
        self.copied = False
        self.idle_style = Qt.ToolButtonStyle.ToolButtonIconOnly
        self.idle_text = ""


def action_button(parent: QWidget, kind: str, name: str, tip: str) -> ActionButton:
    """An icon button with an accessible name, a tooltip and a focus ring; Tab reaches it."""
    button = ActionButton(parent, kind)
    button.setObjectName(f"action-{kind}")
    button.setText(name)
    button.setAccessibleName(name)
    button.setToolTip(tip)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    button.setAutoRaise(True)
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setIcon(icon(kind, app_palette()))
    return button


def restyle_buttons(host: QWidget) -> None:
    """The icons again, in the application palette's colours (after a theme change)."""
    palette = app_palette()
    for button in host.findChildren(ActionButton):
        button.setIcon(icon("copied" if button.copied else button.kind, palette))


def copy_with_feedback(button: ActionButton, text: str) -> None:
    """Put *text* on the clipboard; the button says "Copied" (icon and text) for a moment."""
    QGuiApplication.clipboard().setText(text)
    if not button.copied:
        button.idle_style, button.idle_text = button.toolButtonStyle(), button.text()
    button.copied = True
    button.setIcon(icon("copied", app_palette()))
    button.setText(translate("Copy", "Copied"))
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    button.setAccessibleDescription(translate("Copy", "Copied"))

    def back() -> None:
        button.copied = False
        button.setIcon(icon(button.kind, app_palette()))
        button.setText(button.idle_text)
        button.setToolButtonStyle(button.idle_style)
        button.setAccessibleDescription("")

    QTimer.singleShot(COPIED_MS, button, back)


class Reveal(QObject):
    """Shows *targets* while the mouse is over *host* or the keyboard focus is in it; else they are transparent.

    The targets stay in the layout and in the Tab chain (transparent, not hidden), so nothing moves when they
    appear and a keyboard user reaches them: focus on one of them shows them all.
    """

    def __init__(self, host: QWidget, targets: list[QWidget], on_change: Callable[[bool], None] | None = None) -> None:
        super().__init__(host)
        self.host = host
        self.effects: list[QGraphicsOpacityEffect] = []
        for target in targets:
            effect = QGraphicsOpacityEffect(target)
            target.setGraphicsEffect(effect)
            self.effects.append(effect)
        self.shown = True
        self.pinned = False  # shown whatever the mouse and focus (e.g. while "Copied" shows)
        self._on_change = on_change
        host.installEventFilter(self)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus)
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() in (QEvent.Type.Enter, QEvent.Type.Leave):
            QTimer.singleShot(0, self, self.update)
        return False

    def _on_focus(self, _old: QWidget | None, _new: QWidget | None) -> None:
        self.update()

    def update(self) -> None:
        if not Shiboken.isValid(self.host):  # focus moves while the message itself is being deleted
            return
        focus = QApplication.focusWidget()
        within = focus is not None and (focus is self.host or self.host.isAncestorOf(focus))
        shown = self.pinned or within or self.host.underMouse()
        if shown != self.shown:
            self.shown = shown
            for effect in self.effects:
                effect.setOpacity(1.0 if shown else 0.0)
            if self._on_change is not None:
                self._on_change(shown)
        elif not self.effects or self.effects[0].opacity() != (1.0 if shown else 0.0):
            for effect in self.effects:
                effect.setOpacity(1.0 if shown else 0.0)
