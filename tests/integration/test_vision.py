"""Image questions end to end on the tiny phi3v fixture: CLI → worker → processor → vision/embedding/decoder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from phidesk.engine.client import EngineClient
from phidesk.engine.protocol import Failed, Finished, Message, Sampling
from tests.builders.bad_images import CASES, write_bad_images
from tests.builders.tiny_phi3v import cached_tiny_phi3v, image_tokens

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def vision_model() -> Path:
    return cached_tiny_phi3v()


def phidesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "phidesk", *args], capture_output=True, text=True, timeout=300,
                          check=False)


def test_two_image_question_from_the_cli(vision_model: Path, phidesk_home: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.png", tmp_path / "b.jpg"
    Image.new("RGB", (640, 480), "red").save(first)
    Image.new("RGB", (300, 500), "blue").save(second, "JPEG")
    # Greedy: sampled, this random-weight model picks EOS first about 3 times in 8.
    result = phidesk("chat", "-m", str(vision_model), "--context", "8192", "--max-tokens", "6", "--json",
                     "--temperature", "0", "-i", str(first), "-i", str(second), "Compare these two charts")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["generated_tokens"] == 6
    # The cost of each image is shown before the answer, and adds up with the text to the prompt.
    costs = [int(n.replace(",", "")) for n in result.stderr.split("images: ")[1].split(" tokens")[0].split(" + ")]
    assert len(costs) == 2
    assert all(cost > 1000 for cost in costs)
    assert data["prompt_tokens"] > sum(costs)


def test_image_cost_follows_the_phi3v_formula(vision_model: Path, phidesk_home: Path, tmp_path: Path) -> None:
    picture = tmp_path / "square.png"
    Image.new("RGB", (336, 336), "green").save(picture)
    result = phidesk("chat", "-m", str(vision_model), "--temperature", "0", "--max-tokens", "2", "-i", str(picture),
                     "What is this?")
    assert result.returncode == 0, result.stderr
    shown = int(result.stderr.split("images: ")[1].split(" tokens")[0].replace(",", ""))
    assert shown in {image_tokens(h, w) for h in range(336, 1345, 336) for w in range(336, 1345, 336)}


def test_too_many_images_for_the_context_is_refused(vision_model: Path, phidesk_home: Path, tmp_path: Path) -> None:
    paths = []
    for i in range(3):
        paths += ["-i", str(tmp_path / f"{i}.png")]
        Image.new("RGB", (800, 600), "white").save(tmp_path / f"{i}.png")
    result = phidesk("chat", "-m", str(vision_model), "--temperature", "0", "--context", "4096", "--max-tokens", "4",
                     *paths, "Compare")
    assert result.returncode == 2
    assert "images:" in result.stderr
    assert "fewer images" in result.stderr


@pytest.mark.parametrize("case", CASES)
def test_each_bad_image_exits_2_with_one_line(vision_model: Path, phidesk_home: Path, tmp_path: Path,
                                              case: str) -> None:
    bad, reason = write_bad_images(tmp_path)[case]
    result = phidesk("chat", "-m", str(vision_model), "--temperature", "0", "-i", str(bad), "What is this?")
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"phidesk: {bad.name}: ") or bad.name in result.stderr
    assert reason in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_the_worker_refuses_each_bad_image_and_lives_on(vision_model: Path, tmp_path: Path) -> None:
    """Past every check of the CLI and the window, straight to the worker: each refusal is a
    one-line user error, and the same worker process then answers a good image question."""
    bad_images = write_bad_images(tmp_path / "bad")
    good = tmp_path / "good.png"
    Image.new("RGB", (500, 400), "orange").save(good)
    sampling = Sampling(temperature=0, max_new_tokens=3)
    with EngineClient() as client:
        client.load(vision_model, "cpu", 8192)
        pid = client.worker_pid
        for case, (bad, reason) in bad_images.items():
            events = list(client.generate([Message("user", "What is this?", [str(good), str(bad)])], sampling))
            failed = [e for e in events if isinstance(e, Failed)]
            assert len(failed) == 1, case
            assert failed[0].code == "bad_image", case
            assert failed[0].user_error
            assert reason in failed[0].message, case
            assert "\n" not in failed[0].message, case
            assert client.worker_pid == pid, case
        events = list(client.generate([Message("user", "What is this?", [str(good)])], sampling))
        finished = [e for e in events if isinstance(e, Finished)]
        assert finished
        assert finished[0].stats.generated_tokens == 3
        assert finished[0].stats.image_tokens
        assert finished[0].stats.image_tokens[0] > 100
        assert client.worker_pid == pid


def test_earlier_images_stay_until_the_oldest_turns_must_give_way(vision_model: Path, tmp_path: Path) -> None:
    pictures = []
    for i, colour in enumerate(("red", "green", "blue", "white")):
        pictures.append(str(tmp_path / f"{i}.png"))
        Image.new("RGB", (800, 600), colour).save(pictures[-1])
    sampling = Sampling(temperature=0, max_new_tokens=3)

    def ask(client: EngineClient, messages: list[Message]) -> Finished:
        events = list(client.generate(messages, sampling))
        finished = [e for e in events if isinstance(e, Finished)]
        assert finished, events
        return finished[0]

    with EngineClient() as client:
        client.load(vision_model, "cpu", 6144)  # room for three 800 × 600 images, not four
        first = ask(client, [Message("user", "What is this?", [pictures[0]])])
        assert len(first.stats.image_tokens) == 1
        history = [Message("user", "What is this?", [pictures[0]]), Message("assistant", "A red square.")]
        second = ask(client, [*history, Message("user", "And this one?", [pictures[1]])])
        assert len(second.stats.image_tokens) == 2  # the first turn's image is still part of the conversation
        assert second.stats.dropped_turns == 0
        # Two more images do not fit beside the first two: the oldest turn gives way.
        history += [Message("user", "And this one?", [pictures[1]]), Message("assistant", "A green one.")]
        third = ask(client, [*history, Message("user", "And these?", pictures[2:])])
        assert third.stats.dropped_turns == 1
        assert len(third.stats.image_tokens) == 3  # the second turn's image and the two new ones
        assert third.stats.prompt_tokens <= 6144
