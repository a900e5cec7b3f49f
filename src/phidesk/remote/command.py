"""``phidesk endpoints add|list|remove``: the remote OpenAI-API endpoints (keys in the OS credential store)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from phidesk.remote import endpoints
from phidesk.remote.endpoints import PRESETS, Endpoint
from phidesk.remote.errors import RemoteError

DESCRIPTION = """\
Remote endpoints are servers of the OpenAI chat API elsewhere (GitHub Models, Azure AI, NVIDIA NIM, Ollama,
LM Studio, another PhiDesk). Their models are used as ENDPOINT/MODEL, e.g. phidesk chat -m work/phi-3.5 "...".
Conversations with them are sent to that server. API keys go to the OS credential store, never to a file; where
there is none, set PHIDESK_API_KEY_<NAME> or type the key when asked, for that run only."""


def add_parser(sub: argparse._SubParsersAction, parser_class: type[argparse.ArgumentParser]) -> None:
    ep = sub.add_parser("endpoints", help="remote OpenAI-API endpoints: add, list, remove",
                        description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    esub = ep.add_subparsers(dest="endpoints_command", parser_class=parser_class)
    add = esub.add_parser("add", help="add (or replace) an endpoint")
    add.add_argument("name", help="its name: the ENDPOINT of ENDPOINT/MODEL (letters, digits, . _ -)")
    add.add_argument("url", nargs="?", help="the base URL, e.g. http://localhost:11434/v1 (default: the preset's)")
    add.add_argument("--preset", choices=sorted(PRESETS), help="fill in a documented base URL")
    add.add_argument("--model", action="append", default=[], help="a model to offer (repeatable; default: the "
                                                                   "endpoint's GET /models list)")
    add.add_argument("--key-stdin", action="store_true", help="read the API key from stdin (one line)")
    lst = esub.add_parser("list", help="the endpoints and their models")
    lst.add_argument("--json", action="store_true")
    rm = esub.add_parser("remove", help="remove an endpoint and its key")
    rm.add_argument("name")


def cmd_endpoints(args: argparse.Namespace) -> int:
    command = args.endpoints_command or "list"
    if command == "list":
        return _list(args.json if "json" in args else False)
    if command == "remove":
        endpoints.remove_endpoint(args.name)
        print(f"removed endpoint {args.name}")
        return 0
    url = args.url or (PRESETS[args.preset][1] if args.preset else None)
    if not url:
        raise RemoteError("give the endpoint's base URL, or --preset (one of " + ", ".join(sorted(PRESETS)) + ")",
                          "bad_endpoint")
    key = sys.stdin.readline().strip() if args.key_stdin else None
    ep = endpoints.check_endpoint(Endpoint(args.name, url, list(dict.fromkeys(args.model)), args.preset or ""))
    if not ep.models:
        fetched = endpoints.fetch_models(ep.base_url, key or endpoints.api_key(ep.name))
        if not fetched:
            raise RemoteError(f"{ep.host} lists no models: name them with --model", "remote_not_found")
        ep.models = fetched[: endpoints.settings_mod.MAX_ENDPOINT_MODELS]
        if len(fetched) > len(ep.models):
            print(f"note: {len(fetched)} models listed; the first {len(ep.models)} are offered (choose with --model)",
                  file=sys.stderr)
    endpoints.add_endpoint(ep, key or None)
    store = endpoints.credential_store()
    if key:
        where = f"in {store}" if store else ("for this run only (no credential store: set "
                                             f"{endpoints.env_name(ep.name)})")
        print(f"the API key is kept {where}", file=sys.stderr)
    print(f"added endpoint {ep.name} ({ep.base_url}): {', '.join(ep.model_id(m) for m in ep.models)}")
    return 0


def _list(as_json: bool) -> int:
    rows = [{"name": e.name, "base_url": e.base_url, "preset": e.preset, "models": e.models,
             "key": endpoints.api_key(e.name) is not None} for e in endpoints.load_endpoints()]
    if as_json:
        print(json.dumps(rows, indent=2))
    elif not rows:
        print("No endpoints. Add one: phidesk endpoints add NAME URL (or --preset " + "|".join(sorted(PRESETS)) + ")")
    for e in [] if as_json else endpoints.load_endpoints():
        has_key = endpoints.api_key(e.name) is not None
        print(f"{e.name:16} {e.base_url}  {'key' if has_key else 'no key'}  models: {', '.join(e.models)}")
    return 0


def ask_key(name: str) -> str | None:
    """The key for this run when there is no stored one and no credential store: asked on the terminal."""
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(f"API key for {name} (this run only; empty: none): ").strip() or None
