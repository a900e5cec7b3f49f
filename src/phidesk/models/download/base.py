"""What the parts of a download share: the entry it is asked for, the hub's file list, the job, the errors.

Nothing here does any work; :mod:`.hub`, :mod:`.staging`, :mod:`.fetch`, :mod:`.runner` and :mod:`.manager`
all speak in these terms.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from phidesk.errors import UserError
from phidesk.texts import QT_TRANSLATE_NOOP, Text

ID = re.compile(r"[a-z0-9][a-z0-9._-]*")  # a model id, and each half of a catalog key
MAX_NAME_BYTES = 255  # one file or folder name (most file systems)
MAX_PATH_CHARS = 512  # a whole relative path (Windows' MAX_PATH is 260 with the models folder in front)

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
    error_code: str | None = None  # the failure's UserError code: "hub_unreachable" gets its own advice
    model_id: str | None = None


# --- errors ------------------------------------------------------------------------------------------
class DownloadError(UserError):
    """A download that cannot go on; the message names the file or the reason in one sentence."""

    code = "download_failed"


class DownloadPausedError(UserError):
    """``download_blocking`` stopped because *should_stop* said so; the staging folder is kept."""

    code = "download_paused"


class StopRequestedError(Exception):
    """Raised inside the download thread when a pause or cancel was asked for (never leaves the package)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind  # "pause" | "cancel"


class HubUnreachableError(DownloadError):
    """No connection to the hub at all (name lookup, refused, connect timeout, TLS, proxy): the network or the
    Offline setting, not the download, is what the user can fix. What is downloaded so far is kept."""

    code = "hub_unreachable"

    def __init__(self, detail: str) -> None:
        super().__init__(Text("Downloads", QT_TRANSLATE_NOOP(
            "Downloads", "the Hugging Face hub cannot be reached ({detail}): check the network (or the Offline "
                         "setting), then try again"), detail=detail))
        self.detail = detail


class RetryableError(Exception):
    """A network failure worth another attempt (never leaves the package: it becomes a DownloadError).
    *unreachable*: no connection could be made at all (becomes a HubUnreachableError)."""

    def __init__(self, message: str, *, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable


UNREACHABLE_RETRIES = 2  # a failed name lookup or a refused connection is retried twice, not for 16 s


def transport_error(exc: Exception) -> RetryableError:
    """An httpx transport error as a retryable failure; those that made no connection are *unreachable*."""
    import httpx2

    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return RetryableError(text, unreachable=isinstance(exc, httpx2.ConnectError | httpx2.ConnectTimeout
                                                       | httpx2.ProxyError))


def out_of_retries(exc: RetryableError, attempt: int, delays: Sequence[float], what: str) -> DownloadError | None:
    """The error to give up with after *attempt* retries of *exc*, or None to try again."""
    if exc.unreachable and attempt >= min(UNREACHABLE_RETRIES, len(delays)):
        return HubUnreachableError(str(exc))
    if attempt >= len(delays):
        return DownloadError(Text("Downloads", QT_TRANSLATE_NOOP("Downloads", "network error: {error} ({what})"),
                                  error=str(exc), what=what))
    return None


# --- names ---------------------------------------------------------------------------------------------
def model_id_for(entry: Downloadable) -> str:
    return entry.id if entry.variant == "cpu" else f"{entry.id}-{entry.variant}"


def entry_what(entry: Downloadable) -> str:
    return f"{entry.repo}/{entry.subfolder}".rstrip("/")


def safe_relpath(name: str) -> bool:
    """A '/'-separated relative path of sane length that stays inside the folder it is joined to."""
    if not name or len(name) > MAX_PATH_CHARS or "\\" in name or "\0" in name or name.startswith("/") or ":" in name:
        return False
    return all(part not in ("", ".", "..") and len(part.encode("utf-8", "surrogatepass")) <= MAX_NAME_BYTES
               for part in name.split("/"))


def shown(name: str, limit: int = 80) -> str:
    """A name from outside, for a one-line message: repr'd (no control characters) and cut short."""
    text = repr(name)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(name):,} characters)"


def sleep(seconds: float, stop: Callable[[], None] | None) -> None:
    """Wait *seconds*, calling *stop* (which raises StopRequestedError) every 50 ms."""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        if stop:
            stop()
        time.sleep(min(0.05, left))
