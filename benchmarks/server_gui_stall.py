"""Does serving other apps make the window stutter? The real window (offscreen) with Settings → Local server on.

    python benchmarks/server_gui_stall.py [MODEL_DIR] [--rounds 3] [--clients 4] [--tokens 200]

One window process (a throw-away PHIDESK_HOME holding MODEL_DIR, default: the starter) loads the model and turns
the local server on. Then, alternating, rounds WITHOUT and WITH clients: in a round with clients, a separate
process starts N streaming clients (the real `openai` package, one thread each); once the first streams (the others
wait their turn: one worker answers one request at a time), the window sends its own question, which waits behind
them. The round measures the GUI thread (a 5 ms precise timer, as `phidesk bench` does) from the window's send until
its own answer has ended: with clients, that covers their answers streamed through the window's process. Prints
one JSON line: the longest gap of each round and the medians.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

CLIENTS = r"""
import sys, threading, openai
url, model, n, tokens = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
started = threading.Semaphore(0)
def one(i):
    api = openai.OpenAI(base_url=url, api_key="unused", max_retries=0, timeout=600)
    stream = api.chat.completions.create(model=model, stream=True, temperature=0.7, seed=i, max_tokens=tokens,
        messages=[{"role": "user", "content": f"Write a long story about lighthouse number {i}."}])
    first = True
    for chunk in stream:
        if first and chunk.choices and chunk.choices[0].delta.content:
            first = False
            print("first", flush=True)
threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
for t in threads: t.start()
for t in threads: t.join()
print("done", flush=True)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path, nargs="?")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--tokens", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    model = args.model
    if model is None:
        from phidesk.models import starter

        model = starter.build_cached()
    with tempfile.TemporaryDirectory(prefix="phidesk-server-stall-") as home:
        os.environ["PHIDESK_HOME"] = home
        result = run(model, args.rounds, args.clients, args.tokens)
    print(json.dumps(result))
    return 0


def run(model: Path, rounds: int, clients: int, tokens: int) -> dict[str, Any]:
    from stall_window import StallWindow

    bench = StallWindow(model, tokens)
    window = bench.window
    bench.wait(lambda: window.bridge.current is not None, "server_gui_stall")
    window.server_switch.apply(True, 0)
    bench.wait(lambda: window.server_switch.url is not None, "server_gui_stall")
    url, model_id = window.server_switch.url, window.model_id
    results: dict[str, list[float]] = {"without": [], "with": []}
    for round_no, kind in itertools.product(range(rounds), ("without", "with")):
        proc = None
        if kind == "with":
            proc = subprocess.Popen([sys.executable, "-c", CLIENTS, str(url), str(model_id), str(clients),
                                     str(tokens)], stdout=subprocess.PIPE, text=True)
            assert proc.stdout is not None
            line = proc.stdout.readline()  # the first client streams; the others wait in the worker's line
            if line.strip() != "first":
                raise SystemExit(f"server_gui_stall: a client failed ({line!r})")
        window.new_conversation()
        results[kind].append(bench.answer_stall(
            f"Write a long story about a lighthouse keeper (round {round_no}).", "server_gui_stall"))
        if proc is not None:
            proc.wait(900)
    bench.close()
    without, with_ = statistics.median(results["without"]), statistics.median(results["with"])
    return {"model": str(model), "clients": clients, "tokens": tokens, "rounds": rounds,
            "gui_stall_max_ms_without": results["without"], "gui_stall_max_ms_with": results["with"],
            "median_without": without, "median_with": with_, "difference_ms": round(with_ - without, 2)}


if __name__ == "__main__":
    sys.exit(main())
