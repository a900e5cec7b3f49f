"""A 12,000 × 12,000 PNG through the real window: is it responsive, and how much memory does it take?

    python benchmarks/image_gui.py [--side 12000] [--noise]

Runs the real MainWindow offscreen with the tiny phi3v fixture (tests/builders) loaded in a
real worker process, and a 5 ms precise timer ticking on the GUI thread. Then, as a user
would: the huge PNG is added to the composer (header check; thumbnail made off the GUI
thread), its preview is opened, and a question about it is sent (the image is copied into
the data folder off the GUI thread; the worker decodes and scales it). Prints one JSON line:
the longest gap between ticks over all of that (``stall_max_ms``, nominal 5 ms included),
its 99th percentile, how long each step took, and the peak RSS of the GUI process and of
the worker (VmHWM) next to what each held before the image arrived.

``--noise`` makes a PNG of random pixels (hundreds of MB on disk) instead of a gradient
with shapes (a few MB): the decode is the same size, the file copy is not.
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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def status_mb(pid: int | str, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return -1.0


def make_noise_png(path: Path, side: int) -> None:
    from PIL import Image

    band = Image.effect_noise((side, 500), 80).convert("RGB")
    img = Image.new("RGB", (side, side))
    for top in range(0, side, 500):
        img.paste(band, (0, top))
    img.save(path, "PNG", compress_level=1)


def run(image: Path) -> dict[str, object]:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication
    from tests.builders.tiny_phi3v import cached_tiny_phi3v

    from phidesk import settings
    from phidesk.engine.protocol import Sampling
    from phidesk.gui.app import create_app
    from phidesk.gui.images import THUMB, ImagePreview
    from phidesk.gui.main_window import MainWindow
    from phidesk.models import library
    from phidesk.store import Store

    library.import_path(cached_tiny_phi3v(), "tiny-vision")
    prefs = settings.Settings(default_model="tiny-vision", provider="cpu", context_cap=8192,
                              sampling=Sampling(temperature=0, max_new_tokens=8))
    app = create_app()
    window = MainWindow(Store(), prefs)
    window.show()
    ticks: list[float] = []
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    marks: dict[str, float] = {}
    result: dict[str, object] = {}

    def wait(predicate: object, limit_s: float = 300) -> None:
        end = time.monotonic() + limit_s
        while not predicate() and time.monotonic() < end:  # type: ignore[operator]
            app.processEvents()
            time.sleep(0.001)
        if not predicate():  # type: ignore[operator]
            raise SystemExit(f"timed out waiting ({predicate})")

    wait(lambda: window.bridge.current is not None)
    worker = window.bridge.client.worker_pid
    assert worker is not None
    result["gui_before_mb"] = status_mb("self", "VmRSS")
    result["worker_before_mb"] = status_mb(worker, "VmRSS")
    timer.start()
    marks["start"] = time.perf_counter()
    window.composer.add_images([str(image)])
    marks["header_checked"] = time.perf_counter()
    path = window.composer.images[0]
    wait(lambda: window.images.cached(path, THUMB * 2) is not None)
    marks["thumbnail"] = time.perf_counter()
    window.preview_image(path)
    marks["preview_opened"] = time.perf_counter()  # the dialog is built on the GUI thread
    preview = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ImagePreview))
    wait(lambda: not preview.picture.pixmap().isNull())
    marks["preview"] = time.perf_counter()
    preview.close()
    finished: list[object] = []
    window.bridge.finished.connect(finished.append)
    window.bridge.failed.connect(lambda *a: finished.append(a))
    window.composer.editor.setPlainText("What is in this picture?")
    window.composer._on_submit()
    marks["sent"] = time.perf_counter()
    wait(lambda: bool(finished))
    marks["answered"] = time.perf_counter()
    timer.stop()
    gaps = [(b - a) * 1000 for a, b in itertools.pairwise(ticks)]
    # Where the longest gaps were: the step each one ended in, for whoever chases them.
    steps = sorted(marks.items(), key=lambda kv: kv[1])
    worst = sorted(range(len(gaps)), key=gaps.__getitem__)[-3:]
    result["worst_gaps"] = [
        [round(gaps[i], 1), next((name for name, at in steps if at >= ticks[i + 1]), "after")] for i in reversed(worst)
    ]
    stats = finished[0]
    result.update(
        answer_ok=hasattr(stats, "image_tokens"),
        image_tokens=getattr(stats, "image_tokens", None),
        stall_max_ms=round(max(gaps), 1),
        stall_p99_ms=round(statistics.quantiles(gaps, n=100)[98], 1),
        ticks=len(ticks),
        header_check_ms=round((marks["header_checked"] - marks["start"]) * 1000, 1),
        thumbnail_s=round(marks["thumbnail"] - marks["header_checked"], 2),
        preview_s=round(marks["preview"] - marks["thumbnail"], 2),
        keep_and_answer_s=round(marks["answered"] - marks["preview"], 2),
        gui_peak_mb=status_mb("self", "VmHWM"),
        worker_peak_mb=status_mb(worker, "VmHWM"),
    )
    window.close()
    window.store.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=12_000)
    parser.add_argument("--noise", action="store_true", help="random pixels: a file of hundreds of MB")
    parser.add_argument("--make", type=Path, help=argparse.SUPPRESS)  # in a child: its memory is not ours
    args = parser.parse_args()
    if args.make:
        from image_memory import make_png

        (make_noise_png if args.noise else make_png)(args.make, args.side)
        return 0
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="phidesk-image-gui-") as tmp:
        os.environ["PHIDESK_HOME"] = str(Path(tmp) / "home")
        image = Path(tmp) / f"huge-{args.side}.png"
        subprocess.run([sys.executable, __file__, "--side", str(args.side), "--make", str(image),
                        *(["--noise"] if args.noise else [])], check=True)
        result = run(image)
        result.update(side=args.side, file_mb=round(image.stat().st_size / 2**20, 1))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
