"""Peak memory of preparing a huge image (issue: < 1 GB for a 12,000 × 12,000 PNG).

    python benchmarks/image_memory.py [--side 12000]

Makes the PNG once (a gradient with shapes, so it decodes like a real picture), then runs
``prepare_image`` in a fresh child process and prints that process's peak RSS and the time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import json, resource, sys, time
from phidesk.engine.images import prepare_image
start = time.perf_counter()
p = prepare_image(sys.argv[1])
took = time.perf_counter() - start
print(json.dumps({"seconds": round(took, 2), "out": [p.width, p.height], "png_kb": len(p.png) // 1024,
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
"""


def make_png(path: Path, side: int) -> None:
    from PIL import Image, ImageDraw

    img = Image.linear_gradient("L").resize((side, side)).convert("RGB")
    draw = ImageDraw.Draw(img)
    for i in range(0, side, side // 12):
        draw.ellipse((i, i // 2, i + side // 10, i // 2 + side // 10), fill=(200, 40, 40))
    img.save(path, "PNG", compress_level=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=12_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"huge-{args.side}.png"
        make_png(path, args.side)
        size_mb = path.stat().st_size / 2**20
        done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True)
        result = json.loads(done.stdout)
        result.update(side=args.side, file_mb=round(size_mb, 1))
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
