"""read_model_folder on the real starter model and on copies of it broken one way at a time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2
import pytest

from phidesk.engine.modelinfo import PHI3_TEMPLATE, external_data_files, read_model_folder
from phidesk.errors import ModelFolderError, UserError


def _config(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "genai_config.json").read_text(encoding="utf-8"))


def _write_config(folder: Path, config: object) -> None:
    (folder / "genai_config.json").write_text(json.dumps(config), encoding="utf-8")


def _set_model_type(folder: Path, model_type: str) -> None:
    config = _config(folder)
    config["model"]["type"] = model_type
    _write_config(folder, config)


def _render(template: str, messages: list[dict[str, str]]) -> str:
    return jinja2.Environment().from_string(template).render(messages=messages, add_generation_prompt=True)


# --- the valid starter --------------------------------------------------------------------


def test_starter_is_described(starter_source: Path) -> None:
    info = read_model_folder(starter_source)
    assert info.path == starter_source.resolve()
    assert info.model_type == "llama"
    assert info.context_length == 8192
    assert info.eos_token_ids == (2,)
    assert info.vision is False
    assert info.onnx_files == ("model.onnx",)
    assert "model.onnx.data" in info.data_files
    assert info.template_source == "chat_template.jinja"
    assert info.chat_template == (starter_source / "chat_template.jinja").read_text(encoding="utf-8")
    expected_size = sum(p.stat().st_size for p in starter_source.iterdir() if p.is_file())
    assert info.size_bytes == expected_size
    assert info.name == starter_source.name


def test_starter_template_renders_chatml(starter_source: Path) -> None:
    info = read_model_folder(starter_source)
    text = _render(info.chat_template, [{"role": "system", "content": "S"}, {"role": "user", "content": "U"}])
    assert text == "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n"


def test_external_data_files_of_starter(starter_source: Path) -> None:
    assert external_data_files(starter_source / "model.onnx") == {"model.onnx.data"}


def test_external_data_files_of_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.onnx"
    empty.write_bytes(b"")
    assert external_data_files(empty) == set()


def test_eos_token_id_list_is_kept(model_copy: Path) -> None:
    config = _config(model_copy)
    config["model"]["eos_token_id"] = [2, 7]
    _write_config(model_copy, config)
    assert read_model_folder(model_copy).eos_token_ids == (2, 7)


def test_model_folder_error_is_a_user_error() -> None:
    assert issubclass(ModelFolderError, UserError)


# --- broken folders ------------------------------------------------------------------------


def _expect_error(folder: Path, fragment: str) -> str:
    with pytest.raises(ModelFolderError) as excinfo:
        read_model_folder(folder)
    message = str(excinfo.value)
    assert fragment in message
    assert "\n" not in message
    return message


def test_missing_genai_config(model_copy: Path) -> None:
    (model_copy / "genai_config.json").unlink()
    _expect_error(model_copy, "no genai_config.json")


def test_genai_config_not_json(model_copy: Path) -> None:
    (model_copy / "genai_config.json").write_text('{"model": {', encoding="utf-8")
    _expect_error(model_copy, "genai_config.json: not valid JSON (line 1")


def test_genai_config_not_text(model_copy: Path) -> None:
    (model_copy / "genai_config.json").write_bytes(b"\xff\xfe\x00\x81 binary")
    _expect_error(model_copy, "genai_config.json: not a text file")


def test_genai_config_not_an_object(model_copy: Path) -> None:
    _write_config(model_copy, [1, 2, 3])
    _expect_error(model_copy, "genai_config.json: expected a JSON object")


def test_genai_config_without_model_section(model_copy: Path) -> None:
    config = _config(model_copy)
    del config["model"]
    _write_config(model_copy, config)
    _expect_error(model_copy, "genai_config.json has no 'model' section")


def test_genai_config_without_model_type(model_copy: Path) -> None:
    config = _config(model_copy)
    del config["model"]["type"]
    _write_config(model_copy, config)
    _expect_error(model_copy, "does not say the model type")


def test_genai_config_without_context_length(model_copy: Path) -> None:
    config = _config(model_copy)
    del config["model"]["context_length"]
    _write_config(model_copy, config)
    _expect_error(model_copy, "no valid context_length")


@pytest.mark.parametrize("value", [0, -5, "8192", 81.92])
def test_genai_config_with_bad_context_length(model_copy: Path, value: object) -> None:
    config = _config(model_copy)
    config["model"]["context_length"] = value
    _write_config(model_copy, config)
    _expect_error(model_copy, "no valid context_length")


@pytest.mark.parametrize("name", ["../x.onnx", "/etc/hostname"])
def test_decoder_filename_outside_folder(model_copy: Path, name: str) -> None:
    (model_copy.parent / "x.onnx").write_bytes((model_copy / "model.onnx").read_bytes())
    config = _config(model_copy)
    config["model"]["decoder"]["filename"] = name
    _write_config(model_copy, config)
    _expect_error(model_copy, f"points outside the folder ({name})")


def test_decoder_without_filename(model_copy: Path) -> None:
    config = _config(model_copy)
    del config["model"]["decoder"]["filename"]
    _write_config(model_copy, config)
    _expect_error(model_copy, "genai_config.json names no decoder model file")


def test_missing_model_onnx(model_copy: Path) -> None:
    (model_copy / "model.onnx").unlink()
    _expect_error(model_copy, "the model file model.onnx is missing")


def test_missing_external_data(model_copy: Path) -> None:
    (model_copy / "model.onnx.data").unlink()
    _expect_error(model_copy, "model.onnx.data is missing (the weights of model.onnx)")


def test_missing_tokenizer(model_copy: Path) -> None:
    (model_copy / "tokenizer.json").unlink()
    _expect_error(model_copy, "no tokenizer (tokenizer.json)")


def test_empty_folder(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    _expect_error(empty, "the folder is empty")


def test_plain_file(tmp_path: Path) -> None:
    file = tmp_path / "notes.txt"
    file.write_text("hello", encoding="utf-8")
    message = _expect_error(file, "is a file, not a model folder")
    assert str(file) in message


def test_path_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    message = _expect_error(missing, "no such file or folder")
    assert str(missing) in message


def test_error_names_the_folder(model_copy: Path) -> None:
    (model_copy / "tokenizer.json").unlink()
    assert str(model_copy) in _expect_error(model_copy, "no tokenizer")


# --- chat template fallbacks ---------------------------------------------------------------


def _set_tokenizer_template(folder: Path, template: object) -> None:
    path = folder / "tokenizer_config.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["chat_template"] = template
    path.write_text(json.dumps(data), encoding="utf-8")


def test_template_from_tokenizer_config(model_copy: Path) -> None:
    (model_copy / "chat_template.jinja").unlink()
    _set_tokenizer_template(model_copy, "{{ messages[0]['content'] }}")
    info = read_model_folder(model_copy)
    assert info.template_source == "tokenizer_config.json"
    assert info.chat_template == "{{ messages[0]['content'] }}"


def test_template_from_tokenizer_config_named_list(model_copy: Path) -> None:
    (model_copy / "chat_template.jinja").unlink()
    _set_tokenizer_template(
        model_copy, [{"name": "tool_use", "template": "TOOLS"}, {"name": "default", "template": "DEFAULT"}]
    )
    info = read_model_folder(model_copy)
    assert info.template_source == "tokenizer_config.json"
    assert info.chat_template == "DEFAULT"


def test_jinja_file_wins_over_tokenizer_config(model_copy: Path) -> None:
    _set_tokenizer_template(model_copy, "FROM CONFIG")
    info = read_model_folder(model_copy)
    assert info.template_source == "chat_template.jinja"
    assert info.chat_template != "FROM CONFIG"


def test_builtin_phi3_template(model_copy: Path) -> None:
    (model_copy / "chat_template.jinja").unlink()
    _set_model_type(model_copy, "phi3")
    info = read_model_folder(model_copy)
    assert info.template_source == "built-in Phi-3"
    assert info.chat_template == PHI3_TEMPLATE
    rendered = _render(info.chat_template, [{"role": "system", "content": "S"}, {"role": "user", "content": "U"}])
    assert rendered == "<|system|>\nS<|end|>\n<|user|>\nU<|end|>\n<|assistant|>\n"


def test_no_template_for_llama(model_copy: Path) -> None:
    (model_copy / "chat_template.jinja").unlink()
    assert "chat_template" not in json.loads((model_copy / "tokenizer_config.json").read_text(encoding="utf-8"))
    _expect_error(model_copy, "no chat template")


def test_blank_tokenizer_template_is_no_template(model_copy: Path) -> None:
    (model_copy / "chat_template.jinja").unlink()
    _set_tokenizer_template(model_copy, "   ")
    _expect_error(model_copy, "no chat template")


# --- hostile JSON and templates: bounded before they are parsed ---------------------------


DEEP = "[" * 100_000 + "]" * 100_000


def test_deeply_nested_genai_config_is_a_one_line_error(model_copy: Path) -> None:
    (model_copy / "genai_config.json").write_text('{"model": ' + DEEP + "}", encoding="utf-8")
    _expect_error(model_copy, "genai_config.json: nested 100001 levels deep (at most 64 allowed)")


def test_deeply_nested_tokenizer_config_is_a_one_line_error(model_copy: Path) -> None:
    (model_copy / "chat_template.jinja").unlink()
    (model_copy / "tokenizer_config.json").write_text('{"chat_template": ' + DEEP + "}", encoding="utf-8")
    _expect_error(model_copy, "tokenizer_config.json: nested")


def test_genai_config_with_a_huge_integer_is_a_one_line_error(model_copy: Path) -> None:
    config = (model_copy / "genai_config.json").read_text(encoding="utf-8")
    (model_copy / "genai_config.json").write_text(config.replace('"context_length": 8192', '"context_length": '
                                                                 + "9" * 5000), encoding="utf-8")
    _expect_error(model_copy, "genai_config.json: not valid JSON")


def test_chat_template_that_is_not_text_is_a_one_line_error(model_copy: Path) -> None:
    (model_copy / "chat_template.jinja").write_bytes(b"\xff\xfe{{ messages }}\x81")
    _expect_error(model_copy, "chat_template.jinja: not UTF-8 text")
