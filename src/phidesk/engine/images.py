"""Every image is decoded and cleaned here, with Pillow, before anything native reads it.

onnxruntime-genai's image loader trusts the file: with onnxruntime-genai 0.18, ``og.Images.open``
on a GIF or a truncated JPEG ended the whole process with exit status 0, and on a CMYK JPEG it
raised. So an image the user gives is
opened only through ``prepare_image``: formats PNG, JPEG, WebP, BMP, GIF (first frame) and
TIFF; EXIF orientation applied; converted to 8-bit RGB (CMYK, palette, 16-bit and alpha
handled; transparency over white); scaled down to what the model can use, so memory stays
bounded; and handed on as clean PNG bytes (``og.Images.open_bytes``). Decompression bombs,
truncated files, non-images, zero-size and absurd aspect ratios are refused with one line.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from phidesk import paths
from phidesk.errors import UserError

FORMATS = {"PNG", "JPEG", "MPO", "WEBP", "BMP", "DIB", "GIF", "TIFF"}
MAX_PIXELS = 150_000_000  # 12,000 × 12,000 is fine; beyond ~150 MP the file is refused as a likely bomb
MAX_ASPECT = 20.0  # a 20:1 strip is the most a vision model can make sense of
MAX_SIDE = 1344  # Phi-3.5-vision uses at most 4 × 4 crops of 336 px; larger only costs memory
PREPARED_CACHE = 16  # cleaned images a worker keeps (a few MB each) so later turns need not decode again
NOT_AN_IMAGE = "not an image PhiDesk can read (PNG, JPEG, WebP, BMP, GIF or TIFF)"
DAMAGED = "the image is damaged or truncated ({exc})"  # the reason when decoding the pixels fails
BOMB = f"too many pixels (over {MAX_PIXELS:,}): refused as a likely decompression bomb"


class ImageError(UserError):
    code = "bad_image"


@dataclass(frozen=True)
class PreparedImage:
    png: bytes
    width: int
    height: int
    original_width: int
    original_height: int
    source_format: str
    path: Path


def _refuse(file: Path, why: str) -> ImageError:
    return ImageError(f"{file.name}: {why}")


def _to_rgb(img: Image.Image) -> Image.Image:
    """8-bit RGB from any mode; transparency is laid over white."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        img = img.point(lambda v: v * (1 / 256)).convert("L") if img.mode == "I" else (
            img.convert("I").point(lambda v: v * (1 / 256)).convert("L"))
    elif img.mode == "F":
        img = img.convert("L")
    if img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img if img.mode == "RGB" else img.convert("RGB")


@contextlib.contextmanager
def _opened(file: Path, unreadable: str) -> Iterator[Image.Image]:
    """Open *file* with Pillow; every way it can fail (here or in the caller's block) is a one-line ImageError.

    *unreadable* is the reason given when Pillow raises OSError & co.: "damaged" once pixels are decoded.
    """
    if file.is_dir():
        raise _refuse(file, "is a folder, not an image file (give the image files themselves)")
    if not file.is_file():
        raise _refuse(file, "no such image file")
    if file.stat().st_size == 0:
        raise _refuse(file, "the file is empty")
    with warnings.catch_warnings():
        # Our own pixel limit decides; Pillow's bomb warning would fire below it.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(file) as img:
                yield img
        except UserError:
            raise
        except Image.DecompressionBombError:
            raise _refuse(file, BOMB) from None
        except UnidentifiedImageError:
            raise _refuse(file, NOT_AN_IMAGE) from None
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise _refuse(file, unreadable.format(exc=exc)) from None
        except MemoryError:
            raise _refuse(file, "the image is too large to open") from None


def prepare_image(path: str | Path, max_side: int = MAX_SIDE) -> PreparedImage:
    """Decode, check and clean one image file; ImageError (a UserError) with a one-line reason otherwise."""
    file = Path(path).expanduser()
    with _opened(file, DAMAGED) as img:
        return _prepare(file, img, max_side)


def _check_header(file: Path, img: Image.Image) -> tuple[str, int, int]:
    """Format, width, height from the header alone; ImageError for what must never be decoded."""
    fmt = (img.format or "").upper()
    if fmt not in FORMATS:
        raise _refuse(file, f"{fmt or 'unknown'} images are not supported (PNG, JPEG, WebP, BMP, GIF, TIFF)")
    width, height = img.size
    if width <= 0 or height <= 0:
        raise _refuse(file, "the image has no pixels")
    if width * height > MAX_PIXELS:
        raise _refuse(file, f"{width:,} × {height:,} pixels is too many: refused as a likely decompression bomb")
    if max(width, height) / min(width, height) > MAX_ASPECT:
        raise _refuse(file, f"{width} × {height} is too narrow a strip for a vision model")
    return fmt, width, height


def _prepare(file: Path, img: Image.Image, max_side: int) -> PreparedImage:
    rgb, fmt, width, height = _clean(file, img, max_side)
    out = io.BytesIO()
    rgb.save(out, "PNG", compress_level=1)
    return PreparedImage(out.getvalue(), rgb.width, rgb.height, width, height, fmt, file.resolve())


