"""The main window built with PHIDESK_LANG=hi: every visible action, button, label and the window title differ
from the English window's, except names (an explicit allow-list)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from phidesk import settings
from phidesk.gui import i18n, i18n_files
from phidesk.gui.main_window import MainWindow
from phidesk.store import Store

I18N = Path(__file__).resolve().parents[2] / "resources" / "i18n"
NAMES = {"PhiDesk", "CPU", "GPU", "CUDA", "DirectML", "starter"}
"""Texts that are names and stay as they are in every language."""


def is_name(text: str) -> bool:
    return not text.strip() or text in NAMES or re.fullmatch(r"[\d\s.,:%/×x+-]*", text) is not None


def visible_texts(window: MainWindow) -> list[tuple[str, str]]:
    """(where, text) of each visible action, button and label, every visible widget's accessible name and tooltip,
    and the title, in a fixed order."""
    found = [("window title", window.windowTitle())]
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        where = f"{type(widget).__name__} {widget.objectName()}"
        if isinstance(widget, (QAbstractButton, QLabel)):
            found.append((where, widget.text()))
        if widget.accessibleName():
            found.append((f"{where} (accessible name)", widget.accessibleName()))
        if widget.toolTip():
            found.append((f"{where} (tooltip)", widget.toolTip()))
    for action in window.findChildren(QAction):
        if action.isVisible() and action.text():
            found.append((f"QAction {action.objectName()}", action.text()))
        if action.isVisible() and action.toolTip() and action.toolTip() != action.text().replace("&", "").rstrip("…."):
            found.append((f"QAction {action.objectName()} (tooltip)", action.toolTip()))
    return found


def build(qtbot: object, language: str, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    monkeypatch.setenv(i18n.ENV, language)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    i18n.install(app)
    window = MainWindow(Store(), settings.Settings())
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    texts = visible_texts(window)
    window.close()
    return texts


def test_the_hindi_window_has_no_english_left_but_names(qtbot: object, phidesk_home: Path,
                                                        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(i18n_files.DIR_ENV, str(I18N))
    monkeypatch.setenv("PHIDESK_CACHE", str(tmp_path / "cache"))
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = QLocale()
    try:
        english = build(qtbot, "en", monkeypatch)
        hindi = build(qtbot, "hi", monkeypatch)
    finally:
        i18n.install(app, "en", env={})
        QLocale.setDefault(before)  # the next tests' locale (the C locale's 24-hour times)
    assert [where for where, _ in hindi] == [where for where, _ in english]  # the same widgets, in the same order
    untranslated = [f"{where}: {en!r}" for (where, en), (_, hi) in zip(english, hindi, strict=True)
                    if en == hi and not is_name(en)]
    assert not untranslated, "English left in the Hindi window:\n" + "\n".join(untranslated)


def test_the_credential_store_is_named_in_hindi(qtbot: object, phidesk_home: Path, monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    """The Add endpoint dialog says where the key goes; the store's name was English inside the Hindi sentence."""
    from phidesk.gui.endpoint_dialog import EndpointDialog
    from phidesk.remote import endpoints

    secret_service = type("Keyring", (), {"__module__": "keyring.backends.SecretService"})()
    monkeypatch.setattr(endpoints, "credential_store", lambda: endpoints.store_name(secret_service))
    monkeypatch.setenv(i18n_files.DIR_ENV, str(I18N))
    monkeypatch.setenv("PHIDESK_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv(i18n.ENV, "hi")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = QLocale()
    try:
        i18n.install(app)
        dialog = EndpointDialog()
        qtbot.addWidget(dialog)  # type: ignore[attr-defined]
        note = dialog.key_note.text()
    finally:
        i18n.install(app, "en", env={})
        QLocale.setDefault(before)
    assert note == "कुंजी Secret Service (GNOME Keyring, KWallet या KeePassXC) में रखी जाती है, PhiDesk की फ़ाइलों में कभी नहीं।"
    assert str(endpoints.store_name(secret_service)) == "the Secret Service (GNOME Keyring, KWallet or KeePassXC)"
