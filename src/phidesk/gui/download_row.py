"""One download in the model manager: progress, Pause/Resume, Cancel; a failure in one line with Retry and Dismiss."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from phidesk.gui.markdown import escape

UNREACHABLE = ("The Hugging Face hub cannot be reached: check the network (or the Offline setting), "
               "then Retry.")


def mb(value: float) -> str:
    return f"{value / 1024:,.1f} GB" if value >= 1024 else f"{value:,.0f} MB"


def failure_text(job: Any) -> str:
    """What a failed download says: what to do when the hub cannot be reached at all, else the reason."""
    if getattr(job, "error_code", None) == "hub_unreachable":
        return UNREACHABLE
    return str(getattr(job, "error", None) or "the download failed")


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
        self.bar.setAccessibleName(f"Download progress of {key}")
        row.addWidget(self.bar, 1)
        self.pause = QPushButton("Pause", self)
        self.pause.setAccessibleName(f"Pause or resume the download of {key}")
        self.retry = QPushButton("Retry", self)
        self.retry.setAccessibleName(f"Retry the download of {key} where it stopped")
        self.dismiss = QPushButton("Dismiss", self)
        self.dismiss.setAccessibleName(f"Hide the failed download of {key} (what was downloaded stays)")
        self.dismiss.setToolTip("Hide this row; what was downloaded stays for next time (Cancel deletes it)")
        self.cancel = QPushButton("Cancel", self)
        self.cancel.setAccessibleName(f"Cancel the download of {key}")
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
        self.bar.setFormat(f"%p% · {state}")
        speed = f" · {job.speed_bps / 1e6:.1f} MB/s" if getattr(job, "speed_bps", 0) else ""
        eta = f" · {job.eta_s:.0f} s left" if getattr(job, "eta_s", None) and state == "downloading" else ""
        detail = f"<b>{escape(self.key)}</b> · {mb(done / 2**20)} of {mb(total / 2**20)}{speed}{eta}"
        if getattr(job, "current_file", None) and state == "downloading":
            detail += f"<br>{escape(Path(job.current_file).name)}"
        failed = state == "failed"
        if failed:
            detail += f"<br>{escape(failure_text(job))}"
        elif getattr(job, "error", None):
            detail += f"<br>{escape(str(job.error))}"
        self.label.setText(detail)
        self.label.setAccessibleDescription(failure_text(job) if failed else "")
        self.pause.setText("Resume" if state == "paused" else "Pause")
        self.pause.setVisible(not failed)
        self.retry.setVisible(failed)
        self.dismiss.setVisible(failed)
        finished = state in {"done", "failed", "cancelled"}
        self.pause.setEnabled(not finished)
        self.cancel.setEnabled(state not in {"done", "cancelled"})  # a failed one: delete what was downloaded
