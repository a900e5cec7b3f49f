"""Downloading a model from a (local, real HTTP) hub: resume, verification, errors, pause/cancel, install."""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from phidesk import paths
from phidesk.engine.modelinfo import read_model_folder
from phidesk.errors import UserError
from phidesk.models import download, library
from phidesk.models.download import DownloadError, DownloadManager, Job, download_blocking, hub_listing
from tests.hubserver import HubServer

pytestmark = pytest.mark.slow

REPO = "microsoft/Phi-3.5-mini-instruct-onnx"
SUB = "cpu_and_mobile/cpu-int4-awq-block-128-acc-level-4"
DATA = "model.onnx.data"
MODEL_FILES = ("chat_template.jinja", "genai_config.json", "model.onnx", DATA, "tokenizer.json",
               "tokenizer_config.json")
FAST_RETRIES = (0.05, 0.1, 0.1, 0.1, 0.1)
HANG_GUARD_S = 60  # only stops a hang: these waits take milliseconds


@dataclass(frozen=True)
class File:
    path: str
    size: int | None = None
    approx_size: bool = False


@dataclass(frozen=True)
class Entry:
    id: str = "phi-test"
    variant: str = "cpu"
    repo: str = REPO
    subfolder: str = SUB
    files: tuple[File, ...] = tuple(File(name) for name in MODEL_FILES)
    size_bytes: int = 0

    @property
    def key(self) -> str:
        return f"{self.id}:{self.variant}"


@pytest.fixture
def hub(phidesk_home: Path, starter_source: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    from huggingface_hub import close_session

    with HubServer() as server:
        server.add_folder(REPO, SUB, starter_source, extra={
            "README.md": b"# Phi-3.5 mini ONNX\n",
            "gpu/gpu-int4-awq-block-128/model.onnx": b"not this one" * 100,
        })
        monkeypatch.setenv("HF_ENDPOINT", server.endpoint)
        monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
        monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-home" / "hub"))
        monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
        for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE"):
            monkeypatch.delenv(name, raising=False)
        yield server
        close_session()  # huggingface_hub's pooled connections to this server


def data_size(starter_source: Path) -> int:
    return (starter_source / DATA).stat().st_size


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def nothing_installed() -> bool:
    return library.list_models() == [] and not [p for p in paths.models_dir().iterdir()
                                                 if not p.name.startswith(".")]


def wait_for(check: Callable[[], bool], timeout: float = HANG_GUARD_S, what: str = "condition") -> None:
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.01)


def resumed_ranges(hub: HubServer, name: str) -> list[int]:
    """Start offsets of the Range requests that the server answered with 206 for *name*."""
    return [int(r.range.removeprefix("bytes=").rstrip("-")) for r in hub.requests_for(f"{SUB}/{name}")
            if r.status == 206 and r.range]


def job_state(manager: DownloadManager, key: str) -> Job:
    return next(j for j in manager.jobs() if j.key == key)


# --- the listing ----------------------------------------------------------------------------------------
def test_listing_gives_sizes_and_checksums_of_the_subfolder(hub: HubServer, starter_source: Path) -> None:
    hub.page_size = 2  # the hub paginates with Link headers; huggingface_hub follows them
    listing = hub_listing(Entry())
    assert set(listing) == {p.name for p in starter_source.iterdir() if p.is_file()}
    data = listing[DATA]
    assert data.size == data_size(starter_source)
    assert data.sha256 == sha256(starter_source / DATA)
    config = (starter_source / "genai_config.json").read_bytes()
    small = listing["genai_config.json"]
    assert small.sha256 is None
    assert small.blob_id == hashlib.sha1(b"blob %d\0" % len(config) + config).hexdigest()
    assert len([r for r in hub.log if "/tree/" in r.path]) > 2


def test_our_hub_serves_huggingface_hubs_own_download(hub: HubServer, tmp_path: Path, starter_source: Path) -> None:
    """The stand-in is faithful enough for hf_hub_download (HEAD, redirects, ETag, X-Repo-Commit)."""
    from huggingface_hub import hf_hub_download

    got = hf_hub_download(REPO, f"{SUB}/tokenizer.json", cache_dir=tmp_path / "cache", endpoint=hub.endpoint)
    assert Path(got).read_bytes() == (starter_source / "tokenizer.json").read_bytes()


