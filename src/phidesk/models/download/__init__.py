"""Downloading catalog models from the Hugging Face hub: resumable, verified, installed in one rename.

One entry (a repo and a subfolder of it) is fetched into a staging folder beside the library,
``<models>/.download-{id}-{variant}/``, which holds ``state.json`` and ``files/``; it survives the app being
closed, so a later run resumes where it stopped. Every file is checked against the hub's sha256 or git blob
sha1; when all are verified the folder is validated and published into the library.

Qt-free and onnxruntime_genai-free: the GUI and the CLI both use it.

A package rather than one module, because the work has four parts that change for different reasons, and a
package (not four sibling modules of ``phidesk.models``) so that every caller keeps importing
``phidesk.models.download`` and the names below, while the parts stay private to it:

- :mod:`.hub` — the huggingface_hub adapter: endpoint, token, offline mode, the listing at one commit,
  error translation, retries, and the listing call that a pause or cancel can abandon;
- :mod:`.staging` — the staging folder and its ``state.json`` (read with :mod:`phidesk.jsonfile`'s bounds),
  ``staging_dir``, ``discard``, ``pending_on_disk``;
- :mod:`.fetch` — the verified fetch: per-file HTTP with ``Range`` resume, digests, progress, and the
  interrupt that shuts a stalled socket down;
- :mod:`.runner` (one download from listing to install) and :mod:`.manager` (``download_blocking`` and the
  ``DownloadManager`` queue).

:mod:`.base` holds what they share: the entry protocol, the hub's file record, the job, the errors.
"""

from phidesk.models.download.base import (
    ACTIVE_STATES,
    MAX_NAME_BYTES,
    MAX_PATH_CHARS,
    Downloadable,
    DownloadableFile,
    DownloadError,
    DownloadPausedError,
    FileMeta,
    FreeSpace,
    HubUnreachableError,
    Job,
    JobState,
    model_id_for,
)
from phidesk.models.download.fetch import CHUNK, EMIT_INTERVAL_S, STATE_SAVE_INTERVAL_S
from phidesk.models.download.hub import DEFAULT_ENDPOINT, RETRY_DELAYS, hub_listing
from phidesk.models.download.manager import DownloadManager, download_blocking
from phidesk.models.download.runner import DISK_MARGIN, default_free_space
from phidesk.models.download.staging import (
    FILES_DIR,
    PART,
    STAGING_PREFIX,
    STATE_FILE,
    STATE_MAX_BYTES,
    discard,
    pending_on_disk,
    staging_dir,
)

__all__ = [
    "ACTIVE_STATES",
    "CHUNK",
    "DEFAULT_ENDPOINT",
    "DISK_MARGIN",
    "EMIT_INTERVAL_S",
    "FILES_DIR",
    "MAX_NAME_BYTES",
    "MAX_PATH_CHARS",
    "PART",
    "RETRY_DELAYS",
    "STAGING_PREFIX",
    "STATE_FILE",
    "STATE_MAX_BYTES",
    "STATE_SAVE_INTERVAL_S",
    "DownloadError",
    "DownloadManager",
    "DownloadPausedError",
    "Downloadable",
    "DownloadableFile",
    "FileMeta",
    "FreeSpace",
    "HubUnreachableError",
    "Job",
    "JobState",
    "default_free_space",
    "discard",
    "download_blocking",
    "hub_listing",
    "model_id_for",
    "pending_on_disk",
    "staging_dir",
]
