"""One download from start to end: list the entry at one commit, plan the staging folder, fetch, validate, install.

:class:`Download` adds to the per-file :class:`~phidesk.models.download.fetch.Fetcher` what concerns the
entry as a whole: the model id it installs as (refused if taken, unless replacing), the commit to finish
(the one the ``.part`` files came from), the files the catalog asks for checked against the hub's listing,
files the hub now describes differently fetched again, the free disk space, and at the end the folder
validated as a model and published into the library in one rename.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from phidesk import paths
from phidesk.engine.modelinfo import read_model_folder
from phidesk.errors import UserError
from phidesk.models import library
from phidesk.models.catalog import check_listing
from phidesk.models.download import hub, staging
from phidesk.models.download.base import (
    ID,
    Downloadable,
    DownloadError,
    FileMeta,
    FreeSpace,
    Job,
    entry_what,
    model_id_for,
    safe_relpath,
    shown,
)
from phidesk.models.download.fetch import Fetcher
from phidesk.texts import QT_TRANSLATE_NOOP, Text, message_of

DISK_MARGIN = 1.05


def default_free_space(folder: Path) -> int:
    return shutil.disk_usage(folder).free


class Download(Fetcher):
    def __init__(self, entry: Downloadable, job: Job, *, report: Callable[[Job], None] | None,
                 stop: Callable[[], str | None], free_space: FreeSpace, delays: Sequence[float],
                 replace: bool = False) -> None:
        super().__init__(entry, job, report=report, stop=stop, delays=delays)
        self.free_space = free_space
        self.replace = replace
        self.model_id = model_id_for(entry)

    def run(self) -> str:
        entry = self.entry
        if not ID.fullmatch(self.model_id):
            raise UserError(f"not a valid model id: {self.model_id!r}")
        target = paths.models_dir() / self.model_id
        if target.exists() and not self.replace:
            raise UserError(Text("Downloads", QT_TRANSLATE_NOOP(
                "Downloads", "a model named '{model}' is already installed (remove it first)"), model=self.model_id))
        self._set_state("listing")
        old = staging.read_state(self.staging)
        revision = getattr(entry, "revision", None)
        if old and old.get("key") == entry.key and old.get("entry", {}).get("repo") == entry.repo:
            revision = old.get("revision") or revision  # finish the commit the .part files came from
        sha, listing = hub.list_files(entry, revision, self._stop, self.delays)
        wanted = [f.path.strip("/") for f in entry.files] or sorted(listing)
        metas = []
        for rel in wanted:
            if not safe_relpath(rel):
                raise DownloadError(f"unsafe file name in the catalog entry {entry.key}: {shown(rel)}")
            if rel not in listing:
                raise DownloadError(Text("Downloads", QT_TRANSLATE_NOOP(
                    "Downloads", "not found on the hub: {what}"), what=f"{entry_what(entry)}/{rel}"))
            metas.append(listing[rel])
        if not metas:
            raise DownloadError(Text("Downloads", QT_TRANSLATE_NOOP(
                "Downloads", "not found on the hub: {what} has no files"), what=entry_what(entry)))
        if entry.files and all(isinstance(f.size, int) for f in entry.files):
            # The catalog says what to expect; a hub that differs is reported, not guessed around.
            problems = check_listing(entry, {path: meta.size for path, meta in listing.items()})  # type: ignore[arg-type]
            if problems:
                raise DownloadError(Text("Downloads", QT_TRANSLATE_NOOP(
                    "Downloads", "the hub's files differ from PhiDesk's catalog: {problems}"),
                    problems="; ".join(problems)))

        old_files = (old or {}).get("files", {}) if (old or {}).get("revision") == sha else {}
        for meta in metas:  # files the hub now describes differently are fetched again
            before = old_files.get(meta.path, {})
            if (before.get("size"), before.get("sha256"), before.get("blob_id")) != (meta.size, meta.sha256,
                                                                                     meta.blob_id):
                for stale in (self.files_dir / meta.path, self.files_dir / (meta.path + staging.PART)):
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
        session = hub.hub().utils.get_session()
        for meta in metas:
            self._fetch(session, sha, meta)
            self._save_state()

        self._set_state("verifying")
        try:
            read_model_folder(self.files_dir)
        except UserError as exc:
            raise DownloadError(Text("Downloads", QT_TRANSLATE_NOOP(
                "Downloads", "the downloaded files are not a usable model: {reason}"), reason=message_of(exc))) from exc
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
        part = self.files_dir / (meta.path + staging.PART)
        return min(part.stat().st_size, meta.size) if part.is_file() else 0

    def _check_disk(self, remaining: int) -> None:
        folder = paths.models_dir()
        need = int(remaining * DISK_MARGIN)
        free = self.free_space(folder)
        if remaining > 0 and free < need:
            raise DownloadError(Text("Downloads", QT_TRANSLATE_NOOP(
                "Downloads", "not enough disk space: need {need:,.2f} GB, {free:,.2f} GB free (in {folder})"),
                need=need / 1e9, free=free / 1e9, folder=str(folder)))

