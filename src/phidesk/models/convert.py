"""Turn a GGUF file or a Hugging Face checkpoint into an onnxruntime-genai model folder.

Runs as its own process (``python -m phidesk.models.convert``) so that torch, transformers
and the builder's memory never live in the app's or the worker's process. Needs the
``phidesk[convert]`` extra. The library module starts it and reads its exit status; this
module prints one-line progress messages to stderr and nothing else.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

EXIT_MISSING_EXTRA = 3


def _say(message: str) -> None:
    print(f"convert: {message}", file=sys.stderr, flush=True)


def gguf_to_hf(gguf_path: Path, hf_dir: Path) -> None:
    """Dequantize a GGUF file into a plain Hugging Face checkpoint (safetensors + tokenizer)."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    folder, name = str(gguf_path.parent), gguf_path.name
    _say(f"reading {name}")
    loaded = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    # A model loaded from GGUF refuses save_pretrained ("quantized with gguf"): copy its
    # weights into a fresh model of the same architecture without the quantization config.
    config = AutoConfig.from_pretrained(folder, gguf_file=name)
    if hasattr(config, "quantization_config"):
        delattr(config, "quantization_config")
    fresh = type(loaded)(config)
    missing, unexpected = fresh.load_state_dict(loaded.state_dict(), strict=False)
    real_missing = [k for k in missing if not k.endswith("lm_head.weight")]
    if real_missing or unexpected:
        raise RuntimeError(f"weights do not match the architecture: missing {real_missing}, extra {unexpected}")
    if config.tie_word_embeddings:
        fresh.tie_weights()
    fresh.save_pretrained(hf_dir, safe_serialization=True)
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    tokenizer.save_pretrained(hf_dir)
    _say(f"dequantized to {hf_dir}")


def build_onnx(hf_dir: Path, out_dir: Path, cache_dir: Path, precision: str = "int4") -> None:
    """Run onnxruntime-genai's own model builder on a Hugging Face checkpoint folder."""
    cmd = [
        sys.executable, "-m", "onnxruntime_genai.models.builder",
        "-i", str(hf_dir), "-o", str(out_dir), "-p", precision, "-e", "cpu", "-c", str(cache_dir),
    ]
    if precision == "int4":
        cmd += ["--extra_options", "int4_accuracy_level=4"]
    _say("building the onnxruntime-genai model (onnxruntime_genai.models.builder)")
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, check=False)
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.splitlines()[-15:])
        raise RuntimeError(f"the model builder failed (exit {proc.returncode}):\n{tail}")
    template = hf_dir / "chat_template.jinja"
    if template.exists() and not (out_dir / "chat_template.jinja").exists():
        shutil.copy2(template, out_dir / "chat_template.jinja")


def convert(source: Path, out_dir: Path, precision: str = "int4") -> None:
    """GGUF file or HF checkpoint folder -> onnxruntime-genai model in *out_dir* (created)."""
    with tempfile.TemporaryDirectory(prefix="phidesk-convert-") as tmp:
        work = Path(tmp)
        if source.is_file():
            hf_dir = work / "hf"
            gguf_to_hf(source, hf_dir)
        else:
            hf_dir = source
        build_onnx(hf_dir, out_dir, work / "cache", precision)
    (out_dir / "phidesk-source.json").write_text(
        json.dumps({"converted_from": source.name, "precision": precision}, indent=2), encoding="utf-8"
    )
    _say(f"done: {out_dir}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m phidesk.models.convert")
    parser.add_argument("source", type=Path, help="a .gguf file or a Hugging Face checkpoint folder")
    parser.add_argument("out", type=Path, help="the folder to write (must not exist)")
    parser.add_argument("--precision", default="int4", choices=["int4", "fp16", "fp32"])
    args = parser.parse_args(argv)
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as exc:
        _say(f"missing the conversion tools ({exc.name}): pip install 'phidesk[convert]'")
        return EXIT_MISSING_EXTRA
    try:
        convert(args.source, args.out, args.precision)
    except Exception as exc:
        _say(f"failed: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
