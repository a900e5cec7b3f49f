"""Keeping work the worker already did: several conversations' KV caches, and the system prompt read in advance.

Runs in the worker process (it drives the worker's generators). Two rules:

* **Conversations keep their caches.** Each answer names its conversation; the worker parks the cache it was
  using under that conversation's key and takes the cache of the one asked for, so returning to a
  conversation reads only its new tokens. Every generator allocates its KV cache for the whole context up
  front, so the memory budget is counted in caches: ``budget // (KV bytes per token × context)``. The budget
  is the user's setting, or by default half of the memory free once the model is loaded. The least recently
  used cache is freed first; there are never more than the budget allows, so nothing swaps.
* **The system prompt is read once.** After a load, while no request waits, a spare cache reads the part of
  the rendered prompt every new conversation starts with (the template's preamble and the system prompt), a
  slice at a time, so a request never waits more than one slice for it. The next conversation the worker has
  not seen takes the spare, and its first question reads only the question; then a new spare is read.

  Before it makes a spare (after a load, after an answer that took the spare), the worker waits up to
  :data:`SETTLE_S` for a request: the front end has just been told of the load or the answer's end and reacts to it
  (a window lays out and paints, a question that waited for the model goes) while the cores are free, and a question
  that comes meanwhile is read at once instead of after the spare's first slice.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from typing import Any, Protocol

from phidesk.engine.kvslots import Slot, Slots
from phidesk.engine.modelinfo import ModelInfo
from phidesk.engine.prompt import SliceSizer
from phidesk.engine.protocol import Event, Message, Sampling, Warmed
from phidesk.engine.runtime import kv_value_bytes

log = logging.getLogger("phidesk.worker")

MAX_CACHES = 8  # conversations kept warm at most, whatever the budget
AUTO_BUDGET_SHARE = 0.5  # of the memory available after the load, when the user has not set a budget
SENTINEL = "PHIDESK-FIRST-QUESTION-7f3a"  # stands for the first question while the start is rendered
SETTLE_S = 0.3
"""How long the worker waits for a request before it makes a spare. Making one allocates and writes a KV cache for
the whole context (3 GB at Phi-3.5-mini size) and then reads a slice on every core: done the moment the model
reported its load, it slowed the window's own reaction to it into a stall of 17-38 ms on two cores, where it is
9-16 ms with the wait (benchmarks/RESULTS.md). ``PHIDESK_SPARE_SETTLE_MS`` overrides it (tests)."""


def settle_s() -> float:
    """:data:`SETTLE_S`, or ``PHIDESK_SPARE_SETTLE_MS`` when set (milliseconds, 0 or more)."""
    with contextlib.suppress(ValueError):
        return max(0.0, float(os.environ.get("PHIDESK_SPARE_SETTLE_MS", "")) / 1000)
    return SETTLE_S


def default_budget_bytes() -> int:
    import psutil

    return int(psutil.virtual_memory().available * AUTO_BUDGET_SHARE)


class Worker(Protocol):
    """What this module uses of ``phidesk.engine.worker.Worker`` (which imports this module)."""

    og: Any
    model: Any
    tokenizer: Any
    info: ModelInfo | None
    provider: str
    max_length: int
    slot: Slot
    slots: Slots
    conversation: str

    def render(self, messages: list[Message]) -> str: ...
    def search_options(self, sampling: Sampling, prompt_tokens: int) -> dict[str, Any]: ...
    def emit(self, event: Event) -> None: ...


class Warm:
    def __init__(self) -> None:
        self.sampling = Sampling()
        # The tokens every new conversation starts with (None: no spare at all). Even an empty start is worth a
        # spare: making a generator allocates its KV cache for the whole context (0.2-0.3 s at Phi-3.5 width).
        self.prefix: list[int] | None = None
        self.sizer = SliceSizer()
        self.cache_bytes = 0  # one cache
        self.budget_bytes = 0

    def configure(self, worker: Worker, budget_mb: int, system_prompt: str, sampling: Sampling) -> None:
        """After a load: how many caches fit, and the common start the spare is to read."""
        info = worker.info
        assert info is not None
        self.sampling, self.sizer = sampling, SliceSizer()
        self.cache_bytes = info.kv_values_per_token * kv_value_bytes(worker.provider) * worker.max_length
        self.budget_bytes = budget_mb * 2**20 if budget_mb > 0 else default_budget_bytes()
        if info.vision or self.cache_bytes <= 0:  # a vision generator cannot rewind: nothing to keep
            worker.slots.capacity, self.prefix = 1, None
            return
        worker.slots.capacity = max(1, min(MAX_CACHES, self.budget_bytes // self.cache_bytes))
        self.prefix = self.common_start(worker, system_prompt)
        log.info("KV caches: %d of %.0f MB each (budget %.0f MB); spare prefix %d tokens",
                 worker.slots.capacity, self.cache_bytes / 2**20, self.budget_bytes / 2**20, len(self.prefix or []))

    @staticmethod
    def common_start(worker: Worker, system_prompt: str) -> list[int] | None:
        """The tokens of the rendered prompt before the first question's text."""
        messages = [Message("system", system_prompt)] if system_prompt else []
        try:
            text = worker.render([*messages, Message("user", SENTINEL)])
        except Exception as exc:  # a template that cannot render this: no spare, nothing else changes
            log.info("no spare cache: %s", exc)
            return None
        cut = text.find(SENTINEL)
        if cut < 0:
            return None
        tokens = [int(t) for t in worker.tokenizer.encode(text[:cut])] if cut else []
        # The last token may merge with the question's first characters: leave it to the question.
        return tokens[:-1]

    def wanted(self, worker: Worker) -> bool:
        """Whether the spare has reading left to do (and fits the budget)."""
        if worker.model is None or self.prefix is None:
            return False
        spare = worker.slots.spare
        if spare is not None and len(spare.cached) >= len(self.prefix):
            return False
        return spare is not None or worker.slots.room_for_spare

    def fill_slice(self, worker: Worker) -> None:
        """Read the next slice of the common start into the spare (creating it first).

        The spare never reads its start in one runtime call: a start that fits one slice is read as all but its last
        token, then that token alone. The runtime's first append onto a generator's cache, in a process that has not
        yet appended onto one of that size, costs a few milliseconds more, once (a bare onnxruntime-genai loop on the
        starter: a 17-token question after a 153-token start read in one call took 19.1-20.9 ms, the next ones
        16.6-17.7 ms; with the start read as 152 + 1, 16.6-17.0 ms). Paid by the spare while nothing waits, it no
        longer falls on the first question (benchmarks/RESULTS.md)."""
        slots, prefix = worker.slots, self.prefix or []
        if slots.spare is None:
            params = worker.og.GeneratorParams(worker.model)
            options = worker.search_options(self.sampling, len(prefix))
            params.set_search_options(**options)
            options.pop("min_length", None)
            slots.spare = Slot(worker.og.Generator(worker.model, params), tuple(sorted(options.items())))
        spare = slots.spare
        done = len(spare.cached)
        if done < len(prefix):
            size = self.sizer.next(len(prefix) - done)
            if done == 0 and size == len(prefix) > 1:
                size -= 1  # then the last token alone, onto what it read (see above)
            started = time.perf_counter()
            spare.generator.append_tokens(prefix[done : done + size])
            if size > 1:  # one token costs about a decoding step: no measure of the prefill's rate
                self.sizer.observe(size, time.perf_counter() - started)
            spare.cached = prefix[: done + size]
        if len(spare.cached) == len(prefix):
            worker.emit(Warmed(tokens=len(spare.cached)))

    def switch(self, worker: Worker, conversation: str) -> str:
        """Make *conversation*'s cache the one in use; says where it came from ("kept", "spare", "new")."""
        if conversation == worker.conversation:
            return "kept" if worker.slot.used else "new"
        worker.slots.park(worker.conversation, worker.slot)
        slot = worker.slots.take(conversation)
        origin = "kept"
        if slot is None:
            slot, origin = worker.slots.take_spare(), "spare"
            if slot is None:
                slot, origin = Slot(), "new"
        worker.slots.fit(reserve=1)  # room for the one in use (a new one's memory comes from the oldest cache)
        worker.slot, worker.conversation = slot, conversation
        return origin
