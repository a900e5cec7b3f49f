"""Texts the main window shows: the welcome, and the notes under an answer (its cost and speed)."""

from __future__ import annotations

from typing import Any

from phidesk.gui.figures import decimal, number
from phidesk.gui.i18n import translate
from phidesk.texts import QT_TRANSLATE_NOOP

# Rich text: a translation keeps the tags and the link's target (download:phi-3.5-mini-instruct) as they are.
WELCOME = QT_TRANSLATE_NOOP("Welcome", """
<h2>Welcome to PhiDesk</h2>
<p>PhiDesk chats with language models that run entirely on this computer. Nothing you type leaves it.</p>
<p>The <b>starter</b> model is selected: a tiny model (SmolLM2-135M, 135 million parameters) that shows how things
work but is often wrong. For real answers: <a href="download:phi-3.5-mini-instruct">download Phi-3.5-mini</a>
(Microsoft's ONNX build for this machine, 2-3 GB; or <code>phidesk models download phi-3.5-mini-instruct</code>).
Phi-3.5-vision, for questions about images, is under <i>Get models…</i> in the model menu above.</p>
<p>Type below and press Enter. Esc stops an answer; Ctrl+N starts a new chat; Ctrl+, opens the settings.</p>
""")

NO_MODEL = QT_TRANSLATE_NOOP("Welcome", """
<h2>Welcome to PhiDesk</h2>
<p>No model is installed yet. Run <code>phidesk models starter</code> for a small model to start with, or
<code>phidesk models import PATH</code> for a Phi-3.5 ONNX folder.</p>
""")


NO_MODEL_REMOTE = QT_TRANSLATE_NOOP("Welcome", """
<p>You have added remote endpoints: pick one of their models (marked with a cloud) in the model menu above to chat
with it. Your questions then go to that server, and PhiDesk asks before the first one of each chat.</p>
""")


def welcome(model_installed: bool, remote_models: bool = False) -> str:
    """The welcome (rich text) in the window's language: the starter's, or how to get a first model (and, when
    endpoints were added, that their models can be picked)."""
    if model_installed:
        return translate("Welcome", WELCOME)
    return translate("Welcome", NO_MODEL) + (translate("Welcome", NO_MODEL_REMOTE) if remote_models else "")


def image_cost_text(image_tokens: list[int], prompt_tokens: int) -> str:
    costs, prompt = " + ".join(number(n) for n in image_tokens), number(prompt_tokens)
    if len(image_tokens) == 1:
        return translate("Notes", "image {costs} of {prompt} prompt tokens").format(costs=costs, prompt=prompt)
    return translate("Notes", "images {costs} of {prompt} prompt tokens").format(costs=costs, prompt=prompt)


def stats_note(stats: dict[str, Any]) -> str:
    """One short line under an answer: tokens, speed, time to the first token, then what images cost."""
    parts = []
    if stats.get("generated_tokens"):
        parts.append(translate("Notes", "{count} tokens", None, int(stats["generated_tokens"])).format(
            count=number(stats["generated_tokens"])))
    if stats.get("decode_tok_s"):
        parts.append(translate("Notes", "{speed} tok/s").format(speed=decimal(stats["decode_tok_s"], 1)))
    if stats.get("ttft_s"):
        parts.append(translate("Notes", "first token {seconds} s").format(seconds=decimal(stats["ttft_s"], 2)))
    if stats.get("image_tokens"):
        parts.append(image_cost_text(stats["image_tokens"], stats.get("prompt_tokens", 0)))
    return " · ".join(parts)
