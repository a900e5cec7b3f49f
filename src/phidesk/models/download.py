"""Downloading catalog models from the Hugging Face hub: resumable, verified, installed in one rename.

One entry (a repo and a subfolder of it) is fetched into a staging folder beside the library,
``<models>/.download-{id}-{variant}/``, which holds ``state.json`` (the entry, the commit, the files
and their hub checksums) and ``files/`` (the model as it is being built; unfinished files end in
``.part``). The folder survives the app being closed, so a later run resumes where it stopped.

Files are fetched with huggingface_hub's own HTTP session (proxies, certificates, HF_TOKEN) from
``hf_hub_url(...)`` at the resolved commit, streamed to ``<file>.part`` and resumed with
``Range: bytes=<size of .part>-``. This module does the streaming itself rather than calling
``hf_hub_download`` so that it can report progress, pause and cancel between chunks, and check
every file: huggingface_hub saves whatever bytes arrive. Each file's sha256 (LFS files) or git
blob sha1 (small files) must match the hub's listing or it is deleted and never installed.
When every file is verified the folder is validated and published into the library.

Qt-free and onnxruntime_genai-free: the GUI and the CLI both use it.
"""

from __future__ import annotations

import collections
import contextlib
import copy
import hashlib
import json
import logging
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from phidesk import jsonfile, paths
from phidesk.engine.modelinfo import read_model_folder
from phidesk.errors import UserError
from phidesk.models import library
from phidesk.models.catalog import check_listing

log = logging.getLogger(__name__)

CHUNK = 1 << 20  # hashing and state-saving granularity; network pieces arrive in ≤ 64 KiB
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0)  # waits between the 6 attempts of one request
DISK_MARGIN = 1.05
STATE_FILE = "state.json"
STATE_MAX_BYTES = 4 * 1024 * 1024
FILES_DIR = "files"
PART = ".part"
STAGING_PREFIX = ".download-"
EMIT_INTERVAL_S = 0.1  # progress callbacks at most ~10 per second
STATE_SAVE_INTERVAL_S = 2.0
DEFAULT_ENDPOINT = "https://huggingface.co"
_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")
_HEX40 = re.compile(r"[0-9a-f]{40}")

JobState = Literal["queued", "listing", "downloading", "paused", "verifying", "installing", "done", "failed",
                   "cancelled"]
ACTIVE_STATES = ("queued", "listing", "downloading", "verifying", "installing")
FreeSpace = Callable[[Path], int]


# --- the catalog's side of the contract --------------------------------------------------------------
class DownloadableFile(Protocol):
    @property
    def path(self) -> str: ...  # relative to the entry's subfolder, '/'-separated

    @property
    def size(self) -> int | None: ...

    @property
    def approx_size(self) -> object: ...  # the catalog's own business; never read here


class Downloadable(Protocol):
    """A catalog entry: which files of which hub repo make one installable model."""

    @property
    def id(self) -> str: ...

    @property
    def variant(self) -> str: ...  # "cpu" installs as `id`, anything else as `id-variant`

    @property
    def repo(self) -> str: ...

    @property
    def subfolder(self) -> str: ...

    @property
    def files(self) -> Sequence[DownloadableFile]: ...  # empty: every file of the subfolder

    @property
    def key(self) -> str: ...  # f"{id}:{variant}"

    @property
    def size_bytes(self) -> int: ...


@dataclass(frozen=True)
class FileMeta:
    """One file as the hub lists it; path relative to the entry's subfolder."""

    path: str
    size: int
    sha256: str | None  # LFS files
    blob_id: str | None  # git blob sha1 (small files)


class DownloadError(UserError):
    """A download that cannot go on; the message names the file or the reason in one sentence."""

    code = "download_failed"


class DownloadPausedError(UserError):
    """``download_blocking`` stopped because *should_stop* said so; the staging folder is kept."""

    code = "download_paused"


