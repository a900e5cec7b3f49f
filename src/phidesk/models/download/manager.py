"""The entry points: ``download_blocking`` (the CLI, in its own thread) and ``DownloadManager`` (the window's queue).

The manager runs one download at a time on a daemon thread; pause, resume and cancel are asked for from any
thread and take effect between pieces (or at once, by cutting a stalled connection). A job left on disk by
an earlier run is resumed from its staging folder's state file.
"""

from __future__ import annotations

import collections
import copy
import logging
import threading
from collections.abc import Callable, Sequence

from phidesk.errors import UserError
from phidesk.models.download import staging
from phidesk.models.download.base import (
    ACTIVE_STATES,
    Downloadable,
    DownloadPausedError,
    FreeSpace,
    Job,
    StopRequestedError,
)
from phidesk.models.download.hub import RETRY_DELAYS
from phidesk.models.download.runner import Download, default_free_space
from phidesk.models.download.staging import discard, pending_on_disk, staging_dir
from phidesk.texts import QT_TRANSLATE_NOOP, Text, message_of

log = logging.getLogger(__name__)


def download_blocking(entry: Downloadable, progress: Callable[[Job], None] | None = None,
                      should_stop: Callable[[], bool] | None = None, *, free_space: FreeSpace | None = None,
                      replace: bool = False, retry_delays: Sequence[float] = RETRY_DELAYS) -> str:
    """Download, verify and install *entry* in this thread; returns the installed model id.

    *progress* gets a Job (at most ~10 times a second). When *should_stop* returns True the
    download stops between chunks, keeps its staging folder and raises DownloadPausedError.
    """
    job = Job(entry.key, entry)

    def report(j: Job) -> None:
        if progress:
            progress(copy.copy(j))

    runner = Download(entry, job, report=report, stop=lambda: "pause" if should_stop and should_stop() else None,
                       free_space=free_space or default_free_space, delays=retry_delays, replace=replace)
    try:
        model_id = runner.run()
    except StopRequestedError:
        job.state = "paused"
        report(job)
        raise DownloadPausedError(f"download of {entry.key} paused; run it again to resume") from None
    job.state = "done"
    report(job)
    return model_id


class DownloadManager:
    """A queue of downloads run one at a time on a daemon thread.

    *on_change* is called from that thread with a copy of the job whenever its state changes
    and at most ~10 times a second while bytes arrive; a GUI marshals it to its own thread.
    """

    def __init__(self, on_change: Callable[[Job], None] | None = None, *, free_space: FreeSpace | None = None,
                 retry_delays: Sequence[float] = RETRY_DELAYS) -> None:
        self._on_change = on_change
        self._free_space = free_space or default_free_space
        self._delays = tuple(retry_delays)
        self._cond = threading.Condition()
        self._jobs: dict[str, Job] = {}
        self._queue: collections.deque[str] = collections.deque()
        self._control: dict[str, str] = {}
        self._running: str | None = None
        self._runner: Download | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="phidesk-downloads", daemon=True)
        self._thread.start()

    # --- API ---------------------------------------------------------------------------------------
    def enqueue(self, entry: Downloadable) -> Job:
        """Queue *entry* (a paused or failed job with the same key is resumed). Returns the live job."""
        with self._cond:
            if self._closed:
                raise RuntimeError("the download manager is closed")
            job = self._jobs.get(entry.key)
            if job is not None and job.state in ACTIVE_STATES:
                return job
            job = Job(entry.key, entry)
            self._jobs[entry.key] = job
            self._queue.append(entry.key)
            self._cond.notify_all()
        self._emit(job)
        return job

    def pause(self, key: str) -> None:
        with self._cond:
            job = self._jobs.get(key)
            if job is None:
                return
            running = key == self._running
            if running:
                self._control[key] = "pause"
                runner = self._runner
            elif job.state != "queued":
                return
            else:
                self._queue.remove(key)
                job.state = "paused"
        if running:
            if runner is not None:
                runner.interrupt()
            return
        self._emit(job)

    def resume(self, key: str) -> Job | None:
        """Queue a paused or failed job again, or one left on disk by an earlier run."""
        with self._cond:
            job = self._jobs.get(key)
            if job is not None and job.state in ("paused", "failed", "cancelled"):
                job.state, job.error, job.error_code, job.speed_bps, job.eta_s = "queued", None, None, 0.0, None
                self._queue.append(key)
                self._cond.notify_all()
            elif job is None:
                state = staging.read_state(staging_dir(key))
                if state is None:
                    return None
                entry = staging.entry_from_state(state)
                job = Job(key, entry, bytes_done=int(state.get("bytes_done") or 0),
                          bytes_total=int(state.get("bytes_total") or 0))
                self._jobs[key] = job
                self._queue.append(key)
                self._cond.notify_all()
            else:
                return job
        self._emit(job)
        return job

    def cancel(self, key: str) -> None:
        """Stop and forget a download; its staging folder is deleted."""
        with self._cond:
            job = self._jobs.get(key)
            running, runner = key == self._running, self._runner
            if running:
                self._control[key] = "cancel"
            elif key in self._queue:
                self._queue.remove(key)
            if not running and job is not None and job.state not in ("done",):
                job.state = "cancelled"
        if running:
            if runner is not None:
                runner.interrupt()
            return
        discard(key)
        if job is not None:
            self._emit(job)

    def jobs(self) -> list[Job]:
        with self._cond:
            return [copy.copy(job) for job in self._jobs.values()]

    def pending_on_disk(self) -> list[str]:
        """Keys of staging folders left by an earlier run (not jobs of this manager)."""
        with self._cond:
            known = set(self._jobs)
        return [key for key in pending_on_disk() if key not in known]

    def close(self, timeout: float = 5.0) -> None:
        """Pause the running download (its staging folder stays for next time) and stop the thread."""
        with self._cond:
            self._closed = True
            runner = self._runner
            if self._running:
                self._control[self._running] = "pause"
            self._cond.notify_all()
        if runner is not None:
            runner.interrupt()
        self._thread.join(timeout)

    def __enter__(self) -> DownloadManager:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the worker --------------------------------------------------------------------------------
    def _emit(self, job: Job) -> None:
        if self._on_change is None:
            return
        try:
            self._on_change(copy.copy(job))
        except Exception:
            log.exception("download progress callback failed")

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._closed and not self._queue:
                    self._cond.wait()
                if self._closed:
                    return
                key = self._queue.popleft()
                job = self._jobs[key]
                if job.state != "queued":
                    continue
                self._running = key
                self._control.pop(key, None)
            self._run(key, job)

    def _run(self, key: str, job: Job) -> None:
        runner = Download(job.entry, job, report=self._emit, stop=lambda: self._control.get(key),
                           free_space=self._free_space, delays=self._delays)
        with self._cond:
            self._runner = runner
        try:
            job.model_id = runner.run()
            job.state = "done"
        except StopRequestedError as stop:
            if stop.kind == "cancel":
                discard(key)
                job.state = "cancelled"
            else:
                job.state = "paused"
        except UserError as exc:
            job.state, job.error, job.error_code = "failed", message_of(exc), exc.code
        except Exception as exc:
            log.exception("download of %s failed", key)
            job.state, job.error = "failed", Text("Downloads", QT_TRANSLATE_NOOP(
                "Downloads", "unexpected error: {error}"),
                                                  error=str(exc))
        finally:
            job.speed_bps, job.current_file = 0.0, None
            with self._cond:
                self._running = self._runner = None
                self._control.pop(key, None)
        self._emit(job)
