"""``phidesk chat`` in a terminal: an answer streamed as it comes, the interactive chat, Ctrl+C as a stop.

Ctrl+C: a terminal sends SIGINT to its whole foreground process group. Every process PhiDesk starts has
a session of its own (``paths.helper_popen_kwargs``), so only this process gets it, and the loaded model
stays loaded. While the model loads or an answer streams, SIGINT must not raise KeyboardInterrupt at
whatever line runs (inside the engine client's locks, or the chat service's bookkeeping): ``Interrupts``
turns each one into a stop asked from another thread (``EngineClient.stop`` returns at once, from any
thread), and the answer ends the usual way, as ``cancelled``, with what came so far. A second Ctrl+C while
stopping is just another stop. At the interactive prompt Ctrl+C clears the line, as in a shell; Ctrl+D
or /bye quits.

Text from the terminal or the command line that is not valid UTF-8 is decoded leniently (U+FFFD for what
cannot be decoded, one warning) before it reaches the worker: ``lenient``.
"""

from __future__ import annotations

import logging
import os
import re
import select
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TextIO

from phidesk.chat import CUT_NOTE, Answer, ChatService, Refused
from phidesk.engine.protocol import AnswerStats, Loaded, PrefillProgress, Sampling, Token
from phidesk.errors import EngineError
from phidesk.terminal import for_stream, is_terminal, neutralise

log = logging.getLogger("phidesk.cli")

NOT_UTF8 = "your input is not valid UTF-8; undecodable bytes were replaced"
PHI_MINI = "phi-3.5-mini-instruct"  # the catalog id `phidesk models download` takes
STARTER_NOTE = ("Note: the starter is a tiny model (135M parameters) that is often wrong. For Phi-3.5-mini "
                f"(a 2-3 GB download): phidesk models download {PHI_MINI}")
QUIT = ("/bye", "/exit", "/quit")
HELP = [
    ("/help", "this list"),
    ("/clear", "start a new conversation"),
    ("/retry", "a new answer to the last question"),
    ("/continue", "go on with the last answer (after Ctrl+C, or when it was cut at the token limit)"),
    ("/status", "the model, its process and this conversation"),
    ("/bye", "quit (also /exit, /quit or Ctrl+D)"),
]
COMMAND = re.compile(r"/[A-Za-z?]+")  # "/usr/bin is what?" is a question, not a command


def say(message: str) -> None:
    """A line for the person at the terminal (stderr: stdout carries only answers)."""
    print(for_stream(message, sys.stderr), file=sys.stderr, flush=True)


