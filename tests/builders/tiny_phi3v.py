"""A tiny ``phi3v`` onnxruntime-genai model folder, built from random weights in seconds.

It has the contract of microsoft/Phi-3.5-vision-instruct-onnx (cpu-int4-rtn-block-32-acc-level-4):

* ``phi-3.5-v-instruct-vision.onnx``: ``pixel_values`` float [num_images, num_crops, 3, H, W] and ``image_sizes``
  int64 [num_images, 2] → ``image_features`` float [num_image_tokens, hidden]. It returns exactly
  ((h/336)·(w/336)+1)·144 + 1 + (h/336+1)·12 rows per image (h, w from ``image_sizes``), the number of
  placeholder tokens that the Phi3ImageTransform of ``processor_config.json`` puts into the prompt.
  Each row is a projection of the image's mean colour plus a sinusoid of its row number (written with the ``onnx``
  helper API, so it depends on the pixels but costs nothing).
* ``phi-3.5-v-instruct-embedding.onnx``: ``input_ids`` int64 [batch, seq] (image positions hold negative ids) and
  ``image_features`` → ``inputs_embeds`` [batch, seq, hidden]: text rows are gathered from the decoder's own
  embedding table, image positions take the ``image_features`` rows in order.
* ``phi-3.5-v-instruct-text.onnx`` (+ ``.data``): a 2-layer Phi-3 decoder with long-RoPE (context 131072, like the
  real one) taking ``inputs_embeds`` and a KV cache, made by onnxruntime-genai's model builder
  (``-p int4 -e cpu --extra_options exclude_embeds=true``) from a random-weight Phi3ForCausalLM.
* ``genai_config.json`` (type ``phi3v``: ``vision``, ``embedding`` and ``decoder`` sections),
  ``processor_config.json`` (DecodeImage → ConvertRGB → Phi3ImageTransform, num_crops 16, num_img_tokens 144),
  and a small but real Phi-3 style tokenizer (SentencePiece-like BPE with byte fallback, trained here on a few
  paragraphs of English; Phi-3's special tokens and chat template).

torch, transformers and the onnxruntime-genai builder are only ever imported in the process that builds, never in
the pytest process: :func:`cached_tiny_phi3v` runs ``python -m tests.builders.tiny_phi3v`` as a child process.

Usage: ``python -m tests.builders.tiny_phi3v OUT_DIR``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CACHE_KEY = "tiny-phi3v-v1"
SEED = 1234

HIDDEN = 64
HEADS = 4
LAYERS = 2
INTERMEDIATE = 128
CONTEXT = 131072  # like Phi-3.5-vision: long-RoPE over an original window of 4096
ORIGINAL_CONTEXT = 4096

NUM_CROPS = 16
NUM_IMG_TOKENS = 144
CROP = 336
NEWLINE_TOKENS = 12  # the sub-image newline rows: (h/336 + 1) · 12 per image

VISION_FILE = "phi-3.5-v-instruct-vision.onnx"
EMBEDDING_FILE = "phi-3.5-v-instruct-embedding.onnx"
TEXT_FILE = "phi-3.5-v-instruct-text.onnx"

REPO_ROOT = Path(__file__).resolve().parents[2]

# Phi-3's special tokens in Phi-3's order (there they start at 32000; here right after the trained vocabulary).
# rstrip as in Phi-3's tokenizer: whitespace after the chat markers is swallowed.
SPECIAL_TOKENS: list[tuple[str, bool]] = [
    ("<|endoftext|>", False),
    ("<|assistant|>", True),
    ("<|placeholder1|>", True),
    ("<|placeholder2|>", True),
    ("<|placeholder3|>", True),
    ("<|placeholder4|>", True),
    ("<|system|>", True),
    ("<|end|>", True),
    ("<|placeholder5|>", True),
    ("<|placeholder6|>", True),
    ("<|user|>", True),
]

CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{'<|' + message['role'] + '|>' + '\n' + message['content'] + '<|end|>\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt and messages[-1]['role'] != 'assistant' %}{{- '<|assistant|>\n' -}}{% endif %}"
)

CORPUS = """\
The quick brown fox jumps over the lazy dog. A picture is worth a thousand words.
This is a photo of a cat sitting on a red chair near the window. The sky is blue and the sun is bright.
What do you see in this image? Describe the picture in detail, please. I see a small house with a green door.
There are two images. The first image shows a mountain and a lake; the second image shows a busy city street.
Compare the two pictures and tell me which one has more people in it. The answer is the second one.
Hello! How are you today? I am fine, thank you. Can you help me with a question about this chart?
The chart shows sales by month: January, February, March, April, May, June, July and August.
Numbers like 1, 2, 3, 10, 42, 100 and 2024 appear in tables, receipts and screenshots of documents.
Read the text in the image and summarize it in one sentence. The document is a letter from a friend.
The capital of France is Paris. The capital of Italy is Rome. Water boils at 100 degrees Celsius.
You are a helpful assistant. Answer briefly and clearly. If you are not sure, say that you do not know.
A dog runs in the park with a ball. Children play on the grass under tall trees in the afternoon.
The colors in the photo are orange, white, black, yellow, purple and gray. The light is soft and warm.
Please look at the screenshot and explain the error message. The program could not open the file.
"""


def _tokenizer_files() -> dict[str, Any]:
    """tokenizer.json / tokenizer_config.json / special_tokens_map.json contents, and the ids that matter."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

    # Train merges SentencePiece-style (words split on the ▁ marker), then lay the vocabulary out like Phi-3:
    # <unk> <s> </s>, the 256 byte-fallback tokens, the learned pieces, then the chat specials.
    trainer_tok = Tokenizer(models.BPE(unk_token="<unk>"))
    trainer_tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    # Split at least as finely as onnxruntime-extensions' Llama pre-tokenizer regex does (letters with one leading
    # ▁, single digits, punctuation runs, ▁, other whitespace), so no learned piece spans one of its boundaries and
    # onnxruntime-genai's tokenizer and Hugging Face's (which has no pre-tokenizer, like Phi-3's) give the same ids.
    trainer_tok.pre_tokenizer = pre_tokenizers.Split(Regex(r"▁?\p{L}+|\p{N}|▁?[^\s\p{L}\p{N}▁]+|▁|\s+"),
                                                     behavior="isolated")
    trainer = trainers.BpeTrainer(vocab_size=700, min_frequency=1, special_tokens=["<unk>", "<s>", "</s>"],
                                  show_progress=False)
    trainer_tok.train_from_iterator(CORPUS.splitlines(), trainer=trainer)
    learned = json.loads(trainer_tok.to_str())["model"]

    pieces = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    seen = set(pieces)
    for piece, _ in sorted(learned["vocab"].items(), key=lambda kv: kv[1]):
        if piece not in seen:
            seen.add(piece)
            pieces.append(piece)
    vocab = {piece: i for i, piece in enumerate(pieces)}
    merges = [m if isinstance(m, str) else " ".join(m) for m in learned["merges"]]

    added = [
        {"id": 0, "content": "<unk>", "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True},
        {"id": 1, "content": "<s>", "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True},
        {"id": 2, "content": "</s>", "single_word": False, "lstrip": False, "rstrip": True,
         "normalized": False, "special": False},
    ]
    for offset, (content, rstrip) in enumerate(SPECIAL_TOKENS):
        added.append({"id": len(pieces) + offset, "content": content, "single_word": False, "lstrip": False,
                      "rstrip": rstrip, "normalized": False, "special": True})
    ids = {a["content"]: a["id"] for a in added}

    tok = Tokenizer(models.BPE(vocab=vocab, merges=[tuple(m.split(" ")) for m in merges], unk_token="<unk>",
                               fuse_unk=True, byte_fallback=True))
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    tok.pre_tokenizer = None
    tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
                                     decoders.Strip(" ", 1, 0)])
    tokenizer_json = json.loads(tok.to_str())
    tokenizer_json["added_tokens"] = added
    tokenizer_json["post_processor"] = {
        "type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
        "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                 {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
        "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}},
    }
    Tokenizer.from_str(json.dumps(tokenizer_json))  # must load

    config = {
        "add_bos_token": True,
        "add_eos_token": False,
        "added_tokens_decoder": {
            str(a["id"]): {k: a[k] for k in ("content", "lstrip", "normalized", "rstrip", "single_word", "special")}
            for a in added
        },
        "additional_special_tokens": ["<|system|>", "<|end|>", "<|user|>", "<|assistant|>"],
        "bos_token": "<s>",
        "chat_template": CHAT_TEMPLATE,
        "clean_up_tokenization_spaces": False,
        "eos_token": "<|endoftext|>",
        "legacy": False,
        "model_max_length": CONTEXT,
        "pad_token": "<|endoftext|>",
        "padding_side": "right",
        "sp_model_kwargs": {},
        "tokenizer_class": "LlamaTokenizer",
        "unk_token": "<unk>",
        "use_default_system_prompt": False,
    }
    special_map = {
        "additional_special_tokens": ["<|system|>", "<|end|>", "<|user|>", "<|assistant|>"],
        "bos_token": "<s>",
        "eos_token": "<|endoftext|>",
        "pad_token": "<|endoftext|>",
        "unk_token": "<unk>",
    }
    size = len(pieces) + len(SPECIAL_TOKENS)
    return {
        "tokenizer.json": tokenizer_json,
        "tokenizer_config.json": config,
        "special_tokens_map.json": special_map,
        "ids": ids,
        "size": size,
        "vocab_size": -(-size // 64) * 64,  # padded like Phi-3's 32064
    }


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _vision_model(hidden: int) -> Any:
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(SEED + 1)
    init = [
        numpy_helper.from_array(rng.normal(0, 0.5, (3, hidden)).astype(np.float32), "proj.weight"),
        numpy_helper.from_array(rng.normal(0, 0.02, (hidden,)).astype(np.float32), "proj.bias"),
        numpy_helper.from_array(
            (1.0 / 10000 ** (np.arange(hidden) / hidden)).astype(np.float32).reshape(1, hidden), "row_freq"),
        numpy_helper.from_array(np.array(0.1, np.float32), "row_scale"),
        numpy_helper.from_array(np.array(0, np.int64), "zero"),
        numpy_helper.from_array(np.array(1, np.int64), "one"),
        numpy_helper.from_array(np.array(CROP, np.int64), "crop"),
        numpy_helper.from_array(np.array(NUM_IMG_TOKENS, np.int64), "tokens_per_crop"),
        numpy_helper.from_array(np.array(NEWLINE_TOKENS, np.int64), "newline_tokens"),
        numpy_helper.from_array(np.array([1], np.int64), "axis1"),
        numpy_helper.from_array(np.array([0], np.int64), "axis0"),
    ]
    n = helper.make_node
    nodes = [
        # one feature vector per image: mean colour over crops and pixels, projected
        n("ReduceMean", ["pixel_values"], ["mean_rgb"], axes=[1, 3, 4], keepdims=0),
        n("MatMul", ["mean_rgb", "proj.weight"], ["per_image_mm"]),
        n("Add", ["per_image_mm", "proj.bias"], ["per_image"]),
        # rows per image: ((h/336)*(w/336)+1)*144 + 1 + (h/336+1)*12
        n("Gather", ["image_sizes", "zero"], ["h"], axis=1),
        n("Gather", ["image_sizes", "one"], ["w"], axis=1),
        n("Div", ["h", "crop"], ["hb"]),
        n("Div", ["w", "crop"], ["wb"]),
        n("Mul", ["hb", "wb"], ["crops"]),
        n("Add", ["crops", "one"], ["crops_plus_global"]),
        n("Mul", ["crops_plus_global", "tokens_per_crop"], ["crop_tokens"]),
        n("Add", ["hb", "one"], ["hb1"]),
        n("Mul", ["hb1", "newline_tokens"], ["newline_rows"]),
        n("Add", ["crop_tokens", "newline_rows"], ["rows_a"]),
        n("Add", ["rows_a", "one"], ["rows_per_image"]),
        n("ReduceSum", ["rows_per_image"], ["total_1d"], keepdims=1),
        n("Squeeze", ["total_1d"], ["total"]),
        n("Range", ["zero", "total", "one"], ["row"]),
        # which image each row belongs to: the number of cumulative ends at or below it
        n("CumSum", ["rows_per_image", "zero"], ["ends"]),
        n("Unsqueeze", ["row", "axis1"], ["row_col"]),
        n("Unsqueeze", ["ends", "axis0"], ["ends_row"]),
        n("GreaterOrEqual", ["row_col", "ends_row"], ["past_end"]),
        n("Cast", ["past_end"], ["past_end_i"], to=TensorProto.INT64),
        n("ReduceSum", ["past_end_i", "axis1"], ["image_of_row"], keepdims=0),
        n("Gather", ["per_image", "image_of_row"], ["row_base"], axis=0),
        # plus a sinusoid of the row number, so rows differ
        n("Cast", ["row_col"], ["row_f"], to=TensorProto.FLOAT),
        n("Mul", ["row_f", "row_freq"], ["row_angle"]),
        n("Sin", ["row_angle"], ["row_sin"]),
        n("Mul", ["row_sin", "row_scale"], ["row_term"]),
        n("Add", ["row_base", "row_term"], ["image_features"]),
    ]
    graph = helper.make_graph(
        nodes, "tiny_phi3v_vision",
        [helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT,
                                       ["num_images", "max_num_crops", 3, "height", "width"]),
         helper.make_tensor_value_info("image_sizes", TensorProto.INT64, ["num_images", 2])],
        [helper.make_tensor_value_info("image_features", TensorProto.FLOAT, ["num_image_tokens", hidden])],
        init,
    )
    return _finish(graph)