class _StopRequestedError(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind  # "pause" | "cancel"


class _RetryableError(Exception):
    pass


@dataclass(frozen=True)
class _StoredFile:
    path: str
    size: int | None = None
    approx_size: bool = False


@dataclass(frozen=True)
class _StoredEntry:
    """An entry rebuilt from a staging folder's state file (resuming after a restart)."""

    id: str
    variant: str
    repo: str
    subfolder: str
    files: tuple[_StoredFile, ...]
    size_bytes: int
    revision: str | None = None

    @property
    def key(self) -> str:
        return f"{self.id}:{self.variant}"


@dataclass
class Job:
    """One download as the GUI shows it. ``on_change`` and ``jobs()`` hand out copies."""

    key: str
    entry: Downloadable = field(repr=False, compare=False)
    state: JobState = "queued"
    bytes_done: int = 0
    bytes_total: int = 0
    speed_bps: float = 0.0
    eta_s: float | None = None
    current_file: str | None = None
    error: str | None = None
    model_id: str | None = None


# --- names and places ------------------------------------------------------------------------------
def model_id_for(entry: Downloadable) -> str:
    return entry.id if entry.variant == "cpu" else f"{entry.id}-{entry.variant}"


def staging_dir(entry_or_key: Downloadable | str) -> Path:
    key = entry_or_key if isinstance(entry_or_key, str) else entry_or_key.key
    model, _, variant = key.partition(":")
    if not _ID.fullmatch(model) or not _ID.fullmatch(variant):
        raise UserError(f"not a valid catalog key: {key!r}")
    return paths.models_dir() / f"{STAGING_PREFIX}{model}-{variant}"


MAX_NAME_BYTES = 255  # one file or folder name (most file systems)
MAX_PATH_CHARS = 512  # a whole relative path (Windows' MAX_PATH is 260 with the models folder in front)


def _safe_relpath(name: str) -> bool:
    """A '/'-separated relative path of sane length that stays inside the folder it is joined to."""
    if not name or len(name) > MAX_PATH_CHARS or "\\" in name or "\0" in name or name.startswith("/") or ":" in name:
        return False
    return all(part not in ("", ".", "..") and len(part.encode("utf-8", "surrogatepass")) <= MAX_NAME_BYTES
               for part in name.split("/"))


def _shown(name: str, limit: int = 80) -> str:
    """A name from outside, for a one-line message: repr'd (no control characters) and cut short."""
    text = repr(name)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(name):,} characters)"


def _gb(n: float) -> str:
    return f"{n / 1e9:.2f}"


