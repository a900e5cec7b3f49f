"""The catalog of downloadable models: official Phi ONNX builds on the Hugging Face hub.

The data lives in ``resources/catalog.json`` (installed as ``phidesk.resources``); this module
loads and validates it. Each entry is one *variant* (``cpu``, ``cuda`` or ``dml``) of one model
id: the hub repository, the subfolder holding that build, the files the app needs from it with
their sizes, and the decoder's shape (layers, KV heads, head size) for the KV-cache arithmetic
in ``phidesk.models.fit``.

Sizes marked ``approx_size`` were read off the hub's file listings, which round to three
significant digits; ``check_listing`` compares them with a real listing with some slack.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from phidesk import jsonfile
from phidesk.errors import UserError

VARIANTS = ("cpu", "cuda", "dml")
TYPES = ("text", "vision")
# Slack for sizes marked approximate: 2 % of the expected size, but at least this much, so that a
# 1.58 kB genai_config.json or a re-uploaded tokenizer.json (1.84 → 1.94 MB) is not a "mismatch";
# a different weights file (2.72 GB vs 2.29 GB, or 231 kB vs 52 MB) still is.
APPROX_FRACTION = 0.02
APPROX_MIN_SLACK = 256 * 1024


@dataclass(frozen=True)
class CatalogFile:
    path: str  # relative to the entry's subfolder, "/" separated
    size: int  # bytes
    approx_size: bool = False


@dataclass(frozen=True)
class CatalogEntry:
    id: str
    variant: str
    name: str
    repo: str
    subfolder: str
    files: tuple[CatalogFile, ...]
    license: str
    type: str
    context_length: int
    providers: tuple[str, ...]
    params_b: float
    layers: int
    kv_heads: int
    head_dim: int
    description: str
    sources: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.id}:{self.variant}"

    @property
    def size_bytes(self) -> int:
        """Everything that gets downloaded."""
        return sum(f.size for f in self.files)

    @property
    def weights_bytes(self) -> int:
        """The model graphs and their weights (``*.onnx`` and ``*.onnx.data``): what gets loaded into memory."""
        return sum(f.size for f in self.files if f.path.endswith((".onnx", ".onnx.data")))

    @property
    def approx(self) -> bool:
        return any(f.approx_size for f in self.files)

    @property
    def vision(self) -> bool:
        return self.type == "vision"


# --- loading and validation ---------------------------------------------------------------


def _need(raw: dict[str, Any], field: str, kind: type | tuple[type, ...], where: str) -> Any:
    if field not in raw:
        raise ValueError(f"catalog entry {where}: missing '{field}'")
    value = raw[field]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    # bool is an int subclass: never accept it where a number is meant
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise ValueError(f"catalog entry {where}: '{field}' should be {_kind_name(kind)}, not {value!r}")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def _parse_file(raw: Any, where: str) -> CatalogFile:
    if not isinstance(raw, dict):
        raise ValueError(f"catalog entry {where}: each file should be an object, not {raw!r}")
    path = _need(raw, "path", str, where)
    size = _need(raw, "size", int, where)
    approx = raw.get("approx_size", False)
    if not isinstance(approx, bool):
        raise ValueError(f"catalog entry {where}: file {path}: 'approx_size' should be true or false")
    if not path or path.startswith(("/", "\\")) or ".." in path.split("/") or "\\" in path:
        raise ValueError(f"catalog entry {where}: bad file path {path!r} (relative, '/' separated)")
    if size <= 0:
        raise ValueError(f"catalog entry {where}: file {path}: size must be positive")
    return CatalogFile(path, size, approx)


def parse_entry(raw: Any, index: int = 0) -> CatalogEntry:
    """One catalog entry from its JSON form; ValueError naming the entry when it is malformed."""
    if not isinstance(raw, dict):
        raise ValueError(f"catalog entry #{index}: expected an object, not {type(raw).__name__}")
    where = f"#{index}"
    ident = raw.get("id")
    if isinstance(ident, str):
        where = f"#{index} ({ident}:{raw.get('variant', '?')})"
    ident = _need(raw, "id", str, where)
    variant = _need(raw, "variant", str, where)
    if ident != ident.lower() or not ident or any(c.isspace() for c in ident) or ":" in ident:
        raise ValueError(f"catalog entry {where}: id must be lower-case without spaces or ':'")
    if variant not in VARIANTS:
        raise ValueError(f"catalog entry {where}: variant must be one of {', '.join(VARIANTS)}")
    type_ = _need(raw, "type", str, where)
    if type_ not in TYPES:
        raise ValueError(f"catalog entry {where}: type must be one of {', '.join(TYPES)}")
    repo = _need(raw, "repo", str, where)
    if repo.count("/") != 1 or repo.startswith("/") or repo.endswith("/"):
        raise ValueError(f"catalog entry {where}: repo should look like 'owner/name', not {repo!r}")
    subfolder = _need(raw, "subfolder", str, where).strip("/")
    raw_files = _need(raw, "files", list, where)
    if not raw_files:
        raise ValueError(f"catalog entry {where}: no files")
    files = tuple(_parse_file(f, where) for f in raw_files)
    paths = [f.path for f in files]
    if len(set(paths)) != len(paths):
        raise ValueError(f"catalog entry {where}: a file is listed twice")
    if "genai_config.json" not in paths:
        raise ValueError(f"catalog entry {where}: files must include genai_config.json")
    if not any(p.endswith(".onnx") for p in paths):
        raise ValueError(f"catalog entry {where}: files must include an .onnx model")
    providers = _need(raw, "providers", list, where)
    if not providers or not all(isinstance(p, str) and p in VARIANTS for p in providers):
        raise ValueError(f"catalog entry {where}: providers must be a non-empty list of {', '.join(VARIANTS)}")
    arch = _need(raw, "architecture", dict, where)
    layers = _need(arch, "layers", int, where)
    kv_heads = _need(arch, "kv_heads", int, where)
    head_dim = _need(arch, "head_dim", int, where)
    context = _need(raw, "context_length", int, where)
    params = _need(raw, "params_b", (int, float), where)
    if min(layers, kv_heads, head_dim, context) <= 0 or params <= 0:
        raise ValueError(f"catalog entry {where}: layers, kv_heads, head_dim, context_length and params_b "
                         "must be positive")
    sources = raw.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise ValueError(f"catalog entry {where}: sources must be a list of URLs")
    return CatalogEntry(
        id=ident, variant=variant, name=_need(raw, "name", str, where), repo=repo, subfolder=subfolder,
        files=files, license=_need(raw, "license", str, where), type=type_, context_length=context,
        providers=tuple(providers), params_b=float(params), layers=layers, kv_heads=kv_heads, head_dim=head_dim,
        description=_need(raw, "description", str, where), sources=tuple(sources),
    )


def parse_catalog(data: Any) -> tuple[CatalogEntry, ...]:
    """All entries of a catalog document, validated (keys unique)."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise ValueError("catalog: expected an object with an 'entries' list")
    if data.get("version") != 1:
        raise ValueError(f"catalog: unsupported version {data.get('version')!r} (this app reads version 1)")
    entries = tuple(parse_entry(raw, i) for i, raw in enumerate(data["entries"]))
    seen: set[str] = set()
    for entry in entries:
        if entry.key in seen:
            raise ValueError(f"catalog entry {entry.key}: listed twice")
        seen.add(entry.key)
    return entries