def lenient(text: str) -> str:
    """*text* as valid Unicode: undecodable bytes (surrogate escapes from argv or stdin) become U+FFFD, with a
    one-line warning. Nothing with lone surrogates may reach the worker or a store."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        raw = text.encode("utf-8", "surrogateescape")  # the bytes argv or stdin really held
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogatepass")  # a lone surrogate of another kind (Windows' UTF-16)
    say(f"phidesk: {NOT_UTF8}")
    return raw.decode("utf-8", "replace")


def tolerant_stdin() -> None:
    """Undecodable bytes on stdin arrive as surrogate escapes (then ``lenient``), never as an exception."""
    reconfigure = getattr(sys.stdin, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="surrogateescape")


class Interrupts:
    """While active (in the main thread): each Ctrl+C calls *stop* on a thread of its own and is counted.

    The handler itself only starts that thread: the main thread may be inside a lock the stop needs."""

    def __init__(self, stop: Callable[[], None]) -> None:
        self.stop = stop
        self.count = 0
        self._previous: object = None
        self._installed = False

    def _handle(self, _signum: int, _frame: FrameType | None) -> None:
        self.count += 1
        threading.Thread(target=self.stop, daemon=True, name="phidesk-ctrl-c").start()

    def __enter__(self) -> Interrupts:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
            self._installed = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._installed:  # a handler not set from Python reads as None: Python's own then
            signal.signal(signal.SIGINT, self._previous or signal.default_int_handler)  # type: ignore[arg-type]
            self._installed = False


def load(load_model: Callable[[], Loaded], stop: Callable[[], None]) -> Loaded:
    """Load the model; Ctrl+C ends the load and raises KeyboardInterrupt (the CLI: one line, exit 130)."""
    with Interrupts(stop) as ctrl_c:
        try:
            loaded = load_model()
        except EngineError as exc:
            if exc.code == "cancelled" or ctrl_c.count:
                raise KeyboardInterrupt from None
            raise
    if ctrl_c.count:  # pressed before the load could be stopped: the user still wants out
        raise KeyboardInterrupt
    return loaded


class StreamedAnswer:
    """Shows one answer on a terminal as it streams, the text exactly as it came (the chat service stores it)."""

    def __init__(self, out: TextIO, stream: bool) -> None:
        self.out, self.stream = out, stream
        self.clean = is_terminal(out)  # model output reaches a terminal only with its controls shown as text
        self.text = ""
        self.progress_shown = False

    def take(self, event: object) -> None:
        if isinstance(event, Token):
            if self.progress_shown:
                self.clear_progress()
            self.text += event.text
            if self.stream:
                self.out.write(neutralise(event.text) if self.clean else event.text)
                self.out.flush()
        elif isinstance(event, Loaded):
            say("(the model process had ended: the model was loaded again)")
        elif isinstance(event, PrefillProgress):
            if event.dropped_turns and event.done == 0:
                say(f"phidesk: note: dropped the {event.dropped_turns} oldest turn(s) to fit the context")
            if event.image_tokens and event.done == 0:
                costs = " + ".join(f"{n:,}" for n in event.image_tokens)
                say(f"phidesk: images: {costs} tokens of a {event.total:,}-token prompt")
            if self.stream and sys.stderr.isatty() and event.total >= 512:
                sys.stderr.write(f"\rreading the prompt: {event.done}/{event.total} tokens")
                sys.stderr.flush()
                self.progress_shown = True

    def clear_progress(self) -> None:
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()
        self.progress_shown = False


def run_answer(service: ChatService, started: Answer | Refused, stream: bool) -> Answer:
    """Stream the answer the service started; Ctrl+C stops it (what came so far is kept, ``cancelled``)."""
    if isinstance(started, Refused):  # a conversation kept in memory has no other writer and no disk
        raise EngineError(started.message or f"the answer could not start ({started.reason})", "refused")
    shown = StreamedAnswer(sys.stdout, stream)
    with Interrupts(service.stop) as ctrl_c:
        asked, tokens = False, 0
        for event in service.events(started):
            shown.take(event)
            if isinstance(event, Token) and (tokens := tokens + 1) == 1:
                log.info("answer streaming: first token")  # the log tells a slow start from a slow answer
            if ctrl_c.count and not asked:  # again, from here: a Ctrl+C before the answer began found nothing
                asked = True
                service.stop()
    if shown.progress_shown:
        shown.clear_progress()
    if service.answer is started:  # the stream ended without its last event
        service.finish(AnswerStats(finish_reason="cancelled"))
    stats = started.stats
    log.info("answer ended: %s%s", started.failure.code if started.failure else stats.finish_reason if stats else "?",
             " (Ctrl+C)" if ctrl_c.count else "")
    return started


def interactive(service: ChatService, loaded: Loaded, sampling: Sampling, *, starter: bool) -> int:
    """The chat on a terminal, until Ctrl+D or /bye (exit status 0)."""
    if starter:
        say(STARTER_NOTE)
    say(f"PhiDesk chat with {Path(loaded.path).name} on {loaded.provider.upper()} (context {loaded.max_length} "
        "tokens). Ctrl+C stops an answer or clears the line; Ctrl+D or /bye quits; /help lists the commands.")
    while True:
        try:
            line = lenient(_read_line(">>> ")).strip()
        except EOFError:
            print(file=sys.stderr)
            return 0
        except KeyboardInterrupt:  # the terminal dropped the line; a shell's Ctrl+C
            say("\n(Ctrl+D or /bye quits)")
            continue
        if not line:
            continue
        word = line.split()[0]
        if COMMAND.fullmatch(word):
            started = _command(service, loaded, sampling, word.lower())
            if started is None:
                if word.lower() in QUIT:
                    return 0
                continue
        else:
            started = service.ask(line, sampling=sampling, provider=loaded.provider)
        _show_answer(service, run_answer(service, started, stream=True))


def _read_line(prompt: str) -> str:
    """input(), where Ctrl+C raises KeyboardInterrupt (the line is dropped) whatever handler runs around it."""
    if threading.current_thread() is not threading.main_thread():
        return input(prompt)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return _terminal_line(prompt) if os.name == "posix" and sys.stdin.isatty() else input(prompt)
    finally:
        signal.signal(signal.SIGINT, previous or signal.default_int_handler)


def _terminal_line(prompt: str) -> str:
    """One line from the terminal (canonical mode: the terminal edits it), waiting in short selects.

    A blocking read would not notice Ctrl+C when the kernel hands the signal to another of this process's
    threads (the engine client's): Python then only sets a flag, which the main thread reads when it runs
    Python code again. Between selects it does, within 0.1 s."""
    sys.stdout.write(prompt)
    sys.stdout.flush()
    fd = sys.stdin.fileno()
    line = b""
    while not line.endswith(b"\n"):
        if not select.select([fd], [], [], 0.1)[0]:
            continue
        chunk = os.read(fd, 65536)  # in canonical mode at most one line
        if not chunk:
            if line:
                break
            raise EOFError
        line += chunk
    return line.decode("utf-8", "surrogateescape").rstrip("\n")


def _command(service: ChatService, loaded: Loaded, sampling: Sampling, word: str) -> Answer | Refused | None:
    """Run a /command; the answer it started (``/retry``, ``/continue``), else None."""
    if word in QUIT:
        return None
    if word in ("/help", "/?"):
        width = max(len(name) for name, _ in HELP)
        say("\n".join(f"  {name:<{width}}  {what}" for name, what in HELP))
    elif word == "/clear":
        service.new()
        say("Started a new conversation.")
    elif word == "/retry":
        known = service.messages
        if not known or known[-1].role != "assistant":
            say("Nothing to retry yet: ask something first.")
            return None
        say("Retrying the last question.")
        return service.regenerate(len(known) - 1, sampling=sampling, provider=loaded.provider)
    elif word == "/continue":
        started = service.continue_answer(sampling=sampling, provider=loaded.provider)
        if isinstance(started, Refused):
            say(started.message)
            return None
        say("Continuing the last answer.")
        return started
    elif word == "/status":
        client = service.client
        pid = client.worker_pid if client is not None else None
        say(f"Model {Path(loaded.path).name} on {loaded.provider.upper()}, context {loaded.max_length} tokens; "
            f"model process {pid if pid is not None else '(not running: it starts with the next question)'}; "
            f"{len(service.messages)} message(s) in this conversation.")
    else:
        say(f"unknown command {word}: /help lists them")
    return None


def _show_answer(service: ChatService, answer: Answer) -> None:
    print()
    if answer.failure:
        say(f"phidesk: {answer.failure.message}")
        if answer.resumed is not None:  # a continuation that failed: the answer stays as it was
            return
        users = [i for i, m in enumerate(service.messages) if m.role == "user"]
        if users and answer.outcome is None:  # the question goes with its failed answer (a refused one
            service.truncate(users[-1])  # is gone already): the next one starts from the last good turn
        return
    s = answer.stats
    if s is not None:
        ending = {"cancelled": ", stopped", "length": f", {CUT_NOTE}"}.get(s.finish_reason, "")
        say(f"[{s.generated_tokens} tokens, {s.decode_tok_s:.1f} tok/s, first token {s.ttft_s:.2f} s{ending}]")
        if s.finish_reason in ("cancelled", "length") and answer.text:
            say("(/continue goes on with this answer)")