def default_free_space(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def discard(entry_or_key: Downloadable | str) -> None:
    """Delete a download's staging folder (what cancel does)."""
    shutil.rmtree(staging_dir(entry_or_key), ignore_errors=True)


def _read_state(folder: Path) -> dict[str, Any] | None:
    try:
        data = jsonfile.read(folder / STATE_FILE, max_bytes=STATE_MAX_BYTES, max_depth=16)
    except FileNotFoundError:
        return None
    except (OSError, jsonfile.JSONFileError) as exc:
        log.warning("download state %s is unreadable: %s", folder / STATE_FILE, exc)
        return None
    return data if isinstance(data, dict) and isinstance(data.get("key"), str) else None


def _entry_from_state(state: dict[str, Any]) -> _StoredEntry:
    raw = state.get("entry") or {}
    try:
        return _StoredEntry(
            id=str(raw["id"]), variant=str(raw["variant"]), repo=str(raw["repo"]),
            subfolder=str(raw.get("subfolder") or ""), files=tuple(_StoredFile(str(p)) for p in raw.get("files", [])),
            size_bytes=int(raw.get("size_bytes") or 0), revision=state.get("revision"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError(f"the unfinished download '{state.get('key')}' has an unreadable state file") from exc


def pending_on_disk() -> list[str]:
    """Keys of downloads whose staging folder is still there (resumable)."""
    keys = []
    for folder in sorted(paths.models_dir().glob(f"{STAGING_PREFIX}*")):
        state = _read_state(folder) if folder.is_dir() else None
        if state is not None:
            keys.append(state["key"])
    return keys


# --- huggingface_hub ---------------------------------------------------------------------------------
def _endpoint() -> str:
    # Read at call time: huggingface_hub reads HF_ENDPOINT once, when it is first imported.
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def _token() -> str | None:
    return os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN") or None


def _offline() -> bool:
    value = os.environ.get("HF_HUB_OFFLINE", "")
    if value.strip().upper() in ("1", "ON", "YES", "TRUE"):
        return True
    from huggingface_hub import constants

    return bool(constants.HF_HUB_OFFLINE) and value == ""


def _hub() -> Any:
    """huggingface_hub, imported on first use, without its telemetry.

    Unless HF_HUB_DISABLE_TELEMETRY was set before it was imported, every ``build_hf_headers`` call
    looks up an "agent harness" registry on huggingface.co (a request, up to 3 s, once per process):
    an offline desktop app has no business sending it, so it is switched off here.
    """
    import huggingface_hub
    from huggingface_hub import constants

    constants.HF_HUB_DISABLE_TELEMETRY = True
    return huggingface_hub


def _check_online() -> None:
    from phidesk import privacy, settings

    if _offline():
        raise DownloadError("offline: HF_HUB_OFFLINE is set, so nothing can be downloaded (unset it to download)")
    if (reason := privacy.offline_reason(settings.load().offline)) is not None:
        raise DownloadError(reason)


def _http_error(status: int, what: str) -> DownloadError | None:
    if status in (401, 403):
        return DownloadError(f"access denied (gated model or missing/invalid HF_TOKEN): {what}")
    if status == 404:
        return DownloadError(f"not found on the hub: {what}")
    return None


def _translate(exc: Exception, what: str) -> Exception:
    """An exception from huggingface_hub → DownloadError, or _RetryableError for the ones worth retrying."""
    import httpx2
    from huggingface_hub import errors

    if isinstance(exc, errors.OfflineModeIsEnabled):
        return DownloadError(f"offline: {exc}")
    if isinstance(exc, errors.GatedRepoError):
        return DownloadError(f"access denied (gated model or missing/invalid HF_TOKEN): {what}")
    if isinstance(exc, errors.RepositoryNotFoundError | errors.RevisionNotFoundError | errors.RemoteEntryNotFoundError):
        status = exc.response.status_code if exc.response is not None else 404
        hint = " (if it is private or gated, set HF_TOKEN)" if status in (401, 403) else ""
        return DownloadError(f"not found on the hub: {what}{hint}")
    if isinstance(exc, errors.HfHubHTTPError):
        status = exc.response.status_code if exc.response is not None else 0
        known = _http_error(status, what)
        if known is not None:
            return known
        if status == 429 or status >= 500:
            return _RetryableError(f"HTTP {status} from the hub")
        return DownloadError(f"the hub refused the request for {what}: {str(exc).splitlines()[0]}")
    if isinstance(exc, httpx2.TooManyRedirects):
        return DownloadError(f"the hub redirected too many times (a redirect loop?): {what}")
    if isinstance(exc, httpx2.TransportError):
        return _RetryableError(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
    return exc


def _entry_what(entry: Downloadable) -> str:
    return f"{entry.repo}/{entry.subfolder}".rstrip("/")


def _list(entry: Downloadable, revision: str | None, stop: Callable[[], None] | None = None,
          delays: Sequence[float] = RETRY_DELAYS) -> tuple[str, dict[str, FileMeta]]:
    """(commit sha, files under the subfolder) — with retries on network errors."""
    _check_online()
    hub = _hub()
    api = hub.HfApi(endpoint=_endpoint(), token=_token())
    subfolder = entry.subfolder.strip("/")
    what = _entry_what(entry)

    def fetch() -> tuple[str, dict[str, FileMeta]]:
        sha = revision
        if not sha or not _HEX40.fullmatch(sha):
            sha = api.model_info(entry.repo, revision=sha or "main").sha
            if not sha:
                raise DownloadError(f"the hub gave no commit for {entry.repo}")
        prefix = f"{subfolder}/" if subfolder else ""
        metas: dict[str, FileMeta] = {}
        for item in api.list_repo_tree(entry.repo, path_in_repo=subfolder or None, recursive=True, expand=False,
                                       revision=sha):
            if not hasattr(item, "blob_id"):  # a folder
                continue
            path = str(item.path)
            if not path.startswith(prefix):
                if not _safe_relpath(path):
                    raise DownloadError(f"the hub listing of {what} has an unsafe file name: {_shown(path)}")
                continue  # outside the subfolder: not ours
            rel = path[len(prefix):]
            if not _safe_relpath(rel):
                raise DownloadError(f"the hub listing of {what} has an unsafe file name: {_shown(path)}")
            lfs = item.lfs
            metas[rel] = FileMeta(rel, int(item.size), str(lfs.sha256) if lfs else None,
                                  str(item.blob_id) if item.blob_id else None)
        return sha, metas

    return _with_retries(lambda: _stoppable(fetch, stop), what, stop, delays)


def _stoppable(fn: Callable[[], Any], stop: Callable[[], None] | None) -> Any:
    """Run *fn* (a hub API call through huggingface_hub's session, whose socket cannot be reached to cut it)
    on its own thread, checking *stop* every 50 ms: a pause or cancel during a listing stalled before its
    headers takes effect at once; the abandoned call ends on its own at its read timeout, its result dropped."""
    if stop is None:
        return fn()
    box: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="phidesk-hub-listing", daemon=True).start()
    while not done.wait(0.05):
        stop()  # raises _StopRequestedError
    if "error" in box:
        raise box["error"]
    return box["value"]


def _with_retries(fn: Callable[[], Any], what: str, stop: Callable[[], None] | None,
                  delays: Sequence[float]) -> Any:
    attempt = 0
    while True:
        try:
            return fn()
        except (DownloadError, _StopRequestedError):
            raise
        except Exception as exc:
            translated = _translate(exc, what)
            if not isinstance(translated, _RetryableError):
                raise translated from exc
            if attempt >= len(delays):
                raise DownloadError(f"network error: {translated} ({what})") from exc
            log.info("retrying %s in %.1fs: %s", what, delays[attempt], translated)
            _sleep(delays[attempt], stop)
            attempt += 1


def _sleep(seconds: float, stop: Callable[[], None] | None) -> None:
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        if stop:
            stop()
        time.sleep(min(0.05, left))


def hub_listing(entry: Downloadable) -> dict[str, FileMeta]:
    """The files of the entry's subfolder on the hub: relative path → size and checksum."""
    return _list(entry, getattr(entry, "revision", None))[1]


# --- one download --------------------------------------------------------------------------------------
class _Digest:
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


class _Download:
    def __init__(self, entry: Downloadable, job: Job, *, report: Callable[[Job], None] | None,
                 stop: Callable[[], str | None], free_space: FreeSpace, delays: Sequence[float],
                 replace: bool = False) -> None:
        self.entry = entry
        self.job = job
        self.report = report
        self.stop_request = stop
        self.free_space = free_space
        self.delays = tuple(delays)
        self.replace = replace
        self.model_id = model_id_for(entry)
        self.staging = staging_dir(entry)
        self.files_dir = self.staging / FILES_DIR
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
            raise _StopRequestedError(kind)

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
        self.staging.mkdir(parents=True, exist_ok=True)
        tmp = self.staging / f"{STATE_FILE}.tmp"
        tmp.write_text(json.dumps(self.state, indent=1), encoding="utf-8")
        tmp.replace(self.staging / STATE_FILE)
        self._last_save = time.monotonic()

    # --- the whole download ------------------------------------------------------------------
    def run(self) -> str:
        entry = self.entry
        if not _ID.fullmatch(self.model_id):
            raise UserError(f"not a valid model id: {self.model_id!r}")
        target = paths.models_dir() / self.model_id
        if target.exists() and not self.replace:
            raise UserError(f"a model named '{self.model_id}' is already installed (remove it first)")
        self._set_state("listing")
        old = _read_state(self.staging)
        revision = getattr(entry, "revision", None)
        if old and old.get("key") == entry.key and old.get("entry", {}).get("repo") == entry.repo:
            revision = old.get("revision") or revision  # finish the commit the .part files came from
        sha, listing = _list(entry, revision, self._stop, self.delays)
        wanted = [f.path.strip("/") for f in entry.files] or sorted(listing)
        metas = []
        for rel in wanted:
            if not _safe_relpath(rel):
                raise DownloadError(f"unsafe file name in the catalog entry {entry.key}: {_shown(rel)}")
            if rel not in listing:
                raise DownloadError(f"not found on the hub: {_entry_what(entry)}/{rel}")
            metas.append(listing[rel])
        if not metas:
            raise DownloadError(f"not found on the hub: {_entry_what(entry)} has no files")
        if entry.files and all(isinstance(f.size, int) for f in entry.files):
            # The catalog says what to expect; a hub that differs is reported, not guessed around.
            problems = check_listing(entry, {path: meta.size for path, meta in listing.items()})  # type: ignore[arg-type]
            if problems:
                raise DownloadError("the hub's files differ from PhiDesk's catalog: " + "; ".join(problems))

        old_files = (old or {}).get("files", {}) if (old or {}).get("revision") == sha else {}
        for meta in metas:  # files the hub now describes differently are fetched again
            before = old_files.get(meta.path, {})
            if (before.get("size"), before.get("sha256"), before.get("blob_id")) != (meta.size, meta.sha256,
                                                                                     meta.blob_id):
                for stale in (self.files_dir / meta.path, self.files_dir / (meta.path + PART)):
                    stale.unlink(missing_ok=True)
        self.state = {
            "version": 1, "key": entry.key, "model_id": self.model_id, "revision": sha,
            "entry": {"id": entry.id, "variant": entry.variant, "repo": entry.repo, "subfolder": entry.subfolder,
                      "files": [m.path for m in metas], "size_bytes": entry.size_bytes},
            "files": {m.path: {"size": m.size, "sha256": m.sha256, "blob_id": m.blob_id,
                               "verified": bool(old_files.get(m.path, {}).get("verified"))
                               and (self.files_dir / m.path).is_file()} for m in metas},
            "bytes_total": sum(m.size for m in metas),
        }
        self.job.bytes_total = self.state["bytes_total"]
        self.job.bytes_done = sum(self._have(m) for m in metas)
        self._check_disk(self.job.bytes_total - self.job.bytes_done)
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self._save_state()

        self._set_state("downloading")
        self._speed_t, self._speed_done = time.monotonic(), self.job.bytes_done
        session = _hub().utils.get_session()
        for meta in metas:
            self._fetch(session, sha, meta)
            self._save_state()

        self._set_state("verifying")
        try:
            read_model_folder(self.files_dir)
        except UserError as exc:
            raise DownloadError(f"the downloaded files are not a usable model: {exc}") from exc
        self._set_state("installing")
        source = f"hf://{entry.repo}/{entry.subfolder.strip('/')}".rstrip("/") + f"@{sha}"
        library._publish(self.files_dir, self.model_id, source, self.replace)
        shutil.rmtree(self.staging, ignore_errors=True)
        self.job.model_id = self.model_id
        self.job.eta_s = 0.0
        return self.model_id

    def _have(self, meta: FileMeta) -> int:
        if (self.files_dir / meta.path).is_file() and self.state["files"][meta.path]["verified"]:
            return meta.size
        part = self.files_dir / (meta.path + PART)
        return min(part.stat().st_size, meta.size) if part.is_file() else 0

    def _check_disk(self, remaining: int) -> None:
        folder = paths.models_dir()
        need = int(remaining * DISK_MARGIN)
        free = self.free_space(folder)
        if remaining > 0 and free < need:
            raise DownloadError(f"not enough disk space: need {_gb(need)} GB, {_gb(free)} GB free (in {folder})")

    # --- one file ------------------------------------------------------------------------------------
    def _fetch(self, session: Any, sha: str, meta: FileMeta) -> None:
        final = self.files_dir / meta.path
        record = self.state["files"][meta.path]
        if final.is_file() and record["verified"]:
            return
        part = final.with_name(final.name + PART)
        part.parent.mkdir(parents=True, exist_ok=True)
        if final.is_file():  # renamed but not recorded: check it again
            final.replace(part)
        self.job.current_file = meta.path
        self._emit(force=True)
        url = _hub().hf_hub_url(self.entry.repo, meta.path, subfolder=self.entry.subfolder.strip("/") or None,
                                revision=sha, endpoint=_endpoint())
        digest = _Digest(meta)
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
                    raise _RetryableError("the connection ended early")
            except _RetryableError as exc:
                self._stop()  # a connection cut by interrupt() is a pause or cancel, not a network error
                progressed = (part.stat().st_size if part.is_file() else 0) > before
                attempt = 0 if progressed else attempt
                if attempt >= len(self.delays):
                    raise DownloadError(f"network error: {exc} (downloading {meta.path})") from None
                log.info("download of %s interrupted (%s); retrying in %.1fs", meta.path, exc, self.delays[attempt])
                _sleep(self.delays[attempt], self._stop)
                attempt += 1
        self._verify(part, final, meta, digest)

    def _rehash(self, part: Path, digest: _Digest) -> None:
        digest.reset()
        if not part.is_file():
            return
        with part.open("rb") as fh:
            while data := fh.read(CHUNK):
                digest.update(data)
                self._stop()

    def _verify(self, part: Path, final: Path, meta: FileMeta, digest: _Digest) -> None:
        got = digest.hexdigest()
        if digest.count != meta.size or (digest.expected and got != digest.expected):
            part.unlink(missing_ok=True)
            self.job.bytes_done -= digest.count
            self._save_state()
            if digest.count != meta.size:
                detail = f"size {digest.count} ≠ expected {meta.size}"
            else:
                detail = f"{digest.label} {got[:12]}… ≠ expected {str(digest.expected)[:12]}…"
            raise DownloadError(f"{meta.path} failed verification: {detail}")
        part.replace(final)
        self.state["files"][meta.path]["verified"] = True

    def _request(self, session: Any, url: str, part: Path, *, offset: int, meta: FileMeta, digest: _Digest) -> None:
        import httpx2

        headers = _hub().utils.build_hf_headers(token=_token())
        headers["Accept-Encoding"] = "identity"
        if offset:
            headers["Range"] = f"bytes={offset}-"
        what = f"{_entry_what(self.entry)}/{meta.path}"
        try:
            with session.stream("GET", url, headers=headers, timeout=httpx2.Timeout(60.0, connect=20.0)) as resp:
                with self._lock:
                    self._live = resp
                self._stop()  # asked just before the response could be cut
                status = resp.status_code
                known = _http_error(status, what)
                if known is not None:
                    raise known
                if status == 429 or status >= 500:
                    raise _RetryableError(f"HTTP {status} from the hub")
                if status == 416:  # our .part is longer than what the server has: start over
                    part.unlink(missing_ok=True)
                    self.job.bytes_done -= offset
                    raise _RetryableError("the server refused to resume (HTTP 416)")
                if status == 206:
                    if not resp.headers.get("Content-Range", "").startswith(f"bytes {offset}-"):
                        raise _RetryableError(f"unexpected Content-Range {resp.headers.get('Content-Range')!r}")
                elif status == 200:
                    if offset:  # the server ignored Range: start from zero
                        self.job.bytes_done -= offset
                        offset = 0
                        digest.reset()
                else:
                    raise DownloadError(f"the hub answered HTTP {status} for {what}")
                with part.open("ab" if offset else "wb") as fh:
                    for piece in resp.iter_bytes():
                        if digest.count + len(piece) > meta.size:
                            fh.close()
                            part.unlink(missing_ok=True)
                            self.job.bytes_done -= digest.count
                            raise DownloadError(f"{meta.path} failed verification: the hub sent more than "
                                                f"the {meta.size} bytes it listed")
                        fh.write(piece)
                        digest.update(piece)
                        self.job.bytes_done += len(piece)
                        self._emit()
                        if time.monotonic() - self._last_save >= STATE_SAVE_INTERVAL_S:
                            fh.flush()
                            self._save_state()
                        self._stop()
        except httpx2.TooManyRedirects:
            raise DownloadError(f"the hub redirected too many times (a redirect loop?): {what}") from None
        except httpx2.TransportError as exc:
            raise _RetryableError(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__) from None
        except OSError as exc:
            raise DownloadError(f"could not write {part}: {exc.strerror or exc}") from None
        finally:
            with self._lock:
                self._live = None


# --- entry points ------------------------------------------------------------------------------------------
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

    runner = _Download(entry, job, report=report, stop=lambda: "pause" if should_stop and should_stop() else None,
                       free_space=free_space or default_free_space, delays=retry_delays, replace=replace)
    try:
        model_id = runner.run()
    except _StopRequestedError:
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
        self._runner: _Download | None = None
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
                job.state, job.error, job.speed_bps, job.eta_s = "queued", None, 0.0, None
                self._queue.append(key)
                self._cond.notify_all()
            elif job is None:
                state = _read_state(staging_dir(key))
                if state is None:
                    return None
                entry = _entry_from_state(state)
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
        runner = _Download(job.entry, job, report=self._emit, stop=lambda: self._control.get(key),
                           free_space=self._free_space, delays=self._delays)
        with self._cond:
            self._runner = runner
        try:
            job.model_id = runner.run()
            job.state = "done"
        except _StopRequestedError as stop:
            if stop.kind == "cancel":
                discard(key)
                job.state = "cancelled"
            else:
                job.state = "paused"
        except UserError as exc:
            job.state, job.error = "failed", str(exc)
        except Exception as exc:
            log.exception("download of %s failed", key)
            job.state, job.error = "failed", f"unexpected error: {exc}"
        finally:
            job.speed_bps, job.current_file = 0.0, None
            with self._cond:
                self._running = self._runner = None
                self._control.pop(key, None)
        self._emit(job)
