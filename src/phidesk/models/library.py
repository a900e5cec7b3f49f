"""Installed models: list, resolve a name, import, remove.

Each model is a folder ``<models>/<id>/`` holding an onnxruntime-genai model and a
``phidesk.json`` manifest (where it came from, when). A model appears in the library
only complete and validated: it is built or copied into a staging folder beside the
library and moved into place in one rename.

The library never shares a file with a folder outside it: an import copies (editing the
installed model cannot change the user's folder, nor the other way round), a link in the
imported folder that points outside it is refused, and a full disk is said in one line
with nothing left half-installed. Only PhiDesk's own read-only starter cache is hard-linked.

Conversion (GGUF or Hugging Face checkpoint → onnxruntime-genai) runs in its own
process (``phidesk.models.convert``), so torch never enters this process.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from phidesk import jsonfile, paths
from phidesk.engine.modelinfo import ModelInfo, read_model_folder
from phidesk.errors import ModelFolderError, UserError
from phidesk.models import gguf
from phidesk.texts import QT_TRANSLATE_NOOP, Text, message_of

log = logging.getLogger(__name__)

MANIFEST = "phidesk.json"
STARTER_ID = "starter"
FREE_SPACE_MARGIN = 16 * 1024 * 1024  # besides the model itself: the manifest, the file system's own needs
Progress = Callable[[str], None]


@dataclass(frozen=True)
class InstalledModel:
    id: str
    path: Path
    info: ModelInfo | None
    problem: str | None  # why the folder is unusable, if it is
    source: str

    @property
    def usable(self) -> bool:
        return self.info is not None


MAX_ID_CHARS = 80


def slug(name: str) -> str:
    """A stable lower-case id from a file or folder name."""
    base = re.sub(r"\.(gguf|onnx)$", "", name.strip(), flags=re.IGNORECASE)
    text = re.sub(r"[^a-z0-9._-]+", "-", base.lower()).strip("-._")
    return text[:MAX_ID_CHARS] or "model"


def id_problem(model_id: str) -> Text | None:
    """Why *model_id* cannot name a new model (one line), or None: the ids ``slug`` makes, and not one in use."""
    if not model_id:
        return Text("ImportModel", QT_TRANSLATE_NOOP("ImportModel", "give the model a name"))
    if len(model_id) > MAX_ID_CHARS:
        return Text("ImportModel", QT_TRANSLATE_NOOP(
            "ImportModel", "a name has at most {count} characters"), count=MAX_ID_CHARS)
    if slug(model_id) != model_id:  # what import_path would install it as
        return Text("ImportModel", QT_TRANSLATE_NOOP(
            "ImportModel", "use lower-case letters, digits, '.', '_' and '-', with a letter or digit at each end"))
    if (paths.models_dir() / model_id).exists():
        return Text("ImportModel", QT_TRANSLATE_NOOP(
            "ImportModel", "a model named '{model}' is already installed: choose another name"), model=model_id)
    return None


def _read_manifest(folder: Path) -> dict[str, object]:
    try:
        return jsonfile.read_object(folder / MANIFEST, max_bytes=64 * 1024)
    except (OSError, jsonfile.JSONFileError):
        return {}


def _hub_cache_blobs(root: Path) -> Path | None:
    """The ``blobs`` folder when *root* is a snapshot folder of a Hugging Face hub cache
    (``…/models--org--name/snapshots/<commit>/…``): its files are links into that folder by design."""
    for ancestor in root.parents:
        if ancestor.name.startswith("models--") and (ancestor / "snapshots") in root.parents:
            blobs = ancestor / "blobs"
            return blobs if blobs.is_dir() else None
    return None


def outside_links(folder: Path) -> list[str]:
    """Names of the links in *folder* (top level) whose target is not a file or folder inside it
    (in a Hugging Face cache snapshot, a file in that repository's ``blobs`` counts as inside)."""
    root = folder.resolve()
    blobs = _hub_cache_blobs(root)
    names = []
    for entry in sorted(folder.iterdir()):
        if entry.is_symlink():
            try:
                target = entry.resolve(strict=True)
            except (OSError, RuntimeError):  # dangling, or a loop
                names.append(entry.name)
                continue
            if blobs is not None and target.is_file() and target.parent == blobs.resolve():
                continue
            if not target.is_relative_to(root) or target == root:
                names.append(entry.name)
    return names


def _check_links(folder: Path) -> None:
    if bad := outside_links(folder):
        target = (folder / bad[0]).readlink()
        raise ModelFolderError(Text("ImportModel", QT_TRANSLATE_NOOP(
            "ImportModel", "{folder}: {name} is a link to {target}, outside the model folder (copy the file into "
                           "the folder instead)"), folder=str(folder), name=str(bad[0]), target=str(target)))


def remove_tree(path: Path) -> None:
    """rmtree that also removes read-only files (Windows refuses to delete them otherwise)."""
    def make_writable(func: Callable[..., object], name: str, _exc: object) -> None:
        try:
            Path(name).chmod(0o700)
            func(name)
        except OSError:
            pass

    shutil.rmtree(path, onerror=make_writable)


def list_models() -> list[InstalledModel]:
    models = []
    for folder in sorted(paths.models_dir().iterdir()):
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        try:
            _check_links(folder)
            info, problem = read_model_folder(folder), None
        except ModelFolderError as exc:
            info, problem = None, message_of(exc)
        source = str(_read_manifest(folder).get("source", ""))
        models.append(InstalledModel(folder.name, folder, info, problem, source))
    return models


def installed(model_id: str) -> InstalledModel | None:
    folder = paths.models_dir() / model_id
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", model_id) or not folder.is_dir():
        return None
    return next((m for m in list_models() if m.id == model_id), None)


def default_model_id(preferred: str | None) -> str | None:
    """The model to use when none is named: the user's choice if installed, else the starter."""
    for candidate in (preferred, STARTER_ID):
        if candidate and (model := installed(candidate)) and model.usable:
            return candidate
    usable = [m.id for m in list_models() if m.usable]
    return usable[0] if usable else None


def resolve(name: str) -> ModelInfo:
    """An installed id or a model folder path → a validated ModelInfo (else UserError)."""
    model = installed(name)
    if model is not None:
        if model.info is None:
            raise ModelFolderError(f"model '{name}' is broken: {model.problem}")
        return model.info
    path = Path(name).expanduser()
    if path.exists() or "/" in name or "\\" in name or name.startswith("."):
        return read_model_folder(path)
    names = ", ".join(m.id for m in list_models()) or "none"
    raise UserError(f"unknown model '{name}' (installed: {names}; or give a model folder path)")


def _staging(model_id: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f".staging-{model_id}-", dir=paths.models_dir()))


