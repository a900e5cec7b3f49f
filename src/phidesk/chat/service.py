"""ChatService: one answer in one conversation, on top of an EngineClient and a Store; no Qt.

The window, the CLI's ``chat`` and the benchmarks all drive one answer the same way:

1. ``ask(text, images)`` stores the question (``edit=``: in place of a message and everything after it)
   and an empty answer with status ``streaming``; ``regenerate(position)`` deletes from a message and
   starts a new answer. Both return the live :class:`Answer` (its ``messages`` are what the engine reads)
   or a :class:`Refused` saying why nothing was started, with what the user typed given back.
2. The engine's events go to ``feed(event)`` (or ``add_token`` / ``finish`` / ``fail``): the text grows
   and reaches the store at least every ``flush_interval_s`` while tokens arrive (a periodic
   ``flush()`` from the front end covers a pause in the stream), the final status and stats at the end.
   ``events(answer)`` runs the engine on the calling thread and feeds them (the CLI, the tests).
3. A question the model could not take (``RETURNED`` codes) is deleted again and handed back intact
   (:class:`Returned`), so nothing half-asked stays in the conversation.

Every write names what its caller saw (``after=`` / ``last_id=``): another window or process that changed or
deleted the conversation meanwhile makes the write a :class:`Refused` (``changed`` / ``missing``) and writes
nothing. A full disk keeps the streaming answer in memory (:class:`AnswerSaver`) until it can be written.

Without a store (the CLI's chat, which keeps nothing) the conversation lives only in memory.
The service is not thread-safe: call it from one thread (the window's GUI thread; the CLI's main thread).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from phidesk.chat.continuing import CANNOT_CONTINUE, can_continue
from phidesk.chat.saving import AnswerSaver
from phidesk.engine.protocol import (
    BAD_TEXT,
    AnswerStats,
    Event,
    Failed,
    Finished,
    Message,
    PrefillProgress,
    Sampling,
    Token,
    valid_unicode,
)
from phidesk.store import (
    Conversation,
    ConversationChangedError,
    ConversationMissingError,
    ConversationSummary,
    Store,
    StoredMessage,
    import_json,
)
from phidesk.store.pending import is_disk_full

if TYPE_CHECKING:
    from phidesk.engine.client import EngineClient

log = logging.getLogger(__name__)

FLUSH_INTERVAL_S = 0.5  # a streaming answer reaches the database at least this often while tokens arrive
RETURNED = frozenset({"bad_image", "prompt_too_long"})  # failures that give the question back to its asker


@dataclass(frozen=True)
class Refused:
    """Nothing (more) was written. ``reason``: changed / missing (another window or process changed or deleted
    the conversation since it was read), disk_full or failed (the database refused; ``message`` says what to do),
    bad_text (the question holds lone surrogates, which neither the store nor the worker can take),
    cannot_continue (Continue asked for an answer that cannot be continued: ``chat.continuing``).
    ``text`` / ``images``: what the user typed, given back (empty when it is safely stored)."""

    reason: str
    message: str = ""
    text: str = ""
    images: tuple[str, ...] = ()


@dataclass(frozen=True)
class Returned:
    """A question the model could not take, deleted from the conversation and handed back intact."""

    text: str
    images: tuple[str, ...]


@dataclass
class Answer:
    """The answer being written: its stored id, what the engine reads, and what has come so far."""

    message_id: int
    messages: list[Message]
    sampling: Sampling
    text: str = ""
    status: str = "streaming"  # then complete / cancelled / error
    stats: AnswerStats | None = None
    failure: Failed | None = None
    outcome: Returned | Refused | None = None  # after a failure: the question handed back, or why it could not be
    image_tokens: list[int] = field(default_factory=list)
    dirty: bool = False
    resumed: str | None = None  # a continued answer: its status before (it goes back to it if the engine fails)


def stats_dict(stats: AnswerStats) -> dict[str, Any]:
    data = asdict(stats)
    data["prefill_tok_s"] = stats.prefill_tok_s
    return data


class ChatService:
    def __init__(self, store: Store | None = None, client: EngineClient | None = None, *, system_prompt: str = "",
                 flush_interval_s: float = FLUSH_INTERVAL_S, clock: Callable[[], float] = time.monotonic,
                 on_save_problem: Callable[[str], None] | None = None,
                 on_saved_again: Callable[[], None] | None = None) -> None:
        self.store, self.client = store, client
        self.system_prompt = system_prompt  # used when the conversation has none of its own
        self.flush_interval_s = flush_interval_s
        self._clock = clock
        self.saver = (AnswerSaver(store, on_problem=on_save_problem, on_recovered=on_saved_again, clock=clock)
                      if store is not None else None)
        self.conversation_id: int | None = None
        self.messages: list[StoredMessage] = []  # the conversation as this service last saw it (what is shown)
        self.answer: Answer | None = None
        self._last_flush = 0.0
        self._memory_ids = 0

    # --- the open conversation --------------------------------------------------------------------------
    @property
    def last_id(self) -> int | None:
        return self.messages[-1].id if self.messages else None

    @property
    def cache_key(self) -> str:
        """The name of the open conversation's KV cache in the worker (which keeps several)."""
        return f"conversation-{self.conversation_id}" if self.conversation_id is not None else ""

    @property
    def answer_id(self) -> int | None:
        return self.answer.message_id if self.answer else None

    def new(self) -> None:
        """The next question starts a new conversation."""
        self.conversation_id, self.messages = None, []

    def open(self, conversation_id: int) -> Conversation:
        """Read a conversation and make it the open one; ConversationMissingError when it is gone."""
        assert self.store is not None
        conversation = self.store.get_conversation(conversation_id)
        self.conversation_id, self.messages = conversation_id, list(conversation.messages)
        return conversation

    # --- one turn ------------------------------------------------------------------------------------
    def ask(self, text: str, images: Sequence[str] = (), *, sampling: Sampling, model: str | None = None,
            provider: str | None = None, edit: int | None = None) -> Answer | Refused:
        """Store the question (in place of message ``edit`` and everything after it) and start its answer."""
        images = tuple(images)
        if not all(valid_unicode(t) for t in (text, *images)):  # neither the store nor the worker can take it
            return Refused("bad_text", BAD_TEXT, text, images)
        try:
            if self.conversation_id is None:
                self._create(model)
            if edit is not None and edit < len(self.messages):
                self._delete_from(edit)
            self._add("user", text, images=images)
        except (ConversationChangedError, ConversationMissingError) as exc:
            return self._refused(exc, text, images)
        except sqlite3.Error as exc:  # a full disk: the question goes back, nothing half-stored
            log.warning("could not store the question: %s", exc)
            folder = self.store.path.parent if self.store else ""
            return Refused("disk_full" if is_disk_full(exc) else "failed",
                           f"The disk holding {folder} is full: free some disk space, then send again."
                           if is_disk_full(exc) else f"Your message could not be stored ({exc}): send it again.",
                           text, images)
        if self.store is not None and self.conversation_id is not None:
            try:
                self.store.auto_title(self.conversation_id, text)
            except sqlite3.Error as exc:
                log.warning("no automatic title: %s", exc)
        return self.start(sampling=sampling, model=model, provider=provider)

    def regenerate(self, position: int, *, sampling: Sampling, model: str | None = None,
                   provider: str | None = None) -> Answer | Refused:
        """Delete message ``position`` and everything after it, then answer again."""
        refused = self.truncate(position)
        return refused or self.start(sampling=sampling, model=model, provider=provider)

    def truncate(self, position: int) -> Refused | None:
        """Delete message ``position`` and every later one (only if the conversation is still as seen)."""
        if position >= len(self.messages):
            return None
        try:
            self._delete_from(position)
        except (ConversationChangedError, ConversationMissingError) as exc:
            return self._refused(exc)
        return None

    def start(self, *, sampling: Sampling, model: str | None = None, provider: str | None = None) -> Answer | Refused:
        """Store an empty answer (status ``streaming``) after the last message and return it."""
        try:
            messages = self.engine_messages()
            stored = self._add("assistant", "", model=model, provider=provider, settings=asdict(sampling),
                               status="streaming")
        except (ConversationChangedError, ConversationMissingError) as exc:
            return self._refused(exc)
        except sqlite3.Error as exc:
            log.warning("could not start an answer: %s", exc)
            folder = self.store.path.parent if self.store else ""
            return Refused("disk_full" if is_disk_full(exc) else "failed",
                           f"The disk holding {folder} is full: no answer was started. Free some space, then "
                           "press Regenerate." if is_disk_full(exc)
                           else f"The answer could not be started ({exc}): press Regenerate to try again.")
        self.answer = Answer(stored.id, messages, sampling)
        self._last_flush = self._clock()
        return self.answer

    def continue_answer(self, *, sampling: Sampling, model: str | None = None,
                        provider: str | None = None) -> Answer | Refused:
        """Go on with the last message, an answer that was stopped or cut at the token limit (``can_continue``):
        the new text is appended to that same stored message; its stats become the continued part's."""
        last = self.messages[-1] if self.messages else None
        if self.answer is not None or last is None or not can_continue(last):
            return Refused("cannot_continue", CANNOT_CONTINUE)
        try:
            messages = self.engine_messages()
            if not messages or (messages[-1].role, messages[-1].content) != ("assistant", last.content):
                raise ConversationChangedError("the conversation changed since it was shown: open it again")
            if self.store is not None and self.conversation_id is not None:
                self.store.reopen_answer(self.conversation_id, last.id, content=last.content)
        except (ConversationChangedError, ConversationMissingError) as exc:
            return self._refused(exc)
        except sqlite3.Error as exc:
            log.warning("could not continue the answer: %s", exc)
            folder = self.store.path.parent if self.store else ""
            return Refused("disk_full" if is_disk_full(exc) else "failed",
                           f"The disk holding {folder} is full: free some disk space, then continue again."
                           if is_disk_full(exc) else f"The answer could not be continued ({exc}): try again.")
        self.answer = Answer(last.id, messages, sampling, text=last.content, resumed=last.status)
        self._write(self.answer, status="streaming", model=model, provider=provider)
        self._last_flush = self._clock()
        return self.answer

    def engine_messages(self) -> list[Message]:
        """The conversation as the engine reads it: the system prompt, then every finished message."""
        known: Sequence[StoredMessage] = self.messages
        system: str | None = self.system_prompt
        if self.store is not None and self.conversation_id is not None:
            conversation = self.store.get_conversation(self.conversation_id)
            known, system = conversation.messages, conversation.system_prompt or self.system_prompt
        messages = [Message("system", system)] if system else []
        for m in known:
            # An answer still streaming, one that failed, or an empty one is not part of the context.
            if m.status in {"streaming", "error"} or (m.role == "assistant" and not m.content):
                continue
            messages.append(Message(m.role, m.content, list(m.images)))
        return messages

    # --- the answer's events --------------------------------------------------------------------------
    def events(self, answer: Answer) -> Iterator[Event]:
        """Run ``answer`` on the engine on this thread: each event is fed to the service, then yielded."""
        assert self.client is not None, "a service without a client is fed by its front end"
        for event in self.client.generate(answer.messages, answer.sampling, conversation=self.cache_key,
                                          continue_last=answer.resumed is not None):
            self.feed(event)
            yield event

    def feed(self, event: Event) -> None:
        if isinstance(event, Token):
            self.add_token(event.text)
        elif isinstance(event, PrefillProgress):
            if self.answer is not None and event.image_tokens and event.done == 0:
                self.answer.image_tokens = list(event.image_tokens)
        elif isinstance(event, Finished):
            self.finish(event.stats)
        elif isinstance(event, Failed):
            self.fail(event.code, event.message, event.user_error)

    def add_token(self, text: str) -> None:
        answer = self.answer
        if answer is None:
            return
        answer.text += text
        answer.dirty = True
        if self._clock() - self._last_flush >= self.flush_interval_s:
            self.flush()

    def flush(self) -> bool:
        """Write the streaming answer (and retry what a full disk refused); True when nothing waits."""
        self._last_flush = self._clock()
        answer = self.answer
        if answer is not None and answer.dirty:
            answer.dirty = False
            self._write(answer, content=answer.text)
        return self.saver.save(retry=True) if self.saver is not None else True

    def save(self) -> bool:
        """Try every waiting write now (at close); True when nothing is left waiting."""
        self.flush()
        return self.saver.save() if self.saver is not None else True

    @property
    def waiting(self) -> bool:
        """Writes a full disk refused are waiting in memory."""
        return bool(self.saver is not None and self.saver.pending)

    @property
    def unsaved(self) -> list[str]:
        """The texts a full disk still keeps in memory."""
        return self.saver.pending.texts() if self.saver is not None else []

    def finish(self, stats: AnswerStats) -> Answer | None:
        return self._end("cancelled" if stats.finish_reason == "cancelled" else "complete", stats)

    def fail(self, code: str, message: str, user_error: bool = False) -> Answer | None:
        """The answer failed: stored as ``error``; a question the model could not take is handed back."""
        resumed = self.answer.resumed if self.answer is not None else None
        answer = self._end(resumed or "error", None)  # a continued answer keeps its text and its status
        if answer is not None:
            answer.failure = Failed(code=code, message=message, user_error=user_error)
            if code in RETURNED and resumed is None:
                answer.outcome = self._return_question()
        return answer

    def stop(self) -> None:
        """Stop the answer (returns at once; the engine ends it with a ``cancelled`` Finished)."""
        if self.client is not None:
            self.client.stop()

    # --- conversations -------------------------------------------------------------------------------
    def rename(self, conversation_id: int, title: str) -> None:
        self._store().rename(conversation_id, title)

    def set_pinned(self, conversation_id: int, pinned: bool) -> None:
        self._store().set_pinned(conversation_id, pinned)

    def delete_conversation(self, conversation_id: int) -> None:
        self._store().delete_conversation(conversation_id)

    def set_model(self, conversation_id: int, model_id: str | None) -> None:
        self._store().set_model(conversation_id, model_id)

    def set_system_prompt(self, conversation_id: int, text: str | None) -> None:
        self._store().set_system_prompt(conversation_id, text)

    def import_conversation(self, data: bytes) -> ConversationSummary:
        """A JSON export, validated, stored all or nothing (UserError, or sqlite3.Error when the disk refuses)."""
        return import_json(self._store(), data)

    # --- internals -------------------------------------------------------------------------------------
    def _store(self) -> Store:
        assert self.store is not None, "this service keeps its conversation in memory"
        return self.store

    def _end(self, status: str, stats: AnswerStats | None) -> Answer | None:
        answer, self.answer = self.answer, None
        if answer is None:
            return None
        answer.status, answer.stats, answer.dirty = status, stats, False
        data = stats_dict(stats) if stats else None
        self._write(answer, content=answer.text, status=status, stats=data)
        if self.saver is not None:
            self.saver.save()
        return answer

    def _write(self, answer: Answer, **fields: Any) -> None:
        for i, m in enumerate(self.messages):
            if m.id == answer.message_id:
                self.messages[i] = replace(m, **{k: v for k, v in fields.items() if v is not None})
        if self.saver is not None:
            self.saver.put(answer.message_id, **fields)

    def _return_question(self) -> Returned | Refused | None:
        users = [i for i, m in enumerate(self.messages) if m.role == "user"]
        if not users:
            return None
        question = self.messages[users[-1]]
        try:
            self._delete_from(users[-1])
        except (ConversationChangedError, ConversationMissingError) as exc:
            return self._refused(exc, question.content, question.images)
        except sqlite3.Error as exc:
            log.warning("could not take the question back: %s", exc)
            return Refused("failed", f"The question could not be taken back ({exc}).", question.content,
                           question.images)
        return Returned(question.content, question.images)

    def _refused(self, exc: ConversationChangedError | ConversationMissingError, text: str = "",
                 images: Sequence[str] = ()) -> Refused:
        missing = isinstance(exc, ConversationMissingError) or self.conversation_id is None
        return Refused("missing" if missing else "changed", str(exc), text, tuple(images))

    def _create(self, model: str | None) -> None:
        if self.store is not None:
            self.conversation_id = self.store.create_conversation(model_id=model).id
        else:
            self.conversation_id = 0
        self.messages = []

    def _delete_from(self, position: int) -> None:
        if self.store is not None and self.conversation_id is not None:
            self.store.delete_from_message(self.conversation_id, self.messages[position].id, last_id=self.last_id)
        del self.messages[position:]

    def _add(self, role: str, content: str, *, images: Sequence[str] = (), model: str | None = None,
             provider: str | None = None, settings: dict[str, Any] | None = None,
             status: str = "complete") -> StoredMessage:
        assert self.conversation_id is not None
        if self.store is not None:
            stored = self.store.add_message(self.conversation_id, role, content, images=images, model=model,
                                            provider=provider, settings=settings, status=status, after=self.last_id)
        else:
            self._memory_ids += 1
            now = time.time()
            stored = StoredMessage(self._memory_ids, 0, len(self.messages), role, content, tuple(images), model,
                                   provider, settings, None, status, now, now)
        self.messages.append(stored)
        return stored
