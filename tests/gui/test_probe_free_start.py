"""The window's start loads no model but the one the user uses: its load tells which providers work."""

from __future__ import annotations

import pytest

from phidesk import settings
from phidesk.engine.protocol import Sampling
from phidesk.gui.main_window import MainWindow
from phidesk.models import probecache
from phidesk.store import Store
from tests.gui.test_window import ANSWER_TIMEOUT_MS

pytestmark = pytest.mark.usefixtures("starter_installed")


def test_the_providers_come_from_the_models_own_load(qtbot: object) -> None:
    window = MainWindow(Store(), settings.Settings(default_model="starter", provider="auto",
                                                   sampling=Sampling(temperature=0, max_new_tokens=8)))
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    try:
        qtbot.waitUntil(lambda: window.models.report is not None and window.bridge.current is not None,  # type: ignore[attr-defined]
                        timeout=ANSWER_TIMEOUT_MS)
        loaded = window.bridge.current
        assert loaded is not None
        # The pane's report is made again once the load has said which providers work…
        qtbot.waitUntil(lambda: bool((window.models.report or {}).get("probe_cached")),  # type: ignore[attr-defined]
                        timeout=ANSWER_TIMEOUT_MS)
        report = window.models.report
        assert report is not None
        # …and it is the load's answer, not a probe's: the probe would have tried the smallest model
        # (the same starter here) and written no reasons for providers it did not try.
        assert report["providers"][loaded.provider]["ok"]
        assert report["probe_model"] == loaded.path
        assert set(report["providers"]) == {loaded.provider, *loaded.failed_providers}
        assert probecache.cache_path().is_file()
    finally:
        window.close()
        window.store.close()


def test_the_providers_are_kept_after_the_first_answer_not_during_it(qtbot: object) -> None:
    """Keeping a load's providers (a report made again on a pool thread, then shown in the models pane) used to start
    as soon as both the load and the first report were in, often while the first question, sent the moment its
    model loaded, was being answered: its work competed with the answer's for the GIL and the GUI thread."""
    from PySide6.QtCore import QTimer

    window = MainWindow(Store(), settings.Settings(default_model="starter", provider="auto",
                                                   # an answer that lasts past the first report's wait
                                                   sampling=Sampling(temperature=0, max_new_tokens=300,
                                                                     min_new_tokens=300)))
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    kept_while_busy: list[bool] = []  # at each turn of the event loop while the answer is written
    watch = QTimer(window)
    watch.setInterval(0)
    watch.timeout.connect(lambda: kept_while_busy.append(bool((window.models.report or {}).get("probe_cached")))
                          if window.bridge.busy else None)
    window.bridge.loaded.connect(lambda _event: QTimer.singleShot(0, lambda: window.send("Tell a story.", [])))
    watch.start()
    try:
        with qtbot.waitSignal(window.bridge.finished, timeout=ANSWER_TIMEOUT_MS):  # type: ignore[attr-defined]
            pass  # the default model loads (started with the window), and the question goes as it is reported
        watch.stop()
        assert window.models.report is not None  # the first report came while the answer was written
        assert kept_while_busy
        assert not any(kept_while_busy)  # the load's providers were not kept then…
        qtbot.waitUntil(lambda: bool((window.models.report or {}).get("probe_cached")),  # type: ignore[attr-defined]
                        timeout=ANSWER_TIMEOUT_MS)  # …but once the worker was idle again
    finally:
        window.close()
        window.store.close()
