"""Run the real PhiDesk window, ask one question of a remote model, then quit.

``python tests/privacy_remote_window.py ENDPOINT/MODEL`` — used by tests/integration/test_privacy.py under a syscall
tracer. PHIDESK_HOME must list the endpoint (and may hold a local model, which loads as usual). The window starts as
``phidesk gui`` does; the user picks ENDPOINT/MODEL in the header's picker, sends a question, answers Yes to
"This conversation will be sent to …", and the window quits with Ctrl+Q's action two seconds after the answer.
Prints one JSON line: what happened, for the test to check that the run really did its work.
"""

from __future__ import annotations

import json
import sys


def main(argv: list[str]) -> int:
    model_id = argv[0]
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from phidesk import logs, settings
    from phidesk.gui.app import create_app
    from phidesk.gui.main_window import MainWindow
    from phidesk.store import Store

    logs.setup()
    app = create_app()
    prefs = settings.load()
    store = Store()
    window = MainWindow(store, prefs)
    window.show()
    seen: dict[str, object] = {"answer": "", "asked": "", "failed": None}

    def send() -> None:
        window.refresh_header(reread=True)
        index = window.header.picker.findData(model_id)
        if index < 0:
            seen["failed"] = f"{model_id} is not in the picker"
            window.close()
            return
        window.header.picker.setCurrentIndex(index)
        window.header.picker.activated.emit(index)
        window.send("Say hello.", [])
        QTimer.singleShot(0, confirm)

    def confirm() -> None:
        box = window.confirm_box
        if box is None:
            QTimer.singleShot(50, confirm)
            return
        seen["asked"] = box.text()
        box.button(QMessageBox.StandardButton.Yes).click()

    def on_finished(_stats: object) -> None:
        seen["answer"] = window.chat.messages[-1].text
        QTimer.singleShot(2000, window.close)

    def on_failed(code: str, message: str, _user: bool) -> None:
        seen["failed"] = f"{code}: {message}"
        window.close()

    window.bridge.finished.connect(on_finished)
    window.bridge.failed.connect(on_failed)
    QTimer.singleShot(1000, send)
    QTimer.singleShot(240_000, window.close)  # a guard: never hang the test
    app.setQuitOnLastWindowClosed(True)
    app.exec()
    store.close()
    print(json.dumps(seen), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
