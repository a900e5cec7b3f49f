"""A local, threaded stand-in for the Hugging Face hub, for download tests.

It speaks the part of the hub's HTTP API that huggingface_hub 2.4 uses to list and fetch files
(request shapes read from huggingface_hub/hf_api.py and file_download.py):

- ``GET  /api/models/{repo}/revision/{rev}``                         → {"id", "sha", "siblings": [...]}
- ``GET  /api/models/{repo}/tree/{rev}[/{path, %2F-quoted}]?recursive=true&expand=false``
  → [{"type", "path", "size", "oid", "lfs": {"oid", "size", "pointerSize"}}...], paginated with a
  ``Link: <…>; rel="next"`` header like the hub (1000 per page, 50 with expand=true)
- ``POST /api/models/{repo}/paths-info/{rev}``  (form body ``paths=…&paths=…&expand=…``)
- ``HEAD|GET /{repo}/resolve/{rev}/{path}``: X-Repo-Commit, ETag, X-Linked-Etag / X-Linked-Size (LFS),
  Content-Length, Accept-Ranges, ``Range: bytes=N-`` → 206 + Content-Range. LFS files are redirected
  (302) to a ``/cdn/…`` address on the same server, as the real hub redirects them to its CDN.

Faults, set per test: drop the connection after given offsets of a file (each once, across
successive requests), corrupt bytes of a file (the advertised sha256 stays that of the good
file), answer a status (404, 401, 503…) for a repo or a file, throttle to N bytes/s, add hostile
names to the listing, stall a body after an offset (the connection stays open, silent), answer a
file with a redirect to itself (a loop). Every request is logged (method, path, file, Range, status, bytes sent).
"""

from __future__ import annotations

import functools
import hashlib
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PIECE = 64 * 1024
LFS_SUFFIXES = (".onnx", ".data", ".bin", ".safetensors", ".gguf")


@functools.lru_cache(maxsize=64)
def _digests(path: str, size: int, mtime: float) -> tuple[str, str]:
    """(sha256, git blob sha1) of a file; cached: the starter's 86 MB file is hashed once per session."""
    sha256, blob = hashlib.sha256(), hashlib.sha1(f"blob {size}\0".encode())
    with Path(path).open("rb") as fh:
        while chunk := fh.read(1 << 20):
            sha256.update(chunk)
            blob.update(chunk)
    return sha256.hexdigest(), blob.hexdigest()


@dataclass
class HubFile:
    path: str  # path in the repo
    source: Path | bytes

    @property
    def size(self) -> int:
        return len(self.source) if isinstance(self.source, bytes) else self.source.stat().st_size

    @property
    def lfs(self) -> bool:
        return self.path.endswith(LFS_SUFFIXES) or self.size >= 1 << 20

    def digests(self) -> tuple[str, str]:
        if isinstance(self.source, bytes):
            return (hashlib.sha256(self.source).hexdigest(),
                    hashlib.sha1(f"blob {self.size}\0".encode() + self.source).hexdigest())
        stat = self.source.stat()
        return _digests(str(self.source), stat.st_size, stat.st_mtime)

    def read(self, start: int, end: int) -> Iterator[bytes]:
        """The bytes [start, end) in pieces."""
        if isinstance(self.source, bytes):
            for pos in range(start, end, PIECE):
                yield self.source[pos:min(end, pos + PIECE)]
            return
        with self.source.open("rb") as fh:
            fh.seek(start)
            pos = start
            while pos < end:
                data = fh.read(min(PIECE, end - pos))
                if not data:
                    return
                yield data
                pos += len(data)

    def entry(self) -> dict[str, object]:
        sha256, blob = self.digests()
        item: dict[str, object] = {"type": "file", "path": self.path, "size": self.size, "oid": blob}
        if self.lfs:
            item["lfs"] = {"oid": sha256, "size": self.size, "pointerSize": 134}
        return item


@dataclass
class Repo:
    id: str
    sha: str
    files: dict[str, HubFile]
    hostile: list[dict[str, object]] = field(default_factory=list)  # extra listing entries

    def folders(self) -> set[str]:
        out: set[str] = set()
        for path in self.files:
            parts = path.split("/")[:-1]
            out.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
        return out


@dataclass(frozen=True)
class Logged:
    method: str
    path: str  # the request path, without the query
    file: str | None  # the repo file served, for resolve and cdn requests
    range: str | None
    status: int
    bytes_sent: int


