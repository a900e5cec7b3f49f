"""The parent side of the worker: start it, load a model, stream answers, stop, recover.

Plain Python with threads, no Qt: the CLI and the benchmarks call it directly, the GUI
wraps it in a bridge that turns its events into signals. ``generate`` is an iterator of
protocol events; ``stop`` may be called from any thread and returns at once.

Stop: the iterator ends with ``Finished(finish_reason="cancelled")`` within 0.2 s. Between
tokens the worker stops cooperatively and keeps its KV cache. During a prefill (read in
slices of about a second) it stops after the slice it is reading and keeps every token read
so far: the caller is free at once, and a next request waits in the worker's queue for that
slice (``stopping``; ``on_stop_done`` says when it is over). Only a load, a vision prompt
(one call that cannot be cut) or a worker that does not acknowledge in a bound scaled to
its slices is ended; the next request then starts a fresh one and reloads the model. If a
worker dies on its own the caller gets ``Failed(code="worker_died")`` and the next
request gets a fresh worker too. A worker's exit status is never taken as proof that it
finished: only its ``done`` event is; a crash is named by its signal. A worker that the user's
Stop ended (during a load, a prefill) is reported as cancelled, never as a crash.

Threads: one request at a time drives the worker (``load``/``generate``/``unload``), first come first
served (``phidesk.engine.line``: several threads share one client, the window's and the local server's); a
waiting request may give up (``Turn.cancel``) without touching the one that runs. ``stop`` (the GUI thread),
the stop watchdog (a timer thread) and the silence watch change the shared state too. Every change of
``_proc``, ``_phase``, ``_active_id``, ``loaded`` and the stop flag happens under ``_state``, a lock held only
for those few assignments and a ``kill()`` (a signal, which does not wait): nothing waits on the process or
the pipe while holding it, so ``stop`` never blocks its caller.

Silence is bounded: the worker beats about once a second, and one silent for longer than a
bound scaled to the model (load: its size; answer: its size and the prompt still to read; a
generous floor) is ended and reported, and the next request gets a fresh worker. Rendering the
chat template (native code that holds the interpreter's lock, so the worker cannot time it out
itself) is announced by the worker and bounded separately; a loop or a crash there is reported
as the template's fault. Lines on the event pipe that are not events are logged and skipped.

Why one module of ~670 lines: the worker's life (start, load, answer, stop, silence watch, exit)
is one state machine guarded by one lock; split, its transitions would be spread over modules that
each need the lock's rules.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from phidesk import paths
from phidesk.engine.line import Activity, Line, Turn
from phidesk.engine.protocol import (
    Alive,
    AnswerStats,
    Event,
    Failed,
    Finished,
    Guidance,
    Loaded,
    Measured,
    Message,
    Phase,
    PrefillProgress,
    Ready,
    Sampling,
    Token,
    Warmed,
    check_guidance,
    encode,
    event_from_wire,
    unsendable,
)
from phidesk.errors import EngineError, UserError

log = logging.getLogger(__name__)

WORKER_FLAG = "--phidesk-worker"  # how a frozen app starts itself as a worker (phidesk.entry)
READY_TIMEOUT_S = 120.0
STOP_GRACE_S = 5.0  # a worker that has not acknowledged a stop by then is ended (+ slices, during a prefill)
STOP_SLICES = 3  # during a prefill: + this many times the longest slice seen (the worker stops after its slice)
FIRST_SLICE_TOKENS = 64  # the worker's first slice (SliceSizer), bounded before any slice was timed
# A worker silent for longer than this is reported and ended (SIGSTOP, a hang). It beats about once
# a second, but native code holding the interpreter's lock silences it: a model load (scaled by the
# weights' size), a prefill slice (about a second, at least 64 tokens: scaled too), a chat template.
SILENCE_FLOOR_S = 60.0
SILENCE_PER_GB_S = 30.0  # + this per GB of weights while answering (a 64-token slice on a slow CPU)
LOAD_BYTES_PER_S = 20e6  # + weights / this while loading (a slow disk)
# + this × GB of weights × prompt tokens still to read: a vision turn reads its whole prompt (images
# included) in one call, and a text prompt's slices are sized by speed (generous: 0.1 s per token per GB).
PREFILL_S_PER_TOKEN_GB = 0.1
RENDER_LIMIT_S = 20.0  # a chat template renders in milliseconds; one that loops is cut off here
POLL_S = 0.25  # how often a waiting caller looks at the silence
NOISE_LINES = 20  # lines on the event pipe that are not events: this many are logged per worker


def worker_command() -> list[str]:
    """How to start a worker: the same interpreter, or the frozen app itself with a flag."""
    return paths.helper_command(WORKER_FLAG, "phidesk.engine.worker")


@dataclass
class _Exited(Event):
    """Internal: the worker's event stream ended."""

    returncode: int | None = None