def load_catalog() -> tuple[CatalogEntry, ...]:
    """The bundled catalog, or the file named by ``PHIDESK_CATALOG`` (an organisation's mirror, tests)."""
    return _load(os.environ.get("PHIDESK_CATALOG") or None)


@cache
def _load(override: str | None) -> tuple[CatalogEntry, ...]:
    if override:
        try:
            text = Path(override).read_text(encoding="utf-8")
        except OSError as exc:
            raise UserError(f"PHIDESK_CATALOG: cannot read {override} ({exc.strerror})") from None
    else:
        text = resources.files("phidesk.resources").joinpath("catalog.json").read_text(encoding="utf-8")
    try:
        return parse_catalog(jsonfile.loads(text, override or "catalog.json", max_depth=16))
    except (jsonfile.JSONFileError, ValueError) as exc:
        raise UserError(f"the model catalog is damaged: {exc}") from None


def ids(entries: tuple[CatalogEntry, ...] | None = None) -> list[str]:
    """The model ids, in catalog order, each once."""
    return list(dict.fromkeys(e.id for e in (entries if entries is not None else load_catalog())))


def variants(model_id: str, entries: tuple[CatalogEntry, ...] | None = None) -> list[str]:
    return [e.variant for e in (entries if entries is not None else load_catalog()) if e.id == model_id]


def find(model_id: str, variant: str | None = None) -> CatalogEntry:
    """The entry for *model_id* and *variant* (default ``cpu``: choosing the best variant for this
    machine is the caller's job, see ``phidesk.models.fit.best``). UserError listing the choices."""
    entries = load_catalog()
    wanted = model_id.strip().lower()
    matching = [e for e in entries if e.id == wanted]
    if not matching:
        raise UserError(f"unknown catalog model '{model_id}' (available: {', '.join(ids(entries))})")
    chosen = (variant or "cpu").strip().lower()
    for entry in matching:
        if entry.variant == chosen:
            return entry
    raise UserError(f"'{wanted}' has no '{chosen}' variant (available: {', '.join(e.variant for e in matching)})")


# --- comparing with the hub ---------------------------------------------------------------


def _fmt_bytes(n: int) -> str:
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= scale:
            return f"{n / scale:,.2f} {unit}"
    return f"{n:,} bytes"


def check_listing(entry: CatalogEntry, listing: dict[str, int]) -> list[str]:
    """Mismatches between the files *entry* expects and a hub listing ``{path: size in bytes}``.

    Paths may be relative to the entry's subfolder or to the repository root (then they must lie
    inside the subfolder). A file missing from the listing is a mismatch; so is a size that differs
    at all for an exact size, or by more than max(2 %, 256 KiB) for an approximate one. Extra files
    in the listing are fine. Returns human-readable lines; an empty list means it matches.
    """
    prefix = entry.subfolder + "/" if entry.subfolder else ""
    relative: dict[str, int] = {}
    for path, size in listing.items():
        clean = path.replace("\\", "/").lstrip("/")
        if prefix and clean.startswith(prefix):
            clean = clean[len(prefix):]
        relative[clean] = size
    problems = []
    for file in entry.files:
        where = f"{entry.repo}/{prefix}{file.path}"
        if file.path not in relative:
            problems.append(f"{where}: missing from the hub listing")
            continue
        actual = relative[file.path]
        if file.approx_size:
            slack = max(APPROX_FRACTION * file.size, APPROX_MIN_SLACK)
            if abs(actual - file.size) > slack:
                problems.append(f"{where}: {_fmt_bytes(actual)} on the hub, about {_fmt_bytes(file.size)} expected "
                                f"({(actual - file.size) / file.size:+.1%})")
        elif actual != file.size:
            problems.append(f"{where}: {actual:,} bytes on the hub, {file.size:,} expected")
    return problems
