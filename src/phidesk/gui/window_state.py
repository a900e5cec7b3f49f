"""The main window's settings, saved layout, dialogs and the last-chance dialog when answers are unsaved."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QLabel, QMainWindow, QMessageBox, QPushButton

from phidesk import settings as settings_module
from phidesk.errors import UserError
from phidesk.gui.about import AboutDialog
from phidesk.gui.figures import number
from phidesk.gui.i18n import translate
from phidesk.gui.images import ImagePreview
from phidesk.gui.plain import plain_label
from phidesk.gui.server_switch import ServerStatus, ServerSwitch
from phidesk.gui.settings_dialog import SettingsDialog
from phidesk.gui.texts_view import localized
from phidesk.models import library

if TYPE_CHECKING:
    from PySide6.QtWidgets import QSplitter

    from phidesk.chat import ChatService
    from phidesk.gui.bridge import EngineBridge
    from phidesk.gui.chat_view import ChatView
    from phidesk.gui.images import ImageLoader
    from phidesk.gui.model_pane import ModelPane
    from phidesk.settings import Settings
    from phidesk.store import Store

log = logging.getLogger(__name__)


class WindowState(QMainWindow):
    if TYPE_CHECKING:  # what MainWindow provides
        store: Store
        prefs: Settings
        service: ChatService
        bridge: EngineBridge
        server_switch: ServerSwitch
        chat: ChatView
        images: ImageLoader
        models: ModelPane
        splitter: QSplitter
        model_id: str | None

        @property
        def conversation_id(self) -> int | None: ...
        def load_model(self, model_id: str, force: bool = False) -> None: ...
        def show_notice(self, text: str) -> None: ...

    def _build_status_bar(self) -> None:
        """The loaded model, the speed of this chat's last answer, and About (the context is in the header)."""
        self.status_model = plain_label(translate("MainWindow", "no model loaded"))
        self.status_speed = QLabel("")
        for label, name in ((self.status_model, translate("MainWindow", "Loaded model")),
                            (self.status_speed, translate("MainWindow", "Last answer speed"))):
            label.setAccessibleName(name)
            label.setContentsMargins(10, 0, 10, 0)
            label.setFrameShape(QFrame.Shape.StyledPanel)
            self.statusBar().addPermanentWidget(label)
        self.server_status = ServerStatus(self.server_switch, self)
        self.statusBar().addPermanentWidget(self.server_status)
        self.about_button = QPushButton(translate("MainWindow", "About"), self)
        self.about_button.setFlat(True)
        self.about_button.setAccessibleName(translate("MainWindow", "About PhiDesk (F1)"))
        self.about_button.setToolTip(translate("MainWindow", "Versions, providers and folders, for bug reports (F1)"))
        self.about_button.clicked.connect(self.open_about)
        self.statusBar().addPermanentWidget(self.about_button)

    @Slot()
    def open_settings(self) -> None:
        conversation = None
        if self.conversation_id is not None:
            c = self.store.get_conversation(self.conversation_id)
            conversation = (c.model_id, c.system_prompt)
        models = [m.id for m in library.list_models() if m.usable]
        report = self.models.report or {}
        gpus = [(int(g["index"]), translate("MainWindow", "{gpu} ({memory} MB)").format(
            gpu=g["name"], memory=number(g["vram_mb"]))) for g in report.get("gpus") or []]
        dialog = SettingsDialog(self.prefs, models, conversation, self, gpus=gpus)
        if not dialog.exec():
            return
        new = dialog.result_settings()
        reload = ((new.context_cap, new.provider, new.gpu_index, new.threads, new.kv_budget_mb)
                  != (self.prefs.context_cap, self.prefs.provider, self.prefs.gpu_index, self.prefs.threads,
                      self.prefs.kv_budget_mb))
        theme_changed = new.theme != self.prefs.theme
        changed = dialog.changes()
        self.prefs = new
        self.service.system_prompt = new.system_prompt
        if changed:
            try:  # only what the user changed: another window's or the CLI's settings stay as they are
                settings_module.update(changed)
            except (UserError, OSError) as exc:
                log.warning("could not save the settings: %s", exc)
                self.show_notice(translate("MainWindow", "The settings apply to this window but could not be saved: "
                                           "{reason}").format(reason=localized(exc)))
        self.server_switch.apply(new.server, new.server_port)
        if theme_changed:
            from phidesk.gui.theme import apply_theme, is_dark

            apply_theme(self.prefs.theme)
            self.chat.set_dark(is_dark())
        per_conversation = dialog.result_conversation()
        if per_conversation is not None and self.conversation_id is not None:
            model_id, system = per_conversation
            self.service.set_model(self.conversation_id, model_id)
            self.service.set_system_prompt(self.conversation_id, system)
            if model_id and model_id != self.model_id:
                self.load_model(model_id)
                return
        if reload and self.model_id and not self.bridge.busy:
            self.load_model(self.model_id)

    def _restore_ui(self) -> None:
        ui = self.prefs.ui
        geometry = ui.get("geometry")
        if isinstance(geometry, str):
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))
        else:
            screen = QGuiApplication.primaryScreen()
            size = screen.availableSize() if screen else None
            self.resize(min(1280, size.width() if size else 1280), min(800, size.height() if size else 800))
        sizes = ui.get("splitter")
        if isinstance(sizes, list) and len(sizes) == 2 and all(isinstance(x, int) for x in sizes):
            self.splitter.setSizes(sizes)

    def save_ui(self) -> None:
        """Write the window's geometry, and nothing else (other settings may have changed meanwhile)."""
        ui = {"geometry": bytes(self.saveGeometry().toBase64().data()).decode("ascii"),
              "splitter": self.splitter.sizes()}
        self.prefs.ui = {**self.prefs.ui, **ui}
        try:
            settings_module.update({"ui": ui})
        except (UserError, OSError) as exc:  # closing must not fail because the settings cannot be written
            log.warning("could not save the window's size and layout: %s", exc)

    @Slot()
    def open_about(self) -> None:
        loaded = (self.model_id, self.bridge.current.provider) if self.model_id and self.bridge.current else None
        dialog = AboutDialog(self.models.report, loaded, self.windowIcon().pixmap(128, 128), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    @Slot(str)
    def preview_image(self, path: str) -> None:
        preview = ImagePreview(self.images, path, self)
        preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        preview.show()

    def _may_close_unsaved(self) -> bool:
        """The disk is still full: say what would be lost, offer to copy it, and let the user decide."""
        box = QMessageBox(QMessageBox.Icon.Warning, translate("MainWindow", "Answers not saved yet"),
                          translate("MainWindow", "%n answer(s) could not be saved because the disk holding {folder} "
                                    "is full. Free some space and press Retry, or copy them to the clipboard before "
                                    "quitting.", None, len(self.service.unsaved)).format(
                              folder=self.store.path.parent), parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        retry = box.addButton(translate("MainWindow", "Retry"), QMessageBox.ButtonRole.AcceptRole)
        copy = box.addButton(translate("MainWindow", "Copy and quit"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(translate("MainWindow", "Keep PhiDesk open"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(retry)
        while True:
            box.exec()
            clicked = box.clickedButton()
            if clicked is retry:
                if self.service.save():
                    return True
                continue
            if clicked is copy:
                QGuiApplication.clipboard().setText("\n\n---\n\n".join(self.service.unsaved))
                return True
            return False
