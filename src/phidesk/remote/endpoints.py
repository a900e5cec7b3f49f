"""Remote endpoints: the list in settings.json (``endpoints``: name, base URL, models, preset; never a key), their
API keys in the operating system's credential store (``keyring``), and their models as ``ENDPOINT/MODEL`` ids.

Nothing here touches the network except :func:`fetch_models` (``GET {base_url}/models``), which the Offline
setting refuses. Every message a user may see is a :class:`~phidesk.texts.Text` under the context "Remote".
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from phidesk import settings as settings_mod
from phidesk.remote.errors import RemoteError, _text, call_errors, offline_error
from phidesk.texts import QT_TRANSLATE_NOOP, Text

log = logging.getLogger(__name__)

SERVICE = "PhiDesk"  # the credential store's service name; the user name is the endpoint's name
ENV_PREFIX = "PHIDESK_API_KEY_"  # PHIDESK_API_KEY_<NAME>: a key for this run only (no credential store)
MAX_FETCHED = 500  # models GET /models may list before the rest are ignored
MAX_KEY = 4096

# key -> (shown name, documented base URL, or a template with <...> for the part the user completes)
PRESETS: dict[str, tuple[str, str]] = {
    # docs.github.com/en/github-models/quickstart: POST https://models.github.ai/inference/chat/completions
    "github": ("GitHub Models", "https://models.github.ai/inference"),
    # learn.microsoft.com, Azure OpenAI "v1" API (api-version-lifecycle): https://<resource>.openai.azure.com/openai/v1
    "azure": ("Azure AI", "https://<resource>.openai.azure.com/openai/v1"),
    # build.nvidia.com (NVIDIA API catalog): every hosted NIM at https://integrate.api.nvidia.com/v1
    "nvidia": ("NVIDIA NIM", "https://integrate.api.nvidia.com/v1"),
    # docs.ollama.com/api/openai-compatibility
    "ollama": ("Ollama", "http://localhost:11434/v1"),
    # lmstudio.ai/docs/api/openai-api (default port 1234)
    "lmstudio": ("LM Studio", "http://localhost:1234/v1"),
    # this project's own `phidesk serve` (README, "Use PhiDesk from other apps")
    "phidesk": ("Another PhiDesk", "http://127.0.0.1:8765/v1"),
}


@dataclass
class Endpoint:
    """One remote OpenAI-API server. ``base_url`` ends before ``/chat/completions`` (e.g. ``.../v1``);
    ``models``: the ones offered in the picker (at most settings.MAX_ENDPOINT_MODELS); ``preset``: a PRESETS key
    or ""."""

    name: str
    base_url: str
    models: list[str] = field(default_factory=list)
    preset: str = ""

    @property
    def host(self) -> str:
        """Where its conversations go (``host[:port]``, never a user name or password the URL may hold), as the
        header and the confirmation name it."""
        return urlsplit(self.base_url).netloc.rsplit("@", 1)[-1] or self.base_url

    def model_id(self, model: str) -> str:
        return f"{self.name}/{model}"


def check_endpoint(ep: Endpoint) -> Endpoint:
    """*ep* with its URL's trailing slash removed, or RemoteError (``bad_endpoint``) saying what is wrong."""
    ep = Endpoint(ep.name, ep.base_url.strip().rstrip("/"), list(ep.models), ep.preset)
    if "<" in ep.base_url or ">" in ep.base_url:
        raise RemoteError(_text(QT_TRANSLATE_NOOP(
            "Remote", "complete the base URL {url}: replace the part in <...> with your own"), url=ep.base_url),
            "bad_endpoint")
    problem = settings_mod.endpoint_problem(asdict(ep))
    if problem is not None:
        raise RemoteError(problem, "bad_endpoint")
    return ep


def load_endpoints() -> list[Endpoint]:
    """The endpoints the user added, from settings.json (a damaged list is ignored there: none)."""
    stored = settings_mod.load().endpoints
    return [Endpoint(e["name"], e["base_url"], list(e.get("models", [])), e.get("preset", "")) for e in stored]


def find_endpoint(name: str) -> Endpoint | None:
    return next((e for e in load_endpoints() if e.name == name), None)


def add_endpoint(ep: Endpoint, api_key: str | None) -> None:
    """Add *ep* (or replace the one with its name) to settings.json; *api_key* (None: none) goes to the credential
    store, or is kept for this session only when there is none (:func:`credential_store`). RemoteError when the
    endpoint is not valid."""
    ep = check_endpoint(ep)
    if api_key is not None:
        _check_key(api_key)
    with _LOCK:
        others = [asdict(e) for e in load_endpoints() if e.name != ep.name]
        settings_mod.update({"endpoints": [*others, asdict(ep)]})
    if api_key:
        set_api_key(ep.name, api_key)


def remove_endpoint(name: str) -> None:
    """Remove the endpoint *name* and its key; RemoteError (``unknown_endpoint``) when there is none."""
    with _LOCK:
        stored = load_endpoints()
        if not any(e.name == name for e in stored):
            raise unknown_endpoint(name)
        settings_mod.update({"endpoints": [asdict(e) for e in stored if e.name != name]})
    _session_keys.pop(name, None)
    if credential_store() is not None:
        import keyring
        import keyring.errors

        with contextlib.suppress(keyring.errors.PasswordDeleteError):  # it had no key
            keyring.delete_password(SERVICE, name)


def unknown_endpoint(name: str) -> RemoteError:
    return RemoteError(_text(QT_TRANSLATE_NOOP(
        "Remote", "no endpoint named {name}: add it with phidesk endpoints add, or in Settings"), name=name),
        "unknown_endpoint")


# --- keys --------------------------------------------------------------------------------------------------
_LOCK = threading.Lock()
_session_keys: dict[str, str] = {}  # keys given for this process only (no credential store, or the user said so)