class HubServer:
    """Start with ``with HubServer() as hub:``; ``hub.endpoint`` is the value for HF_ENDPOINT."""

    def __init__(self) -> None:
        self.repos: dict[str, Repo] = {}
        self.log: list[Logged] = []
        self.page_size: int | None = None  # None: the hub's (1000, or 50 with expand)
        self.redirect_lfs = True
        self.bytes_per_s: float | None = None
        self.started = 0  # requests received so far (the log has them once answered)
        self._finished = 0  # requests whose handler has returned (answered, dropped or failed)
        self._drops: dict[str, list[int]] = {}
        self._stalls: dict[str, list[int]] = {}
        self._loops: set[str] = set()
        self.stall_api = False  # True: API requests (the listing) get no answer until ``unstall`` is set
        self.unstall = threading.Event()  # set: stalled bodies end (closing the connection)
        self._corrupt: dict[str, dict[int, int]] = {}
        self._status: dict[str, list[int | None]] = {}  # repo id or repo/file → [status, times left]
        self._lock = threading.Lock()
        self._settled = threading.Condition(self._lock)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.hub = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    # --- life ------------------------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> HubServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.unstall.set()
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(5)
        self._server.server_close()

    # --- content -----------------------------------------------------------------------------
    def add_repo(self, repo_id: str, files: Mapping[str, Path | bytes], sha: str | None = None) -> Repo:
        sha = sha or hashlib.sha1(repo_id.encode()).hexdigest()
        repo = Repo(repo_id, sha, {p: HubFile(p, src) for p, src in files.items()})
        self.repos[repo_id] = repo
        return repo

    def add_folder(self, repo_id: str, subfolder: str, folder: Path, extra: Mapping[str, bytes] | None = None) -> Repo:
        """A repo whose *subfolder* holds the files of *folder*, plus *extra* files anywhere."""
        files: dict[str, Path | bytes] = {
            f"{subfolder}/{p.name}": p for p in sorted(folder.iterdir()) if p.is_file() and p.name != "phidesk.json"
        }
        files.update(extra or {})
        return self.add_repo(repo_id, files)

    # --- faults -------------------------------------------------------------------------------
    def drop_after(self, repo_id: str, path: str, *offsets: int) -> None:
        """Close the connection once the body of *path* reaches each offset (one drop per offset)."""
        with self._lock:
            self._drops[f"{repo_id}/{path}"] = sorted(offsets)

    def stall_after(self, repo_id: str, path: str, *offsets: int) -> None:
        """Stop sending the body of *path* at each offset (once each) and keep the connection open and
        silent until ``unstall`` is set or the client goes away: a hub connection that hangs."""
        with self._lock:
            self._stalls[f"{repo_id}/{path}"] = sorted(offsets)

    def redirect_loop(self, repo_id: str, path: str) -> None:
        """Answer every request for *path* with a 302 to the same address."""
        with self._lock:
            self._loops.add(f"{repo_id}/{path}")

    def corrupt(self, repo_id: str, path: str, *offsets: int) -> None:
        """Serve the byte at each offset inverted; listing and headers still advertise the good file."""
        with self._lock:
            self._corrupt[f"{repo_id}/{path}"] = dict.fromkeys(offsets, 0xFF)

    def fail(self, target: str, status: int, times: int | None = None) -> None:
        """Answer *status* for a repo id (all its API and file requests) or 'repo/path': *times* times, or always."""
        with self._lock:
            self._status[target] = [status, times]

    def add_hostile(self, repo_id: str, *paths: str) -> None:
        self.repos[repo_id].hostile.extend(
            {"type": "file", "path": p, "size": 5, "oid": "0" * 40} for p in paths
        )

    # --- log ------------------------------------------------------------------------------------
    # A client can act on an answer before the handler thread that sent it has logged it, so
    # readers of the log first wait (briefly) for every request received so far to finish.
    def requests_for(self, path: str, method: str = "GET") -> list[Logged]:
        with self._settled:
            self._settled.wait_for(lambda: self._finished >= self.started, timeout=5)
            return [r for r in self.log if r.file == path and r.method == method]

    def bytes_served(self) -> int:
        with self._settled:
            self._settled.wait_for(lambda: self._finished >= self.started, timeout=5)
            return sum(r.bytes_sent for r in self.log if r.file is not None)

    # --- internals for the handler -------------------------------------------------------------
    def _record(self, entry: Logged) -> None:
        with self._lock:
            self.log.append(entry)

    def _forced_status(self, repo_id: str, path: str | None) -> int | None:
        with self._lock:
            for target in ([f"{repo_id}/{path}"] if path else []) + [repo_id]:
                rule = self._status.get(target)
                if rule is None:
                    continue
                status, times = rule
                if times is not None:
                    if times <= 0:
                        continue
                    rule[1] = times - 1
                return status
        return None

    def _next_drop(self, key: str, start: int, end: int, table: str = "drops") -> int | None:
        with self._lock:
            offsets = (self._drops if table == "drops" else self._stalls).get(key, [])
            for offset in offsets:
                if start < offset < end:
                    offsets.remove(offset)
                    return offset
        return None