# --- the happy path ----------------------------------------------------------------------------------------
def test_download_installs_a_verified_model_that_answers(hub: HubServer, starter_source: Path,
                                                         tmp_path: Path) -> None:
    from phidesk.engine.client import EngineClient
    from phidesk.engine.protocol import Message, Sampling, Token

    reports: list[Job] = []
    model_id = download_blocking(Entry(), progress=reports.append)
    assert model_id == "phi-test"
    folder = paths.models_dir() / model_id
    info = read_model_folder(folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted([*MODEL_FILES, "phidesk.json"])
    assert sha256(folder / DATA) == sha256(starter_source / DATA)
    manifest = json.loads((folder / "phidesk.json").read_text())
    assert manifest["source"] == f"hf://{REPO}/{SUB}@{hub.repos[REPO].sha}"
    assert not list(paths.models_dir().glob(".download-*"))
    # only the subfolder's listed files were fetched, each once, at the resolved commit
    fetched = {r.file for r in hub.log if r.file and r.status in (200, 206)}
    assert fetched == {f"{SUB}/{name}" for name in MODEL_FILES}
    assert all(hub.repos[REPO].sha in r.path for r in hub.log if "/resolve/" in r.path)
    # progress: states in order, bytes growing to the total, throttled
    states = [r.state for r in reports]
    assert states[0] == "listing"
    assert states[-1] == "done"
    assert states.index("downloading") < states.index("verifying") < states.index("installing")
    total = sum((starter_source / name).stat().st_size for name in MODEL_FILES)
    assert reports[-1].bytes_done == reports[-1].bytes_total == total
    assert info.size_bytes > total  # + phidesk.json
    done = [r.bytes_done for r in reports if r.state == "downloading"]
    assert done == sorted(done)
    assert len(reports) < 200

    with EngineClient(log_path=tmp_path / "worker.log") as engine:
        engine.load(folder, "cpu", 2048)
        text = "".join(e.text for e in engine.generate([Message("user", "What is the capital of France?")],
                                                        Sampling(temperature=0, max_new_tokens=30))
                       if isinstance(e, Token))
    assert "Paris" in text
    assert library.installed("phi-test") is not None


def test_a_non_cpu_variant_installs_under_its_own_id(hub: HubServer) -> None:
    assert download_blocking(Entry(variant="gpu")) == "phi-test-gpu"
    assert library.installed("phi-test-gpu") is not None


def test_an_entry_without_a_file_list_takes_the_whole_subfolder(hub: HubServer, starter_source: Path) -> None:
    model_id = download_blocking(Entry(files=()))
    names = {p.name for p in (paths.models_dir() / model_id).iterdir()}
    assert names == {p.name for p in starter_source.iterdir() if p.is_file()} | {"phidesk.json"}


# --- resuming ------------------------------------------------------------------------------------------------
def test_dropped_connections_are_resumed_with_range_requests(hub: HubServer, starter_source: Path) -> None:
    size = data_size(starter_source)
    offsets = sorted(random.Random(7).sample(range(1_000_000, size - 1_000_000), 3))
    hub.drop_after(REPO, f"{SUB}/{DATA}", *offsets)
    hub.drop_after(REPO, f"{SUB}/tokenizer.json", 100_000)
    model_id = download_blocking(Entry(), retry_delays=FAST_RETRIES)
    assert sha256(paths.models_dir() / model_id / DATA) == sha256(starter_source / DATA)
    starts = resumed_ranges(hub, DATA)
    assert len(starts) == 3
    assert all(0 < start <= offset for start, offset in zip(starts, offsets, strict=True))
    assert 0 < resumed_ranges(hub, "tokenizer.json")[0] <= 100_000
    served = sum(r.bytes_sent for r in hub.requests_for(f"{SUB}/{DATA}"))
    assert served < size * 1.05  # resumed, never restarted from zero


def test_server_errors_are_retried(hub: HubServer) -> None:
    hub.fail(f"{REPO}/{SUB}/genai_config.json", 503, times=2)
    assert download_blocking(Entry(), retry_delays=FAST_RETRIES) == "phi-test"
    statuses = [r.status for r in hub.requests_for(f"{SUB}/genai_config.json")]
    assert statuses == [503, 503, 200]


def test_a_hub_that_stays_down_is_a_network_error(hub: HubServer) -> None:
    hub.fail(f"{REPO}/{SUB}/genai_config.json", 503)
    with pytest.raises(DownloadError, match=r"^network error: HTTP 503"):
        download_blocking(Entry(), retry_delays=FAST_RETRIES)
    assert len(hub.requests_for(f"{SUB}/genai_config.json")) == 6
    assert nothing_installed()


def refused_endpoint() -> str:
    """The address of a local hub that has just closed: its port refuses connections."""
    with HubServer() as gone:
        return gone.endpoint


@pytest.mark.parametrize("where", ["refused", "unresolvable"])
def test_an_unreachable_hub_says_what_to_do_soon(hub: HubServer, monkeypatch: pytest.MonkeyPatch,
                                                 where: str) -> None:
    """No connection at all (a refused port, a name that does not resolve): one line on the network and the
    Offline setting, after two quick retries, not five slow ones."""
    endpoint = refused_endpoint() if where == "refused" else "http://phidesk-no-such-hub.invalid"
    monkeypatch.setenv("HF_ENDPOINT", endpoint)
    with pytest.raises(download.HubUnreachableError, match=r"^the Hugging Face hub cannot be reached "
                       r"\(ConnectError: .*\): check the network \(or the Offline setting\), then try again$") as exc:
        download_blocking(Entry(), retry_delays=(0.05, 0.05, 30.0, 30.0, 30.0))  # a third retry would hang here
    assert exc.value.code == "hub_unreachable"
    assert nothing_installed()


def test_a_hub_gone_mid_download_keeps_the_part_for_retry(hub: HubServer, starter_source: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    hub.bytes_per_s = 4_000_000
    with DownloadManager(retry_delays=FAST_RETRIES) as manager:
        job = manager.enqueue(Entry())
        wait_for(lambda: job.current_file == DATA and job.bytes_done > 1_000_000, what="bytes of the data file")
        manager.pause(job.key)
        wait_for(lambda: job.state == "paused", what="paused")
        monkeypatch.setenv("HF_ENDPOINT", refused_endpoint())  # the network goes away
        manager.resume(job.key)
        wait_for(lambda: job.state in ("done", "failed"), what="the download to fail")
        failed = job_state(manager, job.key)
        assert (failed.state, failed.error_code) == ("failed", "hub_unreachable"), failed.error
        part = download.staging_dir(Entry()) / download.FILES_DIR / (DATA + download.PART)
        kept = part.stat().st_size
        assert kept > 0
        monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)  # back: Retry
        hub.bytes_per_s = None
        manager.resume(job.key)
        wait_for(lambda: job.state in ("done", "failed"), what="the download to end")
        assert job.state == "done", job.error
        assert job.error_code is None
    assert resumed_ranges(hub, DATA)[-1] == kept  # resumed where it stopped, not from zero
    assert sha256(paths.models_dir() / "phi-test" / DATA) == sha256(starter_source / DATA)


# --- verification and refusals ------------------------------------------------------------------------------
def test_corrupted_bytes_fail_verification_and_install_nothing(hub: HubServer) -> None:
    hub.corrupt(REPO, f"{SUB}/{DATA}", 12_345_678)
    with pytest.raises(DownloadError, match=rf"^{DATA} failed verification: sha256 [0-9a-f]+… ≠ expected"):
        download_blocking(Entry())
    assert nothing_installed()
    assert not list(paths.models_dir().glob(f".download-*/files/{DATA}*"))


def test_a_missing_repo_or_file_is_named(hub: HubServer) -> None:
    with pytest.raises(DownloadError, match=r"^not found on the hub: microsoft/nope/"):
        download_blocking(Entry(repo="microsoft/nope"))
    with pytest.raises(DownloadError, match=rf"^not found on the hub: {REPO}/{SUB}/missing.json$"):
        download_blocking(Entry(files=(*Entry().files, File("missing.json"))))
    hub.fail(f"{REPO}/{SUB}/tokenizer.json", 404)
    with pytest.raises(DownloadError, match=rf"^not found on the hub: {REPO}/{SUB}/tokenizer.json$"):
        download_blocking(Entry())
    assert nothing_installed()


def test_a_gated_repo_or_bad_token_is_access_denied(hub: HubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    hub.fail(REPO, 401)
    with pytest.raises(DownloadError, match=r"^access denied \(gated model or missing/invalid HF_TOKEN\)"):
        download_blocking(Entry())
    hub.fail(REPO, 401, times=0)
    hub.fail(f"{REPO}/{SUB}/{DATA}", 403)
    monkeypatch.setenv("HF_TOKEN", "hf_invalid")
    with pytest.raises(DownloadError, match=r"^access denied"):
        download_blocking(Entry())
    assert nothing_installed()


def test_too_little_disk_is_refused_before_any_byte(hub: HubServer) -> None:
    with pytest.raises(UserError, match=r"^not enough disk space: need 0\.09 GB, 0\.01 GB free"):
        download_blocking(Entry(), free_space=lambda _folder: 10_000_000)
    assert not [r for r in hub.log if r.file]
    assert nothing_installed()
    assert not list(paths.models_dir().glob(".download-*"))


def test_hostile_file_names_are_refused(hub: HubServer, phidesk_home: Path) -> None:
    hub.add_hostile(REPO, f"{SUB}/../../evil.txt")
    with pytest.raises(DownloadError, match=r"unsafe file name: '.*\.\./\.\./evil\.txt'"):
        hub_listing(Entry())
    with pytest.raises(DownloadError, match="unsafe file name"):
        download_blocking(Entry(files=()))
    for name in ("../evil.txt", "/etc/evil", "a\\..\\evil", "C:/evil"):
        with pytest.raises(DownloadError, match="unsafe file name"):
            download_blocking(Entry(files=(File(name),)))
    assert not [r for r in hub.log if r.file]
    assert not list(phidesk_home.rglob("evil*"))
    assert nothing_installed()


def test_offline_mode_is_a_clear_refusal(hub: HubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(UserError, match=r"^offline: HF_HUB_OFFLINE is set"):
        hub_listing(Entry())
    with pytest.raises(UserError, match=r"^offline"):
        download_blocking(Entry())
    assert hub.log == []


# --- the manager -----------------------------------------------------------------------------------------------
def test_cancel_deletes_the_staging_folder(hub: HubServer) -> None:
    # How fast Cancel takes effect is a benchmark figure; here only a hang guard bounds the waits.
    hub.bytes_per_s = 2_000_000
    changes: list[Job] = []
    with DownloadManager(changes.append) as manager:
        job = manager.enqueue(Entry())
        wait_for(lambda: job.current_file == DATA and job.bytes_done > 300_000, what="bytes of the data file")
        staging = download.staging_dir(Entry())
        assert (staging / "state.json").is_file()
        manager.cancel(job.key)
        wait_for(lambda: not staging.exists(), timeout=HANG_GUARD_S, what="the staging folder to go")
        wait_for(lambda: job_state(manager, job.key).state == "cancelled", timeout=HANG_GUARD_S, what="cancelled")
    assert changes[-1].state == "cancelled"
    assert nothing_installed()
    assert download.pending_on_disk() == []


def test_pause_then_resume_completes(hub: HubServer, starter_source: Path) -> None:
    hub.bytes_per_s = 4_000_000
    changes: list[Job] = []
    with DownloadManager(changes.append) as manager:
        job = manager.enqueue(Entry())
        wait_for(lambda: job.current_file == DATA and job.bytes_done > 1_000_000, what="bytes of the data file")
        manager.pause(job.key)
        wait_for(lambda: job.state == "paused", timeout=HANG_GUARD_S, what="paused")
        started, paused_at = hub.started, job_state(manager, job.key).bytes_done
        time.sleep(0.3)  # nothing to wait for: a paused job must stay idle, so look again after a while
        assert (hub.started, job_state(manager, job.key).bytes_done) == (started, paused_at)  # idle while paused
        assert download.staging_dir(Entry()).is_dir()
        hub.bytes_per_s = None
        manager.resume(job.key)
        wait_for(lambda: job.state in ("done", "failed"), what="the download to end")
        assert job.state == "done", job.error
        assert job.model_id == "phi-test"
    assert resumed_ranges(hub, DATA)
    assert resumed_ranges(hub, DATA)[0] > 0
    assert paused_at > 0
    assert sha256(paths.models_dir() / "phi-test" / DATA) == sha256(starter_source / DATA)
    # progress callbacks are throttled to ~10 a second while bytes flow
    downloading = [c for c in changes if c.state == "downloading"]
    assert len(downloading) < 12 * (len({int(c.bytes_done // 400_000) for c in downloading}) + 5)
    assert {c.state for c in changes} >= {"queued", "listing", "downloading", "paused", "verifying", "installing",
                                          "done"}


def test_a_download_left_by_a_closed_app_resumes_in_the_next(hub: HubServer, starter_source: Path) -> None:
    hub.bytes_per_s = 4_000_000
    first = DownloadManager()
    job = first.enqueue(Entry())
    wait_for(lambda: job.current_file == DATA and job.bytes_done > 2_000_000, what="bytes of the data file")
    first.close()
    assert job.state == "paused"
    assert nothing_installed()

    hub.bytes_per_s = None
    with DownloadManager() as second:
        assert second.pending_on_disk() == ["phi-test:cpu"]
        resumed = second.resume("phi-test:cpu")
        assert resumed is not None
        wait_for(lambda: resumed.state in ("done", "failed"), what="the download to end")
        assert resumed.state == "done", resumed.error
    starts = resumed_ranges(hub, DATA)
    assert starts
    assert starts[-1] > 0
    assert sha256(paths.models_dir() / "phi-test" / DATA) == sha256(starter_source / DATA)
    assert library.installed("phi-test") is not None
    assert download.pending_on_disk() == []


def test_manager_reports_failures_on_the_job(hub: HubServer) -> None:
    hub.corrupt(REPO, f"{SUB}/tokenizer.json", 10)
    with DownloadManager(retry_delays=FAST_RETRIES) as manager:
        job = manager.enqueue(Entry())
        wait_for(lambda: job.state in ("done", "failed"), what="the download to end")
    assert job.state == "failed"
    assert job.error is not None
    assert job.error.startswith("tokenizer.json failed verification")
    assert nothing_installed()


def test_a_hub_that_differs_from_the_catalog_is_reported_not_guessed(hub: HubServer, starter_source: Path) -> None:
    data = (starter_source / "model.onnx.data").stat().st_size
    wrong = Entry(files=tuple(File(name, size=data * 2 if name == "model.onnx.data" else
                                   (starter_source / name).stat().st_size) for name in MODEL_FILES))
    with pytest.raises(DownloadError, match=r"differ from PhiDesk's catalog.*model\.onnx\.data"):
        download_blocking(wrong)
    assert nothing_installed()
    assert not [r for r in hub.log if r.file]  # refused before any file was fetched


def test_a_deeply_nested_state_file_is_skipped(phidesk_home: Path) -> None:
    staging = paths.models_dir() / f"{download.STAGING_PREFIX}phi-cpu"
    staging.mkdir(parents=True)
    (staging / download.STATE_FILE).write_text('{"key": "phi-cpu", "entry": ' + "[" * 100_000 + "]" * 100_000
                                               + "}", encoding="utf-8")
    assert download.pending_on_disk() == []


# --- a hub that misbehaves ------------------------------------------------------------------------------------
STALL_AT = 3 << 20


@pytest.mark.parametrize("action", ["pause", "cancel"])
def test_pause_and_cancel_cut_a_stalled_connection(hub: HubServer, starter_source: Path, action: str) -> None:
    # The hub sends 3 MiB of the data file, then keeps the connection open and silent: before, the
    # download thread sat in its read for the 60 s read timeout before it saw pause or cancel.
    hub.stall_after(REPO, f"{SUB}/{DATA}", STALL_AT)
    before_data = sum((starter_source / name).stat().st_size for name in MODEL_FILES[:MODEL_FILES.index(DATA)])
    with DownloadManager(retry_delays=FAST_RETRIES) as manager:
        job = manager.enqueue(Entry())
        wait_for(lambda: job_state(manager, job.key).bytes_done >= before_data + STALL_AT, what="the stall")
        staging = download.staging_dir(Entry())
        getattr(manager, action)(job.key)
        # A hang guard well under the 60 s read timeout (the time it takes is measured elsewhere, not here).
        wait_for(lambda: job_state(manager, job.key).state in ("paused", "cancelled", "failed"), timeout=20,
                 what=f"the download to take the {action}")
        if action == "cancel":
            assert job_state(manager, job.key).state == "cancelled"
            wait_for(lambda: not staging.exists(), timeout=20, what="the staging folder to go")
            assert nothing_installed()
            return
        assert job_state(manager, job.key).state == "paused"
        assert (staging / "files" / f"{DATA}.part").stat().st_size == STALL_AT
        manager.resume(job.key)
        wait_for(lambda: job.state in ("done", "failed"), what="the download to end")
        assert job.state == "done", job.error
    assert resumed_ranges(hub, DATA) == [STALL_AT]
    assert sha256(paths.models_dir() / "phi-test" / DATA) == sha256(starter_source / DATA)


@pytest.mark.parametrize("action", ["pause", "cancel"])
def test_pause_and_cancel_during_a_listing_that_never_answers(hub: HubServer, action: str) -> None:
    # The hub reads the listing request and sends nothing back (not even headers): before, the download
    # thread sat inside huggingface_hub's call until the hub gave up.
    hub.stall_api = True
    with DownloadManager(retry_delays=FAST_RETRIES) as manager:
        job = manager.enqueue(Entry())
        wait_for(lambda: hub.started >= 1, what="the listing request")
        getattr(manager, action)(job.key)
        # A hang guard well under the hub's silence (the time it takes is measured elsewhere, not here).
        wait_for(lambda: job_state(manager, job.key).state in ("paused", "cancelled", "failed"), timeout=20,
                 what=f"the download to take the {action}")
        assert job_state(manager, job.key).state == ("paused" if action == "pause" else "cancelled")
        hub.stall_api = False
        hub.unstall.set()
        if action == "pause":
            manager.resume(job.key)
            wait_for(lambda: job.state in ("done", "failed"), what="the download to end")
            assert job.state == "done", job.error
    if action == "cancel":
        assert nothing_installed()


def test_a_redirect_loop_is_a_download_error(hub: HubServer) -> None:
    hub.redirect_loop(REPO, f"{SUB}/{DATA}")
    with pytest.raises(DownloadError, match=r"^the hub redirected too many times \(a redirect loop\?\): .*model"):
        download_blocking(Entry(), retry_delays=FAST_RETRIES)
    assert nothing_installed()


@pytest.mark.parametrize(
    "name", ["x" * 5000, "a/" * 300 + "x", "é" * 200 + ".json", f"{'d' * 256}/x"],
    ids=["5000-chars", "600-chars-deep", "400-bytes-name", "256-char-folder"],
)
def test_over_long_names_in_the_listing_are_refused_in_one_short_line(hub: HubServer, phidesk_home: Path,
                                                                       name: str) -> None:
    hub.add_hostile(REPO, f"{SUB}/{name}")
    for attempt in (lambda: hub_listing(Entry()), lambda: download_blocking(Entry(files=()))):
        with pytest.raises(DownloadError, match="unsafe file name") as info:
            attempt()
        assert "\n" not in str(info.value)
        assert len(str(info.value)) < 300
    assert not [r for r in hub.log if r.file]
    assert nothing_installed()
