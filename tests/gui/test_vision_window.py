"""An image question in the real window, on the tiny phi3v fixture."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt

from phidesk import paths, settings
from phidesk.engine.protocol import Sampling
from phidesk.gui.main_window import MainWindow
from phidesk.models import library
from phidesk.store import Store
from tests.builders.tiny_phi3v import cached_tiny_phi3v

pytestmark = pytest.mark.slow


def test_two_image_question_in_the_window(qtbot: object, phidesk_home: Path, tmp_path: Path) -> None:
    library.import_path(cached_tiny_phi3v(), "tiny-vision")
    prefs = settings.Settings(default_model="tiny-vision", provider="cpu", context_cap=8192,
                              sampling=Sampling(temperature=0, max_new_tokens=6))
    window = MainWindow(Store(), prefs)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    try:
        if window.bridge.current is None:
            with qtbot.waitSignal(window.bridge.loaded, timeout=120_000):  # type: ignore[attr-defined]
                pass
        first, second = tmp_path / "a.png", tmp_path / "b.png"
        Image.new("RGB", (640, 480), "red").save(first)
        Image.new("RGB", (480, 640), "blue").save(second)
        window.composer.add_images([str(first), str(second)])
        assert len(window.composer.images) == 2
        window.composer.editor.setPlainText("Compare these two charts")
        with qtbot.waitSignal(window.bridge.finished, timeout=120_000) as blocker:  # type: ignore[attr-defined]
            qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        stats = blocker.args[0]
        assert stats.finish_reason in {"length", "stop"}
        assert stats.prompt_tokens > 3000  # two images of ~1,900 tokens each
        conversation = window.store.get_conversation(window.conversation_id or 0)
        user = conversation.messages[0]
        assert len(user.images) == 2
        assert all(Path(p).parent == paths.data_dir() / "images" for p in user.images)  # kept copies
        assert all(Path(p).is_file() for p in user.images)
    finally:
        window.close()
        window.store.close()
