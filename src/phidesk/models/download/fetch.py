"""The verified fetch: one file at a time from the hub into ``<file>.part``, resumed, checked, then renamed.

Files are fetched with huggingface_hub's own HTTP session (proxies, certificates, HF_TOKEN) from
``hf_hub_url(...)`` at the resolved commit, streamed to ``<file>.part`` and resumed with
``Range: bytes=<size of .part>-``. This does the streaming itself rather than calling ``hf_hub_download``
so that it can report progress, pause and cancel between chunks, and check every file: huggingface_hub
saves whatever bytes arrive. Each file's sha256 (LFS files) or git blob sha1 (small files) is computed
over the bytes as they are written and must match the hub's listing, or the file is deleted and never
installed. A pause or cancel from another thread shuts the socket being read down, so a stalled
connection does not hold the download for its 60 s read timeout.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from phidesk.models.download import hub, staging
from phidesk.models.download.base import (
    Downloadable,
    DownloadError,
    FileMeta,
    Job,
    JobState,
    RetryableError,
    StopRequestedError,
    entry_what,
    out_of_retries,
    sleep,
    transport_error,
)
from phidesk.texts import QT_TRANSLATE_NOOP, Text

log = logging.getLogger(__name__)

CHUNK = 1 << 20  # hashing and state-saving granularity; network pieces arrive in ≤ 64 KiB
EMIT_INTERVAL_S = 0.1  # progress callbacks at most ~10 per second
STATE_SAVE_INTERVAL_S = 2.0


class Digest:
    """The checksum the hub lists for a file, computed over the bytes as they are written."""

    def __init__(self, meta: FileMeta) -> None:
        self.meta = meta
        self.reset()

    def reset(self) -> None:
        self.count = 0
        self.expected: str | None
        if self.meta.sha256:
            self.label, self.expected, self._h = "sha256", self.meta.sha256.lower(), hashlib.sha256()
        elif self.meta.blob_id:
            self.label, self.expected = "git sha1", self.meta.blob_id.lower()
            self._h = hashlib.sha1(f"blob {self.meta.size}\0".encode(), usedforsecurity=False)
        else:
            self.label, self.expected, self._h = "size", None, hashlib.sha256()

    def update(self, data: bytes) -> None:
        self._h.update(data)
        self.count += len(data)

    def hexdigest(self) -> str:
        return self._h.hexdigest()


class Fetcher:
    """Fetches an entry's files one by one into its staging folder, reporting progress on *job*.

    *stop* is asked between pieces: "pause" or "cancel" raises StopRequestedError there. :meth:`interrupt`
    (from another thread) cuts the connection being read so that the download thread gets to ask at once.
    """

    def __init__(self, entry: Downloadable, job: Job, *, report: Callable[[Job], None] | None,
                 stop: Callable[[], str | None], delays: Sequence[float]) -> None:
        self.entry = entry
        self.job = job
        self.report = report
        self.stop_request = stop
        self.delays = tuple(delays)
        self.staging = staging.staging_dir(entry)
        self.files_dir = self.staging / staging.FILES_DIR
        self.state: dict[str, Any] = {}
        self._last_emit = 0.0
        self._last_save = 0.0
        self._speed_t = 0.0
        self._speed_done = 0
        self._lock = threading.Lock()
        self._live: Any = None  # the response being read, so that interrupt() can cut it

    def interrupt(self) -> None:
        """From another thread, after a pause or cancel was asked for: cut the connection being read,
        so that a stalled one does not hold the download for its read timeout (60 s). Shutting the
        socket down wakes a read that is blocked in it; the download thread then sees the request."""
        with self._lock:
            response = self._live
        stream = response.extensions.get("network_stream") if response is not None else None
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    # --- progress and control ----------------------------------------------------------------
    def _stop(self) -> None:
        kind = self.stop_request()
        if kind:
            raise StopRequestedError(kind)

    def _set_state(self, state: JobState, current: str | None = None) -> None:
        self.job.state = state
        self.job.current_file = current
        self._emit(force=True)

    def _emit(self, force: bool = False) -> None:
        now = time.monotonic()
        job = self.job
        if self._speed_t and now - self._speed_t >= EMIT_INTERVAL_S:
            inst = (job.bytes_done - self._speed_done) / (now - self._speed_t)
            job.speed_bps = inst if job.speed_bps <= 0 else 0.7 * job.speed_bps + 0.3 * inst
            self._speed_t, self._speed_done = now, job.bytes_done
            left = max(0, job.bytes_total - job.bytes_done)
            job.eta_s = left / job.speed_bps if job.speed_bps > 0 else None
        if self.report and (force or now - self._last_emit >= EMIT_INTERVAL_S):
            self._last_emit = now
            self.report(job)

    def _save_state(self) -> None:
        self.state["bytes_done"] = self.job.bytes_done
        staging.write_state(self.staging, self.state)
        self._last_save = time.monotonic()

    # --- one file ------------------------------------------------------------------------------------
    def _fetch(self, session: Any, sha: str, meta: FileMeta) -> None:
        final = self.files_dir / meta.path
        record = self.state["files"][meta.path]
        if final.is_file() and record["verified"]:
            return
        part = final.with_name(final.name + staging.PART)
        part.parent.mkdir(parents=True, exist_ok=True)
        if final.is_file():  # renamed but not recorded: check it again
            final.replace(part)
        self.job.current_file = meta.path
        self._emit(force=True)
        url = hub.hub().hf_hub_url(self.entry.repo, meta.path, subfolder=self.entry.subfolder.strip("/") or None,
                                revision=sha, endpoint=hub.endpoint())
        digest = Digest(meta)
        attempt = 0
        while True:
            self._stop()
            offset = part.stat().st_size if part.is_file() else 0
            if offset > meta.size:
                part.unlink()
                self.job.bytes_done -= offset
                offset = 0
            if digest.count != offset:
                self._rehash(part, digest)
            if offset == meta.size:
                break
            before = offset
            try:
                self._request(session, url, part, offset=offset, meta=meta, digest=digest)
                if digest.count < meta.size:
                    raise RetryableError("the connection ended early")
            except RetryableError as exc:
                self._stop()  # a connection cut by interrupt() is a pause or cancel, not a network error
                progressed = (part.stat().st_size if part.is_file() else 0) > before
                attempt = 0 if progressed else attempt
                if (give_up := out_of_retries(exc, attempt, self.delays, f"downloading {meta.path}")) is not None:
                    raise give_up from None
                log.info("download of %s interrupted (%s); retrying in %.1fs", meta.path, exc, self.delays[attempt])
                sleep(self.delays[attempt], self._stop)
                attempt += 1
        self._verify(part, final, meta, digest)

    def _rehash(self, part: Path, digest: Digest) -> None:
        digest.reset()
        if not part.is_file():
            return
        with part.open("rb") as fh:
            while data := fh.read(CHUNK):
                digest.update(data)
                self._stop()

    def _verify(self, part: Path, final: Path, meta: FileMeta, digest: Digest) -> None:
        got = digest.hexdigest()
        if digest.count != meta.size or (digest.expected and got != digest.expected):
            part.unlink(missing_ok=True)
            self.job.bytes_done -= digest.count
            self._save_state()
            if digest.count != meta.size:
                detail = f"size {digest.count} ≠ expected {meta.size}"
            else:
                detail = f"{digest.label} {got[:12]}… ≠ expected {str(digest.expected)[:12]}…"
            raise DownloadError(Text("Downloads", QT_TRANSLATE_NOOP(
                "Downloads", "{file} failed verification: {detail}"), file=meta.path, detail=detail))
        part.replace(final)
        self.state["files"][meta.path]["verified"] = True

    def _request(self, session: Any, url: str, part: Path, *, offset: int, meta: FileMeta, digest: Digest) -> None:
        import httpx2

        headers = hub.hub().utils.build_hf_headers(token=hub.token())
        headers["Accept-Encoding"] = "identity"
        if offset:
            headers["Range"] = f"bytes={offset}-"
        what = f"{entry_what(self.entry)}/{meta.path}"
        try:
            with session.stream("GET", url, headers=headers, timeout=httpx2.Timeout(60.0, connect=20.0)) as resp:
                with self._lock:
                    self._live = resp
                self._stop()  # asked just before the response could be cut
                status = resp.status_code
                known = hub.http_error(status, what)
                if known is not None:
                    raise known
                if status == 429 or status >= 500:
                    raise RetryableError(f"HTTP {status} from the hub")
                if status == 416:  # our .part is longer than what the server has: start over
                    part.unlink(missing_ok=True)
                    self.job.bytes_done -= offset
                    raise RetryableError("the server refused to resume (HTTP 416)")
                if status == 206:
                    if not resp.headers.get("Content-Range", "").startswith(f"bytes {offset}-"):
                        raise RetryableError(f"unexpected Content-Range {resp.headers.get('Content-Range')!r}")
                elif status == 200:
                    if offset:  # the server ignored Range: start from zero
                        self.job.bytes_done -= offset
                        offset = 0
                        digest.reset()
                else:
                    raise DownloadError(Text("Downloads", QT_TRANSLATE_NOOP(
                        "Downloads", "the hub answered HTTP {status} for {what}"), status=status, what=what))
                with part.open("ab" if offset else "wb") as fh:
                    for piece in resp.iter_bytes():
                        if digest.count + len(piece) > meta.size:
                            fh.close()
                            part.unlink(missing_ok=True)
                            self.job.bytes_done -= digest.count
                            raise DownloadError(Text("Downloads", QT_TRANSLATE_NOOP(
                                "Downloads", "{file} failed verification: the hub sent more than the {size} bytes "
                                             "it listed"),
                                file=meta.path, size=meta.size))
                        fh.write(piece)
                        digest.update(piece)
                        self.job.bytes_done += len(piece)
                        self._emit()
                        if time.monotonic() - self._last_save >= STATE_SAVE_INTERVAL_S:
                            fh.flush()
                            self._save_state()
                        self._stop()
        except httpx2.TooManyRedirects:
            raise DownloadError(Text("Downloads", QT_TRANSLATE_NOOP(
                "Downloads", "the hub redirected too many times (a redirect loop?): {what}"), what=what)) from None
        except httpx2.TransportError as exc:
            raise transport_error(exc) from None
        except OSError as exc:
            raise DownloadError(Text("Downloads", QT_TRANSLATE_NOOP(
                "Downloads", "could not write {path}: {reason}"),
                path=str(part), reason=exc.strerror or str(exc))) from None
        finally:
            with self._lock:
                self._live = None
