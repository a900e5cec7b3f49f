"""One download in the model manager: progress, Pause/Resume, Cancel; a failure in one line with Retry and Dismiss."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from phidesk.gui.i18n import translate
from phidesk.gui.markdown import escape
from phidesk.gui.texts_view import fill, localized, size_text
from phidesk.texts import QT_TRANSLATE_NOOP

UNREACHABLE = QT_TRANSLATE_NOOP("Downloads", "The Hugging Face hub cannot be reached: check the network (or the "
                                             "Offline setting), then Retry.")
# a job's state, as the progress bar says it
STATES = {
    "queued": QT_TRANSLATE_NOOP("Downloads", "queued"),
    "listing": QT_TRANSLATE_NOOP("Downloads", "listing"),
    "downloading": QT_TRANSLATE_NOOP("Downloads", "downloading"),
    "verifying": QT_TRANSLATE_NOOP("Downloads", "verifying"),
    "installing": QT_TRANSLATE_NOOP("Downloads", "installing"),
    "paused": QT_TRANSLATE_NOOP("Downloads", "paused"),
    "done": QT_TRANSLATE_NOOP("Downloads", "done"),
    "failed": QT_TRANSLATE_NOOP("Downloads", "failed"),
    "cancelled": QT_TRANSLATE_NOOP("Downloads", "cancelled"),
}

mb = size_text  # a size in MB as the window writes it (the name the pane and the catalog import)


def failure_text(job: Any) -> str:
    """What a failed download says, in the window's language: what to do when the hub cannot be reached at all,
    else the reason."""
    if getattr(job, "error_code", None) == "hub_unreachable":
        return translate("Downloads", UNREACHABLE)
    error = getattr(job, "error", None)
    return localized(error) if error else translate("Downloads", "the download failed")


class DownloadRow(QWidget):
    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        self.label = QLabel(escape(key), self)
        self.label.setTextFormat(Qt.TextFormat.RichText)  # every piece of data in it is escaped
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        row = QHBoxLayout()
        self.bar = QProgressBar(self)
        self.bar.setAccessibleName(translate("Downloads", "Download progress of {model}").format(model=key))
        row.addWidget(self.bar, 1)
        self.pause = QPushButton(translate("Downloads", "Pause"), self)
        self.pause.setAccessibleName(
            translate("Downloads", "Pause or resume the download of {model}").format(model=key))
        self.retry = QPushButton(translate("Downloads", "Retry"), self)
        self.retry.setAccessibleName(
            translate("Downloads", "Retry the download of {model} where it stopped").format(model=key))
        self.dismiss = QPushButton(translate("Downloads", "Dismiss"), self)
        self.dismiss.setAccessibleName(translate(
            "Downloads", "Hide the failed download of {model} (what was downloaded stays)").format(model=key))
        self.dismiss.setToolTip(
            translate("Downloads", "Hide this row; what was downloaded stays for next time (Cancel deletes it)"))
        self.cancel = QPushButton(translate("Downloads", "Cancel"), self)
        self.cancel.setAccessibleName(translate("Downloads", "Cancel the download of {model}").format(model=key))
        for button in (self.pause, self.retry, self.dismiss, self.cancel):
            row.addWidget(button)
        self.retry.setVisible(False)
        self.dismiss.setVisible(False)
        layout.addLayout(row)

    def show_job(self, job: Any) -> None:
        total = int(job.bytes_total or 0)
        done = int(job.bytes_done or 0)
        self.bar.setMaximum(max(1, total // 1024))
        self.bar.setValue(done // 1024)
        state = str(job.state)
        shown_state = translate("Downloads", STATES[state]) if state in STATES else state
        self.bar.setFormat(f"%p% · {shown_state}")
        progress = fill(translate("Downloads", "{done} of {total}"), done=mb(done / 2**20), total=mb(total / 2**20))
        speed = fill(translate("Downloads", " · {speed:,.1f} MB/s"), speed=job.speed_bps / 1e6) \
            if getattr(job, "speed_bps", 0) else ""
        eta = fill(translate("Downloads", " · {seconds:,.0f} s left"), seconds=job.eta_s) \
            if getattr(job, "eta_s", None) and state == "downloading" else ""
        detail = f"<b>{escape(self.key)}</b> · {escape(progress + speed + eta)}"
        if getattr(job, "current_file", None) and state == "downloading":
            detail += f"<br>{escape(Path(job.current_file).name)}"
        failed = state == "failed"
        if failed:
            detail += f"<br>{escape(failure_text(job))}"
        elif getattr(job, "error", None):
            detail += f"<br>{escape(localized(job.error))}"
        self.label.setText(detail)
        self.label.setAccessibleDescription(failure_text(job) if failed else "")
        self.pause.setText(translate("Downloads", "Resume") if state == "paused" else translate("Downloads", "Pause"))
        self.pause.setVisible(not failed)
        self.retry.setVisible(failed)
        self.dismiss.setVisible(failed)
        finished = state in {"done", "failed", "cancelled"}
        self.pause.setEnabled(not finished)
        self.cancel.setEnabled(state not in {"done", "cancelled"})  # a failed one: delete what was downloaded