def _clean(file: Path, img: Image.Image, max_side: int) -> tuple[Image.Image, str, int, int]:
    """The checked, scaled, upright 8-bit RGB image; its source format and original size."""
    fmt, width, height = _check_header(file, img)
    if getattr(img, "n_frames", 1) > 1:
        img.seek(0)  # the first frame of an animation
    if fmt in ("JPEG", "MPO"):
        img.draft("RGB", (max_side, max_side))  # decode JPEGs at a reduced scale: far less memory
    img.load()
    if max(img.size) > max_side:  # scale down first: every later step then works on the small image
        if img.mode in ("P", "1"):
            img = img.convert("RGBA" if "transparency" in img.info else "RGB")
        # reducing_gap 1.5: a cheap box reduction to at most 1.5 × the target, then Lanczos. A
        # 12,000² PNG then needs ~25 MB beside its decoded pixels (gap 3.0: ~180 MB).
        img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=1.5)
    # In place: without it Pillow returns a full copy even when there is nothing to rotate. The
    # bounding box is square, so rotating after scaling gives the same size as before.
    ImageOps.exif_transpose(img, in_place=True)
    return _to_rgb(img), fmt, width, height


@dataclass(frozen=True)
class ScaledImage:
    """Raw 8-bit RGB pixels (rows of width × 3 bytes), for showing an image rather than for a model."""

    rgb: bytes
    width: int
    height: int
    original_width: int
    original_height: int
    source_format: str


ISOLATE_PIXELS = 16_000_000  # larger images are scaled in a child process (see scaled_image)
SCALE_FLAG = "--phidesk-scale-image"  # how a frozen app starts itself as the scaler (phidesk.entry)
SCALE_TIMEOUT_S = 120


def scale_here(path: str | Path, max_side: int) -> ScaledImage:
    """Decode, check and scale one image in this process; ImageError otherwise."""
    file = Path(path).expanduser()
    with _opened(file, DAMAGED) as img:
        return _scaled(file, img, max_side)


def _scaled(file: Path, img: Image.Image, max_side: int) -> ScaledImage:
    rgb, fmt, width, height = _clean(file, img, max_side)
    return ScaledImage(rgb.tobytes("raw", "RGB"), rgb.width, rgb.height, width, height, fmt)


def scale_command(path: str | Path, max_side: int) -> list[str]:
    return [*paths.helper_command(SCALE_FLAG, "phidesk.engine.images"), str(path), str(max_side)]


def scaled_image(path: str | Path, max_side: int) -> ScaledImage:
    """A scaled copy to show; for large images made in a child process.

    A 12,000 × 12,000 photo takes ~570 MB to decode, and freeing that memory holds Python's
    lock for tens of milliseconds; in a child process neither touches the caller (the window),
    and a decoder that crashes on a hostile file takes only the child down.
    """
    file = Path(path).expanduser()
    with _opened(file, DAMAGED) as img:
        _, width, height = _check_header(file, img)
        if width * height <= ISOLATE_PIXELS:
            return _scaled(file, img, max_side)  # small: decoded here, from the file already open
    try:
        done = subprocess.run(scale_command(file, max_side), capture_output=True, timeout=SCALE_TIMEOUT_S,
                              check=False, **paths.helper_popen_kwargs())
    except subprocess.TimeoutExpired:
        raise _refuse(file, f"decoding took longer than {SCALE_TIMEOUT_S} s") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        if done.returncode == 2 and reason:
            raise ImageError(reason[-1])
        raise _refuse(file, f"the image could not be decoded (the decoder stopped with status {done.returncode})")
    header, _, pixels = done.stdout.partition(b"\n")
    meta = json.loads(header)
    return ScaledImage(pixels, meta["width"], meta["height"], meta["original_width"], meta["original_height"],
                       meta["source_format"])


def main(argv: list[str] | None = None) -> int:
    """``python -m phidesk.engine.images PATH MAX_SIDE``: one JSON line, then the raw RGB pixels."""
    args = sys.argv[1:] if argv is None else argv
    try:
        scaled = scale_here(args[0], int(args[1]))
    except ImageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    meta = {"width": scaled.width, "height": scaled.height, "original_width": scaled.original_width,
            "original_height": scaled.original_height, "source_format": scaled.source_format}
    sys.stdout.buffer.write(json.dumps(meta).encode() + b"\n" + scaled.rgb)
    sys.stdout.buffer.flush()
    return 0


def inspect_image(path: str | Path) -> Path:
    """A quick check that reads only the header (format, size, bomb, aspect): safe on a GUI thread.

    The full decode happens later in ``prepare_image`` (in the worker process for a vision turn).
    """
    file = Path(path).expanduser()
    with _opened(file, NOT_AN_IMAGE) as img:
        _check_header(file, img)
    return file.resolve()


def check_image(path: str | Path) -> Path:
    """The resolved path of a readable image, or UserError saying why not (it is fully decoded once)."""
    return prepare_image(path).path


if __name__ == "__main__":
    sys.exit(main())