def _publish(staging: Path, model_id: str, source: str, replace: bool) -> InstalledModel:
    """Validate *staging* and move it into the library as *model_id* in one rename."""
    read_model_folder(staging)
    (staging / MANIFEST).write_text(
        json.dumps({"id": model_id, "source": source, "installed_at": time.time()}, indent=2), encoding="utf-8"
    )
    target = paths.models_dir() / model_id
    if target.exists():
        if not replace:
            raise ModelExistsError(model_id)
        old = target.with_name(f".old-{model_id}-{int(time.time())}")
        target.replace(old)
        remove_tree(old)
    staging.replace(target)
    model = installed(model_id)
    assert model is not None
    return model


class ModelExistsError(UserError):
    """An import under an id that is taken (the CLI names its options for that)."""

    code = "model_exists"

    def __init__(self, model_id: str) -> None:
        super().__init__(Text("ImportModel", QT_TRANSLATE_NOOP(
            "ImportModel", "a model named '{model}' is already installed (remove it first, or import it under "
                           "another id)"), model=model_id))
        self.model_id = model_id


def _model_files(folder: Path) -> list[Path]:
    """The files an import takes from *folder*: regular files and links to files inside it."""
    _check_links(folder)
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name != MANIFEST)


def _no_space(needed: int, folder: Path) -> UserError:
    return UserError(Text("ImportModel", QT_TRANSLATE_NOOP(
        "ImportModel", "not enough disk space: needs {needed:,.0f} MB free in {folder}"),
        needed=needed / 1e6, folder=str(folder)), code="disk_full")