@dataclass
class _Watch:
    """What the reader thread of one worker saw last: when, and in which phase."""

    pid: int
    heard: float
    phase: str = ""
    noise: int = 0


@dataclass
class _StopMarker(Event):
    """Internal: wakes a waiting ``generate`` when ``stop`` is called."""

    id: int = 0


def _describe_exit(code: int | None) -> str:
    """An exit as it was: only SIGKILL (what the kernel's out-of-memory killer sends) hints at memory."""
    if code is None:
        return "its output ended"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = "unknown signal"
        if -code == getattr(signal, "SIGKILL", 9):
            return f"killed by signal {-code} ({name}); out of memory?"
        if name in ("SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGABRT"):
            return f"crashed: signal {-code} ({name})"
        return f"ended by signal {-code} ({name})"
    return f"exit status {code}"


def _weights_bytes(folder: Path) -> int:
    """The size of a model folder's files (its weights, mostly), for the silence bounds."""
    try:
        return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    except OSError:
        return 0


class EngineClient:
    def __init__(self, log_path: Path | None = None, *, silence_limit_s: float | None = None,
                 render_limit_s: float = RENDER_LIMIT_S) -> None:
        """*silence_limit_s* overrides the bound derived from the model's size (tests)."""
        self.log_path = log_path or paths.logs_dir() / "worker.log"
        self.silence_limit_s = silence_limit_s
        self.render_limit_s = render_limit_s
        self._weights = 0
        self._last_poll = 0.0
        self._prefill_left = 0  # prompt tokens the running answer has still to read
        self.warmed: list[int] = []  # each time the worker's spare cache had read the common start: its tokens
        self._slice_s = 0.0  # the longest prefill slice seen from this worker (seconds between progress events)
        self._stopping: set[int] = set()  # answers stopped whose worker has not said so yet
        # Called (from a reader thread) when a stopped answer's worker has finished its last slice and is free.
        self.on_stop_done: Callable[[int], None] | None = None
        self._watch: _Watch | None = None
        self.loaded: Loaded | None = None
        self._line = Line()  # one request at a time, first come first served (held while it runs)
        self._state = threading.RLock()  # the fields below change only under it (held briefly)
        self._stop_asked = False  # the user stopped the request in flight (load or answer)
        self._write_lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._events: queue.Queue[tuple[int, Event]] = queue.Queue()
        self._ids = itertools.count(1)
        self._load_args: dict[str, Any] | None = None
        self._active_id: int | None = None
        self._phase = "idle"  # idle | loading | prefill | decode
        self._acked: set[int] = set()
        self._ended_on_purpose: set[int] = set()
        self._reader: threading.Thread | None = None

    # --- process ------------------------------------------------------------------------
    @property
    def worker_pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc and proc.poll() is None else None

    def _spawn(self) -> subprocess.Popen[bytes]:
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log_file:
            proc = subprocess.Popen(
                worker_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log_file,
                env=env, **paths.helper_popen_kwargs(),
            )
        assert proc.stdout is not None
        watch = _Watch(proc.pid, time.monotonic())
        with self._state:
            self._proc, self._watch = proc, watch
            if self._stop_asked:  # stopped while the process was starting
                self._kill(proc)
        self._reader = threading.Thread(target=self._read_events, args=(proc, proc.stdout, watch), daemon=True,
                                        name=f"phidesk-events-{proc.pid}")
        self._reader.start()
        event = self._wait_for(proc.pid, (Ready,), READY_TIMEOUT_S, watch=False)
        if not isinstance(event, Ready):
            self._end_worker(proc)
            self._raise_if_stopped()
            raise EngineError(f"the model process did not start ({self._exit_text(event)}); see {self.log_path}",
                              "worker_died")
        return proc

    def _read_events(self, proc: subprocess.Popen[bytes], stream: IO[bytes], watch: _Watch) -> None:
        """Reader thread, one per worker: events into the queue; at the end, the exit and the pipes.

        Heartbeats and phases only update *watch*. A line that is not an event (something printed on
        fd 1 before the worker could redirect it) is logged, a few per worker, and skipped.
        """
        with stream:
            for line in stream:
                watch.heard = time.monotonic()
                try:
                    event = event_from_wire(line)
                except ValueError as exc:
                    self._log_noise(watch, line, exc)
                    continue
                if isinstance(event, Alive):
                    continue
                if isinstance(event, Phase):
                    watch.phase = event.phase
                    continue
                if isinstance(event, Warmed):
                    self.warmed.append(event.tokens)
                    continue
                if isinstance(event, (Finished, Failed)) and event.id is not None:
                    self._acked.add(event.id)
                    self._settled(event.id)
                self._events.put((proc.pid, event))
        returncode = proc.wait()
        for request_id in list(self._stopping):  # an ended worker is no longer busy with anything
            self._settled(request_id)
        if proc.stdin is not None:
            with self._write_lock, contextlib.suppress(OSError):
                proc.stdin.close()
        self._events.put((proc.pid, _Exited(returncode=returncode)))

    def _settled(self, request_id: int) -> None:
        """Reader thread: a stopped answer has ended in the worker (or the worker has)."""
        with self._state:
            if request_id not in self._stopping:
                return
            self._stopping.discard(request_id)
        callback = self.on_stop_done
        if callback is not None:
            callback(request_id)

    @property
    def stopping(self) -> bool:
        """A stopped answer's worker is still finishing the prompt slice it was reading (a new request waits)."""
        return bool(self._stopping)

    def _log_noise(self, watch: _Watch, line: bytes, exc: ValueError) -> None:
        watch.noise += 1
        if watch.noise > NOISE_LINES + 1:
            return
        text = (f"skipped {len(line)} bytes on the event pipe ({exc}): {line[:200]!r}" if watch.noise <= NOISE_LINES
                else f"more lines that are not events follow; they are not logged (limit {NOISE_LINES})")
        log.warning("worker %s: %s", watch.pid, text)
        with contextlib.suppress(OSError), self.log_path.open("a", encoding="utf-8") as fh:
            fh.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} client: worker[{watch.pid}] {text}\n")

    def _silence_limit(self, watch: _Watch) -> float:
        if watch.phase == "render":
            return self.render_limit_s
        if self.silence_limit_s is not None:
            return self.silence_limit_s
        if self._phase == "loading":
            return SILENCE_FLOOR_S + self._weights / LOAD_BYTES_PER_S
        gb = self._weights / 1e9
        return SILENCE_FLOOR_S + SILENCE_PER_GB_S * gb + PREFILL_S_PER_TOKEN_GB * gb * self._prefill_left

    def _overdue(self, pid: int) -> Failed | None:
        """If worker *pid* has been silent for too long: end it and say so."""
        watch = self._watch
        if watch is None or watch.pid != pid:
            return None
        now = time.monotonic()
        if now - self._last_poll > 5 * POLL_S + 1:  # this process itself was asleep (a laptop's lid):
            watch.heard = max(watch.heard, now)     # the worker gets its time again
        self._last_poll = now
        limit = self._silence_limit(watch)
        if now - watch.heard <= limit:
            return None
        log.warning("worker %s silent for over %.0f s (phase %r): ending it", pid, limit, watch.phase)
        self._end_worker(pid=pid)
        if watch.phase == "render":
            return Failed(code="bad_template", user_error=True,
                          message=f"the model's chat template did not finish within {limit:.0f} s (does it loop?); "
                          "the model process was ended")
        return Failed(code="worker_died", message=f"the model process did not respond for {limit:.0f} s "
                      f"(stopped or stuck); it was ended and will be restarted for the next message. "
                      f"Log: {self.log_path}")

    def _exit_failure(self, pid: int, event: _Exited) -> Failed | None:
        """A worker that ended while rendering the chat template: the template's fault, said so."""
        watch = self._watch
        if watch is None or watch.pid != pid or watch.phase != "render" or pid in self._ended_on_purpose:
            return None
        return Failed(code="bad_template", user_error=True,
                      message=f"the model's chat template crashed the model process "
                      f"({_describe_exit(event.returncode)}); it cannot be used")

    def _exit_text(self, event: Event | None) -> str:
        if isinstance(event, _Exited):
            return _describe_exit(event.returncode)
        if isinstance(event, Failed):
            return event.message
        return "no answer in time"

    def _wait_for(self, pid: int, kinds: tuple[type[Event], ...], timeout: float, *,
                  watch: bool = True) -> Event | None:
        """Next event of *kinds* (or Failed / _Exited) from worker *pid*; None on timeout.

        With *watch*, a worker silent for too long is ended and a Failed saying so is returned.
        """
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                event_pid, event = self._events.get(timeout=min(left, POLL_S))
            except queue.Empty:
                if watch and (overdue := self._overdue(pid)) is not None:
                    return overdue
                continue
            if event_pid != pid:
                continue
            if isinstance(event, _Exited):
                return self._exit_failure(pid, event) or event
            if isinstance(event, (*kinds, Failed)):
                return event
        return None

    def _send(self, request: dict[str, Any], proc: subprocess.Popen[bytes] | None = None) -> None:
        proc = proc or self._proc
        if proc is None or proc.stdin is None:
            raise EngineError("the model process is not running", "worker_died")
        try:
            line = encode(request)
        except UnicodeEncodeError:  # lone surrogates: refused here, the worker never sees them
            raise EngineError("a request holds text that is not valid Unicode (lone surrogates, as undecodable "
                              "input or file names give); it was not sent", "bad_text", user_error=True) from None
        with self._write_lock:
            try:
                proc.stdin.write(line)
                proc.stdin.flush()
            except (BrokenPipeError, OSError, ValueError) as exc:
                raise EngineError(f"the model process is gone ({exc})", "worker_died") from None

    def _end_worker(self, proc: subprocess.Popen[bytes] | None = None, *, pid: int | None = None) -> None:
        """End the worker now (stop during a load or prefill, watchdog, close); does not wait for it.

        With *proc* or *pid*, only if that is still the current worker (a late timer must not end
        the fresh worker that replaced it).
        """
        with self._state:
            current = self._proc
            if current is None or (proc is not None and proc is not current) or (pid is not None
                                                                                  and pid != current.pid):
                if proc is not None and current is not proc:
                    self._kill(proc, forget=False)
                return
            self._kill(current)

    def _kill(self, proc: subprocess.Popen[bytes], *, forget: bool = True) -> None:
        """Under ``_state``: send the kill signal (returns at once) and forget the worker."""
        self._ended_on_purpose.add(proc.pid)
        with contextlib.suppress(OSError):
            proc.kill()
        if forget:
            self._proc = None
            self.loaded = None

    def _raise_if_stopped(self) -> None:
        if self._stop_asked:
            raise EngineError("loading the model was stopped (Stop or Esc); it loads again with the next message",
                              "cancelled", user_error=True)

    # --- public API ---------------------------------------------------------------------
    def load(self, path: str | Path, provider: str = "auto", context_cap: int = 4096,
             gpu_index: int | None = None, threads: int = 0, *, kv_budget_mb: int = 0, system_prompt: str = "",
             sampling: Sampling | None = None, turn: Turn | None = None) -> Loaded:
        """Load a model (starting a worker if needed). Raises EngineError on failure.

        *gpu_index* picks the GPU (CUDA) or DirectML adapter; None lets the runtime choose.
        *threads*: the CPU threads the model computes with (0: one per physical core).
        *kv_budget_mb*: memory for the KV caches of conversations kept warm (0: half of what is free).
        *system_prompt* and *sampling*: what new conversations start with, read in advance into a spare cache.
        A ``stop`` while it loads ends the worker and raises EngineError with code ``cancelled``. *turn*: its place
        in the line of requests (``generate``); ``turn.cancel()`` while it waits or loads raises the same.
        """
        turn = turn or Turn()
        with self._line.turn(turn) as running:
            if not running:
                raise EngineError("loading the model was cancelled before it began", "cancelled", user_error=True)
            with self._state:
                self._stop_asked = False
            if self._line.while_running(turn, self._cancel_load):
                self._cancel_load()
            self._load_args = {"op": "load", "path": str(path), "provider": provider,
                               "context_cap": context_cap, "gpu_index": gpu_index,
                               "threads": threads, "kv_budget_mb": kv_budget_mb,
                               "system_prompt": system_prompt, "sampling": asdict((sampling or Sampling()).validate())}
            self._weights = _weights_bytes(Path(path))
            self._slice_s = 0.0  # timed again for this model
            return self._load()

    def _cancel_load(self) -> None:
        with self._state:
            self._stop_asked = True  # seen by the load's next step, even before it has begun
        self.stop()

    def _load(self) -> Loaded:
        assert self._load_args is not None
        with self._state:
            self._phase = "loading"  # from here a stop ends the worker (starting or loading) and cancels
            proc = self._proc
        try:
            self._raise_if_stopped()
            if proc is None or proc.poll() is not None:
                proc = self._spawn()
            self._send(self._load_args, proc)
            event = self._wait_for(proc.pid, (Loaded,), READY_TIMEOUT_S * 5)
        except EngineError:
            self._raise_if_stopped()
            raise
        finally:
            with self._state:
                self._phase = "idle"
        with self._state:
            if isinstance(event, Loaded) and not self._stop_asked:
                self.loaded = event
                return event
        self._raise_if_stopped()
        if isinstance(event, Failed):
            if event.code == "bad_template":
                self._end_worker(proc)  # it may still be inside the template; the next load starts afresh
            raise EngineError(event.message, event.code, user_error=event.user_error)
        self._end_worker(proc)
        raise EngineError(f"the model process stopped while loading ({self._exit_text(event)}); "
                          f"see {self.log_path}", "worker_died")

    # --- the line of requests ------------------------------------------------------------
    @property
    def activity(self) -> Activity:
        """Who holds the worker now and who waits (their ``Turn`` tags), first in line first."""
        return self._line.activity

    @property
    def busy(self) -> bool:
        """A request (load, answer, unload) holds the worker."""
        return self._line.activity.busy

    @property
    def queued(self) -> int:
        """Requests waiting for the one that runs."""
        return self._line.activity.queued

    @property
    def on_activity(self) -> Callable[[Activity], None] | None:
        """Called with the new ``Activity`` after every change of the line, from the thread that changed it."""
        return self._line.on_change

    @on_activity.setter
    def on_activity(self, callback: Callable[[Activity], None] | None) -> None:
        self._line.on_change = callback

    def generate(
        self, messages: Sequence[Message], sampling: Sampling | None = None, images: Sequence[str] = (), *,
        conversation: str = "", continue_last: bool = False, guidance: Guidance | None = None,
        turn: Turn | None = None,
    ) -> Iterator[Event]:
        """Stream one answer: PrefillProgress…, Token…, then Finished or Failed.

        *conversation* names whose KV cache to use: the worker keeps several, so coming back to a conversation
        reads only what is new in it. *continue_last*: *messages* end with an assistant answer, and the model
        goes on with it (the tokens are its continuation) instead of starting a new one. *guidance*:
        ``(kind, data)`` with kind ``json_schema``, ``regex`` or ``lark_grammar``: the answer is constrained
        while it is decoded to match it (a kind, size or schema that cannot be used: ``Failed(code="bad_guidance")``).

        Requests from several threads run one at a time, in the order they came. *turn* is this request's place
        in that line: ``turn.cancel()`` (any thread) takes it out while it waits (it ends as cancelled and never
        reaches the worker) or stops its own answer once it runs; a turn with ``max_waiting`` that finds that many
        waiting already gets ``Failed(code="busy")`` at once. Closing the iterator before its end stops the
        answer. ``stop()`` stops the answer running now, never a waiting one.

        If the worker had died or was ended by a stop, it is restarted and the model
        reloaded first (a ``Loaded`` event comes first then).
        """
        sampling = (sampling or Sampling()).validate()
        request_id = next(self._ids)
        try:
            checked = check_guidance(guidance)
        except UserError as exc:  # refused here, never sent
            yield Failed(id=request_id, code=exc.code, message=str(exc), user_error=True)
            return
        turn = turn or Turn()
        with self._line.turn(turn) as running:
            if not running and turn.state == "refused":
                yield Failed(id=request_id, code="busy", user_error=True,
                             message=f"the model is busy: {turn.max_waiting} requests are waiting already; "
                             "try again in a moment")
                return
            if not running:  # cancelled while it waited
                yield Finished(id=request_id, stats=AnswerStats(finish_reason="cancelled"))
                return
            if self._load_args is None:
                raise EngineError("no model is loaded", "no_model", user_error=True)
            if (problem := unsendable(messages)) is not None:  # from any front end: refused, never sent
                yield Failed(id=request_id, code="bad_text", message=problem, user_error=True)
                return
            with self._state:
                self._stop_asked, self._active_id = False, request_id
            if self._line.while_running(turn, lambda: self._stop(request_id)):
                self._stop(request_id)  # cancelled as its turn began
            ended = False
            try:
                request = {"op": "generate", "id": request_id, "messages": [asdict(m) for m in messages],
                           "sampling": asdict(sampling), "images": list(images), "conversation": conversation,
                           "continue": bool(continue_last), "guidance": list(checked) if checked else None}
                for event in self._answer(request_id, request):
                    ended = isinstance(event, (Finished, Failed))
                    yield event
            finally:
                if not ended:  # the caller dropped the iterator mid-answer: stop the answer too
                    self._stop(request_id)
                with self._state:
                    self._active_id, self._phase = None, "idle"

    def _answer(self, request_id: int, request: dict[str, Any]) -> Iterator[Event]:
        proc = self._proc
        if proc is None or proc.poll() is not None:
            try:
                yield self._load()
            except EngineError as exc:
                if exc.code == "cancelled":
                    yield Finished(id=request_id, stats=AnswerStats(finish_reason="cancelled"))
                else:
                    yield Failed(id=request_id, code=exc.code, message=str(exc), user_error=exc.user_error)
                return
        with self._state:
            proc, stopped = self._proc, self._stop_asked
            if proc is not None and not stopped:
                self._phase, self._prefill_left = "prefill", 0
        if proc is None or stopped:  # stopped between the load and the question
            yield Finished(id=request_id, stats=AnswerStats(finish_reason="cancelled"))
            return
        yield from self._stream(proc, request_id, request)

    def _stream(self, proc: subprocess.Popen[bytes], request_id: int, request: dict[str, Any]) -> Iterator[Event]:
        pid, seen = proc.pid, AnswerStats()
        progress_at = first_token_at = 0.0
        sent_at = time.monotonic()
        try:
            self._send(request, proc)
        except EngineError as exc:
            if exc.code == "bad_text":  # refused before anything was written: the worker is fine
                yield Failed(id=request_id, code=exc.code, message=str(exc), user_error=True)
                return
            self._end_worker(proc)
            if self._stop_asked or pid in self._ended_on_purpose:
                seen.finish_reason = "cancelled"
                yield Finished(id=request_id, stats=seen)
            else:
                yield Failed(id=request_id, code=exc.code, message=str(exc))
            return
        while True:
            try:
                event_pid, event = self._events.get(timeout=POLL_S)
            except queue.Empty:
                if (overdue := self._overdue(pid)) is not None:
                    overdue.id = request_id
                    yield overdue
                    return
                continue
            if isinstance(event, _StopMarker):
                if event.id == request_id:
                    # The worker is inside a prefill slice (up to a second) or a decode step (~70 ms for
                    # Phi-3.5-mini on 2 cores): the caller is free at once, with the stats seen so far unless the
                    # worker's own have come already. A next request waits in the worker's queue for that step.
                    yield self._finish_cancelled(pid, request_id, seen)
                    return
                continue
            if event_pid != pid:
                continue
            if isinstance(event, _Exited):
                with self._state:
                    if self._proc is proc:
                        self._proc, self.loaded = None, None
                if pid in self._ended_on_purpose:
                    seen.finish_reason = "cancelled"
                    yield Finished(id=request_id, stats=seen)
                elif (template := self._exit_failure(pid, event)) is not None:
                    template.id = request_id
                    yield template
                else:
                    why = _describe_exit(event.returncode)
                    yield Failed(id=request_id, code="worker_died",
                                 message=f"the model process stopped unexpectedly ({why}); "
                                 f"it will be restarted for the next message. Log: {self.log_path}")
                return
            if getattr(event, "id", request_id) != request_id:
                continue  # a late event of an earlier, cancelled answer
            if isinstance(event, PrefillProgress):
                now = time.monotonic()
                if event.done > 0 and progress_at:
                    self._slice_s = max(self._slice_s, now - progress_at)
                progress_at = now
                self._prefill_left = max(0, event.total - event.done)
                seen.prompt_tokens, seen.new_prompt_tokens = event.prompt_tokens, event.done
                seen.dropped_turns = event.dropped_turns
            elif isinstance(event, Token):
                with self._state:
                    self._phase, self._prefill_left = "decode", 0
                seen.generated_tokens += 1
                now = time.monotonic()
                if seen.generated_tokens == 1:  # as the worker counts them, for a stop that does not wait for it
                    seen.ttft_s, first_token_at = now - sent_at, now
                elif now > first_token_at:
                    seen.decode_tok_s = (seen.generated_tokens - 1) / (now - first_token_at)
            yield event
            if isinstance(event, (Finished, Failed)):
                return

    def _finish_cancelled(self, pid: int, request_id: int, seen: AnswerStats) -> Finished:
        """After stop, without waiting: the worker's own stats if they have come already, else what we saw."""
        while True:
            try:
                event_pid, event = self._events.get_nowait()
            except queue.Empty:
                break
            if event_pid == pid and isinstance(event, Finished) and event.id == request_id:
                event.stats.finish_reason = "cancelled"
                return event
            if event_pid == pid and isinstance(event, _Exited):
                self._events.put((event_pid, event))  # let the next request see the exit
                break
        seen.finish_reason = "cancelled"
        return Finished(id=request_id, stats=seen)

    def measure_bare(self, text: str, new_tokens: int) -> dict[str, Any]:
        """Benchmarks: run the bare reference loop inside the worker on a one-message prompt."""
        with self._line.turn():
            proc = self._proc
            if proc is None or self.loaded is None:
                raise EngineError("no model is loaded", "no_model")
            request_id = next(self._ids)
            self._send({"op": "bare", "id": request_id, "text": text, "new_tokens": new_tokens}, proc)
            while True:
                event = self._wait_for(proc.pid, (Measured,), READY_TIMEOUT_S * 30)
                if isinstance(event, Measured) and event.id == request_id:
                    return event.data
                if isinstance(event, Failed) and event.id == request_id:
                    raise EngineError(event.message, event.code)
                if event is None or isinstance(event, _Exited):
                    raise EngineError(f"the bare loop did not finish ({self._exit_text(event)})", "bench_failed")

    def stop(self) -> None:
        """Stop the current load or answer (any thread; returns at once: it never waits on the worker).

        While loading (or starting the worker) the worker is ended. While it reads the prompt it is asked to
        stop after the slice it is reading, and keeps what it read in its cache: the answer ends here at once,
        and a next request simply waits in the worker's queue for that slice (``stopping`` is True meanwhile).
        Between tokens it stops at once and keeps its cache. A worker that has not acknowledged the stop
        after ``STOP_GRACE_S`` (plus ``STOP_SLICES`` of its slices, during a prefill) is ended. A vision
        model's prompt is read in one call that cannot be cut and whose cache is never reused: it is ended.
        Requests waiting in line are not touched (their ``Turn`` cancels them).
        """
        self._stop(None)

    def _stop(self, only: int | None) -> None:
        """``stop()``; with *only*, only if that request is the one running (``Turn.cancel``)."""
        with self._state:
            request_id, phase, proc = self._active_id, self._phase, self._proc
            if request_id is None and phase == "idle":
                return  # nothing runs
            if only is not None and request_id != only:
                return  # that request has ended (or not begun)
            self._stop_asked = True
            vision = bool(self.loaded and self.loaded.vision)
            if proc is not None and (phase == "loading" or (phase == "prefill" and vision)):
                self._kill(proc)  # a native call that cannot be interrupted, with nothing worth keeping
                proc = None
            elif proc is not None and phase in ("prefill", "decode") and request_id is not None:
                self._stopping.add(request_id)
        if proc is not None and phase in ("prefill", "decode") and request_id is not None:
            with contextlib.suppress(EngineError):
                self._send({"op": "stop", "id": request_id}, proc)
            grace = STOP_GRACE_S
            if phase == "prefill":
                first = PREFILL_S_PER_TOKEN_GB * self._weights / 1e9 * FIRST_SLICE_TOKENS
                grace += STOP_SLICES * max(self._slice_s, first)
            watchdog = threading.Timer(grace, self._check_stopped, args=(proc, request_id))
            watchdog.daemon = True
            watchdog.start()
            if request_id in self._acked:  # it had finished already
                self._settled(request_id)
        if request_id is not None:
            self._events.put((0, _StopMarker(id=request_id)))

    def _check_stopped(self, proc: subprocess.Popen[bytes], request_id: int) -> None:
        with self._state:
            if proc is self._proc and request_id not in self._acked:
                log.warning("worker %s ignored stop for %s: ending it", proc.pid, request_id)
                self._kill(proc)

    def unload(self) -> None:
        with self._line.turn():
            self._load_args = None
            with self._state:
                self.loaded, proc = None, self._proc
            if proc is not None:
                with contextlib.suppress(EngineError):
                    self._send({"op": "unload"}, proc)

    def close(self) -> None:
        """End the worker (politely, then firmly) and wait for its reader thread. Requests waiting in line end as
        cancelled first: none of them starts a worker again once the one running has ended."""
        self._line.cancel_waiting()
        with self._state:
            proc, reader = self._proc, self._reader
        if proc is not None:
            with contextlib.suppress(EngineError):
                self._send({"op": "shutdown"}, proc)
            try:
                proc.wait(timeout=3)  # not under _state: a stop meanwhile still returns at once
            except subprocess.TimeoutExpired:
                self._end_worker(proc)
        with self._state:
            if self._proc is proc:
                self._proc = None
        if reader is not None:
            reader.join(timeout=5)

    def __enter__(self) -> EngineClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
