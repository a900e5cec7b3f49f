"""A Phi-3.5-mini-shaped int4 model with random weights, for benchmarks (cached outside the repo).

    python benchmarks/phi35_shaped.py [--ep cpu|cuda] [--out DIR]

Same shape as microsoft/Phi-3.5-mini-instruct: hidden 3072, 32 layers, 32 attention heads (32 KV heads),
intermediate 8192, vocabulary 32064; int4 with block size 128 (accuracy level 4 on CPU), made by
onnxruntime-genai's own builder from a Hugging Face checkpoint whose weights are random. Random weights cost the
same compute and memory as the real ones, so its timings stand for Phi-3.5-mini's; its answers are noise.

The tokenizer is the tiny phi3v fixture's Phi-3-style BPE (tests/builders/tiny_phi3v.py), padded to Phi-3's
layout: 32,000 pieces, then the chat specials from id 32000, so every id the model can emit decodes.
The result goes to $PHIDESK_CACHE/bench-models/phi35-mini-shaped-<ep>-int4-v1: 2,598 MB for CPU (the real
cpu-int4 build is ~2.6 GB). Measured on a 2-core, 24 GB machine: 2 min 46 s, peak RSS 23.4 GB (the builder
holds the fp32 weights), 8 GB of disk for the temporary fp16 checkpoint.
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
KEY = "v1"


def cache_dir(ep: str) -> Path:
    from phidesk import paths

    return paths.cache_dir() / "bench-models" / f"phi35-mini-shaped-{ep}-int4-{KEY}"


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


def random_checkpoint(folder: Path, tokenizer: dict[str, Any]) -> None:
    import torch
    import transformers

    ids = tokenizer["ids"]
    config = transformers.Phi3Config(
        **SHAPE, max_position_embeddings=4096, original_max_position_embeddings=4096, rope_theta=10000.0,
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


def build(ep: str, out: Path) -> dict[str, Any]:
    started = time.monotonic()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="phi35-shaped-", dir=out.parent) as tmp:
        hf, onnx_dir, cache = Path(tmp) / "hf", Path(tmp) / "onnx", Path(tmp) / "cache"
        random_checkpoint(hf, phi3_tokenizer())
        checkpoint_s = time.monotonic() - started
        extra = ["int4_block_size=128"] + (["int4_accuracy_level=4"] if ep == "cpu" else [])
        cmd = [sys.executable, "-m", "onnxruntime_genai.models.builder", "-i", str(hf), "-o", str(onnx_dir),
               "-p", "int4", "-e", ep, "-c", str(cache), "--extra_options", *extra]
        print("+", " ".join(cmd), flush=True)
        subprocess.run(cmd, check=True)
        (onnx_dir / "phidesk-bench.json").write_text(json.dumps({"shape": SHAPE, "ep": ep, "int4": extra,
                                                                 "key": KEY}, indent=2))
        if out.exists():
            shutil.rmtree(out)
        onnx_dir.replace(out)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {"model": str(out), "ep": ep, "size_mb": round(size / 2**20), "checkpoint_s": round(checkpoint_s),
            "total_s": round(time.monotonic() - started)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ep", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--force", action="store_true", help="build again even if it is cached")
    args = parser.parse_args()
    out = args.out or cache_dir(args.ep)
    if (out / "genai_config.json").is_file() and not args.force:
        print(json.dumps({"model": str(out), "cached": True}))
        return 0
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    print(json.dumps(build(args.ep, out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