def _check_space(src: Path, dest: Path) -> None:
    """UserError when *dest*'s disk has less room than a copy of *src* needs."""
    needed = sum(f.stat().st_size for f in _model_files(src)) + FREE_SPACE_MARGIN
    if shutil.disk_usage(dest).free < needed:
        raise _no_space(needed, dest.parent)


def _copy_model_folder(src: Path, dest: Path, *, link: bool = False) -> None:
    """Copy the model's files into *dest* (the library never shares a file with a folder outside it).

    With *link* (only for PhiDesk's own read-only starter cache) the files are hard-linked where possible.
    A link inside *src* is copied as the file it points at.
    """
    files = _model_files(src)
    try:
        for file in files:
            target = dest / file.name
            if link:
                try:
                    os.link(file.resolve(), target)
                    continue
                except OSError:
                    pass
            shutil.copyfile(file.resolve(), target)
    except OSError as exc:
        if jsonfile.is_disk_full(exc):
            raise _no_space(sum(f.stat().st_size for f in files) + FREE_SPACE_MARGIN, dest.parent) from None
        raise


class Cancel:
    """Ends an import's converter process from another thread (the app quitting): ``cancel()`` returns
    at once; the import then raises UserError and leaves nothing installed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[str] | None = None
        self.cancelled = False

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            if self._proc is not None:
                _end_converter(self._proc)

    def attach(self, proc: subprocess.Popen[str] | None) -> None:
        with self._lock:
            self._proc = proc
            if proc is not None and self.cancelled:
                _end_converter(proc)


def _end_converter(proc: subprocess.Popen[str]) -> None:
    """End the converter and the model builder it runs (its process group, on POSIX); returns at once."""
    if proc.poll() is not None:
        return
    if sys.platform != "win32":
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)  # its own session (paths.helper_popen_kwargs): only its group
    with contextlib.suppress(OSError):
        proc.kill()


def convert_to(source: Path, out: Path, progress: Progress | None = None, cancel: Cancel | None = None) -> None:
    """Run the converter process; *out* must not exist yet. *cancel* can end it from another thread."""
    cmd = [sys.executable, "-m", "phidesk.models.convert", str(source), str(out)]
    log.info("converting: %s", cmd)
    convert_log = paths.logs_dir() / "convert.log"
    last = ""
    with convert_log.open("a", encoding="utf-8") as log_fh, subprocess.Popen(
        cmd, stdout=log_fh, stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace",
        **paths.helper_popen_kwargs(),
    ) as proc:
        assert proc.stderr is not None
        if cancel is not None:
            cancel.attach(proc)
        try:
            for line in proc.stderr:
                log_fh.write(line)
                if line.startswith("convert: "):
                    last = line[len("convert: "):].strip()
                    if progress:
                        progress(last)
            code = proc.wait()
        except BaseException:  # Ctrl+C (it reaches only this process) or an error here: the converter goes too
            _end_converter(proc)
            raise
        finally:
            if cancel is not None:
                cancel.attach(None)
    if cancel is not None and cancel.cancelled:
        raise UserError(Text("ImportModel", QT_TRANSLATE_NOOP(
            "ImportModel", "the conversion of {name} was stopped; nothing was installed"), name=source.name),
            code="cancelled")
    if code == 3:
        raise UserError(Text("ImportModel", QT_TRANSLATE_NOOP(
            "ImportModel", "converting needs the conversion tools: {command}"),
            command="pip install 'phidesk[convert]'"))
    if code != 0:
        why = last or Text("ImportModel", QT_TRANSLATE_NOOP("ImportModel", "exit status {code}"), code=code)
        raise UserError(Text("ImportModel", QT_TRANSLATE_NOOP(
            "ImportModel", "could not convert {name}: {why} (log: {log})"),
                             name=source.name, why=why, log=str(convert_log)))


def import_path(path: str | Path, model_id: str | None = None, replace: bool = False,
                progress: Progress | None = None, source: str | None = None, *, link: bool = False,
                cancel: Cancel | None = None) -> InstalledModel:
    """Install a GGUF file, a Hugging Face checkpoint folder, or an onnxruntime-genai folder.

    *cancel* ends a conversion from another thread (the window closing).
    The files are copied; *link* hard-links them instead and is only for PhiDesk's own read-only caches.
    """
    src = Path(path).expanduser()
    if not src.exists():
        raise UserError(Text("ImportModel", QT_TRANSLATE_NOOP("ImportModel", "{path}: no such file or folder"),
                             path=str(src)))
    model_id = slug(model_id or src.resolve().name)
    if not replace and (paths.models_dir() / model_id).exists():
        raise ModelExistsError(model_id)
    if src.is_file() and src.suffix.lower() != ".gguf":
        raise ModelFolderError(Text("ImportModel", QT_TRANSLATE_NOOP(
            "ImportModel", "{path}: is a file, not a model folder or a .gguf file"), path=str(src)))
    if src.is_file():
        gguf.check(src)  # a file cut short is one line here, not the converter's struct errors
    is_checkpoint = src.is_dir() and not (src / "genai_config.json").exists() and (src / "config.json").exists()
    staging = _staging(model_id)
    try:
        if src.is_file() or is_checkpoint:
            shutil.rmtree(staging)
            convert_to(src, staging, progress, cancel)
        else:
            _check_links(src)
            # A hub cache snapshot's files are links into its blobs: the copy is what gets checked.
            from_cache = _hub_cache_blobs(src.resolve()) is not None
            info = None if from_cache else read_model_folder(src)
            if not link:
                _check_space(src, staging)
            if progress:
                size = info.size_bytes if info else sum(f.stat().st_size for f in _model_files(src))
                progress(f"{'linking' if link else 'copying'} {size / 1e6:.0f} MB")
            _copy_model_folder(src, staging, link=link)
            if info is None:
                try:
                    read_model_folder(staging)
                except ModelFolderError as exc:
                    raise ModelFolderError(_moved(message_of(exc), staging, src)) from None
        try:
            return _publish(staging, model_id, source or str(src.resolve()), replace)
        except OSError as exc:
            if jsonfile.is_disk_full(exc):
                raise UserError(Text("ImportModel", QT_TRANSLATE_NOOP(
                    "ImportModel", "not enough disk space in {folder}"),
                                     folder=str(paths.models_dir())), code="disk_full") from None
            raise
    finally:
        if staging.exists():
            remove_tree(staging)


def _moved(message: str, old: Path, new: Path) -> str:
    """*message* naming *new* where it named *old* (a Text stays a Text: its values are paths)."""
    if isinstance(message, Text):
        return message.with_values(**{key: _moved(value, old, new) for key, value in message.values.items()
                                      if isinstance(value, str)})
    return message.replace(str(old), str(new))


def remove(model_id: str) -> Path:
    model = installed(model_id)
    if model is None:
        names = ", ".join(m.id for m in list_models()) or "none"
        raise UserError(f"unknown model '{model_id}' (installed: {names})")
    trash = model.path.with_name(f".removing-{model_id}-{int(time.time())}")
    model.path.replace(trash)
    remove_tree(trash)
    return model.path
