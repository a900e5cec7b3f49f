"""The ``phidesk`` command: chat, models, serve, bench. Exit codes: 0 ok, 1 failure (log path given), 2 bad input.

The CLI is a thin shell over the Qt-free core: the same client, library and starter the
GUI uses. Bad input (unknown model, broken folder, unreadable image, prompt too long…)
prints one line on stderr and exits 2; anything unexpected is logged with its traceback
and exits 1 naming the log file.

Why one module of ~500 lines: it is the whole argparse tree and one short handler per
subcommand, each a few lines over the core (the conversation flow lives in ``phidesk.chat``);
reading the commands side by side with their options is the point of keeping it together.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from phidesk import __version__, logs, paths, settings
from phidesk.chat import ChatService
from phidesk.engine.protocol import PROVIDERS, Failed, Loaded, Sampling
from phidesk.errors import EngineError, UserError
from phidesk.terminal import for_stream

log = logging.getLogger("phidesk.cli")

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class UsageError(UserError):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad usage as one line and exit code 2, like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def _context(text: str) -> int:
    """--context: a whole number in the context setting's range."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of tokens, got {text!r}") from None
    if not settings.MIN_CONTEXT <= value <= settings.MAX_CONTEXT:
        raise argparse.ArgumentTypeError(f"the context must be between {settings.MIN_CONTEXT} and "
                                         f"{settings.MAX_CONTEXT} tokens, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="phidesk", description="Offline chat with small language models (Phi-3.5 and friends).")
    parser.add_argument("--version", action="version", version=f"phidesk {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    # Started by phidesk.entry before this parser is asked (the CLI never imports Qt); listed for --help.
    gui = sub.add_parser("gui", help="the desktop window (plain 'phidesk' opens it too, when there is a display)",
                         description="Open the PhiDesk window. Images are attached to the message box, conversation "
                                     ".json files imported; if PhiDesk already runs for this data folder, the files "
                                     "go to that window.")
    gui.add_argument("files", nargs="*", metavar="FILE", help="an image or a conversation .json export")

    chat = sub.add_parser("chat", help="chat in the terminal (one question, or interactive without PROMPT)")
    chat.add_argument("prompt", nargs="?", help="the question; without it: stdin, or an interactive chat")
    chat.add_argument("-m", "--model", help="an installed model id or a model folder (default: your default model)")
    chat.add_argument("-i", "--image", action="append", default=[], help="an image to ask about (repeatable)")
    chat.add_argument("--system", help="system prompt")
    chat.add_argument("--max-tokens", type=_positive, help="most tokens in the answer")
    chat.add_argument("--temperature", type=float, help="0 = greedy (default from settings)")
    chat.add_argument("--top-p", type=float)
    chat.add_argument("--top-k", type=int)
    chat.add_argument("--repetition-penalty", type=float)
    chat.add_argument("--seed", type=int)
    chat.add_argument("--context", type=_context,
                      help=f"context size in tokens, prompt + answer ({settings.MIN_CONTEXT} or more)")
    chat.add_argument("--ep", choices=PROVIDERS, help="execution provider (default: auto)")
    chat.add_argument("--threads", type=_positive, help="CPU threads the model computes with (default: one per core)")
    chat.add_argument("--json", action="store_true", help="print one JSON object with the answer and its stats")

    models = sub.add_parser("models", help="list, install and remove models")
    msub = models.add_subparsers(dest="models_command", parser_class=_Parser)
    mlist = msub.add_parser("list", help="installed models")
    mlist.add_argument("--json", action="store_true")
    msub.add_parser("starter", help="build and install the small starter model (needs phidesk[convert])")
    mimport = msub.add_parser("import", help="install a model folder, a .gguf file or a Hugging Face checkpoint")
    mimport.add_argument("path")
    mimport.add_argument("--id", help="the id to install it under (default: from the name)")
    mimport.add_argument("--replace", action="store_true", help="replace an installed model with the same id")
    mremove = msub.add_parser("remove", help="delete an installed model")
    mremove.add_argument("id")
    mdefault = msub.add_parser("default", help="show or set the default model")
    mdefault.add_argument("id", nargs="?")
    mcatalog = msub.add_parser("catalog", help="Phi models you can download, with a verdict for this machine")
    mcatalog.add_argument("--json", action="store_true")
    mdownload = msub.add_parser("download", help="download a catalog model from Hugging Face (resumable)")
    mdownload.add_argument("id", help="a catalog id, e.g. phi-3.5-mini-instruct")
    mdownload.add_argument("--variant", choices=("cpu", "cuda", "dml"), help="default: the best for this machine")

    hardware = sub.add_parser("hardware", help="this machine's CPU, memory, GPUs and which models fit")
    hardware.add_argument("--json", action="store_true")

    sub.add_parser("about", help="versions, runtime flavour, providers and folders (for bug reports)")

    from phidesk.server.command import add_parser as add_serve

    add_serve(sub)
    from phidesk.remote.command import add_parser as add_endpoints

    add_endpoints(sub, _Parser)

    bench = sub.add_parser("bench", help="measure load, prefill and decode speed against a bare onnxruntime-genai loop")
    bench.add_argument("-m", "--model")
    bench.add_argument("--ep", choices=PROVIDERS)
    bench.add_argument("--threads", type=_positive, help="CPU threads (default: the setting, else one per core)")
    bench.add_argument("--prompt-tokens", type=_positive, default=256)
    bench.add_argument("--new-tokens", type=_positive, default=128)
    bench.add_argument("--rounds", type=_positive, default=7, help="alternating rounds (median reported)")
    bench.add_argument("--no-gui", action="store_true", help="skip the GUI stall probe")
    bench.add_argument("--turns", type=_positive, default=10,
                       help="turns of the conversation timed for KV-cache reuse (1 skips it)")
    bench.add_argument("--no-kept", action="store_true",
                       help="skip the kept-work figures (Stop during a prefill, switching, the system prompt)")
    bench.add_argument("--json", action="store_true")
    return parser


# --- helpers ---------------------------------------------------------------------------------


def _err(message: str) -> None:
    print(for_stream(f"phidesk: {message}", sys.stderr), file=sys.stderr, flush=True)


def _resolve_model(name: str | None, prefs: settings.Settings) -> Path:
    from phidesk.models import library, starter

    if name is None:
        name = library.default_model_id(prefs.default_model)
        if name is None and starter.install_bundled_if_empty() is not None:  # the packaged app's first run
            name = library.default_model_id(prefs.default_model)
        if name is None:
            raise UserError("no model is installed: run 'phidesk models starter' (a small model to start with) "
                            "or 'phidesk models import PATH'")
    return library.resolve(name).path


def _sampling(args: argparse.Namespace, prefs: settings.Settings) -> Sampling:
    overrides: dict[str, Any] = {
        "temperature": args.temperature, "top_p": args.top_p, "top_k": args.top_k,
        "repetition_penalty": args.repetition_penalty, "max_new_tokens": args.max_tokens, "seed": args.seed,
    }
    return replace(prefs.sampling, **{k: v for k, v in overrides.items() if v is not None}).validate()


def _say_fallback(requested: str, loaded: Loaded, quiet: bool) -> None:
    """With --ep auto: one line on stderr when it passed over a GPU provider this machine's hardware has."""
    if quiet or requested != "auto" or not loaded.fallback_reasons:
        return
    from phidesk.engine.runtime import fallback_note
    from phidesk.models.gpus import dxgi_gpus, gpu_providers, nvidia_gpus
    from phidesk.models.hardware import os_name

    if note := fallback_note(requested, loaded.provider, loaded.fallback_reasons,
                             gpu_providers(nvidia_gpus() + dxgi_gpus(), os_name())):
        _err(note)


def _fail_from(event: Failed) -> Exception:
    if event.user_error:
        return UserError(event.message)
    return EngineError(event.message, event.code)


# --- commands --------------------------------------------------------------------------------


def cmd_chat(args: argparse.Namespace) -> int:
    from phidesk import console
    from phidesk.engine.client import EngineClient
    from phidesk.engine.images import check_image
    from phidesk.models.library import STARTER_ID

    prompt = None if args.prompt is None else console.lenient(args.prompt)
    if prompt is not None and not prompt.strip():
        raise UserError("the prompt is empty: ask something, e.g. phidesk chat \"What is a prime number?\"")
    prefs = settings.load()
    if args.model:
        from phidesk.remote.endpoints import remote_model

        if remote_model(args.model) is not None:
            return _chat_remote(args, prompt, prefs)
    model_path = _resolve_model(args.model, prefs)
    from phidesk.engine.modelinfo import read_model_folder

    info = read_model_folder(model_path)
    images = [str(check_image(p)) for p in args.image]
    if images and not info.vision:
        raise UserError(f"{info.name} reads text only; images need a vision model such as Phi-3.5-vision")
    sampling = _sampling(args, prefs)
    system = console.lenient(args.system) if args.system is not None else prefs.system_prompt
    provider = args.ep or prefs.provider
    context = args.context or prefs.context_cap

    console.tolerant_stdin()
    interactive = prompt is None and sys.stdin.isatty()
    if prompt is None and not interactive:
        prompt = console.lenient(sys.stdin.read()).strip()
        if not prompt:
            raise UserError("no prompt: give one as an argument or on stdin")

    client = EngineClient()
    with console.Interrupts(client.stop), client:  # Ctrl+C stops the load or the answer, never the worker
        try:
            loaded = console.load(lambda: client.load(
                model_path, provider, context, threads=args.threads or prefs.threads, kv_budget_mb=prefs.kv_budget_mb,
                system_prompt=system or "", sampling=sampling), client.stop)
        except EngineError as exc:
            if exc.user_error:
                raise UserError(str(exc)) from None
            raise
        _say_fallback(provider, loaded, quiet=args.json)
        service = ChatService(None, client, system_prompt=system or "")  # the terminal's chat keeps nothing
        if interactive:
            starter = model_path.resolve() == (paths.models_dir() / STARTER_ID).resolve()
            return console.interactive(service, loaded, sampling, starter=starter)
        assert prompt is not None
        answer = console.run_answer(service, service.ask(prompt, images, sampling=sampling, model=info.name,
                                                         provider=loaded.provider), stream=not args.json)
        if answer.failure:
            raise _fail_from(answer.failure)
        stats = answer.stats
        assert stats is not None
        if args.json:
            print(json.dumps({
                "text": answer.text, "model": info.name, "provider": loaded.provider,
                "prompt_tokens": stats.prompt_tokens, "new_prompt_tokens": stats.new_prompt_tokens,
                "generated_tokens": stats.generated_tokens, "ttft_s": round(stats.ttft_s, 4),
                "decode_tok_s": round(stats.decode_tok_s, 2), "finish_reason": stats.finish_reason,
                "dropped_turns": stats.dropped_turns,
            }, ensure_ascii=False))
        else:
            print()
            if stats.finish_reason == "length":
                _err("note: the answer reached the token limit (--max-tokens)")
        return EXIT_OK if stats.finish_reason != "cancelled" else 130  # 130: stopped with Ctrl+C


def _chat_remote(args: argparse.Namespace, prompt: str | None, prefs: settings.Settings) -> int:
    """``phidesk chat -m ENDPOINT/MODEL``: one question to a remote endpoint (said on stderr first)."""
    from phidesk import console
    from phidesk.remote import endpoints
    from phidesk.remote.client import RemoteClient
    from phidesk.remote.command import ask_key

    found = endpoints.remote_model(args.model)
    assert found is not None
    endpoint, model = found
    if prompt is None:
        prompt = console.lenient(sys.stdin.read()).strip() if not sys.stdin.isatty() else ""
        if not prompt:
            raise UserError("give the question as an argument or on stdin (a remote model has no interactive chat)")
    key = endpoints.api_key(endpoint.name)
    if key is None and endpoints.credential_store() is None:
        key = ask_key(endpoint.name)
    sampling = _sampling(args, prefs)
    system = console.lenient(args.system) if args.system is not None else prefs.system_prompt
    client = RemoteClient(endpoint, model, key)
    if not prefs.offline:
        _err(f"this conversation will be sent to {endpoint.host}")
    service = ChatService(None, None, system_prompt=system or "", clients=lambda _m: client)
    try:
        answer = console.run_answer(service, service.ask(prompt, list(args.image), sampling=sampling,
                                                         model=args.model, provider="remote"), stream=not args.json)
    finally:
        client.close()
    if answer.failure:
        raise _fail_from(answer.failure)
    stats = answer.stats
    assert stats is not None
    if args.json:
        print(json.dumps({"text": answer.text, "model": args.model, "provider": "remote", "host": endpoint.host,
                          "prompt_tokens": stats.prompt_tokens, "generated_tokens": stats.generated_tokens,
                          "ttft_s": round(stats.ttft_s, 4), "decode_tok_s": round(stats.decode_tok_s, 2),
                          "finish_reason": stats.finish_reason}, ensure_ascii=False))
    else:
        print()
    return EXIT_OK if stats.finish_reason != "cancelled" else 130


def cmd_endpoints(args: argparse.Namespace) -> int:
    from phidesk.remote.command import cmd_endpoints as run

    return run(args)


def cmd_models(args: argparse.Namespace) -> int:
    from phidesk.models import library, starter

    command = args.models_command or "list"
    if command == "list":
        prefs = settings.load()
        default = library.default_model_id(prefs.default_model)
        rows = []
        for m in library.list_models():
            info = m.info
            rows.append({
                "id": m.id, "path": str(m.path), "usable": m.usable, "problem": m.problem,
                "default": m.id == default, "type": "vision" if info and info.vision else "text",
                "architecture": info.model_type if info else None,
                "context_length": info.context_length if info else None,
                "size_mb": round(info.size_bytes / 1e6, 1) if info else None, "source": m.source,
            })
        from phidesk.remote.endpoints import load_endpoints

        remote = [{"id": e.model_id(m), "remote": True, "host": e.host, "usable": True}
                  for e in load_endpoints() for m in e.models]
        if getattr(args, "json", False):
            print(json.dumps(rows + remote, indent=2))
        elif not rows:
            print("No models installed. Try: phidesk models starter")
        else:
            for r in rows:
                mark = "*" if r["default"] else " "
                detail = (f"{r['type']:6} {r['architecture']:8} ctx {r['context_length']:>6}  {r['size_mb']:>8} MB"
                          if r["usable"] else f"BROKEN: {r['problem']}")
                print(for_stream(f"{mark} {r['id']:28} {detail}", sys.stdout))
        for r in [] if getattr(args, "json", False) else remote:
            print(for_stream(f"  {r['id']:28} remote: {r['host']}", sys.stdout))
        return EXIT_OK
    if command == "starter":
        model = starter.ensure_starter(progress=_err)
        print(f"starter model ready: {model.path}")
        return EXIT_OK
    if command == "import":
        try:
            model = library.import_path(args.path, args.id, replace=args.replace, progress=_err)
        except library.ModelExistsError as exc:
            raise UserError(f"a model named '{exc.model_id}' is already installed: pass --replace to replace it, "
                            f"or --id NEW to install {args.path!r} under another id", exc.code) from None
        print(f"installed '{model.id}': {model.path}")
        return EXIT_OK
    if command == "remove":
        return _remove(args.id)
    if command == "default":
        prefs = settings.load()
        if args.id is None:
            print(library.default_model_id(prefs.default_model) or "(none installed)")
            return EXIT_OK
        library.resolve(args.id)
        if library.installed(args.id) is None:
            raise UserError(f"'{args.id}' is not an installed model id (see 'phidesk models list')")
        settings.update({"default_model": args.id})  # only this key: other settings stay as they are now
        print(f"default model: {args.id}")
        return EXIT_OK
    if command == "catalog":
        return _catalog(args)
    if command == "download":
        return _download(args)
    raise UsageError(f"unknown models command {command!r}")


def _remove(model_id: str) -> int:
    """Remove a model; when it was the default, the default becomes the next one (only that key is written)."""
    from phidesk.models import library

    stored = settings.load().default_model
    was_default = library.default_model_id(stored) == model_id
    path = library.remove(model_id)
    print(f"removed '{model_id}' ({path})")
    if stored == model_id:  # the next one becomes the default, unless another process chose one since
        settings.replace_value("default_model", model_id, library.default_model_id(None))
    if was_default:
        now = library.default_model_id(settings.load().default_model)
        print(f"default model now: {now}" if now else "no usable model is left, so there is no default model "
              "(try: phidesk models starter)")
    return EXIT_OK


def _catalog(args: argparse.Namespace) -> int:
    from phidesk.models.report import machine_report

    report = machine_report(context=settings.load().context_cap)
    recommended = report.get("recommended") or {}
    for rec in report["recommendations"]:
        rec["recommended"] = (rec["id"], rec["variant"]) == (recommended.get("id"), recommended.get("variant"))
    if args.json:
        print(json.dumps(report["recommendations"], indent=2))
        return EXIT_OK
    print(f"{'':2}{'id':28}{'variant':8}{'verdict':11}{'needs':>10}  reason")
    for rec in report["recommendations"]:
        mark = "*" if rec["recommended"] else " "
        print(f"{mark} {rec['id']:28}{rec['variant']:8}{rec['verdict']:11}{rec['needed_mb']:>8,} MB  {rec['reason']}")
    print("\n* recommended for this machine. Download: phidesk models download ID [--variant cpu|cuda|dml]")
    return EXIT_OK


def _download(args: argparse.Namespace) -> int:
    from phidesk import privacy
    from phidesk.models import catalog, download
    from phidesk.models.report import machine_report

    if (reason := privacy.offline_reason(settings.load().offline)) is not None:
        raise UserError(reason)
    variant = args.variant
    if variant is None:
        best = machine_report(context=settings.load().context_cap).get("recommended") or {}
        variant = best.get("variant") if best.get("id") == args.id else None
        variant = variant or "cpu"
    entry = catalog.find(args.id, variant)
    bar = _ProgressBar(entry.size_bytes)
    stop = {"now": False}
    try:
        model_id = download.download_blocking(entry, progress=bar.update, should_stop=lambda: stop["now"])
    except KeyboardInterrupt:
        stop["now"] = True
        bar.close()
        _err("paused: run the same command again to resume where it stopped")
        return 130
    except BaseException:
        bar.close()  # the error goes on a line of its own, not after the bar
        raise
    bar.close()
    print(f"installed '{model_id}' (verified). Chat with it: phidesk chat -m {model_id}")
    return EXIT_OK


class _ProgressBar:
    """A one-line terminal progress bar: bytes, speed and time left (stderr)."""

    def __init__(self, total: int) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr,
                        dynamic_ncols=True, leave=True)

    def update(self, job: Any) -> None:
        done = int(getattr(job, "bytes_done", 0))
        total = int(getattr(job, "bytes_total", 0) or self.bar.total or 0)
        if total and total != self.bar.total:
            self.bar.total = total
        self.bar.n = done
        current = getattr(job, "current_file", "") or ""
        self.bar.set_description(current.rsplit("/", 1)[-1][:32], refresh=False)
        self.bar.refresh()

    def close(self) -> None:
        self.bar.close()


def cmd_about(_args: argparse.Namespace) -> int:
    from phidesk.about import about_text
    from phidesk.models.report import machine_report

    print(about_text(machine_report(context=settings.load().context_cap)), end="")
    return EXIT_OK


def cmd_hardware(args: argparse.Namespace) -> int:
    from phidesk.models.report import machine_report

    report = machine_report(context=settings.load().context_cap)
    if args.json:
        print(json.dumps(report, indent=2))
        return EXIT_OK
    cpu, ram = report["cpu"], report["ram"]
    print(f"{report['os']} {report['arch']}")
    print(f"CPU: {cpu['name']} ({cpu['cores']} cores, {cpu['threads']} threads; {', '.join(cpu['features']) or '-'})")
    print(f"RAM: {ram['total_mb']:,} MB total, {ram['available_mb']:,} MB available")
    for gpu in report["gpus"] or []:
        print(f"GPU {gpu['index']}: {gpu['vendor']} {gpu['name']}, {gpu['vram_mb']:,} MB")
    if not report["gpus"]:
        print("GPU: none found")
    providers = report["providers"]
    print("Providers: " + ", ".join(f"{k} {'ok' if v.get('ok') else 'no'}" for k, v in providers.items()))
    best = report.get("recommended")
    if best:
        print(f"Recommended: {best['id']} ({best['variant']}): {best['reason']}")
    print("All models: phidesk models catalog")
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    from phidesk import bench

    prefs = settings.load()
    model_path = _resolve_model(args.model, prefs)
    from phidesk.engine.modelinfo import read_model_folder

    read_model_folder(model_path)
    result = bench.run_bench(model_path, provider=args.ep or prefs.provider, context_cap=prefs.context_cap,
                             threads=args.threads or prefs.threads,
                             prompt_tokens=args.prompt_tokens, new_tokens=args.new_tokens, rounds=args.rounds,
                             progress=_err, gui=not args.no_gui, turns=args.turns,
                             kept=not args.no_kept)
    print(json.dumps(result, indent=2) if args.json else bench.format_bench(result))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from phidesk.server.command import serve

    prefs = settings.load()
    return serve(args, lambda name: _resolve_model(name, prefs), _err)


def cmd_gui(_args: argparse.Namespace) -> int:
    raise UsageError("the window is started by the phidesk command itself: run 'phidesk gui'")


COMMANDS = {"chat": cmd_chat, "models": cmd_models, "bench": cmd_bench, "hardware": cmd_hardware,
            "about": cmd_about, "gui": cmd_gui, "serve": cmd_serve, "endpoints": cmd_endpoints}


def _settings_warnings() -> None:
    """A damaged settings file was set aside (settings.load does it): say so, one line each."""
    for notice in settings.take_notices():
        _err(f"warning: {notice}")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        log_path = logs.setup()
    except OSError as exc:
        _err(f"cannot write logs: {exc}")
        return EXIT_FAIL
    logs.install_hooks()  # an exception nobody caught, in any thread, is in the log too
    try:
        args = build_parser().parse_args(argv)
        command = args.command or "chat"
        if args.command is None:
            args = build_parser().parse_args(["chat", *argv])
        settings.load()  # a damaged file is set aside now, and said before the command's own output
        _settings_warnings()
        return COMMANDS[command](args)
    except UserError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except EngineError as exc:
        log.error("engine error: %s (%s)", exc, exc.code)
        _err(f"{exc} (log: {log_path})")
        return EXIT_FAIL
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `| head`): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        log.exception("unexpected error")
        _err(f"unexpected error: {type(exc).__name__}: {exc} (details in {log_path})")
        return EXIT_FAIL
    finally:
        _settings_warnings()  # one set aside while the command ran


if __name__ == "__main__":
    sys.exit(main())
