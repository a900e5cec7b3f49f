"""The API key in a real OS credential store: GNOME Keyring's Secret Service on a D-Bus session bus of its own.

``phidesk endpoints add … --key-stdin`` puts the key there (through ``keyring``'s SecretService backend, the one a
Linux desktop user gets), ``secret-tool`` (libsecret, not Python) finds it under service "PhiDesk", ``phidesk chat``
takes it from there to the server (the stand-in records the Authorization header), and the key is in no file under
PHIDESK_HOME, no log line and no output. The keyring's own file is encrypted by its password, so the key is not in
it as plain text either.

Needs gnome-keyring, libsecret-tools and dbus-daemon from Debian: ``.ci/run`` installs them as root and sets
PHIDESK_REQUIRE_SECRET_SERVICE=1 so that CI fails rather than skips when they are missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.remote_standin import WORDS, StandIn

pytestmark = [pytest.mark.slow, pytest.mark.linux]
KEY = "sk-secret-service-test-8d1f7c"
TOOLS = ("dbus-run-session", "gnome-keyring-daemon", "secret-tool")

SCRIPT = r"""
set -eu
# A login keyring created and unlocked with a password, as a desktop session does at login.
eval "$(printf 'test-login-password\n' | gnome-keyring-daemon --unlock --components=secrets)"
printf '%s\n' "$PHIDESK_TEST_KEY" | "$PY" -m phidesk endpoints add work "$URL" --model ok --key-stdin
echo "== list"
"$PY" -m phidesk endpoints list
echo "== chat"
"$PY" -m phidesk chat -m work/ok "Say hello."
echo "== secret-tool"
secret-tool lookup service PhiDesk username work
echo
echo "== remove"
"$PY" -m phidesk endpoints remove work
secret-tool lookup service PhiDesk username work || echo "gone"
"""


def _tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        if os.environ.get("PHIDESK_REQUIRE_SECRET_SERVICE") == "1":
            pytest.fail(f"{', '.join(missing)} required here (PHIDESK_REQUIRE_SECRET_SERVICE=1) but not installed")
        pytest.skip(f"{', '.join(missing)} not installed (Debian: gnome-keyring libsecret-tools dbus-daemon)")


def test_the_key_lives_in_the_secret_service_and_nowhere_else(phidesk_home: Path, tmp_path: Path) -> None:
    _tools()
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON_KEYRING", "DBUS_", "GNOME_KEYRING"))}
    env.update({"HOME": str(home), "XDG_DATA_HOME": str(home / ".local" / "share"), "PY": sys.executable,
                "PHIDESK_HOME": str(phidesk_home)})
    with StandIn() as server:
        env["URL"] = server.url
        # The key reaches the script by a variable of that shell only (not the command line nor a file).
        done = subprocess.run(["dbus-run-session", "--", "sh", "-c", SCRIPT], env={**env, "PHIDESK_TEST_KEY": KEY},
                              capture_output=True, text=True, timeout=180, check=False)
        chats = [r for r in server.requests if r["path"] == "/chat/completions"]
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    out = done.stdout
    assert "the API key is kept in the Secret Service (GNOME Keyring" in done.stderr
    assert "work " in out.split("== list")[1] and "key  models: ok" in out  # noqa: PT018
    assert "".join(WORDS) in out.split("== chat")[1]
    assert [r["auth"] for r in chats] == [f"Bearer {KEY}"]  # taken from the store, sent to the server
    assert out.split("== secret-tool")[1].split("== remove")[0].strip() == KEY  # libsecret finds it there
    assert out.rstrip().endswith("gone")  # removing the endpoint removed its key
    assert KEY not in done.stderr
    assert out.count(KEY) == 1  # only secret-tool's own output shows it
    keyrings = home / ".local" / "share" / "keyrings"
    assert any(keyrings.iterdir())  # the keyring really wrote its (encrypted) file
    for root in (phidesk_home, home):
        for path in root.rglob("*"):
            if path.is_file():
                assert KEY.encode() not in path.read_bytes(), path
