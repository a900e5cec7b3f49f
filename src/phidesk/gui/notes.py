"""Texts the main window shows: the welcome, and the notes under an answer (its cost and speed)."""

from __future__ import annotations

from typing import Any

WELCOME = """
<h2>Welcome to PhiDesk</h2>
<p>PhiDesk chats with language models that run entirely on this computer. Nothing you type leaves it.</p>
<p>The <b>starter</b> model is selected: a tiny model (SmolLM2-135M, 135 million parameters) that shows how things
work but is often wrong. For real answers: <a href="download:phi-3.5-mini-instruct">download Phi-3.5-mini</a>
(Microsoft's ONNX build for this machine, 2-3 GB; or <code>phidesk models download phi-3.5-mini-instruct</code>).
Phi-3.5-vision, for questions about images, is under <i>Get models…</i> in the model menu above.</p>
<p>Type below and press Enter. Esc stops an answer; Ctrl+N starts a new chat; Ctrl+, opens the settings.</p>
"""

NO_MODEL = """
<h2>Welcome to PhiDesk</h2>
<p>No model is installed yet. Run <code>phidesk models starter</code> for a small model to start with, or
<code>phidesk models import PATH</code> for a Phi-3.5 ONNX folder.</p>
"""


def image_cost_text(image_tokens: list[int], prompt_tokens: int) -> str:
    costs = " + ".join(f"{n:,}" for n in image_tokens)
    noun = "image" if len(image_tokens) == 1 else "images"
    return f"{noun} {costs} of {prompt_tokens:,} prompt tokens"


def stats_note(stats: dict[str, Any]) -> str:
    """One short line under an answer: tokens, speed, time to the first token, then what images cost."""
    parts = []
    if stats.get("generated_tokens"):
        parts.append(f"{stats['generated_tokens']:,} tokens")
    if stats.get("decode_tok_s"):
        parts.append(f"{stats['decode_tok_s']:.1f} tok/s")
    if stats.get("ttft_s"):
        parts.append(f"first token {stats['ttft_s']:.2f} s")
    if stats.get("image_tokens"):
        parts.append(image_cost_text(stats["image_tokens"], stats.get("prompt_tokens", 0)))
    return " · ".join(parts)