def _embedding_model(table: Any) -> Any:
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    hidden = table.shape[1]
    init = [
        numpy_helper.from_array(table.astype(np.float32), "embed_tokens.weight"),
        numpy_helper.from_array(np.zeros((1, hidden), np.float32), "no_image_row"),
        numpy_helper.from_array(np.array(0, np.int64), "zero"),
        numpy_helper.from_array(np.array([-1], np.int64), "flat_shape"),
        numpy_helper.from_array(np.array([1], np.int64), "axis1"),
        numpy_helper.from_array(np.array([hidden], np.int64), "hidden_dim"),
    ]
    n = helper.make_node
    nodes = [
        n("Reshape", ["input_ids", "flat_shape"], ["ids"]),
        n("Less", ["ids", "zero"], ["is_image"]),
        n("Where", ["is_image", "zero", "ids"], ["text_ids"]),
        n("Gather", ["embed_tokens.weight", "text_ids"], ["text_rows"], axis=0),
        # the k-th image position (in order) takes image_features row k; row 0 of the padded table is unused
        n("Cast", ["is_image"], ["is_image_i"], to=TensorProto.INT64),
        n("CumSum", ["is_image_i", "zero"], ["image_rank"]),
        n("Where", ["is_image", "image_rank", "zero"], ["feature_index"]),
        n("Concat", ["no_image_row", "image_features"], ["padded_features"], axis=0),
        n("Gather", ["padded_features", "feature_index"], ["image_rows"], axis=0),
        n("Unsqueeze", ["is_image", "axis1"], ["is_image_col"]),
        n("Where", ["is_image_col", "image_rows", "text_rows"], ["rows"]),
        n("Shape", ["input_ids"], ["ids_shape"]),
        n("Concat", ["ids_shape", "hidden_dim"], ["out_shape"], axis=0),
        n("Reshape", ["rows", "out_shape"], ["inputs_embeds"]),
    ]
    graph = helper.make_graph(
        nodes, "tiny_phi3v_embedding",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"]),
         helper.make_tensor_value_info("image_features", TensorProto.FLOAT, ["num_image_tokens", hidden])],
        [helper.make_tensor_value_info("inputs_embeds", TensorProto.FLOAT,
                                       ["batch_size", "sequence_length", hidden])],
        init,
    )
    return _finish(graph)


