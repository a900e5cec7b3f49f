"""Nothing leaves the machine: the real window, a loaded model and two answers, under a syscall tracer.

The runtime (onnxruntime and onnxruntime-genai 0.18) carries a telemetry client that is on by
default: ~8 s after a model loads it looks up mobile.events.data.microsoft.com and writes a device
id and event databases under ~/.cache/Microsoft. This test runs the real window (offscreen) for 45 s
after its model loads, with HOME pointing at an empty folder, under ``strace -f`` (every process the
app starts is traced too: the worker, and the provider probe when it runs), and requires

* no connect()/sendto()/sendmsg() to anything but loopback, and no name lookup at all (DNS port 53,
  the nscd or systemd-resolved sockets);
* no file created, written, renamed, linked or removed outside PHIDESK_HOME, PHIDESK_CACHE and the
  temp folder.

strace comes from Debian (``.ci/run`` installs it as root and sets PHIDESK_REQUIRE_STRACE=1, so that
CI fails rather than skips when it is missing).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from phidesk import settings
from tests.remote_standin import WORDS, StandIn

ROOT = Path(__file__).resolve().parents[2]
ALIVE_S = 45
TRACED = ("%network,openat,open,creat,mkdir,mkdirat,rename,renameat,renameat2,link,linkat,symlink,symlinkat,"
          "truncate,unlink,unlinkat,rmdir")
WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND")
PATH_ARG = re.compile(r'(?:(AT_FDCWD|\d+<(?P<dir>[^>]*)>)\s*,\s*)?"(?P<path>(?:[^"\\]|\\.)*)"')

pytestmark = [pytest.mark.slow, pytest.mark.linux]


def _strace() -> str:
    found = shutil.which("strace")
    if found is None:
        if os.environ.get("PHIDESK_REQUIRE_STRACE") == "1":
            pytest.fail("strace is required here (PHIDESK_REQUIRE_STRACE=1) but not installed")
        pytest.skip("strace is not installed (Debian: apt install strace)")
    return found


def network_violations(lines: list[str]) -> list[str]:
    """Calls that reach, or try to reach, beyond this machine — or look a name up."""
    bad = []
    for line in lines:
        if not re.search(r"\b(connect|sendto|sendmsg|sendmmsg)\(", line):
            continue
        if "sun_path=" in line:
            if re.search(r'sun_path="[^"]*(nscd|resolve)', line):
                bad.append(line)
            continue
        inet = re.search(r"sa_family=AF_INET6?", line)
        if not inet:
            if "microsoft" in line.lower():
                bad.append(line)
            continue
        port = re.search(r"htons\((\d+)\)", line)
        loopback = re.search(r'inet_addr\("127\.|inet_pton\(AF_INET6, "::1"|"::ffff:127\.', line)
        if not loopback or (port and port.group(1) == "53"):
            bad.append(line)
    return bad


def _paths_written(line: str) -> list[str]:
    call = re.search(r"\b(openat|open|creat|mkdir|mkdirat|rename|renameat2?|link|linkat|symlink|symlinkat|truncate|"
                     r"unlink|unlinkat|rmdir)\(", line)
    if call is None:
        return []
    name = call.group(1)
    if name in ("open", "openat") and not any(flag in line for flag in WRITE_FLAGS):
        return []
    found = []
    for match in PATH_ARG.finditer(line[call.end() - 1:]):
        path = match.group("path")
        if match.group("dir") and not path.startswith("/"):
            path = f"{match.group('dir')}/{path}"
        found.append(path)
    if name in ("symlink", "symlinkat"):
        found = found[1:]  # the first argument is the link's text, not a file written
    return found


def file_violations(lines: list[str], allowed: list[Path], cwd: Path) -> list[str]:
    roots = [str(p.resolve()) for p in allowed] + ["/dev/", "/proc/"]
    bad = []
    for line in lines:
        for path in _paths_written(line):
            full = os.path.normpath(path if path.startswith("/") else str(cwd / path))
            if not any(full == r.rstrip("/") or full.startswith(r.rstrip("/") + "/") for r in roots):
                bad.append(line)
    return bad


def test_the_parsers_catch_what_the_runtime_did() -> None:
    """Lines as strace printed them for onnxruntime 0.18's telemetry before PhiDesk turned it off."""
    dns = ('7054  sendto(12, "\\24\\363\\1\\0\\0\\1\\0\\0\\0\\0\\0\\0\\6mobile\\6events\\4data\\tmicrosoft\\3com\\0", '
           '50, MSG_NOSIGNAL, NULL, 0) = 50')
    connect = ('7053  connect(13<socket:[1]>, {sa_family=AF_INET, sin_port=htons(53), '
               'sin_addr=inet_addr("10.255.255.53")}, 16) = 0')
    nscd = '7053  connect(12<socket:[2]>, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT'
    local = ('7000  connect(5<socket:[3]>, {sa_family=AF_INET, sin_port=htons(8080), '
             'sin_addr=inet_addr("127.0.0.1")}, 16) = 0')
    assert network_violations([dns, connect, nscd, local]) == [dns, connect, nscd]
    home = Path("/h")
    wrote = ('6882  openat(7</h/.cache/Microsoft/DeveloperTools/.onnxruntime>, "deviceid.tmp.99", '
             'O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, 0600) = 8')
    made = '6882  mkdir("/h/.cache/Microsoft", 0700) = 0'
    ours = '6882  openat(AT_FDCWD, "/p/data/conversations.sqlite3", O_RDWR|O_CREAT|O_CLOEXEC, 0644) = 4'
    read = '6882  openat(AT_FDCWD, "/h/.config/fontconfig/fonts.conf", O_RDONLY|O_CLOEXEC) = 4'
    assert file_violations([wrote, made, ours, read], [Path("/p")], home) == [wrote, made]


