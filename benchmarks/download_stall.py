"""Pause and Cancel of a download whose hub connection has stalled: how long until they take effect?

    python benchmarks/download_stall.py [--rounds 5]

Serves the starter model from the local stand-in hub (tests/hubserver.py), stalls the weights file
after 3 MiB (the connection stays open and silent), and times, in the real DownloadManager, the
step from ``pause()`` / ``cancel()`` to the job's new state. Before the connection was cut from the
controlling thread this waited for the 60 s read timeout. Prints one JSON line (milliseconds).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

REPO, SUB, DATA = "bench/stall", "cpu", "model.onnx.data"
FILES = ("chat_template.jinja", "genai_config.json", "model.onnx", DATA, "tokenizer.json", "tokenizer_config.json")


@dataclass(frozen=True)
class File:
    path: str
    size: int | None = None
    approx_size: bool = False


@dataclass(frozen=True)
class Entry:
    id: str = "stall-bench"
    variant: str = "cpu"
    repo: str = REPO
    subfolder: str = SUB
    files: tuple[File, ...] = tuple(File(name) for name in FILES)
    size_bytes: int = 0

    @property
    def key(self) -> str:
        return f"{self.id}:{self.variant}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ["PHIDESK_HOME"] = tempfile.mkdtemp(prefix="phidesk-stall-")
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    from tests.hubserver import HubServer

    from phidesk.models import download, starter

    source = starter.build_cached()
    stall = 3 << 20
    before = sum((source / name).stat().st_size for name in FILES[:FILES.index(DATA)])
    results: dict[str, list[float]] = {"pause": [], "cancel": []}
    with HubServer() as hub:
        hub.add_folder(REPO, SUB, source)
        os.environ["HF_ENDPOINT"] = hub.endpoint
        for _ in range(args.rounds):
            for action, times in results.items():
                download.discard(Entry())
                hub.stall_after(REPO, f"{SUB}/{DATA}", stall)
                with download.DownloadManager(retry_delays=(0.05,)) as manager:
                    manager.enqueue(Entry())

                    def job() -> download.Job:
                        return next(j for j in manager.jobs() if j.key == Entry().key)

                    while job().bytes_done < before + stall:
                        time.sleep(0.01)
                    time.sleep(0.5)  # well into the stall
                    asked = time.perf_counter()
                    getattr(manager, action)(Entry().key)
                    while job().state not in ("paused", "cancelled", "failed"):
                        time.sleep(0.001)
                    times.append((time.perf_counter() - asked) * 1000)
    print(json.dumps({f"{k}_ms": {"median": round(statistics.median(v), 1), "max": round(max(v), 1)}
                      for k, v in results.items()}))


if __name__ == "__main__":
    main()
