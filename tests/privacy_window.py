"""Run the real PhiDesk window with a loaded model for a while, as a user would, then quit.

``python tests/privacy_window.py SECONDS`` — used by tests/integration/test_privacy.py under a syscall tracer
(and by hand for longer runs). PHIDESK_HOME must hold an installed model. The window starts as
``phidesk gui`` does (its models pane runs the hardware report; which providers work is learnt from the
model's own load, so no second model is loaded); once the model is loaded it asks one question, opens About
and Settings and closes them, asks a second question, and stays open until SECONDS have passed
since the model loaded (the runtime's telemetry fired ~8 s after a load), then quits with Ctrl+Q's
action. Prints one JSON line: what happened, for the test to check that the run really did its work.
"""

from __future__ import annotations

import json
import sys
import time


def main(argv: list[str]) -> int:
    seconds = float(argv[0]) if argv else 45.0
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    from phidesk import logs, settings
    from phidesk.gui.app import create_app
    from phidesk.gui.main_window import MainWindow
    from phidesk.store import Store

    logs.setup()
    app = create_app()
    prefs = settings.load()
    prefs.sampling.temperature = 0  # greedy: the same answers every run
    prefs.sampling.max_new_tokens = 24
    store = Store()
    window = MainWindow(store, prefs)
    window.show()
    seen: dict[str, object] = {"loaded_at": None, "answers": 0, "dialogs": [], "failed": None}

    def close_dialogs() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                seen["dialogs"].append(type(widget).__name__)  # type: ignore[union-attr]
                widget.close()

    def open_dialogs() -> None:
        window.open_about()
        QTimer.singleShot(1500, close_dialogs)
        QTimer.singleShot(2000, lambda: QTimer.singleShot(0, window.open_settings))  # modal: runs its own loop
        QTimer.singleShot(3500, close_dialogs)
        QTimer.singleShot(4500, lambda: window.send("Name a colour.", []))

    def on_loaded(_event: object) -> None:
        if seen["loaded_at"] is None:
            seen["loaded_at"] = time.monotonic()
            window.send("What is the capital of France?", [])

    def on_finished(_stats: object) -> None:
        seen["answers"] = int(seen["answers"]) + 1  # type: ignore[call-overload]
        if seen["answers"] == 1:
            QTimer.singleShot(200, open_dialogs)
        else:
            close_when_due()

    def close_when_due() -> None:
        # Qt's default (coarse) timers may fire up to 5 % early (44.5 s of 45 was seen on a loaded machine):
        # a precise timer, and a check that re-arms it if it still fires before the time.
        left = float(seen["loaded_at"]) + seconds - time.monotonic()  # type: ignore[arg-type]
        if left > 0:
            closer.start(int(left * 1000) + 50)
        else:
            window.close()

    def on_failed(code: str, message: str, _user: bool) -> None:
        seen["failed"] = f"{code}: {message}"
        window.close()

    closer = QTimer(window)
    closer.setSingleShot(True)
    closer.setTimerType(Qt.TimerType.PreciseTimer)
    closer.timeout.connect(close_when_due)
    window.bridge.loaded.connect(on_loaded)
    window.bridge.finished.connect(on_finished)
    window.bridge.failed.connect(on_failed)
    window.bridge.load_failed.connect(lambda message, _user: on_failed("load_failed", message, _user))
    QTimer.singleShot(int((seconds + 240) * 1000), window.close)  # a guard: never hang the test
    app.setQuitOnLastWindowClosed(True)
    started = time.monotonic()
    app.exec()
    store.close()
    loaded_at = seen["loaded_at"]
    seen["alive_after_load_s"] = round(time.monotonic() - float(loaded_at), 1) if loaded_at else 0.0  # type: ignore[arg-type]
    seen["ran_s"] = round(time.monotonic() - started, 1)
    seen.pop("loaded_at")
    print(json.dumps(seen), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
