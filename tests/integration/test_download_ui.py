"""Downloads as users drive them: `phidesk models download` (Ctrl+C, resume) and the models pane.

A local server speaks the hub's API (tests/hubserver.py); PHIDESK_CATALOG points the app at a
catalog whose one entry is served by it, with the real starter model's files and exact sizes.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from phidesk.models import library
from tests.hubserver import HubServer

REPO = "microsoft/Phi-3.5-mini-instruct-onnx"
SUB = "cpu_and_mobile/cpu-int4-awq-block-128-acc-level-4"
FILES = ("chat_template.jinja", "genai_config.json", "model.onnx", "model.onnx.data", "tokenizer.json",
         "tokenizer_config.json")


@pytest.fixture
def hub(phidesk_home: Path, starter_source: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    from huggingface_hub import close_session

    from phidesk.models import catalog

    entry = {
        "id": "phi-test", "variant": "cpu", "name": "Phi test build", "repo": REPO, "subfolder": SUB,
        "files": [{"path": f, "size": (starter_source / f).stat().st_size} for f in FILES],
        "license": "MIT", "type": "text", "context_length": 8192, "providers": ["cpu"], "params_b": 0.135,
        "architecture": {"layers": 30, "kv_heads": 3, "head_dim": 64}, "description": "test", "sources": [],
    }
    catalog_file = tmp_path / "catalog.json"
    catalog_file.write_text(json.dumps({"version": 1, "entries": [entry]}), encoding="utf-8")
    with HubServer() as server:
        server.add_folder(REPO, SUB, starter_source)
        for name, value in (("HF_ENDPOINT", server.endpoint), ("HF_HOME", str(tmp_path / "hf")),
                            ("HF_HUB_DISABLE_TELEMETRY", "1"), ("PHIDESK_CATALOG", str(catalog_file))):
            monkeypatch.setenv(name, value)
        for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE"):
            monkeypatch.delenv(name, raising=False)
        catalog._load.cache_clear()
        yield server
        catalog._load.cache_clear()
        close_session()


def phidesk(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "phidesk", *args], capture_output=True, text=True,
                          timeout=timeout, check=False)


def test_cli_download_then_chat(hub: HubServer) -> None:
    result = phidesk("models", "download", "phi-test", "--variant", "cpu")
    assert result.returncode == 0, result.stderr
    assert "installed 'phi-test' (verified)" in result.stdout
    answer = phidesk("chat", "-m", "phi-test", "--temperature", "0", "What is the capital of France?")
    assert "Paris" in answer.stdout


def test_cli_ctrl_c_leaves_a_resumable_download(hub: HubServer, phidesk_home: Path) -> None:
    hub.bytes_per_s = 8_000_000  # ~11 s for the starter: time to press Ctrl+C
    proc = subprocess.Popen([sys.executable, "-m", "phidesk", "models", "download", "phi-test"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    staging = phidesk_home / "models" / ".download-phi-test-cpu"
    part = staging / "files" / "model.onnx.data.part"
    deadline = time.monotonic() + 60
    while not (part.is_file() and part.stat().st_size > 10_000_000):  # well into the weights file
        assert time.monotonic() < deadline, "the download did not start"
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "resume" in err
    assert "Traceback" not in err
    assert staging.is_dir()
    assert library.installed("phi-test") is None
    hub.bytes_per_s = None
    again = phidesk("models", "download", "phi-test")
    assert again.returncode == 0, again.stderr
    resumed = [r for r in hub.requests_for(f"{SUB}/model.onnx.data") if r.status == 206 and r.range]
    assert resumed, f"no Range request: {[(r.method, r.file, r.range, r.status) for r in hub.log if r.file]}"
    assert int(resumed[-1].range.removeprefix("bytes=").rstrip("-")) > 0
    assert not staging.exists()
    assert library.installed("phi-test") is not None


@pytest.mark.parametrize("fault", ["long-name", "traversal", "redirect-loop"])
def test_cli_download_from_a_hostile_hub_exits_2_with_one_line(hub: HubServer, phidesk_home: Path,
                                                               fault: str) -> None:
    if fault == "redirect-loop":
        hub.redirect_loop(REPO, f"{SUB}/model.onnx.data")
    else:
        hub.add_hostile(REPO, f"{SUB}/{'x' * 5000}" if fault == "long-name" else f"{SUB}/../x")
    result = phidesk("models", "download", "phi-test", "--variant", "cpu")
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip() and "%|" not in line]  # minus the bar
    assert len(lines) == 1, result.stderr
    assert len(lines[0]) < 300
    assert ("redirect loop" if fault == "redirect-loop" else "unsafe file name") in lines[0]
    assert library.installed("phi-test") is None


def test_cli_hardware_json_has_the_promised_keys(phidesk_home: Path) -> None:
    import psutil

    data = json.loads(phidesk("hardware", "--json").stdout)
    assert {"os", "arch", "cpu", "ram", "gpus", "providers", "recommendations"} <= set(data)
    assert data["cpu"]["cores"] == psutil.cpu_count(logical=False)
    if not Path("/dev/nvidia0").exists() and sys.platform == "linux":
        assert data["gpus"] == []  # no NVIDIA device here, and nothing else counts on Linux
    assert abs(data["ram"]["total_mb"] - psutil.virtual_memory().total / 2**20) < 0.05 * data["ram"]["total_mb"]
    for rec in data["recommendations"]:
        assert {"id", "variant", "verdict", "needed_mb", "available_mb", "reason"} <= set(rec)
        assert rec["verdict"] in {"fits", "tight", "won't fit", "cannot run"}


def test_pane_downloads_a_catalog_model(qtbot: object, hub: HubServer, starter_installed: Path) -> None:
    from phidesk import settings
    from phidesk.engine.protocol import Sampling
    from phidesk.gui.main_window import MainWindow
    from phidesk.store import Store

    window = MainWindow(Store(), settings.Settings(default_model="starter", provider="cpu",
                                                    sampling=Sampling(temperature=0, max_new_tokens=20)))
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    pane = window.models
    try:
        qtbot.waitUntil(lambda: pane.catalog.topLevelItemCount() == 1, timeout=60_000)  # type: ignore[attr-defined]
        item = pane.catalog.topLevelItem(0)
        assert item is not None
        assert item.text(0).endswith("phi-test")
        assert item.text(3) in {"fits", "tight", "won't fit"}
        assert "MB" in item.toolTip(3)  # the arithmetic is shown
        pane.catalog.setCurrentItem(item)
        pane.download_button.click()
        row = pane.rows["phi-test:cpu"]
        qtbot.waitUntil(lambda: library.installed("phi-test") is not None, timeout=60_000)  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: "done" in row.bar.format(), timeout=10_000)  # type: ignore[attr-defined]
        names = [pane.tree.topLevelItem(i).text(0)  # type: ignore[union-attr]
                 for i in range(pane.tree.topLevelItemCount())]
        assert "phi-test" in names
    finally:
        window.close()
        window.store.close()



def test_the_welcomes_download_link_gets_the_model_after_one_question(qtbot: object, hub: HubServer,
                                                                      starter_installed: Path) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from phidesk import settings
    from phidesk.engine.protocol import Sampling
    from phidesk.gui.main_window import MainWindow
    from phidesk.gui.notes import WELCOME
    from phidesk.store import Store

    assert 'href="download:phi-3.5-mini-instruct"' in WELCOME  # the real link, for the real catalog
    window = MainWindow(Store(), settings.Settings(default_model="starter", provider="cpu",
                                                    sampling=Sampling(temperature=0, max_new_tokens=20)))
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    asked: list[str] = []

    def answer_yes() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            asked.append(box.text())
            box.button(QMessageBox.StandardButton.Yes).click()

    try:
        qtbot.waitUntil(lambda: window.models.report is not None, timeout=60_000)  # type: ignore[attr-defined]
        QTimer.singleShot(200, answer_yes)  # the question is modal: answered from the event loop
        window.chat.welcome.linkActivated.emit("download:phi-test")  # this test's catalog has phi-test only
        assert len(asked) == 1
        assert "phi-test" in asked[0]
        qtbot.waitUntil(lambda: library.installed("phi-test") is not None, timeout=60_000)  # type: ignore[attr-defined]
    finally:
        window.close()
        window.store.close()


def test_offline_setting_refuses_downloads_with_one_line(hub: HubServer, phidesk_home: Path) -> None:
    from phidesk import settings
    from phidesk.models import catalog, download

    prefs = settings.load()
    prefs.offline = True
    settings.save(prefs)
    result = phidesk("models", "download", "phi-test", "--variant", "cpu")
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "phidesk: downloads are off: PhiDesk is in Offline mode (untick Offline in Settings to download; "
        "installed models keep working)"]
    with pytest.raises(download.DownloadError, match="Offline mode"):  # a download resumed from the window
        download.download_blocking(catalog.find("phi-test", "cpu"))
    assert hub.log == []
    assert "phi-test" not in [m.id for m in library.list_models()]


def test_pane_download_with_no_hub_says_what_to_do_with_retry_and_dismiss(
        qtbot: object, hub: HubServer, phidesk_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No network (a port that refuses, as a hub that cannot be reached): the row says what to do in one line and
    offers Retry (which goes on from what is on disk) and Dismiss, soon, not after 16 s at "0% · listing"."""
    from phidesk.gui.download_row import UNREACHABLE
    from phidesk.gui.model_manager import ModelManagerDialog
    from phidesk.models import catalog

    with HubServer() as gone:
        refused = gone.endpoint
    monkeypatch.setenv("HF_ENDPOINT", refused)
    dialog = ModelManagerDialog()
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.show_section("catalog")
    pane = dialog.pane
    row = pane._row("phi-test:cpu")
    row.show_job(pane.manager().enqueue(catalog.find("phi-test", "cpu")))
    qtbot.waitUntil(lambda: "failed" in row.bar.format(), timeout=30_000)  # type: ignore[attr-defined]
    lines = row.label.text().split("<br>")
    assert lines[-1] == UNREACHABLE
    assert "ConnectError" not in row.label.text()
    assert row.retry.isVisible()
    assert row.dismiss.isVisible()
    assert not row.pause.isVisible()
    monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)  # the network is back
    row.retry.click()
    qtbot.waitUntil(lambda: library.installed("phi-test") is not None, timeout=60_000)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "done" in row.bar.format(), timeout=10_000)  # type: ignore[attr-defined]
    assert not row.retry.isVisible()
    pane.close_downloads()