def _check_key(key: str) -> None:
    if len(key) > MAX_KEY or not key.isprintable() or key != key.strip():
        raise RemoteError(_text(QT_TRANSLATE_NOOP(
            "Remote", "the API key must be one line of printable text without spaces around it")), "bad_key")


def credential_store() -> str | None:
    """The name of the OS credential store ``keyring`` uses, or None when there is no usable one (then the window
    asks for the key each session and the CLI reads PHIDESK_API_KEY_<NAME> or asks)."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or type(backend).__module__.startswith("keyring.backends.null"):
        return None
    chained = getattr(backend, "backends", None)
    if chained is not None and not chained:
        return None
    # A store below priority 1 (keyrings.alt's plain or encrypted files) writes keys to a file of this user's: used
    # only when chosen on purpose (PYTHON_KEYRING_BACKEND), never because nothing better was found.
    if _priority(backend) < 1 and not os.environ.get("PYTHON_KEYRING_BACKEND"):
        return None
    return store_name(chained[0] if chained else backend)


# keyring's backend modules -> the store's name as the user knows it
_SECRET_SERVICE = Text("Endpoints", QT_TRANSLATE_NOOP("Endpoints",
                                                     "the Secret Service (GNOME Keyring, KWallet or KeePassXC)"))
STORE_NAMES: dict[str, Text] = {
    "keyring.backends.SecretService": _SECRET_SERVICE,
    "keyring.backends.libsecret": _SECRET_SERVICE,
    "keyring.backends.kwallet": Text("Endpoints", QT_TRANSLATE_NOOP("Endpoints", "KWallet")),
    "keyring.backends.macOS": Text("Endpoints", QT_TRANSLATE_NOOP("Endpoints", "the macOS Keychain")),
    "keyring.backends.Windows": Text("Endpoints", QT_TRANSLATE_NOOP("Endpoints", "Windows Credential Manager")),
}


def store_name(backend: object) -> str:
    """How to name *backend* (a keyring backend, the first of a chain) to a user: "the macOS Keychain" rather than
    keyring's class names, as a Text the window translates; a store this table does not know is named by its module
    and class."""
    module = type(backend).__module__
    return STORE_NAMES.get(module) or f"{module}.{type(backend).__name__}"


def _priority(backend: object) -> float:
    try:
        return float(getattr(type(backend), "priority", 0))
    except Exception:  # a backend's priority may probe the system and fail
        return 0.0


def env_name(name: str) -> str:
    """The environment variable that may hold *name*'s key: PHIDESK_API_KEY_ and the name in capitals, with
    anything but letters and digits as _."""
    return ENV_PREFIX + re.sub(r"[^A-Z0-9]", "_", name.upper())


def api_key(name: str) -> str | None:
    """The key of endpoint *name*: this session's (``set_session_key``), else PHIDESK_API_KEY_<NAME>, else the
    credential store's; None when there is none (an endpoint without a key, such as a local Ollama)."""
    if name in _session_keys:
        return _session_keys[name]
    if os.environ.get(env_name(name)):
        return os.environ[env_name(name)]
    if credential_store() is None:
        return None
    import keyring
    import keyring.errors

    try:
        return keyring.get_password(SERVICE, name)
    except keyring.errors.KeyringError as exc:
        log.warning("the credential store could not be read for endpoint %s: %s", name, type(exc).__name__)
        return None


def set_api_key(name: str, key: str | None) -> None:
    """Store (None or "": delete) *name*'s key in the credential store; without one, for this session only."""
    if key:
        _check_key(key)
    if credential_store() is None:
        set_session_key(name, key)
        return
    import keyring
    import keyring.errors

    if key:
        keyring.set_password(SERVICE, name, key)
    else:
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password(SERVICE, name)


def set_session_key(name: str, key: str | None) -> None:
    """Use *key* for endpoint *name* until this process ends (never written anywhere); None forgets it."""
    if key:
        _check_key(key)
        _session_keys[name] = key
    else:
        _session_keys.pop(name, None)


# --- models ------------------------------------------------------------------------------------------------
def remote_model(model_id: str) -> tuple[Endpoint, str] | None:
    """(endpoint, model) for an ``ENDPOINT/MODEL`` id whose ENDPOINT is an endpoint the user added, else None (a
    local model). The model part may hold slashes itself (``github/openai/gpt-4o``)."""
    name, slash, model = model_id.partition("/")
    if not slash or not model:
        return None
    ep = find_endpoint(name)
    return (ep, model) if ep is not None else None


def remote_model_ids() -> list[str]:
    """Every ``ENDPOINT/MODEL`` id the picker offers."""
    return [ep.model_id(m) for ep in load_endpoints() for m in ep.models]


def fetch_models(base_url: str, api_key: str | None, timeout: float = 10) -> list[str]:
    """The model names ``GET {base_url}/models`` lists (at most MAX_FETCHED, sorted), or RemoteError with one of the
    client's codes. Refused (``remote_offline``) without any connection while the Offline setting is on."""
    if settings_mod.load().offline:
        raise offline_error()
    base_url = base_url.strip().rstrip("/")
    check_endpoint(Endpoint("check", base_url))
    with call_errors(base_url, ""):
        from openai import OpenAI

        with OpenAI(base_url=base_url, api_key=api_key or "none", timeout=timeout, max_retries=0) as client:
            names: list[str] = []
            for model in client.models.list():
                ident: Any = getattr(model, "id", None)
                if isinstance(ident, str) and 0 < len(ident) <= settings_mod.MAX_MODEL_NAME and ident.isprintable():
                    names.append(ident.strip())
                if len(names) >= MAX_FETCHED:
                    break
    return sorted(set(names))
