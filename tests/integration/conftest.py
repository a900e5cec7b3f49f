"""Fixtures of the chat-service tests: a real store in the test's PHIDESK_HOME, and a second connection to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from phidesk.chat import Answer, Refused
from phidesk.store import Store


@pytest.fixture
def store(phidesk_home: Path) -> Iterator[Store]:
    with Store() as opened:
        yield opened


@pytest.fixture
def other(store: Store) -> Iterator[Store]:
    """Another connection to the same database: another window or process."""
    with Store(store.path) as opened:
        yield opened


def started(result: Answer | Refused) -> Answer:
    """The answer a service call started (a Refused fails the test, saying why)."""
    assert isinstance(result, Answer), result
    return result
