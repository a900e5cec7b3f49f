"""A bounded check of a GGUF file's header before the converter (torch, transformers) reads it.

A GGUF file cut short (an interrupted download or copy) used to reach the converter, which failed
with several lines of ``struct`` errors. Here the header is walked with every length checked
against what is left of the file first, and the tensor table gives the size the file must have:
a damaged file is one line naming it. Nothing here imports the conversion tools.

The layout (GGUF versions 2 and 3, either byte order): magic ``GGUF``, version (u32), tensor
count and key/value count (u64), the key/value pairs, the tensor infos (name, dimensions, type,
offset), then the tensor data at the next multiple of ``general.alignment`` (32 by default).
"""

from __future__ import annotations

import io
import struct
from pathlib import Path
from typing import BinaryIO

from phidesk.errors import UserError

MAGIC = b"GGUF"
MAX_DIMS = 8  # GGML has 4; a larger count is a damaged header
MAX_ARRAY_DEPTH = 4
DEFAULT_ALIGNMENT = 32
# value type -> size in bytes of the fixed-size GGUF value types (8 is a string, 9 an array)
_FIXED = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
_STRING, _ARRAY = 8, 9
# GGML tensor type -> (elements per block, bytes per block); the gguf package's GGML_QUANT_SIZES.
# A type not listed here counts only by its offset (the file must reach at least where it starts).
BLOCKS = {
    0: (1, 4), 1: (1, 2), 2: (32, 18), 3: (32, 20), 6: (32, 22), 7: (32, 24), 8: (32, 34), 9: (32, 40),
    10: (256, 84), 11: (256, 110), 12: (256, 144), 13: (256, 176), 14: (256, 210), 15: (256, 292),
    16: (256, 66), 17: (256, 74), 18: (256, 98), 19: (256, 50), 20: (32, 18), 21: (256, 110), 22: (256, 82),
    23: (256, 136), 24: (1, 1), 25: (1, 2), 26: (1, 4), 27: (1, 8), 28: (1, 8), 29: (256, 56), 30: (1, 2),
    34: (256, 54), 35: (256, 66), 39: (32, 17), 40: (64, 36), 41: (128, 18),
}


class GGUFError(UserError):
    code = "bad_gguf"


class _CutShortError(Exception):
    pass


class _Reader:
    def __init__(self, fh: BinaryIO, size: int, order: str) -> None:
        self.fh, self.size, self.order = fh, size, order

    @property
    def left(self) -> int:
        return self.size - self.fh.tell()

    def take(self, n: int) -> bytes:
        if n > self.left:
            raise _CutShortError
        return self.fh.read(n)

    def skip(self, n: int) -> None:
        if n > self.left:
            raise _CutShortError
        self.fh.seek(n, io.SEEK_CUR)

    def u32(self) -> int:
        return int(struct.unpack(self.order + "I", self.take(4))[0])

    def u64(self) -> int:
        return int(struct.unpack(self.order + "Q", self.take(8))[0])

    def string(self) -> bytes:
        return self.take(self.u64())

    def value(self, kind: int, depth: int = 0) -> int | bytes | None:
        """Read one value; integers and strings are returned (the alignment is one), the rest skipped."""
        if kind in _FIXED:
            raw = self.take(_FIXED[kind])
            return int.from_bytes(raw, "little" if self.order == "<" else "big") if kind in (4, 10) else None
        if kind == _STRING:
            return self.string()
        if kind == _ARRAY and depth < MAX_ARRAY_DEPTH:
            inner, count = self.u32(), self.u64()
            if inner in _FIXED:
                self.skip(count * _FIXED[inner])
            elif inner in (_STRING, _ARRAY):
                if count * 8 > self.left:  # every element takes at least 8 bytes: refuse before looping
                    raise _CutShortError
                for _ in range(count):
                    self.value(inner, depth + 1)
            else:
                raise ValueError(f"an array of unknown value type {inner}")
            return None
        raise ValueError(f"unknown value type {kind}")


def _tensor_bytes(dims: list[int], kind: int) -> int:
    block, size = BLOCKS.get(kind, (0, 0))
    if not block:
        return 0
    count = 1
    for d in dims:
        count *= d
    return -(-count // block) * size


def required_size(path: Path) -> int:
    """The size in bytes the header of the GGUF file *path* says the file has (at least).

    GGUFError with a one-line reason when it is not a GGUF file, its header is damaged or cut short.
    """
    name = path.name
    try:
        size = path.stat().st_size
        with path.open("rb", buffering=1 << 20) as fh:
            head = fh.read(8)
            if len(head) < 8 or head[:4] != MAGIC:
                raise GGUFError(f"{name}: not a GGUF file (it does not start with 'GGUF')")
            order = "<" if struct.unpack("<I", head[4:])[0] < 0x10000 else ">"
            version = struct.unpack(order + "I", head[4:])[0]
            if version not in (2, 3):
                raise GGUFError(f"{name}: GGUF version {version} is not supported (2 and 3 are)")
            return _walk(_Reader(fh, size, order))
    except _CutShortError:
        raise GGUFError(f"{name}: the file is cut short inside its header ({size:,} bytes): "
                        "an incomplete download or copy? Get the file again") from None
    except (ValueError, OverflowError, struct.error) as exc:
        raise GGUFError(f"{name}: the GGUF header is damaged ({exc})") from None
    except OSError as exc:
        raise GGUFError(f"{name}: cannot be read ({exc.strerror or exc})") from None


def _walk(reader: _Reader) -> int:
    tensors, pairs = reader.u64(), reader.u64()
    if pairs * 12 > reader.left or tensors * 24 > reader.left:  # the smallest pair / tensor info
        raise _CutShortError
    alignment = DEFAULT_ALIGNMENT
    for _ in range(pairs):
        key = reader.string()
        value = reader.value(reader.u32())
        if key == b"general.alignment" and isinstance(value, int):
            if value <= 0 or value & (value - 1):
                raise ValueError(f"general.alignment is {value}, not a power of two")
            alignment = value
    end = 0
    for _ in range(tensors):
        reader.string()
        n_dims = reader.u32()
        if n_dims > MAX_DIMS:
            raise ValueError(f"a tensor with {n_dims} dimensions")
        dims = [reader.u64() for _ in range(n_dims)]
        kind, offset = reader.u32(), reader.u64()
        end = max(end, offset + _tensor_bytes(dims, kind))
    start = reader.fh.tell()
    start += -start % alignment
    return start + end


def check(path: Path) -> None:
    """GGUFError (one line) unless *path* is a GGUF file as long as its header says."""
    needed = required_size(path)
    size = path.stat().st_size
    if size < needed:
        raise GGUFError(f"{path.name}: the file is cut short ({size:,} bytes; its header describes {needed:,}): "
                        "an incomplete download or copy? Get the file again")
