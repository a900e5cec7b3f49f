"""A stateless client (the local server's callers) resends the whole conversation each time under one
conversation key: the reused prefix is prompt_tokens - new_prompt_tokens, and only the new turn is read."""

from __future__ import annotations

import pytest

from phidesk.engine.client import EngineClient
from phidesk.engine.protocol import Finished, Message, Sampling, Token

TEMPLATE_TOKENS = 12  # the chat template's markers around a turn (end of answer, user start, assistant start)
KEY = "api-key-1"


def ask(client: EngineClient, messages: list[Message], sampling: Sampling, key: str = KEY) -> tuple[str, Finished]:
    events = list(client.generate(messages, sampling, conversation=key))
    last = events[-1]
    assert isinstance(last, Finished), events
    return "".join(e.text for e in events if isinstance(e, Token)), last


def turn_tokens(client: EngineClient, text: str) -> int:
    """Tokens of *text* alone, as the model's tokenizer counts them (from two one-message prompts' sizes)."""
    greedy = Sampling(temperature=0, max_new_tokens=1)
    _, short = ask(client, [Message("user", "x")], greedy, "measure")
    _, long = ask(client, [Message("user", "x " + text)], greedy, "measure")
    return long.stats.prompt_tokens - short.stats.prompt_tokens + 1


@pytest.mark.parametrize("sampling", [
    Sampling(temperature=0.8, max_new_tokens=40),  # sampled, no seed
    Sampling(temperature=0, max_new_tokens=40, seed=7),  # greedy: a seed draws nothing, so the cache is kept
], ids=["sampled", "greedy-seeded"])
def test_two_turns_resent_in_full_read_only_the_new_turn(client: EngineClient, sampling: Sampling) -> None:
    second_question = "And what is the capital of Germany?"
    messages = [Message("system", "You are a geography tutor. Answer in one short sentence."),
                Message("user", "What is the capital of France?")]
    answer, first = ask(client, messages, sampling)
    messages += [Message("assistant", answer), Message("user", second_question)]
    _, second = ask(client, messages, sampling)
    reused = second.stats.prompt_tokens - second.stats.new_prompt_tokens
    # Everything the first request read or wrote is reused: its prompt and its answer.
    assert reused >= first.stats.prompt_tokens + first.stats.generated_tokens - 2, (first.stats, second.stats)
    assert second.stats.new_prompt_tokens <= turn_tokens(client, second_question) + TEMPLATE_TOKENS, second.stats


def test_a_seeded_sampled_answer_reads_everything_and_says_so(client: EngineClient) -> None:
    """The runtime seeds a generator only when it is made: a seeded sampled answer comes from a fresh one, so it is
    the same whatever ran before, and its stats say that nothing was reused."""
    seeded = Sampling(temperature=0.9, max_new_tokens=30, seed=11)
    messages = [Message("user", "Tell me a short story about a fox.")]
    text, first = ask(client, messages, seeded)
    ask(client, [Message("user", "Something else entirely.")], Sampling(temperature=0.9, max_new_tokens=30))
    again, second = ask(client, messages, seeded)
    assert again == text
    assert second.stats.new_prompt_tokens == second.stats.prompt_tokens == first.stats.prompt_tokens


def test_an_answer_resent_with_its_whitespace_trimmed_still_reuses_the_history(client: EngineClient) -> None:
    """Clients often strip an answer before they resend it: the cache is kept up to where the texts part."""
    greedy = Sampling(temperature=0, max_new_tokens=40)
    messages = [Message("user", "Write two short lines about the sea, then stop.")]
    answer, _ = ask(client, messages, greedy)
    messages += [Message("assistant", answer.strip() + "\n"), Message("user", "Thanks.")]
    _, second = ask(client, messages, greedy)
    assert second.stats.new_prompt_tokens <= turn_tokens(client, "Thanks.") + TEMPLATE_TOKENS + 2, second.stats
