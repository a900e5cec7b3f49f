#!/usr/bin/env python3
"""Smoke test of the packaged Linux app: unpack, start as an ordinary user, ask the starter model.

    python3 packaging/smoke_linux.py [--tarball dist/PhiDesk-*.tar.gz] [--screenshot shot.png]

Standard library only, and run with the system's python3: nothing from the project's virtual
environment is used. Needs Xvfb, xdotool and ImageMagick's ``import`` (for the screenshot).

1. unpacks the tarball into a fresh folder;
2. as root, runs the app as the ordinary user ``phidesk-smoke`` (created if missing); otherwise as you;
3. starts it under Xvfb with an empty environment (a fresh HOME whose only setting is greedy decoding,
   and a PATH holding no program at all, so no Python can be borrowed) and waits for its window;
4. types "What is the capital of France?" into the window, presses Enter, and reads the answer from
   the conversation database the app writes (in the fresh HOME);
5. takes a screenshot, closes the window with Ctrl+Q and checks that no PhiDesk process is left.

Prints one JSON line; exit 0 when the answer mentions Paris.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pwd
import shutil
import signal
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USER = "phidesk-smoke"
QUESTION = "What is the capital of France?"


def run_as(user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--"] if user else []


@contextlib.contextmanager
def xvfb() -> Iterator[str]:
    display = next(n for n in range(120, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    proc = subprocess.Popen(["Xvfb", f":{display}", "-screen", "0", "1400x900x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not Path(f"/tmp/.X11-unix/X{display}").exists():
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("smoke: Xvfb did not start")
            time.sleep(0.1)
        yield f":{display}"
    finally:
        proc.terminate()
        proc.wait(10)


def xdotool(display: str, *args: str, timeout: float = 10) -> str:
    done = subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=timeout, check=False,
                          env={"DISPLAY": display, "PATH": os.environ.get("PATH", "/usr/bin:/bin")})
    return done.stdout.strip()


def answer(db: Path) -> tuple[str, str] | None:
    if not db.is_file():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)) as conn:
            row = conn.execute("SELECT content, status FROM messages WHERE role = 'assistant' "
                               "ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.Error:
        return None
    return (row[0], row[1]) if row else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="default: the newest dist/PhiDesk-*-linux-*.tar.gz")
    parser.add_argument("--screenshot", type=Path, default=ROOT / "dist" / "smoke-screenshot.png")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    tarball = args.tarball or max((ROOT / "dist").glob("PhiDesk-*-linux-*.tar.gz"),
                                  key=lambda p: p.stat().st_mtime, default=None)
    if tarball is None or not tarball.is_file():
        print("smoke: no tarball: run packaging/build.py first (or pass --tarball)", file=sys.stderr)
        return 2
    for tool in ("Xvfb", "xdotool"):
        if shutil.which(tool) is None:
            print(f"smoke: {tool} is missing (apt install xvfb xdotool imagemagick)", file=sys.stderr)
            return 2
    user = None
    if os.geteuid() == 0:
        user = USER
        try:
            pwd.getpwnam(USER)
        except KeyError:
            subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", USER], check=True)
    result: dict[str, object] = {"tarball": str(tarball), "user": user or pwd.getpwuid(os.getuid()).pw_name}
    with tempfile.TemporaryDirectory(prefix="phidesk-smoke-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)
        with tarfile.open(tarball) as tar:
            tar.extractall(work / "app", filter="tar")
        app = next((work / "app").glob("PhiDesk-*/phidesk"))
        # The Hindi window's files: the compiled translation and the Devanagari font for machines without one.
        result["hindi_files"] = sorted(p.name for pattern in ("**/resources/i18n/phidesk_hi.qm",
                                                              "**/resources/fonts/NotoSansDevanagari-*.ttf")
                                       for p in app.parent.glob(pattern))
        home, empty_bin = work / "home", work / "empty-bin"
        home.mkdir()
        empty_bin.mkdir()
        # Greedy decoding, so the tiny starter model answers the same way every time (the only setting made).
        config = home / ".config" / "PhiDesk"
        config.mkdir(parents=True)
        (config / "settings.json").write_text(json.dumps({"version": 1, "sampling": {"temperature": 0}}))
        if user:
            entry = pwd.getpwnam(user)
            for path in (home, empty_bin, home / ".config", config, config / "settings.json"):
                os.chown(path, entry.pw_uid, entry.pw_gid)
            subprocess.run(["chmod", "-R", "a+rX", str(work / "app")], check=True)
        with xvfb() as display:
            env = ["env", "-i", f"HOME={home}", f"DISPLAY={display}", f"PATH={empty_bin}", "LANG=C.UTF-8",
                   f"XDG_RUNTIME_DIR={home}"]
            started = time.monotonic()
            proc = subprocess.Popen([*run_as(user), *env, str(app)], stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, start_new_session=True)
            window = ""
            while not window and time.monotonic() - started < 120 and proc.poll() is None:
                window = xdotool(display, "search", "--onlyvisible", "--name", "^PhiDesk$").split("\n")[0]
                time.sleep(0.5)
            result["window_s"] = round(time.monotonic() - started, 1)
            if not window:
                out = proc.stdout.read().decode(errors="replace")[-2000:] if proc.poll() is not None and proc.stdout \
                    else ""
                result.update(ok=False, error="no window appeared", output=out)
                print(json.dumps(result))
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                return 1
            time.sleep(2)  # let the first event-loop turns finish
            xdotool(display, "windowfocus", "--sync", window)  # no window manager under Xvfb: focus directly
            xdotool(display, "key", "ctrl+l")
            xdotool(display, "type", "--delay", "20", QUESTION)
            xdotool(display, "key", "Return")
            asked = time.monotonic()
            db = home / ".local" / "share" / "PhiDesk" / "conversations.sqlite3"  # platformdirs' data folder
            got = None
            while time.monotonic() - asked < args.timeout:
                got = answer(db)
                if got and got[1] != "streaming" and got[0]:
                    break
                time.sleep(0.5)
            result["answer_s"] = round(time.monotonic() - asked, 1)
            result["answer"] = got[0] if got else None
            result["status"] = got[1] if got else None
            time.sleep(1)
            if shutil.which("import"):
                args.screenshot.parent.mkdir(parents=True, exist_ok=True)
                subprocess.run(["import", "-display", display, "-window", "root", str(args.screenshot)], check=False)
                result["screenshot"] = str(args.screenshot)
            xdotool(display, "windowfocus", "--sync", window)  # no window manager under Xvfb: focus directly
            xdotool(display, "key", "ctrl+q")
            try:
                proc.wait(30)
                result["exit_code"] = proc.returncode
            except subprocess.TimeoutExpired:
                result["exit_code"] = "did not exit in 30 s"
                os.killpg(proc.pid, signal.SIGKILL)
            time.sleep(1)
            left = subprocess.run(["pgrep", "-f", str(app)], capture_output=True, text=True, check=False).stdout
            result["processes_left"] = len(left.split())
    ok = bool(result["answer"]) and "Paris" in str(result["answer"]) and result["exit_code"] == 0 \
        and result["processes_left"] == 0 and len(result["hindi_files"]) == 3  # type: ignore[arg-type]
    result["ok"] = ok
    print(json.dumps(result))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
