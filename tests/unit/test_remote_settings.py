"""The ``endpoints`` setting: typed, validated and bounded; a bad list in the file falls back to none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phidesk import settings
from phidesk.errors import UserError
from phidesk.remote.endpoints import Endpoint, RemoteError, add_endpoint, load_endpoints, remote_model

GOOD = {"name": "lab", "base_url": "https://gpu.example/v1", "models": ["phi-3.5"], "preset": ""}


@pytest.mark.parametrize("entry", [
    {**GOOD, "base_url": "ftp://gpu.example/v1"}, {**GOOD, "base_url": "https:///v1"}, {**GOOD, "name": "a/b"},
    {**GOOD, "models": [f"m{i}" for i in range(51)]}, {**GOOD, "models": ["a", "a"]}, {**GOOD, "models": ["a\nb"]},
    {**GOOD, "api_key": "sk-x"}])
def test_bad_endpoints_are_refused(entry: dict[str, object], phidesk_home: Path) -> None:
    assert settings.endpoint_problem(entry) is not None
    with pytest.raises(UserError):
        settings.update({"endpoints": [entry]})


def test_a_damaged_list_in_the_file_means_no_endpoints(phidesk_home: Path) -> None:
    settings.paths.settings_file().write_text(json.dumps({"endpoints": [GOOD, {**GOOD, "base_url": "file:///x"}]}))
    assert load_endpoints() == []
    settings.paths.settings_file().write_text(json.dumps({"endpoints": [GOOD]}))
    assert load_endpoints() == [Endpoint("lab", "https://gpu.example/v1", ["phi-3.5"])]


def test_remote_model_ids_name_an_added_endpoint(phidesk_home: Path) -> None:
    add_endpoint(Endpoint("github", "https://models.github.ai/inference/", ["openai/gpt-4o"]), None)
    found = remote_model("github/openai/gpt-4o")
    assert found is not None
    assert (found[0].base_url, found[1]) == ("https://models.github.ai/inference", "openai/gpt-4o")
    assert remote_model("other/phi") is None  # not an endpoint: a local model id
    assert remote_model("starter") is None
    with pytest.raises(RemoteError, match=r"replace the part in <\.\.\.>"):
        add_endpoint(Endpoint("az", "https://<resource>.openai.azure.com/openai/v1"), None)
