"""The Hugging Face hub, as the downloader sees it: where it is, who we are, whether we may ask, what it lists.

Everything that touches huggingface_hub's API lives here: the endpoint and token (read from the environment
at call time), offline mode (``HF_HUB_OFFLINE`` and PhiDesk's own offline setting), the listing of an entry's
files at one commit, the translation of its exceptions into one-line :class:`DownloadError` messages or
retryable failures, retries with back-off, and a listing call that a pause or cancel can abandon at once.
huggingface_hub is imported on first use only (it is slow to import and most runs never download).
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Sequence
from typing import Any

from phidesk.models.download.base import (
    Downloadable,
    DownloadError,
    FileMeta,
    RetryableError,
    StopRequestedError,
    entry_what,
    out_of_retries,
    safe_relpath,
    shown,
    sleep,
    transport_error,
)
from phidesk.texts import QT_TRANSLATE_NOOP, Text

log = logging.getLogger(__name__)

RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0)  # waits between the 6 attempts of one request
DEFAULT_ENDPOINT = "https://huggingface.co"
_HEX40 = re.compile(r"[0-9a-f]{40}")


def endpoint() -> str:
    # Read at call time: huggingface_hub reads HF_ENDPOINT once, when it is first imported.
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def token() -> str | None:
    return os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN") or None


def _offline() -> bool:
    value = os.environ.get("HF_HUB_OFFLINE", "")
    if value.strip().upper() in ("1", "ON", "YES", "TRUE"):
        return True
    from huggingface_hub import constants

    return bool(constants.HF_HUB_OFFLINE) and value == ""


def hub() -> Any:
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
        raise DownloadError(Text("Downloads", QT_TRANSLATE_NOOP(
            "Downloads", "offline: HF_HUB_OFFLINE is set, so nothing can be downloaded (unset it to download)")))
    if (reason := privacy.offline_reason(settings.load().offline)) is not None:
        raise DownloadError(reason)


def http_error(status: int, what: str) -> DownloadError | None:
    """The one-line error for an HTTP status that no retry can fix (access denied, not found), else None."""
    if status in (401, 403):
        return DownloadError(Text("Downloads", QT_TRANSLATE_NOOP(
            "Downloads", "access denied (gated model or missing/invalid HF_TOKEN): {what}"), what=what))
    if status == 404:
        return DownloadError(Text("Downloads", QT_TRANSLATE_NOOP(
            "Downloads", "not found on the hub: {what}"), what=what))
    return None


def _translate(exc: Exception, what: str) -> Exception:
    """An exception from huggingface_hub → DownloadError, or RetryableError for the ones worth retrying."""
    import httpx2
    from huggingface_hub import errors

    if isinstance(exc, errors.OfflineModeIsEnabled):
        return DownloadError(Text("Downloads", QT_TRANSLATE_NOOP("Downloads", "offline: {reason}"), reason=str(exc)))
    if isinstance(exc, errors.GatedRepoError):
        return DownloadError(Text("Downloads", QT_TRANSLATE_NOOP(
            "Downloads", "access denied (gated model or missing/invalid HF_TOKEN): {what}"), what=what))
    if isinstance(exc, errors.RepositoryNotFoundError | errors.RevisionNotFoundError | errors.RemoteEntryNotFoundError):
        status = exc.response.status_code if exc.response is not None else 404
        if status in (401, 403):
            return DownloadError(Text("Downloads", QT_TRANSLATE_NOOP(
                "Downloads", "not found on the hub: {what} (if it is private or gated, set HF_TOKEN)"), what=what))
        return DownloadError(Text("Downloads", QT_TRANSLATE_NOOP("Downloads", "not found on the hub: {what}"),
                                  what=what))
    if isinstance(exc, errors.HfHubHTTPError):
        status = exc.response.status_code if exc.response is not None else 0
        known = http_error(status, what)
        if known is not None:
            return known
        if status == 429 or status >= 500:
            return RetryableError(f"HTTP {status} from the hub")
        return DownloadError(Text("Downloads", QT_TRANSLATE_NOOP("Downloads", "the hub refused the request for {what}: "
                                                                             "{reason}"),
                                  what=what, reason=str(exc).splitlines()[0]))
    if isinstance(exc, httpx2.TooManyRedirects):
        return DownloadError(Text("Downloads", QT_TRANSLATE_NOOP(
            "Downloads", "the hub redirected too many times (a redirect loop?): {what}"), what=what))
    if isinstance(exc, httpx2.TransportError):
        return transport_error(exc)
    return exc


def list_files(entry: Downloadable, revision: str | None, stop: Callable[[], None] | None = None,
               delays: Sequence[float] = RETRY_DELAYS) -> tuple[str, dict[str, FileMeta]]:
    """(commit sha, files under the subfolder) — with retries on network errors."""
    _check_online()
    api = hub().HfApi(endpoint=endpoint(), token=token())
    subfolder = entry.subfolder.strip("/")
    what = entry_what(entry)

    def fetch() -> tuple[str, dict[str, FileMeta]]:
        # Asked even at a known commit: huggingface_hub's paginated tree listing below retries a refused
        # connection by itself for 23 s, this call does not, so a hub that cannot be reached is known at once.
        sha = api.model_info(entry.repo, revision=revision or "main").sha
        if revision and _HEX40.fullmatch(revision):
            sha = revision
        if not sha:
            raise DownloadError(Text("Downloads", QT_TRANSLATE_NOOP(
                "Downloads", "the hub gave no commit for {repo}"), repo=entry.repo))
        prefix = f"{subfolder}/" if subfolder else ""
        metas: dict[str, FileMeta] = {}
        for item in api.list_repo_tree(entry.repo, path_in_repo=subfolder or None, recursive=True, expand=False,
                                       revision=sha):
            if not hasattr(item, "blob_id"):  # a folder
                continue
            path = str(item.path)
            if not path.startswith(prefix):
                if not safe_relpath(path):
                    raise DownloadError(Text("Downloads", QT_TRANSLATE_NOOP(
                        "Downloads", "the hub listing of {what} has an unsafe file name: {name}"),
                        what=what, name=shown(path)))
                continue  # outside the subfolder: not ours
            rel = path[len(prefix):]
            if not safe_relpath(rel):
                raise DownloadError(Text("Downloads", QT_TRANSLATE_NOOP(
                        "Downloads", "the hub listing of {what} has an unsafe file name: {name}"),
                        what=what, name=shown(path)))
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
        stop()  # raises StopRequestedError
    if "error" in box:
        raise box["error"]
    return box["value"]


def _with_retries(fn: Callable[[], Any], what: str, stop: Callable[[], None] | None,
                  delays: Sequence[float]) -> Any:
    attempt = 0
    while True:
        try:
            return fn()
        except (DownloadError, StopRequestedError):
            raise
        except Exception as exc:
            translated = _translate(exc, what)
            if not isinstance(translated, RetryableError):
                raise translated from exc
            if (give_up := out_of_retries(translated, attempt, delays, what)) is not None:
                raise give_up from exc
            log.info("retrying %s in %.1fs: %s", what, delays[attempt], translated)
            sleep(delays[attempt], stop)
            attempt += 1


def hub_listing(entry: Downloadable) -> dict[str, FileMeta]:
    """The files of the entry's subfolder on the hub: relative path → size and checksum."""
    return list_files(entry, getattr(entry, "revision", None))[1]
