"""A vision turn's inputs: placeholders, images cleaned by Pillow, the multimodal processor.

The worker numbers the images across the conversation, writes ``<|image_N|>`` into each user text,
and hands the runtime clean PNG bytes (``phidesk.engine.images.prepare_image``), never a user's file.
Every vision turn reads the whole conversation again (a phi3v generator cannot rewind), so the
cleaned images of recent turns are kept, by (path, size, mtime). When the conversation outgrows the
context, its oldest turns and their images give way, as for text; a newest question that cannot fit
alone is refused with each image's cost.

The runtime module is handed in by the worker: this module does not import it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from phidesk.engine.prompt import PromptTooLongError, fit_conversation
from phidesk.engine.protocol import Message


@dataclass
class VisionPrompt:
    inputs: Any  # the processor's named tensors, for Generator.set_inputs
    image_tokens: list[int]  # each image's token cost, in order
    total: int  # prompt tokens
    dropped: int  # oldest turns left out to fit


class VisionInputs:
    def __init__(self, og: Any) -> None:
        self.og = og
        self.processor: Any = None  # created from the loaded model on its first vision turn
        # Cleaned images by (path, size, mtime): decoding a large photo again each turn would cost a second or more.
        self.prepared: dict[tuple[str, int, int], bytes] = {}

    def unload(self) -> None:
        self.processor = None

    def prepare(self, path: str) -> bytes:
        from phidesk.engine.images import PREPARED_CACHE, prepare_image  # Pillow: only once an image comes

        try:
            stat = Path(path).stat()
            key: tuple[str, int, int] | None = (path, stat.st_size, stat.st_mtime_ns)
        except OSError:
            key = None  # prepare_image says why
        if key is not None and key in self.prepared:
            return self.prepared[key]
        png = prepare_image(path).png
        if key is not None:
            while len(self.prepared) >= PREPARED_CACHE:
                del self.prepared[next(iter(self.prepared))]
            self.prepared[key] = png
        return png

    def build(self, model: Any, messages: list[Message], render: Callable[[list[Message]], str],
              budget: int) -> VisionPrompt:
        """The processor's inputs for as much of *messages* as fits in *budget* tokens (newest kept)."""
        if self.processor is None:
            self.processor = model.create_multimodal_processor()
        last: dict[str, Any] = {}

        def process(kept: Sequence[Message]) -> int:
            """Placeholders, cleaned images and the processor for *kept*; its prompt length."""
            pictures: list[bytes] = []
            numbered: list[Message] = []
            for message in kept:
                marks = ""
                for path in message.images:
                    pictures.append(self.prepare(path))  # ImageError: a one-line user error
                    marks += f"<|image_{len(pictures)}|>\n"
                numbered.append(Message(message.role, marks + message.content))
            images = self.og.Images.open_bytes(*pictures) if pictures else None
            last["inputs"] = self.processor(render(numbered), images=images)
            ids = last["inputs"]["input_ids"].as_numpy().reshape(-1)
            last["image_tokens"] = [int((ids == -(n + 1)).sum()) for n in range(len(pictures))]
            return int(ids.shape[0])

        try:
            # The oldest turns (and their images) give way first, as for text; the last call was for `kept`.
            _kept, dropped, total = fit_conversation(messages, process, budget)
        except PromptTooLongError:
            costs = ", ".join(f"{c:,}" for c in last["image_tokens"])
            needed = int(last["inputs"]["input_ids"].as_numpy().size)
            raise PromptTooLongError(
                f"the question needs {needed:,} tokens (images: {costs or 'none'}) and at most {budget:,} fit; "
                "use fewer images or raise the context setting") from None
        return VisionPrompt(last["inputs"], last["image_tokens"], total, dropped)
