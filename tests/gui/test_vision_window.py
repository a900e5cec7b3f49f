"""An image question in the real window, on the tiny phi3v fixture."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt

from phidesk import paths, settings
from phidesk.engine.protocol import Sampling
from phidesk.gui.main_window import MainWindow
from phidesk.models import library
from phidesk.store import Store
from tests.builders.bad_images import write_bad_images
from tests.builders.tiny_phi3v import cached_tiny_phi3v

pytestmark = pytest.mark.slow


@contextmanager
def vision_window(qtbot: object, max_new_tokens: int, context_cap: int = 8192) -> Iterator[MainWindow]:
    """The real window with the tiny phi3v fixture installed as the default model and loaded."""
    library.import_path(cached_tiny_phi3v(), "tiny-vision")
    prefs = settings.Settings(default_model="tiny-vision", provider="cpu", context_cap=context_cap,
                              sampling=Sampling(temperature=0, max_new_tokens=max_new_tokens))
    window = MainWindow(Store(), prefs)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    try:
        if window.bridge.current is None:
            with qtbot.waitSignal(window.bridge.loaded, timeout=120_000):  # type: ignore[attr-defined]
                pass
        yield window
    finally:
        window.close()
        window.store.close()


def test_two_image_question_in_the_window(qtbot: object, phidesk_home: Path, tmp_path: Path) -> None:
    with vision_window(qtbot, max_new_tokens=6) as window:
        first, second = tmp_path / "a.png", tmp_path / "b.png"
        Image.new("RGB", (640, 480), "red").save(first)
        Image.new("RGB", (480, 640), "blue").save(second)
        window.composer.add_images([str(first), str(second)])
        assert len(window.composer.images) == 2
        window.composer.editor.setPlainText("Compare these two charts")
        seen_before_first_token: list[str] = []

        def on_token(_text: str) -> None:
            if not seen_before_first_token and window.streaming is not None:
                seen_before_first_token.append(window.streaming.note.text())

        window.bridge.token.connect(on_token)
        with qtbot.waitSignal(window.bridge.finished, timeout=120_000) as blocker:  # type: ignore[attr-defined]
            qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        stats = blocker.args[0]
        assert stats.finish_reason in {"length", "stop"}
        assert stats.prompt_tokens > 3000  # two images of ~1,900 tokens each
        # Each image's cost was on the pending answer before the first token, and stays in its note.
        first, second = stats.image_tokens
        expected = f"images {first:,} + {second:,} of {stats.prompt_tokens:,} prompt tokens"
        assert first > 1000
        assert second > 1000
        assert expected in seen_before_first_token[0]
        assert expected in window.chat.messages[1].note.text()
        conversation = window.store.get_conversation(window.conversation_id or 0)
        user = conversation.messages[0]
        assert len(user.images) == 2
        assert all(Path(p).parent == paths.data_dir() / "images" for p in user.images)  # kept copies
        assert all(Path(p).is_file() for p in user.images)
        # History shows the images as thumbnails, also when the conversation is opened again.
        window.new_conversation()
        window.open_conversation(window.store.list_conversations()[0].id)
        shown = window.chat.messages[0]
        assert list(shown.image_buttons) == list(user.images)
        qtbot.waitUntil(lambda: all(not b.icon().isNull() for b in shown.image_buttons.values()),  # type: ignore[attr-defined]
                        timeout=30_000)


def test_an_image_the_worker_refuses_returns_the_question(qtbot: object, phidesk_home: Path, tmp_path: Path) -> None:
    """A truncated PNG (good header) sent past the composer: the worker refuses it with one line, the
    window says so, the question with its images goes back to the composer, and the worker lives on."""
    with vision_window(qtbot, max_new_tokens=4) as window:
        pid = window.bridge.client.worker_pid
        bad, reason = write_bad_images(tmp_path / "bad")["truncated-png"]
        good = tmp_path / "good.png"
        Image.new("RGB", (400, 300), "green").save(good)
        with qtbot.waitSignal(window.bridge.failed, timeout=120_000) as blocker:  # type: ignore[attr-defined]
            window.send("What is in these?", [str(good), str(bad)])
        assert blocker.args[0] == "bad_image"
        assert reason in window.banner.text()
        assert window.chat.messages == []  # nothing half-asked stays in the conversation
        assert window.store.list_conversations() == []  # nor the conversation the question started
        assert window.composer.editor.toPlainText() == "What is in these?"
        assert len(window.composer.images) >= 1  # the good one is back (the bad one is refused again)
        assert window.bridge.client.worker_pid == pid
        with qtbot.waitSignal(window.bridge.finished, timeout=120_000):  # type: ignore[attr-defined]
            window.send("What is in this?", [str(good)])
        assert window.bridge.client.worker_pid == pid


def test_a_vision_model_at_4096_tokens_is_offered_a_larger_context(qtbot: object, phidesk_home: Path) -> None:
    with vision_window(qtbot, max_new_tokens=6, context_cap=4096) as window:
        offers = [n for n in window.banner.notices if n.kind == "context"]
        assert len(offers) == 1
        assert "One image costs about 1,900 tokens" in offers[0].text
        assert "KB = " in offers[0].text  # the arithmetic is shown
        button = offers[0].buttons[0]
        tokens = int(button.text().split()[1].replace(",", ""))
        assert tokens > 4096
        with qtbot.waitSignal(window.bridge.loaded, timeout=120_000):  # type: ignore[attr-defined]
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
        assert window.bridge.current is not None
        assert window.bridge.current.max_length == tokens
        assert settings.load().context_cap == tokens  # kept for the next start
