"""Build the double-click app for this OS: a one-folder PyInstaller bundle, with the starter model inside.

    python3 packaging/bootstrap.py package        # sets up .venv with [convert,package], then runs this

or, inside that environment, ``python packaging/build.py [--no-starter]``. Output in dist/:

- Linux: ``dist/PhiDesk/`` (run ``dist/PhiDesk/phidesk``) and ``dist/PhiDesk-<version>-linux-<arch>.tar.gz``
  with the .desktop file, AppStream metadata, icon and ``install-desktop-entry.sh``;
- Windows: ``dist/PhiDesk/PhiDesk.exe`` (+ ``phidesk-cli.exe``); the installer is made from it by Inno Setup
  (``iscc packaging/windows/phidesk.iss``);
- macOS: ``dist/PhiDesk.app``; ``packaging/macos/make_dmg.sh`` makes the .dmg.

It also writes ``dist/size-report.json``: the bundle's size and its largest parts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
DIST = ROOT / "dist"
APP_ID = "io.github.phidesk.PhiDesk"


def make_icons() -> None:
    """The icon at every size each OS wants, from one drawing (packaging/linux/phidesk.png is the source)."""
    from PIL import Image

    source = PACKAGING / "linux" / "phidesk.png"
    with Image.open(source) as img:
        big = img.convert("RGBA")
    (PACKAGING / "windows").mkdir(exist_ok=True)
    big.save(PACKAGING / "windows" / "phidesk.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    (PACKAGING / "macos").mkdir(exist_ok=True)
    big.resize((1024, 1024), Image.Resampling.LANCZOS).save(PACKAGING / "macos" / "PhiDesk.icns")


def windows_version_file(version: str) -> None:
    """The version resource PyInstaller embeds in the .exe files (Properties → Details)."""
    numbers = ", ".join(([*version.split(".")[:3], "0"] + ["0"] * 4)[:4])
    text = f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers=({numbers}), prodvers=({numbers})),
  kids=[
    StringFileInfo([StringTable('040904B0', [
      StringStruct('CompanyName', 'PhiDesk contributors'),
      StringStruct('FileDescription', 'PhiDesk - offline chat with small language models'),
      StringStruct('FileVersion', '{version}'),
      StringStruct('LegalCopyright', 'MIT License'),
      StringStruct('ProductName', 'PhiDesk'),
      StringStruct('ProductVersion', '{version}')])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""
    (PACKAGING / "windows" / "version_info.txt").write_text(text, encoding="utf-8")


def starter_dir() -> tuple[str, str]:
    from phidesk.models import starter

    return str(starter.build_cached(progress=lambda text: print(f"build: {text}", flush=True))), starter.BUILD_KEY


def pyinstaller(env: dict[str, str]) -> None:
    cmd = [sys.executable, "-m", "PyInstaller", str(PACKAGING / "phidesk.spec"), "--noconfirm", "--clean",
           "--distpath", str(DIST), "--workpath", str(ROOT / "build" / "pyinstaller"), "--log-level", "WARN"]
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)


def linux_tarball(version: str) -> Path:
    bundle = DIST / "PhiDesk"
    share = bundle / "share"
    for sub, name, source in (("applications", f"{APP_ID}.desktop", PACKAGING / "linux" / "phidesk.desktop"),
                              ("metainfo", f"{APP_ID}.metainfo.xml", PACKAGING / "linux" / "phidesk.metainfo.xml"),
                              ("icons/hicolor/256x256/apps", f"{APP_ID}.png", PACKAGING / "linux" / "phidesk.png")):
        (share / sub).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, share / sub / name)
    installer = bundle / "install-desktop-entry.sh"
    shutil.copyfile(PACKAGING / "linux" / "install-desktop-entry.sh", installer)
    installer.chmod(0o755)
    out = DIST / f"PhiDesk-{version}-linux-{platform.machine()}.tar.gz"
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(bundle, arcname=f"PhiDesk-{version}")
    return out


def size_report(bundle: Path, top: int = 12) -> dict[str, object]:
    """Total size and the largest files and top-level parts (folders under _internal count as one)."""
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    total = sum(p.stat().st_size for p in files)
    internal = next((d for d in (bundle / "_internal", bundle / "Contents" / "Frameworks") if d.is_dir()), bundle)
    parts: dict[str, int] = {}
    for p in files:
        rel = p.relative_to(internal) if p.is_relative_to(internal) else p.relative_to(bundle)
        key = rel.parts[0] if len(rel.parts) > 1 else rel.name
        parts[key] = parts.get(key, 0) + p.stat().st_size
    largest = sorted(files, key=lambda p: p.stat().st_size, reverse=True)[:top]
    return {
        "bundle": str(bundle),
        "total_mb": round(total / 2**20, 1),
        "files": len(files),
        "parts_mb": {k: round(v / 2**20, 1) for k, v in sorted(parts.items(), key=lambda kv: -kv[1])[:top]},
        "largest_files_mb": {str(p.relative_to(bundle)): round(p.stat().st_size / 2**20, 1) for p in largest},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-starter", action="store_true", help="leave the starter model out of the bundle")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    from phidesk import __version__

    make_icons()
    windows_version_file(__version__)
    env = dict(os.environ)
    if not args.no_starter:
        env["PHIDESK_STARTER_DIR"], env["PHIDESK_STARTER_KEY"] = starter_dir()
    pyinstaller(env)
    bundle = DIST / ("PhiDesk.app" if sys.platform == "darwin" else "PhiDesk")
    report = size_report(bundle)
    if sys.platform.startswith("linux"):
        tarball = linux_tarball(__version__)
        report["archive"] = str(tarball)
        report["archive_mb"] = round(tarball.stat().st_size / 2**20, 1)
    (DIST / "size-report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