def _error_headers(status: int) -> dict[str, str]:
    if status == 404:
        return {"X-Error-Code": "RepoNotFound", "X-Error-Message": "Repository not found"}
    if status in (401, 403):
        return {"X-Error-Code": "GatedRepo",
                "X-Error-Message": "Access to model is restricted. You must be authenticated."}
    return {}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10  # a keep-alive connection nobody uses ends its thread

    @property
    def hub(self) -> HubServer:
        return self.server.hub  # type: ignore[attr-defined,no-any-return]

    def log_message(self, format: str, *args: object) -> None:
        pass

    # --- dispatch ---------------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        with self.hub._lock:
            self.hub.started += 1
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        path = urllib.parse.unquote(url.path)
        body = b""
        if method == "POST":
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            if path.startswith("/api/models/") and self.hub.stall_api:
                self.hub.unstall.wait(120)  # the request was read; no header ever comes: a hung hub
                self.close_connection = True
            elif path.startswith("/api/models/"):
                self._api(method, path[len("/api/models/"):], url, query, body)
            elif path.startswith("/cdn/"):
                repo_id, _, rest = path[len("/cdn/"):].partition("/-/")
                self._file(method, repo_id, rest, via_cdn=True)
            elif "/resolve/" in path:
                repo_id, _, rest = path.lstrip("/").partition("/resolve/")
                _rev, _, file_path = rest.partition("/")
                self._file(method, repo_id, file_path, via_cdn=False)
            else:
                self._json(method, 404, {"error": "Not Found"}, self.path)
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        finally:
            with self.hub._settled:
                self.hub._finished += 1
                self.hub._settled.notify_all()

    def _json(self, method: str, status: int, payload: object, path: str, *,
              headers: Mapping[str, str] | None = None, file: str | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(data)
        self.hub._record(Logged(method, urllib.parse.urlsplit(path).path, file, self.headers.get("Range"), status, 0))

    def _find_repo(self, rest: str, verbs: tuple[str, ...]) -> tuple[str, str, str] | None:
        """'{repo}/{verb}/{rev}[/{path}]' → (repo id, verb, remainder)."""
        for verb in verbs:
            marker = f"/{verb}/"
            if marker in rest:
                repo_id, _, remainder = rest.partition(marker)
                return repo_id, verb, remainder
        return None

    # --- the API --------------------------------------------------------------------------------------
    def _api(self, method: str, rest: str, url: urllib.parse.SplitResult, query: dict[str, list[str]],
             body: bytes) -> None:
        found = self._find_repo(rest, ("revision", "tree", "paths-info"))
        repo_id, verb, remainder = found if found else (rest, "info", "")
        repo = self.hub.repos.get(repo_id)
        forced = self.hub._forced_status(repo_id, None)
        if forced is not None or repo is None:
            status = forced or 404
            self._json(method, status, {"error": "Repository Not Found"}, self.path, headers=_error_headers(status))
            return
        rev, _, sub = remainder.partition("/")
        if rev not in ("main", repo.sha):
            self._json(method, 404, {"error": "Invalid rev id"}, self.path,
                       headers={"X-Error-Code": "RevisionNotFound"})
            return
        if verb in ("info", "revision"):
            self._json(method, 200, {"id": repo.id, "modelId": repo.id, "sha": repo.sha, "private": False,
                                     "gated": False, "siblings": [{"rfilename": p} for p in sorted(repo.files)]},
                       self.path)
        elif verb == "tree":
            self._tree(method, repo, sub.strip("/"), url, query)
        else:
            form = urllib.parse.parse_qs(body.decode())
            wanted = form.get("paths", [])
            items = [f.entry() for p, f in sorted(repo.files.items()) if p in wanted]
            items += [{"type": "directory", "path": d, "oid": "0" * 40, "size": 0}
                      for d in sorted(repo.folders()) if d in wanted]
            self._json(method, 200, items, self.path)

    def _tree(self, method: str, repo: Repo, sub: str, url: urllib.parse.SplitResult,
              query: dict[str, list[str]]) -> None:
        recursive = query.get("recursive", ["false"])[0] == "true"
        expand = query.get("expand", ["false"])[0] == "true"
        if sub and sub not in repo.folders():
            self._json(method, 404, {"error": "Entry not found"}, self.path,
                       headers={"X-Error-Code": "EntryNotFound"})
            return
        prefix = f"{sub}/" if sub else ""
        items: list[dict[str, object]] = []
        for folder in sorted(repo.folders()):
            if folder.startswith(prefix) and (recursive or "/" not in folder[len(prefix):]):
                items.append({"type": "directory", "path": folder, "oid": "0" * 40, "size": 0})
        for path, hub_file in sorted(repo.files.items()):
            if path.startswith(prefix) and (recursive or "/" not in path[len(prefix):]):
                items.append(hub_file.entry())
        items += repo.hostile
        page_size = self.hub.page_size or (50 if expand else 1000)
        cursor = int(query.get("cursor", ["0"])[0])
        page = items[cursor:cursor + page_size]
        headers = {}
        if cursor + page_size < len(items):
            params = {k: v[0] for k, v in query.items()} | {"cursor": str(cursor + page_size)}
            headers["Link"] = f'<{self.hub.endpoint}{url.path}?{urllib.parse.urlencode(params)}>; rel="next"'
        self._json(method, 200, page, self.path, headers=headers)

    # --- files ----------------------------------------------------------------------------------------
    def _file(self, method: str, repo_id: str, file_path: str, *, via_cdn: bool) -> None:
        hub = self.hub
        request_path = urllib.parse.urlsplit(self.path).path
        range_header = self.headers.get("Range")

        def record(status: int, sent: int = 0) -> None:
            hub._record(Logged(method, request_path, file_path, range_header, status, sent))

        repo = hub.repos.get(repo_id)
        forced = hub._forced_status(repo_id, file_path)
        hub_file = repo.files.get(file_path) if repo else None
        if forced is not None or hub_file is None:
            status = forced or 404
            headers = _error_headers(status) if repo is None or status != 404 else {"X-Error-Code": "EntryNotFound"}
            self._json(method, status, {"error": "not served"}, self.path, headers=headers, file=file_path)
            return
        assert repo is not None
        if f"{repo_id}/{file_path}" in hub._loops:
            self.send_response(302)
            self.send_header("Location", f"{hub.endpoint}{request_path}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            record(302)
            return
        sha256, blob = hub_file.digests()
        size = hub_file.size
        if hub_file.lfs and hub.redirect_lfs and not via_cdn:
            self.send_response(302)
            self.send_header("Location", f"{hub.endpoint}/cdn/{repo_id}/-/{urllib.parse.quote(file_path)}")
            self.send_header("X-Repo-Commit", repo.sha)
            self.send_header("X-Linked-Etag", f'"{sha256}"')
            self.send_header("X-Linked-Size", str(size))
            self.send_header("ETag", f'"{blob}"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            record(302)
            return
        start, end, status = 0, size, 200
        if range_header:
            spec = range_header.removeprefix("bytes=")
            first, _, last = spec.partition("-")
            start = int(first or 0)
            end = min(size, int(last) + 1) if last else size
            if start >= size:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                record(416)
                return
            status = 206
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(end - start))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("X-Repo-Commit", repo.sha)
        if hub_file.lfs:
            self.send_header("X-Linked-Etag", f'"{sha256}"')
            self.send_header("X-Linked-Size", str(size))
            self.send_header("ETag", f'"{sha256}"')
        else:
            self.send_header("ETag", f'"{blob}"')
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end - 1}/{size}")
        self.end_headers()
        if method == "HEAD":
            record(status)
            return
        self._send_body(hub_file, f"{repo_id}/{file_path}", start, end, status=status, record=record)

    def _send_body(self, hub_file: HubFile, key: str, start: int, end: int, *, status: int,
                   record: Callable[[int, int], None]) -> None:
        hub = self.hub
        drop_at = hub._next_drop(key, start, end)
        stall_at = hub._next_drop(key, start, end, table="stalls")
        corrupt = hub._corrupt.get(key, {})
        stop = min(x for x in (drop_at, stall_at, end) if x is not None)
        sent = 0
        began = time.monotonic()
        try:
            for piece in hub_file.read(start, stop):
                pos = start + sent
                data = bytearray(piece)
                for offset, mask in corrupt.items():
                    if pos <= offset < pos + len(piece):
                        data[offset - pos] ^= mask
                self.wfile.write(data)
                sent += len(data)
                if hub.bytes_per_s:
                    delay = began + sent / hub.bytes_per_s - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
            self.wfile.flush()
            if stall_at is not None and stop == stall_at:
                self.connection.settimeout(0.2)
                while not hub.unstall.wait(0.2):  # silent until released, or until the client hangs up
                    try:
                        if self.connection.recv(1, socket.MSG_PEEK) == b"":
                            break
                    except TimeoutError:
                        continue
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
            elif drop_at is not None:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
        except (ConnectionError, TimeoutError, OSError):
            self.close_connection = True
        record(status, sent)