def _finish(graph: Any) -> Any:
    import onnx
    from onnx import helper

    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="phidesk-tests")
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def _hf_checkpoint(hf_dir: Path, tokenizer: dict[str, Any]) -> Any:
    """A random-weight Phi3ForCausalLM saved with its tokenizer; returns its input embedding table (numpy)."""
    import torch
    from transformers import Phi3Config, Phi3ForCausalLM

    ids = tokenizer["ids"]
    head = HIDDEN // HEADS
    config = Phi3Config(
        vocab_size=tokenizer["vocab_size"], hidden_size=HIDDEN, intermediate_size=INTERMEDIATE,
        num_hidden_layers=LAYERS, num_attention_heads=HEADS, num_key_value_heads=HEADS,
        max_position_embeddings=CONTEXT, original_max_position_embeddings=ORIGINAL_CONTEXT,
        rope_scaling={"type": "longrope", "short_factor": [1.0] * (head // 2),
                      "long_factor": [1.0 + i / head for i in range(head // 2)]},
        bos_token_id=ids["<s>"], eos_token_id=ids["<|endoftext|>"], pad_token_id=ids["<|endoftext|>"],
        sliding_window=None, tie_word_embeddings=False,
    )
    config.architectures = ["Phi3ForCausalLM"]
    torch.manual_seed(SEED)
    model = Phi3ForCausalLM(config).eval()
    with torch.no_grad():
        model.lm_head.weight.normal_(0, 0.5)  # wider than the default init, so greedy decoding is less degenerate
        model.lm_head.weight[tokenizer["size"]:] = 0  # the padding ids past the tokenizer's (never chosen)
    model.save_pretrained(hf_dir)
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        _write_json(hf_dir / name, tokenizer[name])
    return model.model.embed_tokens.weight.detach().numpy().copy()


def build_tiny_phi3v(out_dir: Path) -> Path:
    """Build the tiny phi3v model folder at ``out_dir`` (created; must not exist or be empty) and return it."""
    import onnx

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty")
    tokenizer = _tokenizer_files()
    with tempfile.TemporaryDirectory(prefix="tiny-phi3v-") as tmp:
        work = Path(tmp)
        hf_dir, built = work / "hf", work / "onnx"
        table = _hf_checkpoint(hf_dir, tokenizer)
        env = dict(os.environ, PYTHONWARNINGS="ignore", TOKENIZERS_PARALLELISM="false")
        cmd = [sys.executable, "-m", "onnxruntime_genai.models.builder", "-i", str(hf_dir), "-o", str(built),
               "-p", "int4", "-e", "cpu", "-c", str(work / "cache"),
               "--extra_options", "exclude_embeds=true", f"filename={TEXT_FILE}", "int4_accuracy_level=4"]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"the model builder failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n"
                               f"{proc.stderr[-5000:]}")
        decoder_config = json.loads((built / "genai_config.json").read_text(encoding="utf-8"))
        for name in (TEXT_FILE, TEXT_FILE + ".data"):
            shutil.move(built / name, out_dir / name)

    onnx.save(_vision_model(HIDDEN), out_dir / VISION_FILE)
    onnx.save(_embedding_model(table), out_dir / EMBEDDING_FILE)
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        _write_json(out_dir / name, tokenizer[name])
    _write_json(out_dir / "processor_config.json", processor_config())
    _write_json(out_dir / "genai_config.json", genai_config(decoder_config, tokenizer))
    return out_dir


def processor_config() -> dict[str, Any]:
    def op(name: str, op_type: str, attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        operation: dict[str, Any] = {"name": name, "domain": "com.microsoft.extensions", "type": op_type}
        if attrs:
            operation["attrs"] = attrs
        return {"operation": operation}

    return {"processor": {"name": "image_processing", "transforms": [
        op("decode_image", "DecodeImage", {"color_space": "BGR"}),
        op("convert_to_rgb", "ConvertRGB"),
        op("phi3_image_transform", "Phi3ImageTransform", {"num_crops": NUM_CROPS, "num_img_tokens": NUM_IMG_TOKENS}),
    ]}}


def genai_config(decoder_config: dict[str, Any], tokenizer: dict[str, Any]) -> dict[str, Any]:
    """The builder's decoder section under Phi-3.5-vision's phi3v layout (vision, embedding, decoder)."""
    ids = tokenizer["ids"]
    model = decoder_config["model"]
    decoder = model["decoder"]
    decoder["filename"] = TEXT_FILE
    if "inputs_embeds" not in decoder["inputs"] or "input_ids" in decoder["inputs"]:
        raise RuntimeError(f"the builder made a decoder without inputs_embeds: {decoder['inputs']}")
    return {
        "model": {
            "bos_token_id": ids["<s>"],
            "context_length": model["context_length"],
            "decoder": decoder,
            "embedding": {
                "filename": EMBEDDING_FILE,
                "inputs": {"input_ids": "input_ids", "image_features": "image_features"},
                "outputs": {"inputs_embeds": "inputs_embeds"},
            },
            "vision": {
                "filename": VISION_FILE,
                "inputs": {"pixel_values": "pixel_values", "image_sizes": "image_sizes"},
                "outputs": {"image_features": "image_features"},
            },
            "eos_token_id": [ids["</s>"], ids["<|endoftext|>"], ids["<|end|>"]],
            "pad_token_id": ids["<|endoftext|>"],
            "type": "phi3v",
            "vocab_size": tokenizer["vocab_size"],
        },
        "search": {**decoder_config["search"], "do_sample": False, "top_k": 1},  # the Phi configs ship greedy
    }


def image_tokens(height: int, width: int) -> int:
    """Prompt tokens for one image whose HD-transformed (padded) size is height × width."""
    hb, wb = height // CROP, width // CROP
    return (hb * wb + 1) * NUM_IMG_TOKENS + 1 + (hb + 1) * NEWLINE_TOKENS


def _cache_root() -> Path:
    env = os.environ.get("PHIDESK_CACHE")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("PhiDesk", appauthor=False))


def _complete(folder: Path) -> bool:
    names = ("genai_config.json", "processor_config.json", "tokenizer.json", "tokenizer_config.json",
             VISION_FILE, EMBEDDING_FILE, TEXT_FILE, TEXT_FILE + ".data")
    return all((folder / name).is_file() for name in names)


def cached_tiny_phi3v() -> Path:
    """The tiny phi3v folder in ``$PHIDESK_CACHE/fixtures``, built once per machine (in a child process)."""
    cached = _cache_root() / "fixtures" / CACHE_KEY
    if _complete(cached):
        return cached
    cached.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{CACHE_KEY}-", dir=cached.parent) as tmp:
        out = Path(tmp) / "model"
        proc = subprocess.run([sys.executable, "-m", "tests.builders.tiny_phi3v", str(out)], cwd=REPO_ROOT,
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0 or not _complete(out):
            raise RuntimeError(f"building the tiny phi3v model failed ({proc.returncode}):\n{proc.stderr[-5000:]}")
        if _complete(cached):  # another process finished first
            return cached
        shutil.rmtree(cached, ignore_errors=True)  # a broken leftover
        try:
            out.rename(cached)
        except OSError:
            if not _complete(cached):
                raise
    return cached


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m tests.builders.tiny_phi3v OUT_DIR", file=sys.stderr)
        return 2
    start = time.monotonic()
    out = build_tiny_phi3v(Path(args[0]))
    print(f"built {out} in {time.monotonic() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
