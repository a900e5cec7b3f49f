"""A client that disconnects mid-answer: how soon is the worker free for the next request?

    python benchmarks/server_disconnect.py [--model FOLDER] [--rounds 5] [--during decode|prefill]

Loads the model (default: the cached starter) in a real worker, serves it with LocalServer on a free port, and
per round: client A streams a long answer; client B's request waits in the queue behind it; A reads a few tokens
(or, with ``--during prefill``, nothing: it leaves while a long prompt is read) and closes its connection. Timed
from A's close until B's first token arrives (``next_token_ms``); ``alone_ms`` is the same small request's first
token on an idle server, so the difference is what freeing the worker took; ``freed_ms`` is measured directly: from
A's close until the engine's line hands the worker on (A's answer has ended). Prints one JSON line (milliseconds).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--during", choices=("decode", "prefill"), default="decode")
    args = parser.parse_args()

    import httpx2 as httpx

    from phidesk.engine.client import EngineClient
    from phidesk.models import starter
    from phidesk.server import LocalServer

    model = args.model or starter.build_cached()
    with tempfile.TemporaryDirectory() as tmp, EngineClient(log_path=Path(tmp) / "worker.log") as engine:
        engine.load(model, "cpu", 4096)
        server = LocalServer(engine, model_id="bench", port=0)
        url = server.start()
        alone_ms, next_ms, freed_ms = [], [], []
        changes: list[float] = []  # when the engine's line changed hands (an answer ended, the next began)
        engine.on_activity = lambda _activity: changes.append(time.perf_counter())
        try:
            for round_no in range(args.rounds):
                prompt = (f"Round {round_no}. Write a very long story about a lighthouse keeper." if args.during
                          == "decode" else f"Round {round_no}. Summarise: " + "the sea and the light " * 300)
                body = {"model": "bench", "stream": True, "temperature": 0.8, "seed": round_no, "max_tokens": 1000,
                        "messages": [{"role": "user", "content": prompt}]}
                next_token: list[float] = []

                def waiting(found: list[float], round_no: int = round_no) -> None:
                    request = {"model": "bench", "stream": True, "temperature": 0, "max_tokens": 5,
                               "messages": [{"role": "user", "content": f"Say hello ({round_no})."}]}
                    with httpx.stream("POST", f"{url}/chat/completions", json=request, timeout=600) as response:
                        for line in response.iter_lines():
                            if '"content": "' in line and '"content": ""' not in line:
                                found.append(time.perf_counter())
                                break

                alone: list[float] = []
                started = time.perf_counter()
                waiting(alone, round_no + 1000)
                alone_ms.append((alone[0] - started) * 1000)
                with httpx.stream("POST", f"{url}/chat/completions", json=body, timeout=600) as response:
                    lines = response.iter_lines()
                    if args.during == "decode":
                        for _ in range(8):
                            next(lines)
                    second = threading.Thread(target=waiting, args=(next_token,))
                    second.start()
                    deadline = time.monotonic() + 60
                    while server.serving.gate.waiting == 0:
                        if time.monotonic() > deadline or response.is_closed:
                            raise SystemExit("the second request never queued behind the first")
                        time.sleep(0.005)
                    closed = time.perf_counter()
                # leaving the with block closed A's connection
                second.join(600)
                next_ms.append((next_token[0] - closed) * 1000)
                freed_ms.append((min(t for t in changes if t >= closed) - closed) * 1000)
        finally:
            server.stop()
    print(json.dumps({"during": args.during, "rounds": args.rounds,
                      "next_token_ms_median": round(statistics.median(next_ms), 1),
                      "next_token_ms_max": round(max(next_ms), 1),
                      "alone_ms_median": round(statistics.median(alone_ms), 1),
                      "freed_ms_median": round(statistics.median(freed_ms), 1),
                      "freed_ms_max": round(max(freed_ms), 1)}))


if __name__ == "__main__":
    main()
