"""The KV caches the worker keeps: one per recently used conversation, and a spare that has read the system prompt.

A :class:`Slot` is one generator (its KV cache), the search options it was made with, the tokens it holds and,
when they end on a clean boundary, the exact text they stand for. The worker works in one slot at a time; the
others wait here, least recently used first out, within a budget counted in slots (the worker turns its memory
budget into a number of slots: every generator allocates its KV cache for the whole context up front).

The spare is a slot that has read only the rendered system prompt (the part every new conversation starts
with): the next conversation the worker has not seen takes it, so its first question reads only the question.

No onnxruntime-genai here: the generators are opaque objects, so the policy is tested on its own.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Slot:
    generator: Any = None
    options: tuple[Any, ...] | None = None  # the search options the generator was made with
    cached: list[int] = field(default_factory=list)  # the tokens in its cache
    cached_text: str | None = None  # the exact text those tokens stand for, when they end on a clean boundary

    def free(self) -> None:
        self.generator, self.options, self.cached, self.cached_text = None, None, [], None

    @property
    def used(self) -> bool:
        return self.generator is not None


class Slots:
    """Parked slots by conversation key (least recently used first) and the spare, within *capacity* slots
    counting the one the worker is using."""

    def __init__(self, capacity: int = 1) -> None:
        self.capacity = max(1, capacity)
        self.parked: OrderedDict[str, Slot] = OrderedDict()
        self.spare: Slot | None = None
        self.spare_prefix: list[int] = []  # the tokens the spare is to hold (the rendered system prompt)

    def __len__(self) -> int:
        return len(self.parked) + (1 if self.spare is not None and self.spare.used else 0)

    def park(self, key: str, slot: Slot) -> None:
        """Keep *slot* for conversation *key* (most recently used), evicting others beyond the capacity."""
        if not slot.used:
            return
        self.parked.pop(key, None)
        self.parked[key] = slot

    def take(self, key: str) -> Slot | None:
        """The slot kept for *key* (no longer parked), or None."""
        return self.parked.pop(key, None)

    def take_spare(self) -> Slot | None:
        spare, self.spare = self.spare, None
        return spare if spare is not None and spare.used else None

    def fit(self, reserve: int) -> list[str]:
        """Free parked slots (least recently used first), then the spare, until *reserve* more fit.
        Returns the keys whose caches were freed."""
        freed: list[str] = []
        while len(self) + reserve > self.capacity and self.parked:
            key, slot = self.parked.popitem(last=False)
            slot.free()
            freed.append(key)
        if len(self) + reserve > self.capacity and self.spare is not None:
            self.spare.free()
            self.spare = None
            freed.append("(spare)")
        return freed

    def clear(self) -> None:
        for slot in self.parked.values():
            slot.free()
        self.parked.clear()
        if self.spare is not None:
            self.spare.free()
        self.spare, self.spare_prefix = None, []

    @property
    def room_for_spare(self) -> bool:
        """A spare fits beside the slot in use and the parked ones."""
        return len(self.parked) + 2 <= self.capacity
