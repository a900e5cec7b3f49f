"""prepare_image: every format, mode and trap an image file can bring, on real files made with Pillow."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from phidesk.engine.images import MAX_SIDE, ImageError, prepare_image
from tests.builders.bad_images import png_claiming


def decoded(png: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(png))
    img.load()
    return img


@pytest.mark.parametrize(("fmt", "suffix"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp"), ("BMP", "bmp"),
                                             ("GIF", "gif"), ("TIFF", "tif")])
def test_every_supported_format_becomes_rgb_png(tmp_path: Path, fmt: str, suffix: str) -> None:
    path = tmp_path / f"picture.{suffix}"
    Image.new("RGB", (120, 80), (200, 30, 30)).save(path, fmt)
    prepared = prepare_image(path)
    img = decoded(prepared.png)
    assert img.format == "PNG"
    assert img.mode == "RGB"
    assert (prepared.width, prepared.height) == img.size == (120, 80)
    assert prepared.source_format in {fmt, "MPO"}
    red, green, _blue = img.getpixel((60, 40))  # type: ignore[misc]
    assert red > 150 > green


def test_animated_gif_gives_its_first_frame(tmp_path: Path) -> None:
    path = tmp_path / "anim.gif"
    frames = [Image.new("RGB", (40, 40), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    red, _green, blue = decoded(prepare_image(path).png).getpixel((20, 20))  # type: ignore[misc]
    assert red > 200 > blue


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    path = tmp_path / "phone.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    Image.new("RGB", (300, 100), "green").save(path, "JPEG", exif=exif)
    prepared = prepare_image(path)
    assert (prepared.width, prepared.height) == (100, 300)


@pytest.mark.parametrize("mode", ["CMYK", "P", "L", "1", "LA", "RGBA", "I;16", "I", "F"])
def test_every_mode_becomes_8_bit_rgb(tmp_path: Path, mode: str) -> None:
    img = Image.new("RGB", (64, 48), (10, 120, 240)).convert(mode) if mode not in ("I;16", "I", "F") else (
        Image.new(mode, (64, 48), 30000 if mode != "F" else 0.5))
    fmt, suffix = ("JPEG", "jpg") if mode == "CMYK" else ("TIFF", "tif") if mode in ("I", "F") else ("PNG", "png")
    path = tmp_path / f"mode.{suffix}"
    img.save(path, fmt)
    out = decoded(prepare_image(path).png)
    assert out.mode == "RGB"
    assert out.size == (64, 48)


def test_transparency_is_laid_over_white(tmp_path: Path) -> None:
    path = tmp_path / "clear.png"
    Image.new("RGBA", (30, 30), (0, 0, 0, 0)).save(path)
    assert decoded(prepare_image(path).png).getpixel((15, 15)) == (255, 255, 255)


def test_large_images_are_scaled_to_what_the_model_uses(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    Image.new("RGB", (4000, 3000), "navy").save(path)
    prepared = prepare_image(path)
    assert max(prepared.width, prepared.height) == MAX_SIDE
    assert (prepared.original_width, prepared.original_height) == (4000, 3000)
    assert abs(prepared.width / prepared.height - 4 / 3) < 0.01


def test_a_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    png_claiming(path, 100_000, 100_000)
    with pytest.raises(ImageError, match=r"bomb\.png: .*decompression bomb"):
        prepare_image(path)
    between = tmp_path / "between.png"  # above PhiDesk's limit, below Pillow's own
    png_claiming(between, 13_000, 12_000)
    with pytest.raises(ImageError, match=r"13,000 × 12,000 pixels is too many"):
        prepare_image(between)


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("empty.png", b"", "empty"),
    ("notes.jpg", b"just some text, not a picture", "not an image"),
    ("fake.jpg", b"GIF89a\x01\x00\x01\x00", "not an image"),
])
def test_broken_files_are_refused_with_one_line(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImageError) as info:
        prepare_image(path)
    message = str(info.value)
    assert message.startswith(name)
    assert reason in message
    assert "\n" not in message


def test_truncated_files_are_refused(tmp_path: Path) -> None:
    for fmt, suffix in (("PNG", "png"), ("JPEG", "jpg")):
        whole = tmp_path / f"whole.{suffix}"
        Image.effect_noise((400, 300), 60).convert("RGB").save(whole, fmt)
        cut = tmp_path / f"cut.{suffix}"
        cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
        with pytest.raises(ImageError, match="damaged or truncated"):
            prepare_image(cut)


def test_zero_size_and_absurd_strips_are_refused(tmp_path: Path) -> None:
    strip = tmp_path / "strip.png"
    Image.new("RGB", (4000, 10), "red").save(strip)
    with pytest.raises(ImageError, match="too narrow"):
        prepare_image(strip)
    zero = tmp_path / "zero.png"
    png_claiming(zero, 0, 10)
    with pytest.raises(ImageError):
        prepare_image(zero)


def test_a_folder_or_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="is a folder, not an image file"):
        prepare_image(tmp_path)
    with pytest.raises(ImageError, match="no such image"):
        prepare_image(tmp_path / "missing.png")


def test_inspect_reads_only_the_header(tmp_path: Path) -> None:
    from phidesk.engine.images import inspect_image

    good = tmp_path / "ok.png"
    Image.new("RGB", (50, 40)).save(good)
    assert inspect_image(good) == good.resolve()
    bomb = tmp_path / "bomb.png"
    png_claiming(bomb, 13_000, 12_000)  # claims 156 MP, holds almost nothing: refused from the header alone
    with pytest.raises(ImageError, match="decompression bomb"):
        inspect_image(bomb)
    text = tmp_path / "notes.png"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(ImageError, match="not an image"):
        inspect_image(text)


def test_scaled_image_gives_raw_rgb_in_process_for_small_images(tmp_path: Path) -> None:
    from phidesk.engine.images import scaled_image

    path = tmp_path / "small.png"
    Image.new("RGBA", (400, 200), (255, 0, 0, 255)).save(path)
    scaled = scaled_image(path, 100)
    assert (scaled.width, scaled.height) == (100, 50)
    assert (scaled.original_width, scaled.original_height, scaled.source_format) == (400, 200, "PNG")
    assert len(scaled.rgb) == 100 * 50 * 3
    assert scaled.rgb[:3] == b"\xff\x00\x00"


def test_large_images_are_scaled_in_a_child_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from phidesk.engine import images

    monkeypatch.setattr(images, "ISOLATE_PIXELS", 10_000)  # so a small test image takes the child path
    calls: list[list[str]] = []
    real_run = images.subprocess.run

    def spy(cmd: list[str], **kwargs: object) -> object:
        calls.append(cmd)
        return real_run(cmd, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(images.subprocess, "run", spy)
    path = tmp_path / "photo.jpg"
    Image.new("RGB", (600, 300), (0, 0, 255)).save(path, "JPEG")
    scaled = images.scaled_image(path, 128)
    assert len(calls) == 1
    assert (scaled.width, scaled.height, scaled.source_format) == (128, 64, "JPEG")
    assert len(scaled.rgb) == 128 * 64 * 3
    cut = tmp_path / "cut.png"
    Image.effect_noise((400, 300), 60).convert("RGB").save(tmp_path / "whole.png")
    cut.write_bytes((tmp_path / "whole.png").read_bytes()[:4000])
    with pytest.raises(ImageError, match=r"^cut\.png: the image is damaged or truncated"):
        images.scaled_image(cut, 128)  # the child's one-line reason comes back as it is
    assert len(calls) == 2
