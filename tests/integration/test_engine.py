"""The engine end to end: a real worker process running the real starter model."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from phidesk.engine.client import EngineClient
from phidesk.engine.protocol import Failed, Finished, Loaded, Message, PrefillProgress, Sampling, Token
from phidesk.errors import EngineError
from tests.platforms import cpu_only_runtime

GREEDY = Sampling(temperature=0, max_new_tokens=40)
HANG_GUARD_S = 60  # only stops a hang


def ask(client: EngineClient, messages: list[Message], sampling: Sampling = GREEDY) -> tuple[str, Finished]:
    text, done = "", None
    for event in client.generate(messages, sampling):
        if isinstance(event, Token):
            text += event.text
        elif isinstance(event, Finished):
            done = event
        elif isinstance(event, Failed):
            pytest.fail(f"generation failed: {event}")
    assert done is not None
    return text, done


def test_answers_a_question(client: EngineClient) -> None:
    text, done = ask(client, [Message("user", "What is the capital of France?")])
    assert "Paris" in text
    assert done.stats.finish_reason == "stop"
    assert done.stats.prompt_tokens == done.stats.new_prompt_tokens > 10
    assert done.stats.generated_tokens > 1
    assert done.stats.decode_tok_s > 0
    assert done.stats.ttft_s > 0


@cpu_only_runtime
def test_load_reports_provider_and_capped_context(starter_source: Path, tmp_path: Path) -> None:
    with EngineClient(log_path=tmp_path / "w.log") as engine:
        loaded = engine.load(starter_source, "auto", 1_000_000)
        assert loaded.provider == "cpu"
        # The starter's own context is 8192: the cap never exceeds it.
        assert loaded.max_length == loaded.context_length == 8192
        # auto tried a GPU provider first and says why it fell back.
        assert any("CUDA unavailable" in r for r in loaded.fallback_reasons)
        assert engine.load(starter_source, "cpu", 2048).max_length == 2048


@cpu_only_runtime
def test_explicit_unavailable_provider_is_a_user_error(starter_source: Path, tmp_path: Path) -> None:
    with EngineClient(log_path=tmp_path / "w.log") as engine, pytest.raises(EngineError) as info:
        engine.load(starter_source, "cuda", 4096)
    assert info.value.user_error
    assert "CUDA" in str(info.value)


def test_five_turns_read_only_the_new_turn(client: EngineClient) -> None:
    questions = ["What is the capital of France?", "And of Germany?", "And of Italy?", "And of Spain?",
                 "Which of them is the largest city?"]
    messages: list[Message] = []
    per_turn = []
    for question in questions:
        messages.append(Message("user", question))
        text, done = ask(client, messages, Sampling(temperature=0, max_new_tokens=40))
        messages.append(Message("assistant", text))
        per_turn.append((done.stats.prompt_tokens, done.stats.new_prompt_tokens))
    first_prompt, first_new = per_turn[0]
    assert first_new == first_prompt
    for (prompt, new), question in zip(per_turn[1:], questions[1:], strict=True):
        # Only the new user turn and its template markers are read; the history comes from the cache.
        assert new <= len(question.split()) * 3 + 12, per_turn
        assert prompt > new
    assert per_turn[-1][0] > per_turn[1][0]


def test_regenerate_and_edit_rewind_the_cache(client: EngineClient) -> None:
    history = [Message("user", "Name three colours.")]
    answer, _ = ask(client, history)
    history += [Message("assistant", answer), Message("user", "Now name three animals.")]
    _, turn2 = ask(client, history)
    # Regenerate: the same prompt again; only the last token is re-read to get fresh logits.
    _, regen = ask(client, history)
    assert regen.stats.new_prompt_tokens == 1
    assert regen.stats.prompt_tokens == turn2.stats.prompt_tokens
    # Edit the last user message: everything before it stays cached.
    edited = [*history[:-1], Message("user", "Now name three fruits.")]
    _, edit = ask(client, edited)
    assert 1 <= edit.stats.new_prompt_tokens < edit.stats.prompt_tokens // 2


def test_stop_during_a_long_prefill_keeps_the_worker_and_what_it_read(client: EngineClient) -> None:
    long_prompt = "Summarise this text. " + "The quick brown fox jumps over the lazy dog. " * 300
    conversation = [Message("user", long_prompt)]
    pid = client.worker_pid
    read_at_stop = total = 0
    finished = None
    for event in client.generate(conversation, GREEDY):
        if isinstance(event, PrefillProgress):
            total = event.total
            if event.done > 0 and not read_at_stop:
                read_at_stop = event.done
                threading.Thread(target=client.stop).start()
        if isinstance(event, Finished):
            finished = event
    assert total > 2500  # a long prefill really was under way
    assert read_at_stop > 0
    assert finished is not None
    assert finished.stats.finish_reason == "cancelled"  # how fast: `phidesk bench` measures Stop latency
    assert client.worker_pid == pid  # the worker finished its slice and stopped: nothing was killed
    # The same conversation again: what was read before the stop is still in the cache (no model load either).
    events = list(client.generate(conversation, GREEDY))
    assert not any(isinstance(e, Loaded) for e in events)
    again = events[-1]
    assert isinstance(again, Finished)
    assert again.stats.finish_reason in {"stop", "length"}
    assert again.stats.prompt_tokens == total
    assert again.stats.prompt_tokens - again.stats.new_prompt_tokens >= read_at_stop
    assert client.worker_pid == pid


def test_stop_between_tokens_keeps_the_worker(client: EngineClient) -> None:
    pid = client.worker_pid
    tokens = 0
    finished = None
    for event in client.generate([Message("user", "Write a long story about a dragon.")],
                                 Sampling(temperature=0.7, max_new_tokens=400, min_new_tokens=400, seed=1)):
        if isinstance(event, Token):
            tokens += 1
            if tokens == 5:
                client.stop()
        if isinstance(event, Finished):
            finished = event
    assert finished is not None
    assert finished.stats.finish_reason == "cancelled"
    assert tokens < 50
    assert client.worker_pid == pid  # cooperative stop: same process, cache kept
    text, done = ask(client, [Message("user", "What is the capital of France?")])
    assert done.stats.finish_reason == "stop"
    assert text


@pytest.mark.posix
def test_killed_worker_is_reported_and_replaced(client: EngineClient) -> None:
    pid = client.worker_pid
    assert pid is not None
    events = client.generate([Message("user", "Tell me a long story.")],
                             Sampling(max_new_tokens=300, min_new_tokens=300, seed=1))
    failure = None
    for event in events:
        if isinstance(event, Token):
            os.kill(pid, signal.SIGKILL)
        if isinstance(event, Failed):
            failure = event
    assert failure is not None
    assert failure.code == "worker_died"
    assert "signal 9" in failure.message
    text, _ = ask(client, [Message("user", "What is the capital of France?")])
    assert "Paris" in text
    assert client.worker_pid != pid


def test_conversation_too_long_drops_oldest_turns(starter_source: Path, tmp_path: Path) -> None:
    with EngineClient(log_path=tmp_path / "w.log") as engine:
        engine.load(starter_source, "cpu", 512)
        filler = "This sentence is padding to make the turn long. " * 12
        messages = [Message("system", "You are terse.")]
        for i in range(6):
            messages += [Message("user", f"Turn {i}. {filler}"), Message("assistant", f"Reply {i}. {filler}")]
        messages.append(Message("user", "What is the capital of France?"))
        _, done = ask(engine, messages, Sampling(temperature=0, max_new_tokens=32))
        assert done.stats.dropped_turns > 0
        assert done.stats.prompt_tokens <= 512 - 32


def test_single_message_longer_than_context_is_refused(starter_source: Path, tmp_path: Path) -> None:
    with EngineClient(log_path=tmp_path / "w.log") as engine:
        engine.load(starter_source, "cpu", 512)
        events = list(engine.generate([Message("user", "word " * 2000)], GREEDY))
        assert isinstance(events[-1], Failed)
        assert events[-1].user_error
        assert events[-1].code == "prompt_too_long"
        assert "too long" in events[-1].message
        # The worker is still fine.
        text, _ = ask(engine, [Message("user", "What is the capital of France?")])
        assert "Paris" in text


def test_multibyte_characters_arrive_intact(client: EngineClient) -> None:
    text, _ = ask(client, [Message("user", "Translate to Chinese and add emoji: I love my cat. 我爱我的猫 🐱")],
                  Sampling(temperature=0.8, max_new_tokens=80, seed=7))
    assert text
    assert "\ufffd" not in text
    text.encode("utf-8")  # a lone surrogate or a split character would raise here


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); look at its state.
    try:
        return Path(f"/proc/{pid}/stat").read_text(encoding="ascii").split()[2] != "Z"
    except OSError:
        return False


def test_dropping_the_iterator_stops_the_answer(client: EngineClient) -> None:
    events = client.generate([Message("user", "Write a long story.")],
                             Sampling(max_new_tokens=4000, min_new_tokens=4000, seed=1))
    for event in events:
        if isinstance(event, Token):
            break
    events.close()  # type: ignore[attr-defined]
    # The worker was told to stop: the next answer does not wait behind the rest of the 4,000 tokens.
    # Compared with this machine's own decode rate, measured by the same answer (so a loaded machine,
    # slower for both, changes nothing): waiting behind ~4,000 tokens would take far longer than 2,000.
    started = time.perf_counter()
    text, done = ask(client, [Message("user", "What is the capital of France?")])
    took = time.perf_counter() - started
    assert "Paris" in text
    assert took < 2000 / done.stats.decode_tok_s, (took, done.stats.decode_tok_s)
