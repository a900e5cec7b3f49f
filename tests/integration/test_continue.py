"""Continue an answer: the real starter in a real worker, greedy; the answer left open, the KV cache reused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phidesk.chat import Answer, ChatService, Refused, can_continue, cut_at_limit
from phidesk.engine.client import EngineClient
from phidesk.engine.prompt import CONTINUE_MARK
from phidesk.engine.protocol import Failed, Finished, Loaded, Message, Ready, Sampling, Token
from phidesk.store import Store, StoredMessage
from tests.integration.test_worker_pipe import RawWorker

QUESTION = [Message("user", "Write a long story about a dragon who learns to bake bread.")]


def run(client: EngineClient, messages: list[Message], sampling: Sampling, *, continue_last: bool = False,
        stop_after: int = 0) -> tuple[str, Finished | Failed]:
    text, tokens, end = "", 0, None
    for event in client.generate(messages, sampling, continue_last=continue_last):
        if isinstance(event, Token):
            text += event.text
            tokens += 1
            if tokens == stop_after:
                client.stop()
        elif isinstance(event, (Finished, Failed)):
            end = event
    assert end is not None
    return text, end


def test_an_answer_cut_at_the_token_limit_is_marked_length_and_continues_as_if_never_cut(
        client: EngineClient) -> None:
    """Greedy: 8 tokens, then 8 more continued, are the 16 tokens one answer gives; only one token is re-read."""
    whole, full = run(client, QUESTION, Sampling(temperature=0, max_new_tokens=16))
    assert isinstance(full, Finished)
    assert (full.stats.finish_reason, full.stats.generated_tokens) == ("length", 16)
    first, cut = run(client, QUESTION, Sampling(temperature=0, max_new_tokens=8))
    assert isinstance(cut, Finished)
    assert (cut.stats.finish_reason, cut.stats.generated_tokens) == ("length", 8)
    assert whole.startswith(first)
    assert len(first) < len(whole)
    rest, more = run(client, [*QUESTION, Message("assistant", first)], Sampling(temperature=0, max_new_tokens=8),
                     continue_last=True)
    assert isinstance(more, Finished)
    assert first + rest == whole
    assert (more.stats.new_prompt_tokens, more.stats.cache) == (1, "kept")  # the cache held all but the last token
    assert more.stats.prompt_tokens == cut.stats.prompt_tokens + 8


def test_an_answer_stopped_between_tokens_continues_from_the_cache(client: EngineClient) -> None:
    sampling = Sampling(temperature=0, max_new_tokens=200)
    first, stopped = run(client, QUESTION, sampling, stop_after=5)
    assert isinstance(stopped, Finished)
    assert stopped.stats.finish_reason == "cancelled"
    assert first
    rest, more = run(client, [*QUESTION, Message("assistant", first)], Sampling(temperature=0, max_new_tokens=10),
                     continue_last=True)
    assert isinstance(more, Finished)
    assert more.stats.new_prompt_tokens == 1
    assert more.stats.finish_reason == "length"
    assert rest
    assert not rest.startswith(first)  # it goes on; it does not start the answer again


def test_a_continued_answer_in_a_fresh_worker_reads_the_open_answer(starter_source: Path, tmp_path: Path) -> None:
    """Without the cache (another session): the prompt ends with the answer's text, and greedy goes on as before."""
    engine = EngineClient(log_path=tmp_path / "worker.log")
    engine.load(starter_source, "cpu", 4096)
    try:
        whole, _ = run(engine, QUESTION, Sampling(temperature=0, max_new_tokens=16))
    finally:
        engine.close()
    fresh = EngineClient(log_path=tmp_path / "worker2.log")
    fresh.load(starter_source, "cpu", 4096)
    try:
        first = whole[: len(whole) // 2]
        rest, more = run(fresh, [*QUESTION, Message("assistant", first)], Sampling(temperature=0, max_new_tokens=4),
                         continue_last=True)
        assert isinstance(more, Finished)
        assert more.stats.new_prompt_tokens == more.stats.prompt_tokens
        assert rest
    finally:
        fresh.close()


@pytest.mark.parametrize("messages", [QUESTION, [*QUESTION, Message("assistant", "")],
                                      [*QUESTION, Message("assistant", f"Once {CONTINUE_MARK} upon")]])
def test_continuing_without_an_answer_is_refused(client: EngineClient, messages: list[Message]) -> None:
    _, end = run(client, messages, Sampling(temperature=0, max_new_tokens=4), continue_last=True)
    assert isinstance(end, Failed)
    assert (end.code, end.user_error) == ("cannot_continue", True)
    _, after = run(client, QUESTION, Sampling(temperature=0, max_new_tokens=4))  # the worker goes on serving
    assert isinstance(after, Finished)


TRIMMING = ("{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + (message['content'] | trim) "
            "+ '<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")


def test_a_template_that_changes_the_answer_is_refused_never_guessed(model_copy: Path, tmp_path: Path) -> None:
    """This template trims each message: an answer that starts with spaces is not in the prompt as it was."""
    (model_copy / "chat_template.jinja").write_text(TRIMMING, encoding="utf-8")
    engine = EngineClient(log_path=tmp_path / "worker.log")
    engine.load(model_copy, "cpu", 1024)
    try:
        sampling = Sampling(temperature=0, max_new_tokens=4)
        _, refused = run(engine, [*QUESTION, Message("assistant", "  Once upon")], sampling, continue_last=True)
        assert isinstance(refused, Failed)
        assert (refused.code, refused.user_error) == ("cannot_continue", True)
        rest, done = run(engine, [*QUESTION, Message("assistant", "Once upon")], sampling, continue_last=True)
        assert isinstance(done, Finished)  # the same template, an answer it leaves as it is: continued
        assert rest
    finally:
        engine.close()


def test_an_answer_that_fills_the_context_is_refused_not_returned(starter_source: Path, tmp_path: Path) -> None:
    engine = EngineClient(log_path=tmp_path / "worker.log")
    engine.load(starter_source, "cpu", 256)
    try:
        long_answer = "The dragon baked bread. " * 80
        _, end = run(engine, [*QUESTION, Message("assistant", long_answer)], Sampling(temperature=0, max_new_tokens=4),
                     continue_last=True)
        assert isinstance(end, Failed)
        assert end.code == "context_full"
    finally:
        engine.close()


def test_a_malformed_continue_flag_is_refused_and_the_worker_keeps_serving(starter_source: Path,
                                                                           tmp_path: Path) -> None:
    worker = RawWorker(tmp_path / "worker.log")
    try:
        assert isinstance(worker.next(), Ready)
        worker.send(json.dumps({"op": "load", "path": str(starter_source), "provider": "cpu",
                                "context_cap": 1024}).encode())
        assert isinstance(worker.next(), Loaded)
        messages = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]
        for request_id, flag in enumerate(["yes", 1, None, {"a": 1}], start=1):
            worker.send(json.dumps({"op": "generate", "id": request_id, "messages": messages, "continue": flag,
                                    "sampling": {"temperature": 0, "max_new_tokens": 2}}).encode())
            while not isinstance(event := worker.next(), (Finished, Failed)):
                pass
            assert isinstance(event, Failed), (flag, event)
            assert (event.id, event.code) == (request_id, "bad_request")
        worker.send(json.dumps({"op": "generate", "id": 9, "messages": messages, "continue": True,
                                "sampling": {"temperature": 0, "max_new_tokens": 2}}).encode())
        while not isinstance(event := worker.next(), (Finished, Failed)):
            pass
        assert isinstance(event, Finished)
    finally:
        worker.close()


