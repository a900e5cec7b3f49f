"""The model manager pane: this machine, the catalog with a verdict per build, downloads, installed models.

Everything slow runs off the GUI thread: the hardware report (it probes providers in a child
process) and imports run as tasks on Qt's thread pool, downloads on the DownloadManager's thread;
their results come back as queued signals. A task emits on its own signals object, never on the
pane's, so a pane closed meanwhile is simply no longer connected (no emit on a deleted object).
An import's converter process is ended when the pane goes or the application quits.

Its parts live beside it: a download's row (download_row.py), Import…'s name dialog and progress row
(model_import.py), the catalog's rows (catalog_tree.py), the pool task (tasks.py); the dialog that holds the
pane is model_manager.py.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from phidesk import logs
from phidesk.errors import UserError
from phidesk.gui.catalog_tree import ID_ROLE, fill_catalog
from phidesk.gui.download_row import DownloadRow, mb
from phidesk.gui.i18n import translate
from phidesk.gui.machine_text import kv_text, machine_html
from phidesk.gui.markdown import escape
from phidesk.gui.model_import import FOLDER, GGUF, ImportNameDialog, ImportRow, pick_source
from phidesk.gui.plain import Button, ask, inform, tooltip, warn
from phidesk.gui.signals import emit
from phidesk.gui.tasks import Task, emit_if_alive
from phidesk.gui.texts_view import fill, localized, sentence
from phidesk.models import library, probecache

log = logging.getLogger(__name__)

__all__ = ["ModelPane", "kv_text"]
BROKEN_ROLE = Qt.ItemDataRole.UserRole + 1  # on an installed model's row: its folder is not usable
KEEP_DELAY_MS = 1000
"""How long after a load (and any answer) its providers wait to be kept: see ModelPane._keep_load."""


def _cancel_all(cancels: list[library.Cancel], *_args: object) -> None:
    for cancel in cancels:
        cancel.cancel()


class ModelPane(QWidget):
    load_requested = Signal(str)
    unload_requested = Signal()
    _job_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)

        self.machine = QLabel(translate("ModelManager", "Looking at this machine…"), self)
        self.machine.setTextFormat(Qt.TextFormat.RichText)  # every piece of data in it is escaped
        self.machine.setWordWrap(True)
        self.machine.setAccessibleName(translate("ModelManager", "This machine"))
        self._context = 4096  # the context size the verdicts were made for
        self.machine.linkActivated.connect(lambda _link: self.start(self._context, refresh=True))
        layout.addWidget(self.machine)

        catalog_box = QGroupBox(translate("ModelManager", "Get models"), self)
        catalog_layout = QVBoxLayout(catalog_box)
        self.catalog = QTreeWidget(catalog_box)
        self.catalog.setAccessibleName(translate("ModelManager", "Model catalog"))
        self.catalog.setHeaderLabels([translate("ModelManager", "Model"), translate("ModelManager", "Build"),
                                      translate("ModelManager", "Size"), translate("ModelManager", "Verdict")])
        self.catalog.setRootIsDecorated(False)  # the one group ("Other builds") is expanded and says what it is
        catalog_layout.addWidget(self.catalog)
        self.reason = QLabel("", catalog_box)
        self.reason.setWordWrap(True)
        self.reason.setAccessibleName(translate("ModelManager", "Why this verdict"))
        catalog_layout.addWidget(self.reason)
        self.catalog.currentItemChanged.connect(
            lambda item, _old: self.reason.setText(item.toolTip(3) if item is not None else ""))
        self.download_button = QPushButton(translate("ModelManager", "Download"), catalog_box)
        self.download_button.setAccessibleName(translate("ModelManager", "Download the selected model"))
        self.download_button.clicked.connect(self._on_download)
        catalog_layout.addWidget(self.download_button)
        layout.addWidget(catalog_box, 2)

        self.downloads_box = QGroupBox(translate("ModelManager", "Downloads"), self)
        self.downloads_layout = QVBoxLayout(self.downloads_box)
        self.downloads_box.setVisible(False)
        layout.addWidget(self.downloads_box)

        installed_box = QGroupBox(translate("ModelManager", "Installed"), self)
        installed_layout = QVBoxLayout(installed_box)
        self.tree = QTreeWidget(installed_box)
        self.tree.setAccessibleName(translate("ModelManager", "Installed models"))
        self.tree.setHeaderLabels([translate("ModelManager", "Model"), translate("ModelManager", "Type"),
                                   translate("ModelManager", "Size"), translate("ModelManager", "Context"),
                                   translate("ModelManager", "Status")])
        self.tree.setRootIsDecorated(False)
        self.tree.itemDoubleClicked.connect(lambda item, _col: emit(self.load_requested, item.data(0, ID_ROLE)))
        installed_layout.addWidget(self.tree)
        buttons = QHBoxLayout()
        for label, name, slot in ((translate("ModelManager", "Load"),
                                   translate("ModelManager", "Load the selected model"), self._on_load),
                                  (translate("ModelManager", "Unload"), translate("ModelManager", "Unload the model"),
                                   self.unload_requested.emit),
                                  (translate("ModelManager", "Remove…"),
                                   translate("ModelManager", "Remove the selected model"), self._on_remove)):
            button = QPushButton(label, installed_box)
            button.setAccessibleName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        self.import_button = QPushButton(translate("ModelManager", "Import…"), installed_box)
        self.import_button.setAccessibleName(translate("ModelManager", "Import a model folder or GGUF file"))
        import_menu = QMenu(self.import_button)
        import_menu.addAction(translate("ModelManager", "Model folder…"), lambda: self._on_import(FOLDER))
        import_menu.addAction(translate("ModelManager", "GGUF file…"), lambda: self._on_import(GGUF))
        self.import_button.setMenu(import_menu)
        buttons.addWidget(self.import_button)
        installed_layout.addLayout(buttons)
        self.imports_layout = QVBoxLayout()  # one ImportRow per running import
        installed_layout.addLayout(self.imports_layout)
        self.memory = QLabel("", installed_box)  # the KV-cache arithmetic of the loaded model (numbers only)
        self.memory.setWordWrap(True)
        self.memory.setAccessibleName(translate("ModelManager", "Conversations kept warm"))
        installed_layout.addWidget(self.memory)
        layout.addWidget(installed_box, 2)

        self.loaded_id: str | None = None
        self.loaded_provider = ""
        self.report: dict[str, Any] | None = None
        self._load_to_keep: Any = None  # a load's Loaded event whose providers are to be kept (see _keep_load)
        self._busy = False  # the worker is answering (set_busy)
        self._keep_timer = QTimer(self)
        self._keep_timer.setSingleShot(True)
        self._keep_timer.setInterval(KEEP_DELAY_MS)
        self._keep_timer.timeout.connect(self._keep_now)
        self._pending_found: list[str] = []  # set by the report's task, shown with its report
        self.rows: dict[str, DownloadRow] = {}
        self._manager: Any = None
        self._job_changed.connect(self._on_job)
        self.imports: list[library.Cancel] = []  # running imports; their converters end with the pane or the app
        end_imports = partial(_cancel_all, self.imports)  # holds the list, not the pane
        self.destroyed.connect(end_imports)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(end_imports)

    def _run(self, work: Callable[[], object], done: Callable[[object], None]) -> None:
        task = Task(work)
        task.signals.done.connect(done)
        QThreadPool.globalInstance().start(task)

    # --- machine and catalog --------------------------------------------------------------
    def start(self, context: int, *, refresh: bool = False, resume: bool = True,
              before: Callable[[], object] | None = None) -> None:
        """Look at the hardware and catalog in the background; resume downloads left from last time (*resume*).
        The providers come from the probe's kept answer unless *refresh* (or what it depends on changed).
        *before*: more work for the same background task, done first (a file to write)."""
        self._context = context

        def work() -> dict[str, Any]:
            from phidesk.models.download.staging import pending_on_disk
            from phidesk.models.report import machine_report

            # Downloads stopped last time: found here too, so that the GUI thread neither imports the download
            # code nor reads the staging folders at start (start() took 25-28 ms of one turn; now 0.2-5). Handed over
            # before the report, so that they are shown even when the report fails.
            if resume:
                self._pending_found = pending_on_disk()
            if before is not None:
                before()
            return machine_report(context=context, refresh=refresh, kept_only=True)

        if refresh:
            self.machine.setText(
                translate("ModelManager", "Trying the providers again (a model is loaded in a helper process)…"))
        self._run(work, self._on_report)

    def _show_pending(self, keys: list[str]) -> None:
        """Rows for downloads stopped last time (staging folders on disk that no job of this run owns: a job of this
        run has its row already)."""
        for key in keys:
            if key in self.rows:
                continue
            self._row(key).label.setText(escape(
                translate("ModelManager", "{model}: stopped last time — Resume to continue").format(model=key)))
            self.rows[key].pause.setText(translate("Downloads", "Resume"))

    @Slot(object)
    def _on_report(self, report: object) -> None:
        found, self._pending_found = self._pending_found, []
        self._show_pending(found)
        if isinstance(report, Exception):  # the pane must not take the app down: it says so instead
            report = {"error": translate("ModelManager", "{error} (details in {log})").format(
                error=logs.summary(report), log=logs.log_file())}
        assert isinstance(report, dict)
        self.report = report
        if "error" in report:
            self.machine.setText(escape(translate("ModelManager", "Could not look at this machine: {error}").format(
                error=report["error"])))
            return
        self.machine.setText(machine_html(report))
        fill_catalog(self.catalog, report)
        self._keep_load()

    def set_busy(self, busy: bool) -> None:
        """The worker is answering (*busy*) or idle: a load's providers are kept only while it is idle."""
        self._busy = busy
        if not busy:
            self._keep_load()

    def _keep_load(self) -> None:
        """A load with provider "auto" says which providers work: kept as the probe's answer, then the verdicts again
        with the providers known (off the GUI thread). A load that ended before the first report (it waits a moment
        after the window starts) is kept when that report comes. Not at once: KEEP_DELAY_MS after the load and while
        the worker is idle, so that neither that work nor its result's turn on the GUI thread comes with the first
        question (often sent the moment its model has loaded) and its answer."""
        if self._load_to_keep is not None and self.report is not None and not self._keep_timer.isActive():
            self._keep_timer.start()

    def _keep_now(self) -> None:
        loaded, report = self._load_to_keep, self.report
        if loaded is None or report is None or "error" in report or self._busy:
            return  # (busy: set_busy(False) starts the timer again)
        self._load_to_keep = None
        if not report.get("probe_cached") and not report.get("providers"):
            self.start(self._context, resume=False, before=partial(
                probecache.save_from_load, report, loaded.provider, loaded.failed_providers, loaded.path))

    # --- downloads ---------------------------------------------------------------------------
    def manager(self) -> Any:
        if self._manager is None:
            from phidesk.models.download import DownloadManager

            self._manager = DownloadManager(on_change=lambda job: emit_if_alive(self._job_changed, job))
        return self._manager

    def _row(self, key: str) -> DownloadRow:
        row = self.rows.get(key)
        if row is None:
            row = DownloadRow(key, self.downloads_box)
            row.pause.clicked.connect(lambda: self._on_pause(key))
            row.retry.clicked.connect(lambda: self.manager().resume(key))  # resumes from what is on disk
            row.dismiss.clicked.connect(lambda: self._on_dismiss(key))
            row.cancel.clicked.connect(lambda: self._on_cancel(key))
            self.downloads_layout.addWidget(row)
            self.rows[key] = row
            self.downloads_box.setVisible(True)
        return row

    @Slot()
    def _on_download(self) -> None:
        item = self.catalog.currentItem()
        if item is None or item.data(0, ID_ROLE) is None:  # nothing, or the "Other builds" heading
            return
        model_id, variant = item.data(0, ID_ROLE)
        from phidesk import privacy, settings
        from phidesk.models import catalog

        if (reason := privacy.offline_reason(settings.load().offline)) is not None:
            inform(self, translate("ModelManager", "Download"), sentence(localized(reason)))
            return
        try:
            entry = catalog.find(model_id, variant)
            job = self.manager().enqueue(entry)
        except UserError as exc:
            warn(self, translate("ModelManager", "Download"), localized(exc))
            return
        self._row(entry.key).show_job(job)

    def download_model(self, model_id: str) -> None:
        """Start downloading *model_id*'s build for this machine (the recommended one), after a question."""
        recs = [r for r in (self.report or {}).get("recommendations", []) if r["id"] == model_id]
        best = (self.report or {}).get("recommended") or {}
        rec = next((r for r in recs if r["variant"] == best.get("variant")), None) or next(
            (r for r in recs if r["variant"] == "cpu"), None)
        if rec is None:
            inform(self, translate("ModelManager", "Download"),
                   translate("ModelManager", "This machine is still being looked at: try again in a moment."))
            return
        for index in range(self.catalog.topLevelItemCount()):
            item = self.catalog.topLevelItem(index)
            if item is not None and item.data(0, ID_ROLE) is not None \
                    and tuple(item.data(0, ID_ROLE)) == (rec["id"], rec["variant"]):
                self.catalog.setCurrentItem(item)
        from phidesk.models import catalog

        size = catalog.find(rec["id"], rec["variant"]).size_bytes / 2**20
        question = translate("ModelManager", "Download {model}, the {build} build: {size} to download, {memory} of "
                                             "memory when it runs ({verdict} here)?").format(
            model=rec["id"], build=rec["variant"], size=mb(size), memory=mb(rec["needed_mb"]),
            verdict=translate("Verdict", rec["verdict"]))
        if ask(self, translate("ModelManager", "Download"), question) == Button.Yes:
            self._on_download()

    def _on_pause(self, key: str) -> None:
        manager = self.manager()
        job = next((j for j in manager.jobs() if j.key == key), None)
        if job is None or job.state == "paused":
            if job is None:  # left on disk by an earlier run
                from phidesk.models import catalog

                model_id, variant = key.split(":", 1)
                manager.enqueue(catalog.find(model_id, variant))
            else:
                manager.resume(key)
        else:
            manager.pause(key)

    def _on_cancel(self, key: str) -> None:
        answer = ask(self, translate("ModelManager", "Cancel download"),
                     translate("ModelManager", "Cancel {model} and delete what was downloaded?").format(model=key))
        if answer == Button.Yes:
            self.manager().cancel(key)
            if key not in {job.key for job in self.manager().jobs()}:  # left by an earlier run: no job to report
                self._on_dismiss(key)

    def _on_dismiss(self, key: str) -> None:
        """Hide a failed download's row; its staging folder stays (offered as "stopped last time" next start)."""
        row = self.rows.pop(key, None)
        if row is not None:
            self.downloads_layout.removeWidget(row)
            row.deleteLater()
        self.downloads_box.setVisible(bool(self.rows))

    @Slot(object)
    def _on_job(self, job: Any) -> None:
        self._row(job.key).show_job(job)
        if job.state == "done":
            self.refresh()

    def close_downloads(self) -> None:
        if self._manager is not None:
            self._manager.close()

    # --- installed --------------------------------------------------------------------------
    def refresh(self) -> None:
        self.tree.clear()
        for model in library.list_models():
            info = model.info
            status = ""
            if model.id == self.loaded_id:
                status = self._loaded_status()
            elif not model.usable:
                status = translate("ModelManager", "broken")
            kind = translate("ModelManager", "vision") if info and info.vision else translate("ModelManager", "text")
            item = QTreeWidgetItem([
                model.id,
                kind if info else "-",
                mb(info.size_bytes / 2**20) if info else "-",
                fill("{tokens:,}", tokens=info.context_length) if info else "-",
                status,
            ])
            item.setData(0, ID_ROLE, model.id)
            item.setData(0, BROKEN_ROLE, not model.usable)
            if model.problem:
                item.setToolTip(0, tooltip(localized(model.problem)))
            self.tree.addTopLevelItem(item)
        for column in range(self.tree.columnCount()):
            self.tree.resizeColumnToContents(column)

    def set_loaded(self, model_id: str | None, provider: str = "", loaded: Any = None, *, auto: bool = False) -> None:
        """*loaded*: the worker's Loaded event, whose KV-cache figures are shown. *auto*: it was loaded with
        provider "auto", so it also says which providers work (kept as the probe's answer)."""
        self.loaded_id, self.loaded_provider = model_id, provider
        if auto and loaded is not None:
            self._load_to_keep = loaded
            self._keep_load()
        self.memory.setText(kv_text(loaded) if loaded is not None and loaded.kv_cache_mb > 0 else "")
        if not self._mark_loaded():  # only the Status column changes: no need to read every model folder again
            self.refresh()

    def _mark_loaded(self) -> bool:
        """Update the Status column for the loaded model; False if the list does not show it (read it again)."""
        items = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        if self.loaded_id is not None and not any(i is not None and i.data(0, ID_ROLE) == self.loaded_id
                                                  for i in items):
            return False
        for item in items:
            if item is None or item.data(0, BROKEN_ROLE):
                continue
            loaded = item.data(0, ID_ROLE) == self.loaded_id
            item.setText(4, self._loaded_status() if loaded else "")
        return True

    def _loaded_status(self) -> str:
        return translate("ModelManager", "loaded · {provider}").format(provider=self.loaded_provider.upper())

    def _selected_id(self) -> str | None:
        item = self.tree.currentItem()
        return str(item.data(0, ID_ROLE)) if item is not None else None

    @Slot()
    def _on_load(self) -> None:
        model_id = self._selected_id()
        if model_id is not None:
            emit(self.load_requested, model_id)

    @Slot()
    def _on_remove(self) -> None:
        model_id = self._selected_id()
        if model_id is None:
            return
        if model_id == self.loaded_id:
            inform(self, translate("ModelManager", "Remove model"),
                   translate("ModelManager", "{model} is loaded: unload it first.").format(model=model_id))
            return
        answer = ask(self, translate("ModelManager", "Remove model"),
                     translate("ModelManager", "Delete {model} and its files from this computer?").format(
                         model=model_id))
        if answer != Button.Yes:
            return
        try:
            library.remove(model_id)
        except (UserError, OSError) as exc:
            warn(self, translate("ModelManager", "Remove model"), localized(exc))
        self.refresh()

    def _on_import(self, kind: str) -> None:
        source = pick_source(self, kind)
        if source is None:
            return
        dialog = ImportNameDialog(source, self)
        if dialog.exec() == ImportNameDialog.DialogCode.Accepted:
            self.import_path(str(source), dialog.model_id())

    def import_path(self, path: str, model_id: str | None = None) -> ImportRow:
        """Import *path* as *model_id* (None: named after it) in a pool task; its row shows progress and Cancel."""
        cancel, imports = library.Cancel(), self.imports
        imports.append(cancel)
        row = ImportRow(Path(path), model_id or library.slug(Path(path).name), self)
        self.imports_layout.addWidget(row)
        task = Task(lambda: None)
        signals = task.signals

        def work() -> object:
            try:
                return library.import_path(path, model_id, cancel=cancel,
                                           progress=lambda line: emit_if_alive(signals.progress, line))
            finally:
                with contextlib.suppress(ValueError):
                    imports.remove(cancel)

        def stop() -> None:
            row.cancel.setEnabled(False)
            row.show_progress(translate("ImportModel", "stopping…"))
            cancel.cancel()

        row.cancel.clicked.connect(stop)
        signals.progress.connect(row.show_progress)
        signals.done.connect(row.on_done)
        row.finished.connect(lambda result: self._on_import_done(result, row))
        task.work = work
        QThreadPool.globalInstance().start(task)
        return row

    def _on_import_done(self, result: object, row: ImportRow | None = None) -> None:
        if row is not None:
            self.imports_layout.removeWidget(row)
            row.deleteLater()
        if isinstance(result, UserError) and result.code == "cancelled":
            pass  # the user stopped it: nothing to say
        elif isinstance(result, (UserError, OSError)):
            warn(self, translate("ImportModel", "Import"), localized(result))
        elif isinstance(result, Exception):
            warn(self, translate("ImportModel", "Import"),
                 translate("ImportModel", "The import failed: unexpected error {error} (details in {log})").format(
                     error=logs.summary(result), log=logs.log_file()))
        self.refresh()
        if self.report is not None:
            self._on_report(self.report)
