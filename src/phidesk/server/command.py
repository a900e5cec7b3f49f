"""``phidesk serve``: load a model and serve it on an OpenAI-compatible API until Ctrl+C."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from phidesk import settings
from phidesk.errors import EngineError, UserError
from phidesk.server.local import LocalServer, is_loopback

DESCRIPTION = """\
Serve a model on an OpenAI-compatible HTTP API (GET /v1/models, POST /v1/chat/completions), so that
editors, scripts and other tools can use it. It listens on 127.0.0.1 (this machine only) unless --host
says otherwise; any other address needs --api-key, and then anyone who can reach that address and knows
the key can use the model. Requests are not written to the conversation history. Ctrl+C stops it."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="serve a model on an OpenAI-compatible API on this machine",
                           description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    serve.add_argument("-m", "--model", help="an installed model id or a model folder (default: your default model); "
                                             "a request naming another installed model loads that one")
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8765, help="the port (default: 8765; 0: any free port)")
    serve.add_argument("--api-key", help="require 'Authorization: Bearer KEY' on every request "
                                         "(required with a --host other than 127.0.0.1)")
    serve.add_argument("--queue", type=_queue, default=8, metavar="N",
                       help="requests that may wait while one is answered (default: 8); more get 429")
    serve.add_argument("--cors", metavar="ORIGIN", help="allow browser pages from ORIGIN (e.g. "
                                                        "http://localhost:3000) to call the API (default: none)")


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {text!r}")
    return int(text)


def _queue(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 256:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to 256, got {text!r}")
    return int(text)


def serve(args: argparse.Namespace, resolve: Callable[[str | None], Path], say: Callable[[str], None]) -> int:
    """Load, serve, wait for Ctrl+C. *resolve* turns -m (or None) into a model folder, as `phidesk chat` does."""
    from phidesk.engine.client import EngineClient
    from phidesk.models import library

    if not is_loopback(args.host) and not args.api_key:
        raise UserError(f"--host {args.host} makes the model reachable beyond this machine: add --api-key KEY")
    prefs = settings.load()
    model_path = resolve(args.model)
    installed = library.installed(model_path.name)
    model_id = model_path.name if installed is not None and installed.path == model_path else str(model_path)
    engine = EngineClient()

    def load(path: Path | str) -> None:
        try:
            engine.load(path, prefs.provider, prefs.context_cap, threads=prefs.threads,
                        kv_budget_mb=prefs.kv_budget_mb, system_prompt=prefs.system_prompt,
                        sampling=prefs.sampling)
        except EngineError as exc:
            if exc.user_error:
                raise UserError(str(exc)) from None
            raise

    with engine:
        say(f"loading {model_id}…")
        load(model_path)
        server = LocalServer(engine, model_id=model_id, host=args.host, port=args.port, api_key=args.api_key,
                             queue_size=args.queue, cors=args.cors,
                             load=lambda other: load(library.resolve(other).path))
        url = server.start()
        key = f' -H "Authorization: Bearer {args.api_key}"' if args.api_key else ""
        print(f"PhiDesk serves {model_id} at {url}", flush=True)
        print(f"try: curl {url}/chat/completions -H \"Content-Type: application/json\"{key} "
              f"-d '{{\"model\": \"{model_id}\", \"messages\": [{{\"role\": \"user\", \"content\": \"Hello\"}}]}}'",
              flush=True)
        say("Ctrl+C stops the server")
        idle = threading.Event()
        try:
            while server.running:
                idle.wait(0.5)
        except KeyboardInterrupt:
            say("stopping…")
        finally:
            server.stop()
    sys.stdout.flush()
    return 0
