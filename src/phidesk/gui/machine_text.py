"""The models pane's texts about this machine and the loaded model, in the window's language: the machine line
(CPU, RAM, GPUs, providers) and how many conversations stay warm (the KV-cache arithmetic)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDateTime, QLocale

from phidesk.gui.i18n import translate
from phidesk.gui.markdown import escape
from phidesk.gui.texts_view import fill, size_text


def kv_text(loaded: Any) -> str:
    """How many conversations stay warm, and why: one KV cache is allocated for the whole context."""
    per_token_kb = loaded.kv_cache_mb * 1024 / max(1, loaded.max_length)
    return fill(translate(
        "ModelManager", "Conversations kept warm: up to {caches} (switching back to one reads only its new text). "
                        "Each keeps a KV cache of {cache} ({tokens:,} tokens × {per_token_kb:,.0f} KB); the budget is "
                        "{budget} (Settings: memory for conversations; automatic: half of the memory free after "
                        "loading)."),
        caches=loaded.kv_caches, cache=size_text(loaded.kv_cache_mb), tokens=loaded.max_length,
        per_token_kb=per_token_kb, budget=size_text(loaded.kv_budget_mb))


def providers_text(report: dict[str, Any]) -> str:
    providers = report.get("providers") or {}
    names = ", ".join(name.upper() for name, status in providers.items() if status.get("ok")) \
        or translate("ModelManager", "none found")
    if report.get("probe_cached") and report.get("probed_at"):
        when = QDateTime.fromSecsSinceEpoch(int(report["probed_at"])).date()
        return translate("ModelManager", "{providers}, as found on {date}").format(
            providers=names, date=QLocale().toString(when, QLocale.FormatType.ShortFormat))
    return names


def machine_html(report: dict[str, Any]) -> str:
    """The machine line as rich text (every piece of data in it escaped), with the "check again" link."""
    cpu, ram = report["cpu"], report["ram"]
    gpus = ", ".join(translate("ModelManager", "{gpu} ({vram})").format(gpu=g["name"], vram=size_text(g["vram_mb"]))
                     for g in report.get("gpus") or []) or translate("ModelManager", "no GPU found")
    line = translate("ModelManager", "{cpu}, %n thread(s) · {free} of {total} RAM free · {gpus} · providers: "
                                     "{providers}", None, int(cpu["threads"])).format(
        cpu=str(cpu["name"]), free=size_text(ram["available_mb"]), total=size_text(ram["total_mb"]), gpus=gpus,
        providers=providers_text(report))
    heading, link = translate("ModelManager", "This machine:"), translate("ModelManager", "check again")
    return f"<b>{escape(heading)}</b> {escape(line)} (<a href='recheck'>{escape(link)}</a>)"
