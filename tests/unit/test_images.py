"""check_image: real images pass, anything Pillow cannot fully decode is refused with the file's name."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from phidesk.engine.images import check_image
from phidesk.errors import UserError


def _image(path: Path, fmt: str, size: tuple[int, int] = (96, 64)) -> Path:
    img = Image.new("RGB", size)
    for x in range(size[0]):
        for y in range(size[1]):
            img.putpixel((x, y), (x * 2 % 256, y * 3 % 256, (x * y) % 256))
    img.save(path, fmt)
    return path


def _refused(path: Path, fragment: str) -> str:
    with pytest.raises(UserError) as excinfo:
        check_image(path)
    message = str(excinfo.value)
    assert path.name in message
    assert fragment in message
    assert "\n" not in message
    return message


@pytest.mark.parametrize(("name", "fmt"), [("photo.png", "PNG"), ("photo.jpg", "JPEG"), ("photo.jpeg", "JPEG")])
def test_real_image_is_accepted(tmp_path: Path, name: str, fmt: str) -> None:
    path = _image(tmp_path / name, fmt)
    assert check_image(path) == path.resolve()


def test_accepts_str_path(tmp_path: Path) -> None:
    path = _image(tmp_path / "photo.png", "PNG")
    assert check_image(str(path)) == path.resolve()


def test_text_file_named_jpg(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("this is not a picture\n", encoding="utf-8")
    _refused(path, "not an image PhiDesk can read")


def test_gif_signature_fake(tmp_path: Path) -> None:
    path = tmp_path / "fake.gif"
    path.write_bytes(b"GIF89a" + b"\x00\x01garbage" * 4)
    _refused(path, "not an image PhiDesk can read")


def test_truncated_png(tmp_path: Path) -> None:
    full = _image(tmp_path / "full.png", "PNG", (200, 150)).read_bytes()
    path = tmp_path / "cut.png"
    path.write_bytes(full[: len(full) // 2])
    _refused(path, "damaged")


def test_truncated_jpeg(tmp_path: Path) -> None:
    full = _image(tmp_path / "full.jpg", "JPEG", (200, 150)).read_bytes()
    path = tmp_path / "cut.jpg"
    path.write_bytes(full[: len(full) // 2])
    _refused(path, "damaged")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    _refused(path, "the file is empty")


def test_missing_path(tmp_path: Path) -> None:
    _refused(tmp_path / "missing.png", "no such image file")


def test_directory_is_not_an_image(tmp_path: Path) -> None:
    folder = tmp_path / "album.png"
    folder.mkdir()
    _refused(folder, "is a folder, not an image file")
