"""The tiny phi3v fixture really runs in onnxruntime-genai, with 0, 1 and 2 images.

onnxruntime_genai is never imported in the pytest process: the run happens in a child interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.builders.tiny_phi3v import cached_tiny_phi3v, image_tokens

pytestmark = pytest.mark.slow

RUN_SCRIPT = textwrap.dedent(
    """
    import io, json, sys
    import onnxruntime_genai as og
    from PIL import Image

    def png(size, color):
        buf = io.BytesIO()
        Image.new("RGB", size, color).save(buf, format="PNG")
        return buf.getvalue()

    model = og.Model(sys.argv[1])
    proc = model.create_multimodal_processor()
    tok = og.Tokenizer(model)
    pictures = [png((64, 48), (200, 30, 30)), png((40, 60), (20, 160, 90))]
    results = []
    for count in (0, 1, 2):
        tags = "".join(f"<|image_{i + 1}|>\\n" for i in range(count))
        messages = [{"role": "user", "content": tags + "What do you see in the picture?"}]
        prompt = tok.apply_chat_template(json.dumps(messages), add_generation_prompt=True)
        images = og.Images.open_bytes(*pictures[:count]) if count else None
        inputs = proc(prompt, images=images)
        params = og.GeneratorParams(model)
        params.set_search_options(max_length=4096)
        gen = og.Generator(model, params)
        gen.set_inputs(inputs)
        new = []
        while not gen.is_done() and len(new) < 5:
            gen.generate_next_token()
            new.append(int(gen.get_next_tokens()[0]))
        sequence = list(gen.get_sequence(0))
        results.append({"images": count, "prompt": prompt, "prompt_tokens": len(sequence) - len(new),
                        "image_positions": sum(1 for t in sequence if t < 0), "new_tokens": new,
                        "text": tok.decode(new)})
        del gen
    print("RESULT " + json.dumps(results))
    """
)


def run_model(folder: Path) -> list[dict[str, object]]:
    proc = subprocess.run([sys.executable, "-c", RUN_SCRIPT, str(folder)], capture_output=True, text=True,
                          timeout=300, check=False)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    # og.Images can end a process with status 0 on bad input: demand the result line, not just the status.
    details = f"status {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    assert proc.returncode == 0, details
    assert lines, details
    return json.loads(lines[-1].removeprefix("RESULT "))


@pytest.fixture(scope="module")
def tiny_phi3v() -> Path:
    return cached_tiny_phi3v()


def test_tiny_phi3v_runs_with_zero_one_and_two_images(tiny_phi3v: Path) -> None:
    config = json.loads((tiny_phi3v / "genai_config.json").read_text(encoding="utf-8"))
    assert config["model"]["type"] == "phi3v"
    assert {"vision", "embedding", "decoder"} <= set(config["model"])

    results = run_model(tiny_phi3v)
    print(json.dumps([{k: r[k] for k in ("images", "prompt_tokens", "new_tokens", "text")} for r in results]))
    text_only, one, two = results

    for result in results:
        assert result["new_tokens"], result
        assert "<|user|>" in result["prompt"]
        assert result["prompt"].rstrip().endswith("<|assistant|>")

    # A small image is upscaled by the HD transform to 1344 × 1008 (4 × 3 crops of 336): 1,921 placeholder tokens;
    # the second (portrait) one to 1008 × 1344 (3 × 4 crops): 1,921 + 12 more newline rows.
    assert text_only["image_positions"] == 0
    assert one["image_positions"] == image_tokens(1008, 1344) == 1921
    assert two["image_positions"] == image_tokens(1008, 1344) + image_tokens(1344, 1008)
    assert 1800 < one["prompt_tokens"] - text_only["prompt_tokens"] < 2000
    assert 3700 < two["prompt_tokens"] - text_only["prompt_tokens"] < 4000
    assert text_only["prompt_tokens"] < 40