def test_dismiss_hides_a_failed_download_and_keeps_what_it_downloaded(
        qtbot: object, hub: HubServer, phidesk_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from phidesk.gui.model_pane import ModelPane
    from phidesk.models import catalog, download

    hub.bytes_per_s = 4_000_000
    pane = ModelPane()
    qtbot.addWidget(pane)  # type: ignore[attr-defined]
    manager = pane.manager()
    entry = catalog.find("phi-test", "cpu")
    job = manager.enqueue(entry)
    qtbot.waitUntil(lambda: any(j.bytes_done > 1_000_000 for j in manager.jobs()),  # type: ignore[attr-defined]
                    timeout=60_000)
    manager.pause(job.key)
    qtbot.waitUntil(lambda: manager.jobs()[0].state == "paused", timeout=60_000)  # type: ignore[attr-defined]
    with HubServer() as gone:
        monkeypatch.setenv("HF_ENDPOINT", gone.endpoint)
    manager.resume(job.key)
    row = pane.rows[job.key]
    qtbot.waitUntil(lambda: "failed" in row.bar.format(), timeout=30_000)  # type: ignore[attr-defined]
    row.dismiss.click()
    assert job.key not in pane.rows
    assert not pane.downloads_box.isVisibleTo(pane)
    assert download.pending_on_disk() == [job.key]  # kept: the next start offers to resume it
    pane.close_downloads()


def test_a_download_stopped_last_time_is_offered_at_the_next_start_and_resumes(
        qtbot: object, hub: HubServer, phidesk_home: Path) -> None:
    """The pane's start finds the staging folder off the GUI thread (with the machine report) and shows its row
    with Resume; Resume finishes the download."""
    from phidesk.gui.model_pane import ModelPane
    from phidesk.models import catalog, download, library

    hub.bytes_per_s = 4_000_000
    first = ModelPane()
    qtbot.addWidget(first)  # type: ignore[attr-defined]
    manager = first.manager()
    job = manager.enqueue(catalog.find("phi-test", "cpu"))
    qtbot.waitUntil(lambda: any(j.bytes_done > 1_000_000 for j in manager.jobs()),  # type: ignore[attr-defined]
                    timeout=60_000)
    first.close_downloads()  # the app quits mid-download: its staging folder stays
    assert download.pending_on_disk() == [job.key]

    hub.bytes_per_s = None  # as fast as it goes
    pane = ModelPane()  # the next start
    qtbot.addWidget(pane)  # type: ignore[attr-defined]
    pane.start(4096)
    assert job.key not in pane.rows  # not looked for on the GUI thread
    qtbot.waitUntil(lambda: job.key in pane.rows, timeout=60_000)  # type: ignore[attr-defined]
    row = pane.rows[job.key]
    assert "stopped last time" in row.label.text()
    assert row.pause.text() == "Resume"
    row.pause.click()
    qtbot.waitUntil(lambda: "done" in row.bar.format(), timeout=60_000)  # type: ignore[attr-defined]
    assert download.pending_on_disk() == []
    assert library.installed("phi-test") is not None
    pane.close_downloads()
