"""How much of a streaming answer a kill -9 of the app can lose (the saver writes every 0.5 s).

    python benchmarks/kill9_flush.py [--rounds 3]

Runs the real window with the starter in a child process (offscreen), lets it stream for about 3 s,
ends it with SIGKILL, and compares the answer stored in the database with what the window showed:
``lost_s`` is how long before the kill the stored text was already on screen (the flush window; the
design bound is 0.5 s plus a timer tick). POSIX only. Prints one JSON line. (The test suite only
checks that the text written while streaming survives the kill; how much is lost is measured here.)
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

SCRIPT = textwrap.dedent("""
    import json, time
    from phidesk import settings
    from phidesk.engine.protocol import Sampling
    from phidesk.gui.app import create_app
    from phidesk.gui.main_window import MainWindow
    from phidesk.store import Store
    app = create_app()
    prefs = settings.Settings(default_model="starter", provider="cpu",
                              sampling=Sampling(temperature=0.7, max_new_tokens=3000, min_new_tokens=3000, seed=1))
    window = MainWindow(Store(), prefs)
    window.show()
    sent = []
    def on_loaded(_e):
        if not sent:
            sent.append(1)
            window.send("First question", [])
    def on_token(_t):
        print(json.dumps({"t": time.time(), "len": len(window.chat.messages[-1].text)}), flush=True)
    window.bridge.loaded.connect(on_loaded)
    window.bridge.token.connect(on_token)
    app.exec()
""")


def one_round() -> float:
    os.environ["PHIDESK_HOME"] = tempfile.mkdtemp(prefix="phidesk-kill9-")
    from phidesk.models import starter
    from phidesk.store import Store

    starter.ensure_starter()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    seen: list[tuple[float, int]] = []
    for line in proc.stdout:
        point = json.loads(line)
        seen.append((point["t"], point["len"]))
        if point["t"] - seen[0][0] > 3.0:
            break
    killed_at = time.time()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    with Store() as store:
        stored = len(store.get_conversation(store.list_conversations()[0].id).messages[-1].content)
    # The latest moment at which the screen showed no more than what was stored.
    covered = max((t for t, length in seen if length <= stored), default=seen[0][0])
    return killed_at - covered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    lost = [one_round() for _ in range(args.rounds)]
    print(json.dumps({"lost_s": {"median": round(statistics.median(lost), 3), "max": round(max(lost), 3)},
                      "rounds": args.rounds}))


if __name__ == "__main__":
    main()
