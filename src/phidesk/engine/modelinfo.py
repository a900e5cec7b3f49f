"""A model folder → ModelInfo, or a ModelFolderError that says in one line what is wrong.

Reads genai_config.json with ``json`` (the runtime has no getters for it), bounded in size and
nesting first (``phidesk.jsonfile``): the worker calls this before the runtime parses the same
file, so a hostile folder is refused here with its reason instead of crashing anything. Finds the chat
template, and checks that every file the model needs is really there, including the
external-data files (``*.onnx.data``) that an ``.onnx`` graph points at. It never imports
onnxruntime_genai, so the GUI and the CLI can call it freely.
"""

from __future__ import annotations

import mmap
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from phidesk import jsonfile
from phidesk.errors import ModelFolderError
from phidesk.texts import QT_TRANSLATE_NOOP, Text, message_of

# The Phi-3 chat format, for Phi-3 models whose folder carries no template.
PHI3_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|' + message['role'] + '|>\\n' + message['content'] + '<|end|>\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}"
)
VISION_TYPES = {"phi3v", "phi4mm", "qwen2_5_vl", "gemma3", "fara"}
# An ONNX TensorProto names its external file with the entry {key: "location", value: NAME}:
# field 1 (tag 0x0a) length 8 "location", then field 2 (tag 0x12) and the varint length of NAME.
_LOCATION = re.compile(rb"\x0a\x08location\x12")


@dataclass(frozen=True)
class ModelInfo:
    path: Path
    model_type: str
    context_length: int
    eos_token_ids: tuple[int, ...]
    vision: bool
    chat_template: str
    template_source: str  # "chat_template.jinja" | "tokenizer_config.json" | "built-in Phi-3"
    onnx_files: tuple[str, ...]
    data_files: tuple[str, ...]
    size_bytes: int
    kv_values_per_token: int = 0  # 2 (K and V) × layers × KV heads × head size; 0 when genai_config does not say
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def name(self) -> str:
        return self.path.name


# Bounds for the JSON files of a model folder (a tokenizer_config.json can carry a long added-token table).
CONFIG_MAX_BYTES = 32 * 1024 * 1024
TEMPLATE_MAX_BYTES = 1024 * 1024


def _error(template: str, /, **values: object) -> ModelFolderError:
    """What is wrong with a folder: *template* (marked for translation under "ModelFolderErrors") with *values*
    (paths and file names, never translated)."""
    return ModelFolderError(Text("ModelFolderErrors", template, **values))


def _load_json(path: Path, what: Text) -> dict[str, Any]:
    try:
        return jsonfile.read_object(path, max_bytes=CONFIG_MAX_BYTES)
    except FileNotFoundError:
        raise _error(QT_TRANSLATE_NOOP("ModelFolderErrors", "{folder}: no {file} ({what})"),
                     folder=str(path.parent), file=path.name, what=what) from None
    except jsonfile.JSONFileError as exc:
        raise ModelFolderError(message_of(exc)) from None


def external_data_files(onnx_path: Path) -> set[str]:
    """The file names an .onnx graph keeps its weights in (``location`` entries)."""
    names: set[str] = set()
    if onnx_path.stat().st_size == 0:
        return names
    with onnx_path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        for match in _LOCATION.finditer(buf):
            pos, length, shift = match.end(), 0, 0
            while pos < len(buf) and shift < 32:
                byte = buf[pos]
                pos += 1
                length |= (byte & 0x7F) << shift
                shift += 7
                if not byte & 0x80:
                    break
            if 0 < length < 4096:
                names.add(bytes(buf[pos : pos + length]).decode("utf-8", "replace"))
    return names


