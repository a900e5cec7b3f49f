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
