"""Decode speed of a streamed answer through the local server vs the bare onnxruntime-genai loop, same worker.

    python benchmarks/server_throughput.py [--model FOLDER] [--rounds 5] [--new-tokens 256]

Loads the model (default: the cached starter) once in a real worker and alternates rounds: the bare reference loop
inside that worker (``EngineClient.measure_bare``, greedy, no repetition penalty, exactly N tokens), then one
streamed answer through LocalServer read by an HTTP client in a process of its own, as a real client is (greedy,
repetition penalty 1.0 as the bare loop). The client times the content chunks as they arrive and takes the token
count from the usage chunk: (tokens - 1) / (last chunk - first chunk); a chunk carries several tokens when the
client fell behind. Each round also streams the same answer from the EngineClient directly (no server), so the
server's own share of any gap is ``server_vs_direct``, and that answer's decode speed on the worker's own clock
(``worker_ratio``: what the engine itself costs, before any transport). Prints one JSON line: the medians and
their ratios.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

CLIENT = """
import json, sys, time
import httpx2 as httpx
times, count = [], 0
with httpx.stream("POST", sys.argv[1] + "/chat/completions", json=json.loads(sys.argv[2]), timeout=600) as response:
    for line in response.iter_lines():
        if '"content": "' in line and '"content": ""' not in line:
            times.append(time.perf_counter())
        elif line.startswith("data: {") and '"usage": {' in line:
            count = json.loads(line[6:])["usage"]["completion_tokens"]
print(json.dumps([times, count]))
"""
PROMPT = "Write a very long story about a lighthouse keeper and the ships she guides through the night."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--new-tokens", type=int, default=256)
    args = parser.parse_args()

    from phidesk.engine.client import EngineClient
    from phidesk.engine.protocol import Finished, Message, Sampling, Token
    from phidesk.models import starter
    from phidesk.server import LocalServer

    model = args.model or starter.build_cached()
    bare, served, direct, worker, tokens = [], [], [], [], []
    with tempfile.TemporaryDirectory() as tmp, EngineClient(log_path=Path(tmp) / "worker.log") as engine:
        engine.load(model, "cpu", 4096)
        server = LocalServer(engine, model_id="bench", port=0)
        server.serving.defaults = Sampling(repetition_penalty=1.0)
        url = server.start()
        try:
            for round_no in range(args.rounds):
                bare.append(engine.measure_bare(PROMPT, args.new_tokens)["decode_tok_s"])
                stamps = []
                for event in engine.generate([Message("user", f"{PROMPT} [{round_no}]")],
                                             Sampling(temperature=0, repetition_penalty=1.0,
                                                      max_new_tokens=args.new_tokens),
                                             conversation=f"direct-{round_no}"):
                    if isinstance(event, Token):
                        stamps.append(time.perf_counter())
                    elif isinstance(event, Finished):
                        worker.append(event.stats.decode_tok_s)  # the worker's own clock: no transport
                direct.append((len(stamps) - 1) / (stamps[-1] - stamps[0]))
                body = {"model": "bench", "stream": True, "temperature": 0, "max_tokens": args.new_tokens,
                        "stream_options": {"include_usage": True},
                        "messages": [{"role": "user", "content": f"{PROMPT} ({round_no})"}]}
                done = subprocess.run([sys.executable, "-c", CLIENT, url, json.dumps(body)], capture_output=True,
                                      text=True, check=True, timeout=600)
                times, count = json.loads(done.stdout)
                if len(times) > 1:
                    served.append((count - 1) / (times[-1] - times[0]))
                    tokens.append(count)
        finally:
            server.stop()
    print(json.dumps({"rounds": args.rounds, "bare_decode_tok_s": round(statistics.median(bare), 1),
                      "server_decode_tok_s": round(statistics.median(served), 1),
                      "direct_decode_tok_s": round(statistics.median(direct), 1),
                      "worker_decode_tok_s": round(statistics.median(worker), 1),
                      "ratio": round(statistics.median(served) / statistics.median(bare), 3),
                      "direct_ratio": round(statistics.median(direct) / statistics.median(bare), 3),
                      "worker_ratio": round(statistics.median(worker) / statistics.median(bare), 3),
                      "server_vs_direct": round(statistics.median(served) / statistics.median(direct), 3),
                      "server_tokens": tokens}))


if __name__ == "__main__":
    main()