# --- the chat service: the continued text is appended to the same stored answer ------------------------------


def _answer(service: ChatService, result: Answer | Refused, stop_after: int = 0) -> Answer:
    assert isinstance(result, Answer), result
    tokens = 0
    for event in service.events(result):
        if isinstance(event, Token):
            tokens += 1
            if tokens == stop_after:
                service.stop()
    return result


def _last(store: Store, service: ChatService) -> StoredMessage:
    return store.get_conversation(service.conversation_id or 0).messages[-1]


def test_the_service_continues_a_stopped_answer_in_the_same_message(client: EngineClient, store: Store,
                                                                     other: Store) -> None:
    service = ChatService(store, client)
    first = _answer(service, service.ask(QUESTION[0].content, sampling=Sampling(temperature=0, max_new_tokens=200)),
                    stop_after=5)
    stopped = _last(other, service)
    assert (stopped.status, stopped.content) == ("cancelled", first.text)
    assert can_continue(stopped)
    result = service.continue_answer(sampling=Sampling(temperature=0, max_new_tokens=12), model="starter",
                                     provider="cpu")
    assert isinstance(result, Answer)
    assert (result.message_id, result.text) == (stopped.id, stopped.content)
    assert _last(other, service).status == "streaming"  # another window sees it being written
    _answer(service, result)
    continued = _last(other, service)
    assert continued.id == stopped.id
    assert len(other.get_conversation(service.conversation_id or 0).messages) == 2  # no new message
    assert continued.content.startswith(stopped.content)
    assert len(continued.content) > len(stopped.content)
    assert continued.content == result.text
    assert (continued.status, continued.model, continued.provider) == ("complete", "starter", "cpu")
    assert continued.stats is not None
    assert continued.stats["finish_reason"] == "length"
    assert continued.stats["generated_tokens"] == 12  # the continued part's stats
    assert continued.stats["new_prompt_tokens"] == 1  # read from the kept cache: only the last token again
    assert (service.messages[-1].content, service.messages[-1].status) == (continued.content, "complete")


