"""Checks an image file with Pillow before anything native reads it.

onnxruntime-genai's image loader trusts the file: a GIF or a truncated JPEG can end the
whole process (FACTS). So every image is decoded here first; one that Pillow cannot
fully decode is refused with a one-line reason.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, UnidentifiedImageError

from phidesk.errors import UserError

MAX_PIXELS = 64_000_000  # beyond this, refuse as a likely decompression bomb


def check_image(path: str | Path) -> Path:
    """The resolved path of a readable image, or UserError saying why not."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise UserError(f"{file}: no such image file")
    if file.stat().st_size == 0:
        raise UserError(f"{file}: the file is empty")
    try:
        with Image.open(file) as img:
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise UserError(f"{file}: {width}×{height} pixels is too large to be a real photo or screenshot")
            img.load()
    except UserError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
        raise UserError(f"{file}: not an image PhiDesk can read ({exc.__class__.__name__})") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise UserError(f"{file}: the image is damaged ({exc})") from None
    return file.resolve()
