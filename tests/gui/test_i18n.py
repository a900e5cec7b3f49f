"""The window's language: chosen at start-up, PhiDesk's and Qt's translations, layout direction, numbers, the
standard buttons, the .ts compiled on demand, and Settings → Language with its restart offer."""

from __future__ import annotations

import logging
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMainWindow, QMessageBox

from phidesk import settings
from phidesk.gui import i18n, i18n_files, restart
from phidesk.gui.settings_dialog import SettingsDialog

I18N = Path(__file__).resolve().parents[2] / "resources" / "i18n"


@pytest.fixture
def app(qapp: QApplication, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[QApplication]:
    """The app with this checkout's translations; English and left-to-right again afterwards."""
    monkeypatch.setenv(i18n_files.DIR_ENV, str(I18N))
    monkeypatch.setenv("PHIDESK_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv(i18n.ENV, raising=False)
    before = QLocale()
    yield qapp
    i18n.install(qapp, "en", env={})
    QLocale.setDefault(before)  # the next tests' locale (the C locale's 24-hour times)
    assert qapp.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_phidesk_lang_hi_translates_the_settings_and_their_standard_buttons(app: QApplication,
                                                                          qtbot: object) -> None:
    locale = i18n.install(app, "en", env={"PHIDESK_LANG": "hi"})  # the variable wins over the setting
    assert locale.language() == QLocale.Language.Hindi
    dialog = SettingsDialog(settings.Settings(), [], None)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    assert dialog.windowTitle() == "सेटिंग्स"
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    assert buttons.button(QDialogButtonBox.StandardButton.Ok).text() == "ठीक है"
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "रद्द करें"
    names = [dialog.language.itemText(i) for i in range(dialog.language.count())]
    assert names == ["सिस्टम", "English", "हिन्दी"]  # each language named in itself
    assert app.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_the_setting_applies_without_the_variable(app: QApplication) -> None:
    assert i18n.install(app, "hi", env={}).language() == QLocale.Language.Hindi
    assert i18n.translate("StandardButtons", "Close") == "बंद करें"
    assert i18n.install(app, "en", env={}).language() == QLocale.Language.English
    assert i18n.translate("StandardButtons", "Close") == "Close"


def test_an_unknown_phidesk_lang_means_english_and_one_warning(app: QApplication,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="phidesk.gui.i18n"):
        locale = i18n.install(app, "hi", env={"PHIDESK_LANG": "klingon"})
    assert locale.language() == QLocale.Language.English
    assert [r.getMessage() for r in caplog.records] == [
        "PHIDESK_LANG='klingon' names no language PhiDesk knows: using English"]
    assert i18n.translate("StandardButtons", "Close") == "Close"


def test_a_right_to_left_language_reverses_the_layout_without_a_translation(app: QApplication,
                                                                            qtbot: object) -> None:
    i18n.install(app, "system", env={"PHIDESK_LANG": "ur"})  # Urdu: no PhiDesk translation, no Qt one either
    assert app.layoutDirection() == Qt.LayoutDirection.RightToLeft
    dialog = SettingsDialog(settings.Settings(), [], None)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    assert dialog.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert dialog.windowTitle() == "Settings"  # English where nothing is translated


def test_numbers_and_dates_follow_the_chosen_locale(app: QApplication) -> None:
    import datetime as dt

    from phidesk.gui import figures

    i18n.install(app, "system", env={"PHIDESK_LANG": "hi_IN"})
    assert figures.number(100000) == "1,00,000"  # Indian grouping
    assert figures.decimal(1234567.891, 2) == "12,34,567.89"
    assert figures.short_date(dt.datetime(2025, 3, 4)) == "4/3/25"  # day first
    i18n.install(app, "system", env={"PHIDESK_LANG": "en"})
    assert figures.number(100000) == "100,000"
    assert figures.short_date(dt.datetime(2025, 3, 4)) == "3/4/25"


def test_a_ts_is_compiled_into_the_cache_once_and_again_when_it_changes(app: QApplication,
                                                                        tmp_path: Path) -> None:
    folder = tmp_path / "i18n"
    folder.mkdir()
    shutil.copy(I18N / "phidesk_hi.ts", folder / "phidesk_hi.ts")
    first = i18n_files.qm_file("hi", folder)
    assert first is not None
    assert first.parent == tmp_path / "cache" / "i18n"
    assert i18n_files.qm_file("hi", folder) == first  # unchanged: the same file, not compiled again
    ts = folder / "phidesk_hi.ts"
    ts.write_text(ts.read_text(encoding="utf-8").replace("बंद करें", "बंद"), encoding="utf-8")
    second = i18n_files.qm_file("hi", folder)
    assert second is not None
    assert second != first
    assert not first.exists()  # the old version went
    assert i18n_files.available(folder) == ["hi"]


def click_in_message_box(text: str) -> None:
    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        for button in box.buttons():
            if button.text() == text:
                button.click()
                return
    QTimer.singleShot(0, click)


@pytest.mark.parametrize(("choice", "restarts"), [("Later", False), ("Restart now", True)])
def test_a_new_language_offers_a_restart(app: QApplication, qtbot: object, phidesk_home: Path,
                                         choice: str, restarts: bool) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    dialog = SettingsDialog(settings.Settings(), [], None, window)
    dialog.language.setCurrentIndex(dialog.language.findData("hi"))
    click_in_message_box(choice)
    dialog.accept()
    assert dialog.restart_offered is restarts
    assert dialog.result_settings().language == "hi"
    assert dialog.changes() == {"language": "hi"}
    if restarts:
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)  # type: ignore[attr-defined]
        assert restart.wanted()
        restart._wanted["restart"] = False
    else:
        assert window.isVisible()
        assert not restart.wanted()


def test_the_same_language_asks_nothing(app: QApplication, qtbot: object) -> None:
    dialog = SettingsDialog(settings.Settings(language="hi"), [], None)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.accept()
    assert dialog.restart_offered is None


def test_the_restart_command_is_this_one_without_the_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    image = tmp_path / "a.png"
    monkeypatch.setattr(sys, "orig_argv", ["python3", "-m", "phidesk", "gui", str(image), "--x"])
    assert restart.command([str(image)]) == [sys.executable, "-m", "phidesk", "gui", "--x"]


def test_a_language_setting_must_be_a_language_code() -> None:
    assert settings.Settings.from_dict({"version": 1, "language": "hi_IN"}).language == "hi_IN"
    assert settings.Settings.from_dict({"version": 1, "language": "../x"}).language == "system"