def test_the_service_continues_an_answer_cut_at_the_token_limit(client: EngineClient, store: Store,
                                                                other: Store) -> None:
    service = ChatService(store, client)
    cut = _answer(service, service.ask(QUESTION[0].content, sampling=Sampling(temperature=0, max_new_tokens=8)))
    stored = _last(other, service)
    assert stored.stats is not None
    assert (stored.status, stored.stats["finish_reason"]) == ("complete", "length")
    assert cut_at_limit(stored)
    assert can_continue(stored)
    more = _answer(service, service.continue_answer(sampling=Sampling(temperature=0, max_new_tokens=8)))
    continued = _last(other, service)
    assert continued.content == more.text
    assert continued.content.startswith(cut.text)
    assert len(continued.content) > len(cut.text)
    assert cut_at_limit(continued)  # cut again: it can be continued again
    again = service.continue_answer(sampling=Sampling(temperature=0, max_new_tokens=8))
    assert isinstance(again, Answer)


def test_the_service_refuses_to_continue_a_finished_answer(client: EngineClient, store: Store, other: Store) -> None:
    service = ChatService(store, client)
    assert isinstance(service.continue_answer(sampling=Sampling(temperature=0)), Refused)  # nothing yet
    done = _answer(service, service.ask("Say hi.", sampling=Sampling(temperature=0, max_new_tokens=200)))
    assert done.stats is not None
    assert done.stats.finish_reason == "stop"  # the model ended it itself
    before = other.get_conversation(service.conversation_id or 0)
    assert not can_continue(before.messages[-1])
    refused = service.continue_answer(sampling=Sampling(temperature=0))
    assert isinstance(refused, Refused)
    assert refused.reason == "cannot_continue"
    assert "\n" not in refused.message
    assert service.answer is None
    assert other.get_conversation(service.conversation_id or 0).messages == before.messages  # nothing written


def test_the_service_refuses_to_continue_an_answer_another_window_changed(client: EngineClient, store: Store,
                                                                           other: Store) -> None:
    service = ChatService(store, client)
    _answer(service, service.ask(QUESTION[0].content, sampling=Sampling(temperature=0, max_new_tokens=8)))
    shown = _last(other, service)
    other.update_message(shown.id, content="Edited elsewhere.")
    refused = service.continue_answer(sampling=Sampling(temperature=0, max_new_tokens=8))
    assert isinstance(refused, Refused)
    assert refused.reason == "changed"
    assert service.answer is None
    after = _last(other, service)
    assert (after.content, after.status) == ("Edited elsewhere.", "complete")  # not reopened


def test_a_continuation_the_engine_refuses_leaves_the_answer_as_it_was(starter_source: Path, tmp_path: Path,
                                                                       store: Store, other: Store) -> None:
    engine = EngineClient(log_path=tmp_path / "worker.log")
    engine.load(starter_source, "cpu", 256)
    try:
        service = ChatService(store, engine)
        # Generated until the context is full: cut at the limit, and too long to continue in this context.
        full = _answer(service, service.ask(QUESTION[0].content, sampling=Sampling(
            temperature=0, max_new_tokens=1000, min_new_tokens=1000)))
        assert full.stats is not None
        assert full.stats.finish_reason == "length"
        before = other.get_conversation(service.conversation_id or 0).messages
        failed = _answer(service, service.continue_answer(sampling=Sampling(temperature=0, max_new_tokens=8)))
        assert failed.failure is not None
        assert failed.failure.code == "context_full"
        after = other.get_conversation(service.conversation_id or 0).messages
        assert [(m.id, m.content, m.status, m.stats) for m in after] == [
            (m.id, m.content, m.status, m.stats) for m in before]  # the question and the answer both kept
    finally:
        engine.close()


def test_a_continued_answer_is_this_store_s_to_write(client: EngineClient, phidesk_home: Path) -> None:
    """An answer stopped in an earlier session (its writer gone) and continued now is written by the store that
    continues it: a window opening the database meanwhile leaves it streaming, not ``interrupted``."""
    with Store() as earlier:
        service = ChatService(earlier, client)
        _answer(service, service.ask(QUESTION[0].content, sampling=Sampling(temperature=0, max_new_tokens=200)),
                stop_after=3)
        conversation_id = service.conversation_id or 0
    with Store() as now:
        service = ChatService(now, client)
        service.open(conversation_id)
        result = service.continue_answer(sampling=Sampling(temperature=0, max_new_tokens=4))
        assert isinstance(result, Answer)
        with Store() as another:  # opening the database recovers answers whose writer is gone
            assert another.get_conversation(conversation_id).messages[-1].status == "streaming"
        _answer(service, result)
        assert now.get_conversation(conversation_id).messages[-1].status == "complete"
