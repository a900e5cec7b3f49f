"""ChatService: one answer at a time, on top of an EngineClient and a Store; no Qt.

The window, the CLI's ``chat`` and the benchmarks all drive one answer the same way:

1. ``ask(text, images)`` stores the question and an empty answer with status ``streaming``; ``edit=position``
   stores the question as a new version of the message there, ``regenerate(position)`` a new version of the
   answer there: the earlier versions stay (``switch_version``, ``delete_message``). Both return the live
   :class:`Answer` (its ``messages`` are what the engine reads) or a :class:`Refused` saying why nothing was
   started, with what the user typed given back. A question that starts a conversation is stored with it in one
   transaction, so a refused one leaves no empty conversation behind.
2. The engine's events go to ``feed(event)`` (or ``add_token`` / ``finish`` / ``fail``): the text grows
   and reaches the store at least every ``flush_interval_s`` while tokens arrive (a periodic
   ``flush()`` from the front end covers a pause in the stream), the final status and stats at the end.
   ``events(answer)`` runs the engine on the calling thread and feeds them (the CLI, the tests).
3. A question the model could not take (``RETURNED`` codes) is deleted again and handed back intact
   (:class:`Returned`), so nothing half-asked stays in the conversation (nor a conversation it started).

The open conversation (``conversation_id``, ``messages``: its branch shown) may change while an answer streams
(``open``, ``new``): the answer keeps its own conversation (``answer.conversation_id``) and is written there; a
conversation opened while its answer streams shows that answer with its text so far.

Every write names what its caller saw (``after=`` / ``last_id=``): another window or process that changed or
deleted the conversation meanwhile makes the write a :class:`Refused` (``changed`` / ``missing``) and writes
nothing. A full disk keeps the streaming answer in memory (:class:`AnswerSaver`) until it can be written.

Which client answers: ``client`` (the local engine), unless ``clients(model_id)`` gives another for the answer's
model (``phidesk.remote.client.client_for``: a RemoteClient for an ``ENDPOINT/MODEL`` id); ``client_for(model)``
says which, for front ends that run the stream themselves.

Without a store (the CLI's chat, which keeps nothing) the conversation lives only in memory.
The service is not thread-safe: call it from one thread (the window's GUI thread; the CLI's main thread).

About 480 lines: every way one answer starts (ask, edit, regenerate, continue) and ends (finish, fail, stop, a
question handed back) shares the same checked writes and the same refusals; the records it hands out are in
answer.py, what can be continued in continuing.py, a full disk's retries in saving.py. The next split would take
the version actions (switch_version, delete_message) apart with the store's versions.py.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, replace
from typing import TYPE_CHECKING, Any, Protocol

from phidesk.chat.answer import RETURNED, Answer, Refused, Returned, stats_dict
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
    DEFAULT_TITLE,
    Conversation,
    ConversationChangedError,
    ConversationMissingError,
    ConversationSummary,
    NewMessage,
    Store,
    StoredMessage,
    import_json,
)
from phidesk.store.pending import is_disk_full
from phidesk.store.text import title_from

if TYPE_CHECKING:
    from phidesk.engine.client import EngineClient
    from phidesk.engine.line import Turn

log = logging.getLogger(__name__)

FLUSH_INTERVAL_S = 0.5  # a streaming answer reaches the database at least this often while tokens arrive
BUSY = "An answer is still being written: wait for it, or stop it, then try again."
__all__ = ["RETURNED", "Answer", "AnswerClient", "ChatService", "Refused", "Returned", "stats_dict"]


class AnswerClient(Protocol):
    """What streams an answer: the local EngineClient or a RemoteClient (the same events)."""

    def generate(self, messages: Sequence[Message], sampling: Sampling | None = None, images: Sequence[str] = (), *,
                 conversation: str = "", continue_last: bool = False, turn: Turn | None = None) -> Iterator[Event]: ...

    def stop(self) -> None: ...


class ChatService:
    def __init__(self, store: Store | None = None, client: EngineClient | None = None, *, system_prompt: str = "",
                 flush_interval_s: float = FLUSH_INTERVAL_S, clock: Callable[[], float] = time.monotonic,
                 on_save_problem: Callable[[str], None] | None = None,
                 on_saved_again: Callable[[], None] | None = None,
                 clients: Callable[[str], AnswerClient | None] | None = None) -> None:
        self.store, self.client = store, client
        self.clients = clients  # model id -> the client for it (None: the local engine's)
        self._running: AnswerClient | None = None  # the client streaming the answer (events())
        self.system_prompt = system_prompt  # used when the conversation has none of its own
        self.flush_interval_s = flush_interval_s
        self._clock = clock
        self.saver = (AnswerSaver(store, on_problem=on_save_problem, on_recovered=on_saved_again, clock=clock)
                      if store is not None else None)
        self.conversation_id: int | None = None
        self.messages: list[StoredMessage] = []  # the open conversation's branch shown, as this service saw it
        self.answer: Answer | None = None  # the answer being written (in its own conversation)
        self.draft_system_prompt: str | None = None  # a new chat's own system prompt, set before it exists
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

    @property
    def streaming_here(self) -> bool:
        """The open conversation is the one an answer is being written into."""
        return self.answer is not None and self.answer.conversation_id == self.conversation_id

    def new(self) -> None:
        """The next question starts a new conversation (an answer being written goes on in its own)."""
        self.conversation_id, self.messages = None, []
        self.draft_system_prompt = None

    def open(self, conversation_id: int) -> Conversation:
        """Read a conversation and make it the open one; ConversationMissingError when it is gone.

        Allowed while an answer streams: the answer goes on in its own conversation. Opening that one shows the
        answer with its text so far (``messages``; the returned Conversation holds what the store has).
        """
        assert self.store is not None
        conversation = self.store.get_conversation(conversation_id)
        self.conversation_id, self.messages = conversation_id, list(conversation.messages)
        answer = self.answer
        if answer is not None and answer.conversation_id == conversation_id:
            self.messages = [replace(m, content=answer.text, status=answer.status) if m.id == answer.message_id
                             else m for m in self.messages]
        return conversation

    # --- one turn ------------------------------------------------------------------------------------
    def ask(self, text: str, images: Sequence[str] = (), *, sampling: Sampling, model: str | None = None,
            provider: str | None = None, edit: int | None = None) -> Answer | Refused:
        """Store the question (``edit``: as a new version of message ``edit``) and start its answer."""
        images = tuple(images)
        if not all(valid_unicode(t) for t in (text, *images)):  # neither the store nor the worker can take it
            return Refused("bad_text", BAD_TEXT, text, images)
        if self.answer is not None:
            return Refused("busy", BUSY, text, images)
        created = self.conversation_id is None
        try:
            if created:
                question = self._create(text, images, model)
            else:
                upto = edit if edit is not None and edit < len(self.messages) else len(self.messages)
                question = self._add("user", text, upto, images=images)
        except (ConversationChangedError, ConversationMissingError) as exc:
            return self._refused(exc, text, images)
        except sqlite3.Error as exc:  # a full disk: the question goes back, nothing half-stored
            return self._db_refused(exc, "your message was not stored", "send it again", text, images)
        if not created and self.store is not None and self.conversation_id is not None:
            try:  # a conversation still named "New chat" is named after this question
                self.store.auto_title(self.conversation_id, text)
            except sqlite3.Error as exc:
                log.warning("no automatic title: %s", exc)
        started = self.start(sampling=sampling, model=model, provider=provider)
        if isinstance(started, Answer):
            started.question_id, started.new_conversation = question.id, created
        return started

    def regenerate(self, position: int, *, sampling: Sampling, model: str | None = None,
                   provider: str | None = None) -> Answer | Refused:
        """Answer again: a new version of message ``position`` (the earlier versions stay).

        Without a store (the terminal's chat, which keeps no versions) the message and every later one go.
        """
        if self.answer is not None:
            return Refused("busy", BUSY)
        if self.store is None:
            del self.messages[position:]
        return self._start(min(position, len(self.messages)), sampling=sampling, model=model, provider=provider)

    def truncate(self, position: int) -> Refused | None:
        """Delete message ``position`` and everything after it, in every version (only if the conversation is
        still as seen)."""
        if position >= len(self.messages):
            return None
        try:
            if self.store is not None and self.conversation_id is not None:
                self.store.delete_from_message(self.conversation_id, self.messages[position].id, last_id=self.last_id)
                self.messages = list(self.store.get_conversation(self.conversation_id).messages)
            else:
                del self.messages[position:]
        except (ConversationChangedError, ConversationMissingError) as exc:
            return self._refused(exc)
        return None

    def switch_version(self, position: int, delta: int) -> Conversation | Refused:
        """Show another version of message ``position`` (``delta`` -1: the one before, +1: the one after; clamped)
        and the most recent messages after it. Refused (``busy``) while this conversation's answer streams."""
        if self.streaming_here:
            return Refused("busy", BUSY)
        return self._versions(lambda store, cid, mid: store.switch_version(cid, mid, delta, last_id=self.last_id),
                              position)

    def delete_message(self, position: int) -> Conversation | Refused:
        """Delete message ``position`` (this version only; the messages after it stay, see
        ``Store.delete_message``). Refused (``busy``) while this conversation's answer streams."""
        if self.streaming_here:
            return Refused("busy", BUSY)
        return self._versions(lambda store, cid, mid: store.delete_message(cid, mid, last_id=self.last_id),
                              position)

    def start(self, *, sampling: Sampling, model: str | None = None, provider: str | None = None) -> Answer | Refused:
        """Store an empty answer (status ``streaming``) after the last message and return it."""
        return self._start(len(self.messages), sampling=sampling, model=model, provider=provider)

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
        self.answer = Answer(last.id, messages, sampling, conversation_id=self.conversation_id or 0,
                             text=last.content, resumed=last.status, model=model or last.model)
        self._write(self.answer, status="streaming", model=model, provider=provider)
        self._last_flush = self._clock()
        return self.answer

    def engine_messages(self) -> list[Message]:
        """The open conversation as the engine reads it: the system prompt, then the branch shown."""
        return self._context(len(self.messages) if self.store is None else None)

    # --- the answer's events --------------------------------------------------------------------------
    def client_for(self, model: str | None) -> AnswerClient | None:
        """The client that answers with *model*: ``clients(model)`` when it gives one, else the local engine's."""
        other = self.clients(model) if self.clients is not None and model else None
        return other if other is not None else self.client

    def events(self, answer: Answer) -> Iterator[Event]:
        """Run ``answer`` on its client on this thread: each event is fed to the service, then yielded."""
        client = self.client_for(answer.model)
        assert client is not None, "a service without a client is fed by its front end"
        self._running = client
        try:
            for event in client.generate(answer.messages, answer.sampling, conversation=answer.cache_key,
                                         continue_last=answer.resumed is not None):
                self.feed(event)
                yield event
        finally:
            self._running = None

    def feed(self, event: Event) -> None:
        if isinstance(event, Token):
            self.add_token(event.text)
        elif isinstance(event, PrefillProgress):
            if self.answer is not None and event.image_tokens and event.done == 0:
                self.answer.image_tokens = list(event.image_tokens)
        elif isinstance(event, Finished):
            self.finish(event.stats)
        elif isinstance(event, Failed):
            self.fail(event.code, event.message, event.user_error, partial=bool(getattr(event, "partial", False)))

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

    def fail(self, code: str, message: str, user_error: bool = False, *, partial: bool = False) -> Answer | None:
        """The answer failed: stored as ``error`` (with the text so far); a question the model could not take is
        handed back. A remote failure's code is stored in its stats (``failure``; ``partial``: the text is an
        answer that broke off, ``remote_stream_broken``)."""
        resumed = self.answer.resumed if self.answer is not None else None
        extra = {"failure": code, "partial": partial} if code.startswith("remote_") else None
        answer = self._end(resumed or "error", None, extra=extra)  # a continued answer keeps its text and status
        if answer is not None:
            answer.failure = Failed(code=code, message=message, user_error=user_error)
            # Regenerate's failed version stays, as "error"; a continued answer keeps what it had
            if code in RETURNED and answer.question_id is not None and resumed is None:
                answer.outcome = self._return_question(answer)
        return answer

    def stop(self) -> None:
        """Stop the answer (returns at once; the engine ends it with a ``cancelled`` Finished)."""
        running = self._running or (self.client_for(self.answer.model) if self.answer is not None else self.client)
        if running is not None:
            running.stop()

    # --- conversations -------------------------------------------------------------------------------
    def rename(self, conversation_id: int, title: str) -> None:
        self._store().rename(conversation_id, title)

    def set_pinned(self, conversation_id: int, pinned: bool) -> None:
        self._store().set_pinned(conversation_id, pinned)

    def delete_conversation(self, conversation_id: int) -> None:
        """Delete a conversation; refused (ConversationChangedError) while an answer is written into it."""
        if self.answer is not None and self.answer.conversation_id == conversation_id:
            raise ConversationChangedError("an answer is still being written in this conversation: "
                                           "stop it or wait for it, then delete the conversation")
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

    def _versions(self, change: Callable[[Store, int, int], Conversation], position: int) -> Conversation | Refused:
        store, conversation_id = self._store(), self.conversation_id
        if conversation_id is None or not 0 <= position < len(self.messages):
            return Refused("changed", "That message is not in the conversation shown.")
        try:
            conversation = change(store, conversation_id, self.messages[position].id)
        except (ConversationChangedError, ConversationMissingError) as exc:
            return self._refused(exc)
        except sqlite3.Error as exc:
            return self._db_refused(exc, "the conversation was not changed", "try again")
        self.messages = list(conversation.messages)
        return conversation

    def _start(self, upto: int, *, sampling: Sampling, model: str | None,
               provider: str | None) -> Answer | Refused:
        """Store an empty answer after the first ``upto`` messages shown (a new version of message ``upto``)."""
        try:
            messages = self._context(upto)
            stored = self._add("assistant", "", upto, model=model, provider=provider, settings=asdict(sampling),
                               status="streaming")
        except (ConversationChangedError, ConversationMissingError) as exc:
            return self._refused(exc)
        except sqlite3.Error as exc:
            return self._db_refused(exc, "no answer was started", "press Regenerate")
        assert self.conversation_id is not None
        self.answer = Answer(stored.id, messages, sampling, conversation_id=self.conversation_id, model=model)
        self._last_flush = self._clock()
        return self.answer

    def _context(self, upto: int | None) -> list[Message]:
        """The system prompt and the first ``upto`` messages shown (None: all of them), as the engine reads them."""
        known: Sequence[StoredMessage] = self.messages
        system: str | None = self.draft_system_prompt or self.system_prompt
        if self.store is not None and self.conversation_id is not None:
            conversation = self.store.get_conversation(self.conversation_id)
            known, system = conversation.messages, conversation.system_prompt or self.system_prompt
        messages = [Message("system", system)] if system else []
        for m in known[:upto]:
            # An answer still streaming, one that failed, or an empty one is not part of the context.
            if m.status in {"streaming", "error"} or (m.role == "assistant" and not m.content):
                continue
            messages.append(Message(m.role, m.content, list(m.images)))
        return messages

    def _end(self, status: str, stats: AnswerStats | None, *, extra: dict[str, Any] | None = None) -> Answer | None:
        answer, self.answer = self.answer, None
        if answer is None:
            return None
        answer.status, answer.stats, answer.dirty = status, stats, False
        data = stats_dict(stats) if stats else extra
        self._write(answer, content=answer.text, status=status, stats=data)
        if self.saver is not None:
            self.saver.save()
        return answer

    def _write(self, answer: Answer, **fields: Any) -> None:
        for i, m in enumerate(self.messages):  # shown only while its conversation is open
            if m.id == answer.message_id:
                self.messages[i] = replace(m, **{k: v for k, v in fields.items() if v is not None})
        if self.saver is not None:
            self.saver.put(answer.message_id, **fields)

    def _return_question(self, answer: Answer) -> Returned | Refused | None:
        """Delete the question ``answer`` was asked with (and the answer) from the answer's conversation; a
        conversation that question started goes too. Whichever conversation is open meanwhile stays open."""
        here = answer.conversation_id == self.conversation_id
        if self.store is None:
            question = next((m for m in self.messages if m.id == answer.question_id), None)
            self.messages = [m for m in self.messages if m.id not in (answer.question_id, answer.message_id)]
            return Returned(question.content, question.images) if question is not None else None
        question = None
        try:
            every = self.store.get_conversation(answer.conversation_id).all_messages
            question = next((m for m in every if m.id == answer.question_id), None)
            if question is None:
                return None
            self.store.delete_from_message(answer.conversation_id, question.id, last_id=answer.message_id)
            left = self.store.get_conversation(answer.conversation_id)
            if answer.new_conversation and not left.all_messages:
                self.store.delete_conversation(answer.conversation_id)
                if here:
                    self.new()
            elif here:
                self.messages = list(left.messages)
        except (ConversationChangedError, ConversationMissingError, sqlite3.Error) as exc:
            text, images = (question.content, question.images) if question is not None else ("", ())
            if isinstance(exc, sqlite3.Error):
                return self._db_refused(exc, "the question could not be taken back", "send it again", text, images)
            reason = "missing" if isinstance(exc, ConversationMissingError) else "changed"
            return Refused(reason, str(exc), text, images)
        return Returned(question.content, question.images)

    def _db_refused(self, exc: sqlite3.Error, what: str, then: str, text: str = "",
                    images: Sequence[str] = ()) -> Refused:
        """The database refused a write (nothing half-written): say what to do; what the user typed goes back."""
        log.warning("%s: %s", what, exc)
        if is_disk_full(exc):
            folder = self.store.path.parent if self.store else ""
            return Refused("disk_full", f"The disk holding {folder} is full: {what}. Free some disk space, then "
                           f"{then}.", text, tuple(images))
        return Refused("failed", f"{what[0].upper()}{what[1:]} ({exc}): {then}.", text, tuple(images))

    def _refused(self, exc: ConversationChangedError | ConversationMissingError, text: str = "",
                 images: Sequence[str] = ()) -> Refused:
        missing = isinstance(exc, ConversationMissingError) or self.conversation_id is None
        return Refused("missing" if missing else "changed", str(exc), text, tuple(images))

    def _create(self, text: str, images: tuple[str, ...], model: str | None) -> StoredMessage:
        """A new conversation holding the question: in one transaction, so a refusal leaves nothing behind."""
        if self.store is None:
            self.conversation_id, self.messages = 0, []
            return self._add("user", text, 0, images=images)
        summary = self.store.insert_conversation(title_from(text) or DEFAULT_TITLE, [NewMessage("user", text, images)],
                                                 model_id=model, system_prompt=self.draft_system_prompt)
        self.draft_system_prompt = None
        self.conversation_id = summary.id
        self.messages = list(self.store.get_conversation(summary.id).messages)
        return self.messages[-1]

    def _add(self, role: str, content: str, upto: int, *, images: Sequence[str] = (), model: str | None = None,
             provider: str | None = None, settings: dict[str, Any] | None = None,
             status: str = "complete") -> StoredMessage:
        """Store a message after the first ``upto`` messages shown (a new version of message ``upto`` if there is
        one); the branch shown then ends with it."""
        assert self.conversation_id is not None
        parent = self.messages[upto - 1].id if upto else None
        if self.store is not None:
            stored = self.store.add_message(self.conversation_id, role, content, images=images, model=model,
                                            provider=provider, settings=settings, status=status, after=self.last_id,
                                            parent=parent)
        else:
            self._memory_ids += 1
            now = time.time()
            stored = StoredMessage(self._memory_ids, 0, upto, role, content, tuple(images), model, provider,
                                   settings, None, status, now, now, parent)
        self.messages[upto:] = [stored]
        return stored