def _traced(strace: str, script: list[str], phidesk_home: Path, tmp_path: Path,
            timeout: float) -> tuple[subprocess.CompletedProcess[str], Path, Path, Path]:
    """Run a Python *script* (its path and arguments) under ``strace -f`` with HOME an empty folder and only the
    environment the app needs; the run, the trace, that HOME and the temp folder."""
    user_home = tmp_path / "empty-home"
    user_home.mkdir()
    temp = tmp_path / "tmp"
    temp.mkdir()
    cache = Path(os.environ["PHIDESK_CACHE"])
    log = tmp_path / "trace.log"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(user_home),
        "TMPDIR": str(temp),
        "PHIDESK_HOME": str(phidesk_home),
        "PHIDESK_CACHE": str(cache),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONDONTWRITEBYTECODE": "1",  # a source checkout's __pycache__ is not the app writing
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
    }
    done = subprocess.run(
        [strace, "-f", "-qq", "-y", "-s", "160", "-o", str(log), "-e", f"trace={TRACED}", sys.executable, *script],
        cwd=temp, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    return done, log, user_home, temp


def inet_destinations(lines: list[str]) -> set[tuple[str, int]]:
    """Where the traced processes connected or sent over IPv4/IPv6: (address, port) pairs."""
    found = set()
    for line in lines:
        if not re.search(r"\b(connect|sendto|sendmsg|sendmmsg)\(", line) or not re.search(r"sa_family=AF_INET6?", line):
            continue
        port = re.search(r"htons\((\d+)\)", line)
        addr = re.search(r'inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"', line)
        found.add(((addr.group(1) or addr.group(2)) if addr else "?", int(port.group(1)) if port else -1))
    return found


def test_the_window_sends_nothing_and_writes_only_its_own_folders(starter_installed: Path, phidesk_home: Path,
                                                                  tmp_path: Path) -> None:
    strace = _strace()
    # A remote endpoint configured but never used: it must cost no connection (nor a credential store lookup that
    # reaches for the network) while the window runs.
    settings.update({"endpoints": [{"name": "work", "base_url": "http://192.0.2.1:8000/v1", "models": ["phi"],
                                    "preset": ""}]})
    done, log, user_home, temp = _traced(strace, [str(ROOT / "tests" / "privacy_window.py"), str(ALIVE_S)],
                                         phidesk_home, tmp_path, timeout=ALIVE_S + 300)
    assert done.returncode == 0, done.stderr[-2000:]
    ran = json.loads(done.stdout.strip().splitlines()[-1])
    assert ran["failed"] is None
    assert ran["answers"] == 2
    assert ran["alive_after_load_s"] >= ALIVE_S
    assert set(ran["dialogs"]) == {"AboutDialog", "SettingsDialog"}
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    assert any("conversations.sqlite3" in line for line in lines)  # the trace did see the app's own writes
    assert network_violations(lines) == []
    assert file_violations(lines, [phidesk_home, Path(os.environ["PHIDESK_CACHE"]), temp], temp) == []
    assert list(user_home.iterdir()) == []
    assert inet_destinations(lines) == set()  # not even loopback


def test_a_window_that_uses_an_endpoint_connects_only_to_its_host(starter_installed: Path, phidesk_home: Path,
                                                                  tmp_path: Path) -> None:
    """The window with a local model, an endpoint it uses and one it does not: every connection goes to the used
    endpoint's address and port (the stand-in on 127.0.0.2, a loopback address of its own, so that nothing else
    on loopback can pass for it), and no name is looked up."""
    strace = _strace()
    with StandIn(host="127.0.0.2") as server:
        settings.update({"endpoints": [
            {"name": "used", "base_url": server.url, "models": ["ok"], "preset": ""},
            {"name": "work", "base_url": "http://192.0.2.1:8000/v1", "models": ["phi"], "preset": ""}]})
        done, log, user_home, temp = _traced(strace, [str(ROOT / "tests" / "privacy_remote_window.py"), "used/ok"],
                                             phidesk_home, tmp_path, timeout=300)
        asked = [r for r in server.requests if r["path"] == "/chat/completions"]
    assert done.returncode == 0, done.stderr[-2000:]
    ran = json.loads(done.stdout.strip().splitlines()[-1])
    assert ran["failed"] is None
    assert ran["answer"] == "".join(WORDS)
    assert "127.0.0.2" in ran["asked"]  # the user was asked before anything was sent
    assert len(asked) == 1
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    assert network_violations(lines) == []
    assert inet_destinations(lines) == {("127.0.0.2", server.port)}
    assert file_violations(lines, [phidesk_home, Path(os.environ["PHIDESK_CACHE"]), temp], temp) == []
    assert list(user_home.iterdir()) == []