def _find_template(folder: Path, model_type: str) -> tuple[str, str]:
    jinja = folder / "chat_template.jinja"
    if jinja.is_file():
        try:
            if jinja.stat().st_size > TEMPLATE_MAX_BYTES:
                raise _error(QT_TRANSLATE_NOOP("ModelFolderErrors", "{file}: larger than {kb} KB"),
                             file=str(jinja), kb=TEMPLATE_MAX_BYTES // 1024)
            return jinja.read_bytes().decode("utf-8"), jinja.name
        except UnicodeDecodeError:
            raise _error(QT_TRANSLATE_NOOP("ModelFolderErrors", "{file}: not UTF-8 text"), file=str(jinja)) from None
        except OSError as exc:
            raise _error(QT_TRANSLATE_NOOP("ModelFolderErrors", "{file}: cannot be read ({error})"),
                         file=str(jinja), error=exc.strerror or str(exc)) from None
    tok_config = folder / "tokenizer_config.json"
    if tok_config.is_file():
        what = Text("ModelFolderErrors", QT_TRANSLATE_NOOP("ModelFolderErrors", "tokenizer settings"))
        template = _load_json(tok_config, what).get("chat_template")
        if isinstance(template, list):  # [{"name": "default", "template": "..."}, ...]
            named = {t.get("name"): t.get("template") for t in template if isinstance(t, dict)}
            template = named.get("default") or next(iter(named.values()), None)
        if isinstance(template, str) and template.strip():
            return template, tok_config.name
    if model_type.startswith("phi3") or model_type in {"phi", "phimoe"}:
        return PHI3_TEMPLATE, "built-in Phi-3"
    raise _error(QT_TRANSLATE_NOOP(
        "ModelFolderErrors",
        "{folder}: no chat template (chat_template.jinja or tokenizer_config.json 'chat_template')"),
        folder=str(folder))


def _safe_name(folder: Path, name: object, part: str) -> str:
    if not isinstance(name, str) or not name:
        raise _error(QT_TRANSLATE_NOOP("ModelFolderErrors", "{folder}: genai_config.json names no {part} model file"),
                     folder=str(folder), part=part)
    target = (folder / name).resolve()
    if not target.is_relative_to(folder.resolve()):
        raise _error(QT_TRANSLATE_NOOP(
            "ModelFolderErrors", "{folder}: genai_config.json points outside the folder ({name})"),
            folder=str(folder), name=name)
    return name


def read_model_folder(path: str | Path) -> ModelInfo:
    """Validate *path* as an onnxruntime-genai model folder and describe it."""
    folder = Path(path).expanduser()
    if not folder.exists():
        raise _error(QT_TRANSLATE_NOOP("ModelFolderErrors", "{folder}: no such file or folder"), folder=str(folder))
    if not folder.is_dir():
        raise _error(QT_TRANSLATE_NOOP(
            "ModelFolderErrors",
            "{folder}: is a file, not a model folder (import GGUF files with 'phidesk models import')"),
            folder=str(folder))
    if not any(folder.iterdir()):
        raise _error(QT_TRANSLATE_NOOP(
            "ModelFolderErrors", "{folder}: the folder is empty (expected genai_config.json and .onnx files)"),
            folder=str(folder))
    config = _load_json(folder / "genai_config.json", Text("ModelFolderErrors", QT_TRANSLATE_NOOP(
        "ModelFolderErrors", "not an onnxruntime-genai model folder")))
    model = config.get("model")
    if not isinstance(model, dict):
        raise _error(QT_TRANSLATE_NOOP("ModelFolderErrors", "{folder}: genai_config.json has no 'model' section"),
                     folder=str(folder))
    model_type = str(model.get("type") or "")
    if not model_type:
        raise _error(QT_TRANSLATE_NOOP("ModelFolderErrors", "{folder}: genai_config.json does not say the model type"),
                     folder=str(folder))
    context = model.get("context_length")
    if not isinstance(context, int) or context <= 0:
        raise _error(QT_TRANSLATE_NOOP("ModelFolderErrors", "{folder}: genai_config.json has no valid context_length"),
                     folder=str(folder))
    eos = model.get("eos_token_id", [])
    eos_ids = tuple(eos) if isinstance(eos, list) else (eos,)

    onnx_files: list[str] = []
    for part in ("decoder", "vision", "embedding", "speech"):
        section = model.get(part)
        if isinstance(section, dict) and ("filename" in section or part == "decoder"):
            onnx_files.append(_safe_name(folder, section.get("filename"), part))
    data_files: set[str] = set()
    for name in onnx_files:
        onnx_path = folder / name
        if not onnx_path.is_file():
            raise _error(QT_TRANSLATE_NOOP("ModelFolderErrors", "{folder}: the model file {name} is missing"),
                         folder=str(folder), name=name)
        for data_name in external_data_files(onnx_path):
            if "/" in data_name or "\\" in data_name or data_name.startswith(".."):
                raise _error(QT_TRANSLATE_NOOP(
                    "ModelFolderErrors", "{folder}: {name} points outside the folder ({data})"),
                    folder=str(folder), name=name, data=data_name)
            if not (folder / data_name).is_file():
                raise _error(QT_TRANSLATE_NOOP(
                    "ModelFolderErrors", "{folder}: {data} is missing (the weights of {name})"),
                    folder=str(folder), name=name, data=data_name)
            data_files.add(data_name)
    if not ((folder / "tokenizer.json").is_file() or (folder / "tokenizer.model").is_file()):
        raise _error(QT_TRANSLATE_NOOP("ModelFolderErrors", "{folder}: no tokenizer (tokenizer.json)"),
                     folder=str(folder))
    template, source = _find_template(folder, model_type)
    decoder = model.get("decoder")
    shape = [decoder.get(k) for k in ("num_hidden_layers", "num_key_value_heads", "head_size")] if isinstance(
        decoder, dict) else []
    dims = [v for v in shape if isinstance(v, int) and 0 < v < 1 << 16]
    kv_values = 2 * dims[0] * dims[1] * dims[2] if len(dims) == 3 else 0
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return ModelInfo(
        path=folder.resolve(),
        model_type=model_type,
        context_length=context,
        eos_token_ids=tuple(int(i) for i in eos_ids if isinstance(i, int)),
        vision=model_type in VISION_TYPES or isinstance(model.get("vision"), dict),
        chat_template=template,
        template_source=source,
        onnx_files=tuple(onnx_files),
        data_files=tuple(sorted(data_files)),
        size_bytes=size,
        kv_values_per_token=kv_values,
    )
