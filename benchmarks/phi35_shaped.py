"""A Phi-3.5-mini-shaped int4 model with random weights, for benchmarks (cached outside the repo).

    python benchmarks/phi35_shaped.py [--ep cpu|cuda] [--layers N] [--keep-checkpoint] [--out DIR] [--force]

Same shape as microsoft/Phi-3.5-mini-instruct: hidden 3072, 32 layers, 32 attention heads (32 KV heads),
intermediate 8192, vocabulary 32064; int4 with block size 128 (accuracy level 4 on CPU), made by
onnxruntime-genai's own builder from a Hugging Face checkpoint whose weights are random. Random weights cost the
same compute and memory as the real ones, so its timings stand for Phi-3.5-mini's; its answers are noise.

The builder takes ``--extra_options block_size=128 accuracy_level=4``: onnxruntime-genai 0.18 silently ignores
the older ``int4_block_size`` / ``int4_accuracy_level`` spellings and builds block size 32. After the build every
MatMulNBits node is read back with the ``onnx`` package (graph only, no weights); the summary JSON prints the
block sizes and accuracy levels found, and the build fails if they are not the ones asked for.

``--layers N`` keeps the width and builds N decoder layers (default 32, the real model); each layer costs what it
costs in the real model (the embedding and output layer are the same at any depth), so ``--layers 8`` has a
quarter of the decoder's per-token work and fits in far less memory: 887 MB, 48 s, peak RSS 8.4 GB here.
``--keep-checkpoint`` keeps the random fp16 Hugging Face checkpoint next to the model (``<model folder>-hf``),
so other benchmarks (llamacpp_phi35.py) can convert the very same weights to GGUF; a cached model without its
checkpoint is built again.

Prints one JSON line: the model folder, its size, the MatMulNBits attributes found, timings (or ``cached``).

The tokenizer is the tiny phi3v fixture's Phi-3-style BPE (tests/builders/tiny_phi3v.py), padded to Phi-3's
layout: 32,000 pieces, then the chat specials from id 32000, so every id the model can emit decodes.
The result goes to $PHIDESK_CACHE/bench-models/phi35-mini-shaped-L<layers>-<ep>-int4-v2. Measured on a 2-core,
24 GB machine with 32 layers (at block size 32, before the fix): 2,598 MB for CPU, 2 min 46 s, peak RSS 23.4 GB
(the builder holds the fp32 weights), 8 GB of disk for the temporary fp16 checkpoint.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

SHAPE = {"hidden_size": 3072, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 32,
         "intermediate_size": 8192, "vocab_size": 32064}
PIECES = 32000  # Phi-3: the chat specials start at id 32000
KEY = "v2"  # v1 was built at block size 32 (the ignored int4_* options)
LAYERS = 32
BLOCK_SIZE = 128
ACCURACY_LEVEL = 4


def cache_dir(ep: str, layers: int = LAYERS) -> Path:
    from phidesk import paths

    return paths.cache_dir() / "bench-models" / f"phi35-mini-shaped-L{layers}-{ep}-int4-{KEY}"


def checkpoint_dir(model: Path) -> Path:
    """Where --keep-checkpoint keeps the random Hugging Face checkpoint of *model*."""
    return model.with_name(model.name + "-hf")


def phi3_tokenizer() -> dict[str, Any]:
    """The fixture tokenizer with filler pieces up to id 31999 and the specials moved to 32000…"""
    from tests.builders.tiny_phi3v import SPECIAL_TOKENS, _tokenizer_files

    files = _tokenizer_files()
    tok = files["tokenizer.json"]
    vocab: dict[str, int] = tok["model"]["vocab"]
    for n in range(len(vocab), PIECES):
        vocab[f"▁filler{n}"] = n  # reachable by no merge; decodes to a word when the random model emits it
    moved: dict[int, int] = {}
    for offset, added in enumerate(a for a in tok["added_tokens"] if a["content"] in dict(SPECIAL_TOKENS)):
        moved[added["id"]] = PIECES + offset
        added["id"] = PIECES + offset
    config = files["tokenizer_config.json"]
    config["added_tokens_decoder"] = {str(moved.get(int(k), int(k))): v for k, v in
                                      config["added_tokens_decoder"].items()}
    ids = {name: moved.get(i, i) for name, i in files["ids"].items()}
    return {"tokenizer.json": tok, "tokenizer_config.json": config,
            "special_tokens_map.json": files["special_tokens_map.json"], "ids": ids}


def random_checkpoint(folder: Path, tokenizer: dict[str, Any], layers: int) -> None:
    import torch
    import transformers

    ids = tokenizer["ids"]
    config = transformers.Phi3Config(
        **{**SHAPE, "num_hidden_layers": layers}, max_position_embeddings=4096,
        original_max_position_embeddings=4096, rope_theta=10000.0,
        bos_token_id=1, eos_token_id=ids["<|endoftext|>"], pad_token_id=ids["<|endoftext|>"],
        tie_word_embeddings=False, torch_dtype="float16")
    with torch.device("meta"):
        model = transformers.Phi3ForCausalLM(config)
    model = model.to_empty(device="cpu").to(torch.float16)
    generator = torch.Generator().manual_seed(20261124)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if "norm" in name:
                param.fill_(1.0)
            else:
                param.normal_(0.0, 0.02, generator=generator)
    model.save_pretrained(folder, safe_serialization=True, max_shard_size="2GB")
    config_json = json.loads((folder / "config.json").read_text())
    config_json["eos_token_id"] = [ids["<|endoftext|>"], ids["<|end|>"]]
    (folder / "config.json").write_text(json.dumps(config_json, indent=2))
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        (folder / name).write_text(json.dumps(tokenizer[name], indent=2, ensure_ascii=False), encoding="utf-8")


def matmulnbits_attributes(model_dir: Path) -> dict[str, Any]:
    """The block sizes and accuracy levels of the MatMulNBits nodes in *model_dir* (the graph only)."""
    import onnx

    graph = onnx.load(str(model_dir / "model.onnx"), load_external_data=False).graph
    blocks: dict[int, int] = {}
    levels: dict[int, int] = {}
    for node in graph.node:
        if node.op_type != "MatMulNBits":
            continue
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        block, level = int(attrs.get("block_size", 0)), int(attrs.get("accuracy_level", 0))
        blocks[block] = blocks.get(block, 0) + 1
        levels[level] = levels.get(level, 0) + 1
    return {"matmulnbits_nodes": sum(blocks.values()), "block_size": blocks, "accuracy_level": levels}


def build(ep: str, out: Path, layers: int, keep_checkpoint: bool) -> dict[str, Any]:
    started = time.monotonic()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="phi35-shaped-", dir=out.parent) as tmp:
        hf, onnx_dir, cache = Path(tmp) / "hf", Path(tmp) / "onnx", Path(tmp) / "cache"
        random_checkpoint(hf, phi3_tokenizer(), layers)
        checkpoint_s = time.monotonic() - started
        extra = [f"block_size={BLOCK_SIZE}"] + ([f"accuracy_level={ACCURACY_LEVEL}"] if ep == "cpu" else [])
        cmd = [sys.executable, "-m", "onnxruntime_genai.models.builder", "-i", str(hf), "-o", str(onnx_dir),
               "-p", "int4", "-e", ep, "-c", str(cache), "--extra_options", *extra]
        print("+", " ".join(cmd), flush=True)
        subprocess.run(cmd, check=True)
        found = matmulnbits_attributes(onnx_dir)
        if set(found["block_size"]) != {BLOCK_SIZE} or (ep == "cpu" and set(found["accuracy_level"]) != {4}):
            raise SystemExit(f"the builder ignored {extra}: MatMulNBits {found}")
        shape = {**SHAPE, "num_hidden_layers": layers}
        (onnx_dir / "phidesk-bench.json").write_text(json.dumps({"shape": shape, "ep": ep, "int4": extra,
                                                                 "matmulnbits": found, "key": KEY}, indent=2))
        if out.exists():
            shutil.rmtree(out)
        onnx_dir.replace(out)
        if keep_checkpoint:
            kept = checkpoint_dir(out)
            if kept.exists():
                shutil.rmtree(kept)
            hf.replace(kept)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {"model": str(out), "ep": ep, "layers": layers, "size_mb": round(size / 2**20),
            "checkpoint": str(checkpoint_dir(out)) if keep_checkpoint else None, **found,
            "checkpoint_s": round(checkpoint_s), "total_s": round(time.monotonic() - started)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ep", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--layers", type=int, default=LAYERS,
                        help="decoder layers (default 32, the real model; 8 fits a 24 GB machine with room to spare)")
    parser.add_argument("--keep-checkpoint", action="store_true",
                        help="keep the random Hugging Face checkpoint in <model folder>-hf (for the GGUF conversion)")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--force", action="store_true", help="build again even if it is cached")
    args = parser.parse_args()
    if args.layers < 1:
        parser.error("--layers must be at least 1")
    out = args.out or cache_dir(args.ep, args.layers)
    wanted_checkpoint = not args.keep_checkpoint or (checkpoint_dir(out) / "config.json").is_file()
    if (out / "genai_config.json").is_file() and wanted_checkpoint and not args.force:
        print(json.dumps({"model": str(out), "cached": True, **matmulnbits_attributes(out)}))
        return 0
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    print(json.dumps(build(args.ep, out, args.layers, args.keep_checkpoint)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
