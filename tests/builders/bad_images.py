"""Every kind of bad image the issue names, as files: the same cases for the CLI, the worker and the GUI.

``write_bad_images(folder)`` returns {case: (path, words the refusal must contain)}. Some are
refused from the header alone (``header_only``); the truncated ones have a good header and
fail only when their pixels are decoded.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PIL import Image

CASES = ("empty", "not-an-image", "fake-gif", "bomb", "too-many-pixels", "zero-size", "absurd-aspect",
         "truncated-png", "truncated-jpeg", "missing")
# Cases whose header is good: only a full decode finds them out.
DECODE_ONLY = {"truncated-png", "truncated-jpeg"}


def png_claiming(path: Path, width: int, height: int) -> Path:
    """A tiny PNG whose header claims *width* × *height* (a decompression bomb's first bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return path


def _truncated(folder: Path, fmt: str, suffix: str) -> Path:
    whole = folder / f"whole.{suffix}"
    Image.effect_noise((400, 300), 60).convert("RGB").save(whole, fmt)
    cut = folder / f"truncated.{suffix}"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    whole.unlink()
    return cut


def write_bad_images(folder: Path) -> dict[str, tuple[Path, str]]:
    folder.mkdir(parents=True, exist_ok=True)
    empty = folder / "empty.png"
    empty.write_bytes(b"")
    text = folder / "notes.jpg"
    text.write_text("just some text, not a picture\n", encoding="utf-8")
    fake_gif = folder / "fake.gif"
    fake_gif.write_bytes(b"GIF89a\x01\x00\x01\x00")
    strip = folder / "strip.png"
    Image.new("RGB", (4000, 10), "red").save(strip)
    cases = {
        "empty": (empty, "empty"),
        "not-an-image": (text, "not an image"),
        "fake-gif": (fake_gif, "not an image"),
        "bomb": (png_claiming(folder / "bomb.png", 100_000, 100_000), "decompression bomb"),
        "too-many-pixels": (png_claiming(folder / "huge.png", 13_000, 12_000), "too many"),
        "zero-size": (png_claiming(folder / "zero.png", 0, 10), "not an image"),
        "absurd-aspect": (strip, "too narrow"),
        "truncated-png": (_truncated(folder, "PNG", "png"), "damaged or truncated"),
        "truncated-jpeg": (_truncated(folder, "JPEG", "jpg"), "damaged or truncated"),
        "missing": (folder / "missing.png", "no such image file"),
    }
    assert tuple(cases) == CASES
    return cases
