"""The policy of the worker's kept KV caches (generators are opaque here: plain objects stand in for them)."""

from __future__ import annotations

from phidesk.engine.kvslots import Slot, Slots


def used(name: str) -> Slot:
    return Slot(generator=name, options=(), cached=[1, 2, 3])


def test_least_recently_used_caches_go_first_within_the_capacity() -> None:
    slots = Slots(capacity=3)
    slots.park("a", used("A"))
    slots.park("b", used("B"))
    assert slots.fit(reserve=1) == []  # two parked + the one in use: fits
    slots.park("c", used("C"))
    assert slots.fit(reserve=1) == ["a"]  # the oldest goes
    assert slots.take("a") is None
    taken = slots.take("b")
    assert taken is not None
    assert taken.generator == "B"
    slots.park("b", taken)  # used again: now the most recent
    slots.park("d", used("D"))
    assert slots.fit(reserve=1) == ["c"]


def test_a_freed_cache_lets_go_of_its_generator() -> None:
    slots = Slots(capacity=1)
    slot = used("A")
    slots.park("a", slot)
    assert slots.fit(reserve=1) == ["a"]
    assert slot.generator is None
    assert slot.cached == []
    assert not slot.used


def test_the_spare_goes_after_every_parked_cache_and_only_when_needed() -> None:
    slots = Slots(capacity=3)
    slots.spare = used("S")
    slots.park("a", used("A"))
    assert slots.fit(reserve=1) == []
    slots.park("b", used("B"))
    assert slots.fit(reserve=1) == ["a"]
    assert slots.spare is not None
    slots.park("c", used("C"))
    assert slots.fit(reserve=1) == ["b"]
    assert slots.spare is not None
    slots.capacity = 1  # nothing parked fits any more, nor the spare
    assert slots.fit(reserve=1) == ["c", "(spare)"]
    assert slots.spare is None


def test_room_for_a_spare_counts_the_cache_in_use() -> None:
    slots = Slots(capacity=2)
    assert slots.room_for_spare
    slots.park("a", used("A"))
    assert not slots.room_for_spare
    assert Slots(capacity=1).room_for_spare is False


def test_an_unused_slot_is_not_kept() -> None:
    slots = Slots(capacity=2)
    slots.park("a", Slot())
    assert len(slots) == 0
