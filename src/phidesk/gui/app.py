"""Start-up of the desktop app: QApplication, one instance per data folder, the theme (:mod:`phidesk.gui.theme`),
the store, the window.

``phidesk gui [FILE ...]``: an image is attached to the composer, a conversation ``.json`` imported. When
PhiDesk already runs for this user and data folder, the launch hands its files to that window (which comes
forward) and exits 0 (:mod:`phidesk.gui.instance`).

The window is shown before anything slow happens: the model loads in the worker process
after the window is up, and the conversation list is one indexed SQLite query.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QApplication

from phidesk import __version__, logs, settings
from phidesk.errors import UserError
from phidesk.gui.theme import apply_theme, is_dark
from phidesk.store import Store
from phidesk.store import files as store_files

log = logging.getLogger(__name__)

def create_app(argv: Sequence[str] = ()) -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication([sys.argv[0] if sys.argv else "phidesk", *argv])
    app.setApplicationName("PhiDesk")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("PhiDesk")
    app.setDesktopFileName("io.github.phidesk.PhiDesk")
    icon = resources.files("phidesk.resources").joinpath("phidesk.png")
    if icon.is_file():
        app.setWindowIcon(QIcon(QPixmap.fromImage(QImage.fromData(icon.read_bytes()))))
    return app


def _first_run_starter() -> None:
    """The packaged app carries the starter model: with nothing installed, put it in place (a copy)."""
    from phidesk.models import starter

    try:
        starter.install_bundled_if_empty()  # nothing to do from Python: no bundle
    except UserError as exc:
        log.warning("could not install the bundled starter model: %s", exc)


def _start_housekeeping(store: Store) -> None:
    """Pasted files and kept images that no message refers to any more go, off the GUI thread."""

    def run() -> None:
        try:
            store_files.sweep(store.path)
        except OSError as exc:
            log.warning("image housekeeping failed: %s", exc)

    threading.Thread(target=run, name="image-housekeeping", daemon=True).start()


USAGE = "usage: phidesk gui [IMAGE or conversation .json ...]"


def main(argv: Sequence[str] = ()) -> int:
    log_path = logs.setup()
    app = create_app(argv)
    from phidesk.gui import crash

    crash.install(log_path)  # uncaught exceptions, any thread: logged, and a dialog naming the log
    files = app.arguments()[1:]  # what Qt left: its own options (-style…) are taken out
    option = next((a for a in files if a.startswith("-")), None)
    if option is not None:
        print(f"phidesk gui: unknown option {option} ({USAGE})", file=sys.stderr)
        return 2
    files = [str(Path(f).expanduser().absolute()) for f in files]
    from phidesk.gui.instance import SingleInstance, open_arguments

    instance = SingleInstance()
    if not instance.claim():
        if instance.hand_over(files):
            log.info("PhiDesk already runs for this data folder: handed it %d file(s)", len(files))
            return 0
        print("phidesk: PhiDesk already runs for this data folder but does not answer: close it (or end its "
              f"process) and start again (log: {log_path})", file=sys.stderr)
        return 1
    prefs = settings.load()
    notices = settings.take_notices()  # a damaged settings file set aside: the window says so
    from phidesk.gui import i18n

    i18n.install(app, prefs.language)  # before any widget: PHIDESK_LANG, the setting, or the OS's locale
    apply_theme(prefs.theme)
    from phidesk.gui.main_window import MainWindow

    _first_run_starter()
    from phidesk.gui.database import open_store

    store = open_store(log_path)  # a damaged or locked database: a dialog, and the file is left as it is
    if store is None:
        instance.release()
        return 1
    window = MainWindow(store, prefs)
    window.chat.set_dark(is_dark())
    instance.received.connect(lambda args: open_arguments(window, args))
    window.show()
    if notices:
        from phidesk.gui.i18n import translate
        from phidesk.gui.texts_view import localized

        for notice in notices:  # "settings file …; it was kept as … and the default settings are used"
            window.show_notice(translate("MainWindow", "The {notice}.").format(notice=localized(notice)))
    log.info("window shown; log at %s", log_path)
    _start_housekeeping(store)
    if files:
        open_arguments(window, files)
    code = app.exec()
    store.close()
    instance.release()
    from phidesk.gui import restart

    if restart.wanted():  # Settings → Language → Restart now, and the window closed
        for handler in logging.getLogger().handlers:
            handler.flush()
        return restart.start_again(files)
    return int(code)
