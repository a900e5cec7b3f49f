"""Where the window's translations are, and compiling them (no Qt classes here: the setup hook uses the same rules).

``resources/i18n/phidesk_<lang>.ts`` are the sources translators edit (committed); ``phidesk_<lang>.qm`` the
compiled files Qt loads, made by ``lrelease``. A wheel and the double-click app carry only the ``.qm`` (compiled
when they are built). A source checkout or an editable install has only the ``.ts``: the first start compiles
each one it needs into the cache folder, under a name holding a hash of the ``.ts``, so an edited ``.ts`` is
compiled again and an unchanged one never (reading and hashing the file is the whole cost of a later start).
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

from phidesk import paths
from phidesk.settings import LANGUAGE_CODE

log = logging.getLogger(__name__)

PREFIX = "phidesk_"


DIR_ENV = "PHIDESK_I18N_DIR"
"""A folder of ``.ts``/``.qm`` files used instead of PhiDesk's own (a translator trying a new language)."""


def i18n_dir() -> Path | None:
    """The folder with the translations (``PHIDESK_I18N_DIR``, else phidesk.resources/i18n), if there is one."""
    if os.environ.get(DIR_ENV):
        folder = Path(os.environ[DIR_ENV]).expanduser()
        return folder if folder.is_dir() else None
    try:
        folder = Path(str(resources.files("phidesk.resources").joinpath("i18n")))
    except (ModuleNotFoundError, TypeError):
        return None
    return folder if folder.is_dir() else None


def available(folder: Path | None = None) -> list[str]:
    """The languages PhiDesk has a translation for (from ``phidesk_<code>.ts`` / ``.qm``), sorted."""
    folder = folder or i18n_dir()
    if folder is None:
        return []
    codes = {p.stem[len(PREFIX):] for p in folder.iterdir() if p.name.startswith(PREFIX) and p.suffix in (".ts", ".qm")}
    return sorted(c for c in codes if LANGUAGE_CODE.match(c))


def tool(name: str) -> Path | None:
    """Qt's ``lrelease`` / ``lupdate`` as PySide6 ships them (its wheel has them beside the package), or None."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or spec.origin is None:
        return None
    exe = Path(spec.origin).parent / (f"{name}.exe" if sys.platform == "win32" else name)
    return exe if exe.is_file() else None


def compile_ts(ts: Path, qm: Path, timeout: float = 60) -> None:
    """``lrelease`` *ts* into *qm* (written beside as a temporary file, then renamed). OSError when it fails."""
    lrelease = tool("lrelease")
    if lrelease is None:
        raise OSError("PySide6's lrelease is not installed")
    qm.parent.mkdir(parents=True, exist_ok=True)
    partial = qm.with_name(f"{qm.name}.{os.getpid()}.part")
    try:
        proc = subprocess.run([str(lrelease), "-silent", str(ts), "-qm", str(partial)], capture_output=True,
                              text=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL,
                              **paths.helper_popen_kwargs())
        if proc.returncode != 0 or not partial.is_file():
            raise OSError(f"lrelease failed on {ts.name}: {(proc.stderr or proc.stdout).strip()[:300]}")
        partial.replace(qm)
    except subprocess.TimeoutExpired as exc:
        raise OSError(f"lrelease took over {timeout:.0f} s on {ts.name}") from exc
    finally:
        partial.unlink(missing_ok=True)


def qm_file(code: str, folder: Path | None = None) -> Path | None:
    """The compiled translation for *code*: the shipped ``.qm``, or the ``.ts`` compiled into the cache."""
    folder = folder or i18n_dir()
    if folder is None:
        return None
    ts, shipped = folder / f"{PREFIX}{code}.ts", folder / f"{PREFIX}{code}.qm"
    if not ts.is_file():
        return shipped if shipped.is_file() else None
    digest = hashlib.sha256(ts.read_bytes()).hexdigest()[:16]
    cached = paths.cache_dir() / "i18n" / f"{PREFIX}{code}-{digest}.qm"
    if cached.is_file():
        return cached
    if shipped.is_file() and shipped.stat().st_mtime >= ts.stat().st_mtime:
        return shipped  # compiled from this .ts in place (a developer's build)
    try:
        compile_ts(ts, cached)
    except OSError as exc:
        log.warning("could not compile the %s translation: %s", code, exc)
        return shipped if shipped.is_file() else None
    for old in cached.parent.glob(f"{PREFIX}{code}-*.qm"):  # earlier versions of this .ts
        if old != cached:
            old.unlink(missing_ok=True)
    log.info("compiled the %s translation into %s", code, cached)
    return cached
