"""The provider probe loads a model in a child process: its answer is kept until what it depends on changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phidesk.models import probecache
from phidesk.models.hardware import detect

pytestmark = pytest.mark.usefixtures("starter_installed")  # and so a PHIDESK_HOME of its own


def test_the_probe_runs_once_then_its_answer_is_kept() -> None:
    first = detect()
    assert not first.probe_cached
    assert first.provider_ok("cpu")
    assert probecache.cache_path().is_file()
    again = detect()
    assert again.probe_cached  # no model was loaded this time
    assert again.probed_at == pytest.approx(first.probed_at)
    assert again.provider_ok("cpu")
    assert again.probe_model == first.probe_model


def test_another_runtime_version_or_check_again_probes_anew() -> None:
    detect()
    path = probecache.cache_path()
    data = json.loads(path.read_text())
    data["key"]["runtime"] = {"onnxruntime-genai": "0.0.1"}  # as if the runtime had been upgraded since
    path.write_text(json.dumps(data))
    assert not detect().probe_cached
    assert detect().probe_cached
    assert not detect(refresh=True).probe_cached


def test_a_damaged_cache_file_means_probing_again(phidesk_home: Path) -> None:
    detect()
    probecache.cache_path().write_text("{not json")
    assert not detect().probe_cached
    assert detect().probe_cached  # and it was written again
