#!/bin/bash
# Is the window's stall before the first token a first-touch-of-memory effect? Alternates the GUI probe plainly and
# right after a throw-away process touched (and freed) 8 GB.   bash benchmarks/prefault_stall.sh MODEL_DIR [ROUNDS]
set -euo pipefail
model=$1
rounds=${2:-2}
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
touch8() {
    "$python" -c "
b = bytearray(8 << 30)
view = memoryview(b)
for i in range(0, len(b), 4096):
    view[i] = 1
print('touched 8 GB')"
}
for r in $(seq "$rounds"); do
    echo "round $r plain"
    QT_QPA_PLATFORM=offscreen "$python" -m phidesk.gui.probe "$model" --tokens 200 --provider cpu --threads 2 | tail -1
    touch8
    echo "round $r after touching 8 GB"
    QT_QPA_PLATFORM=offscreen "$python" -m phidesk.gui.probe "$model" --tokens 200 --provider cpu --threads 2 | tail -1
done
