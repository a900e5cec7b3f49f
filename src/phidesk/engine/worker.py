"""The worker process: the one owner of the loaded model.

It reads requests (JSON lines) on stdin and writes events on a private copy of its
stdout; fd 1 itself is pointed at stderr, so whatever native libraries print cannot
corrupt the event stream. onnxruntime-genai holds the GIL while it computes, which is why
this runs in its own process: the GUI's process never waits on it.

Between turns the generator (and so the KV cache) is kept: each request carries the
whole conversation, the worker renders and tokenizes it, keeps the longest prefix it
already has in the cache (rewinding past the rest) and feeds only the new tokens. That
one rule covers a new turn, Regenerate, Edit and an answer that was stopped half-way. Continue
(``"continue": true``) renders the last assistant message left open (``prompt.continuation_prompt``): right
after a Stop or a token limit that prompt is exactly the cache's text, and only its last token is read again.
A stdin reader thread sets the stop flag, which is checked between prefill slices and
between tokens (the pipe, the stop flags and the heartbeat: ``phidesk.engine.channel``). A vision
model's turn is built by ``phidesk.engine.multimodal`` and always starts a fresh generator.
A request may carry guidance (``"guidance": [kind, data]``: a JSON schema, a regex or a Lark grammar) that the
runtime enforces while decoding; it is fixed when a generator is made, so a guided answer gets a generator of its
own (kept for the next request with the same guidance), and a schema the runtime refuses is a user error.

About 460 lines: everything here acts on the one model object and its current generator (load, render,
prefill, decode, the benchmark's bare loop), and splits along that would pass the worker's state around; the pipe
is ``channel``, the kept caches ``warm`` / ``kvslots``, a vision turn ``multimodal``.

Start it with ``python -m phidesk.engine.worker`` (or ``phidesk --phidesk-worker`` from a
frozen app; see ``phidesk.engine.client.worker_command``).
"""

from __future__ import annotations

import json
import logging
import os
import queue
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO

from phidesk import privacy
from phidesk.engine.channel import Channel
from phidesk.engine.kvslots import Slot, Slots
from phidesk.engine.modelinfo import ModelInfo, read_model_folder
from phidesk.engine.multimodal import VisionInputs
from phidesk.engine.prompt import (
    PromptTooLongError,
    SliceSizer,
    answer_reserve,
    common_prefix,
    continuation_prompt,
    fit_conversation,
)
from phidesk.engine.protocol import (
    AnswerStats,
    Event,
    Failed,
    Finished,
    Guidance,
    Loaded,
    Measured,
    Message,
    Phase,
    PrefillProgress,
    Ready,
    Sampling,
    Token,
    check_guidance,
    compact_json,
)
from phidesk.engine.runtime import (
    explain_provider_failure,
    lower_priority,
    peak_rss_mb,
    provider_candidates,
    provider_name,
    resolve_threads,
    threads_overlay,
    unavailable,
)
from phidesk.engine.warm import Warm, settle_s
from phidesk.errors import UserError

log = logging.getLogger("phidesk.worker")

MAX_TEMPLATE_CHARS = 256 * 1024  # real chat templates are a few KB; a bigger one is refused
RENDER_BASE_CHARS = 64 * 1024  # what a template may add to a conversation (markers, system text)
RENDER_FACTOR = 8  # … plus this many times the conversation's own text
PROBE = [Message("user", "Hello!")]  # rendered once at load, so a broken template fails the load


class Worker:
    def __init__(self, out: BinaryIO) -> None:
        import onnxruntime_genai as og

        privacy.disable_runtime_telemetry(og)
        self.og = og
        self.channel = Channel(out)
        self.model: Any = None
        self.tokenizer: Any = None
        self.info: ModelInfo | None = None
        self.provider = "cpu"
        self.max_length = 0
        self.vision = VisionInputs(og)
        self.slot = Slot()  # the KV cache in use: its generator, options, tokens and their text
        self.conversation = ""  # whose cache that is
        self.slots = Slots()  # the other conversations' caches, and the spare
        self.warm = Warm()  # how many caches fit; the spare that reads the system prompt in advance

    # --- plumbing --------------------------------------------------------------------
    def emit(self, event: Event) -> None:
        self.channel.emit(event)

    def stop_requested(self, request_id: int) -> bool:
        return self.channel.stop_requested(request_id)

    def serve(self) -> None:
        self.emit(Ready(pid=os.getpid(), runtime_version=getattr(self.og, "__version__", "")))
        while (request := self.next_request()) is not None:
            op = request.get("op")
            request_id = request.get("id")
            try:
                if op not in ("load", "generate", "bare", "unload", "shutdown"):
                    raise UserError(f"unknown request {str(op)[:40]!r}", "bad_request")
                if op == "load":
                    self.load(request)
                elif op == "generate":
                    self.generate(request)
                elif op == "bare":
                    self.measure_bare(request)
                elif op == "unload":
                    self.unload()
                elif op == "shutdown":
                    break
            except UserError as exc:
                self.emit(Failed(id=request_id, code=exc.code, message=str(exc), user_error=True))
            except Exception as exc:
                self.emit(Failed(id=request_id, code=f"{op}_failed", message=f"{type(exc).__name__}: {exc}"))
        self.unload()

    # --- model -------------------------------------------------------------------------
    def next_request(self) -> dict[str, Any] | None:
        """The next request; while none waits, the spare KV cache reads the system prompt, a slice at a time (made
        only once no request has come for ``warm.settle_s()``: see ``phidesk.engine.warm``)."""
        if self.warm.wanted(self) and self.slots.spare is None:
            try:
                return self.channel.requests.get(timeout=settle_s())
            except queue.Empty:
                pass
        while self.warm.wanted(self):
            try:
                return self.channel.requests.get_nowait()
            except queue.Empty:
                self.warm.fill_slice(self)
        return self.channel.requests.get()

    def unload(self) -> None:
        self.slot.free()
        self.slots.clear()
        self.conversation = ""
        self.tokenizer = self.model = None
        self.vision.unload()

    def load(self, request: dict[str, Any]) -> None:
        self.unload()
        path, provider, gpu_index = str(request["path"]), str(request.get("provider", "auto")), request.get("gpu_index")
        context_cap, threads = int(request["context_cap"]), resolve_threads(int(request.get("threads") or 0))
        info = read_model_folder(path)
        if len(info.chat_template) > MAX_TEMPLATE_CHARS:  # checked first: the runtime parses the file as it loads
            raise UserError(f"the model's chat template ({info.template_source}) has {len(info.chat_template):,} "
                            f"characters; at most {MAX_TEMPLATE_CHARS:,} are accepted", "bad_template")
        started = time.perf_counter()
        reasons: list[str] = []
        failed: dict[str, str] = {}
        for candidate in provider_candidates(provider):
            try:
                config = self.og.Config(str(info.path))
                # onnxruntime picks its own thread count otherwise: one thread on a 2-core machine.
                config.overlay(threads_overlay(threads))
                config.clear_providers()
                if candidate != "cpu":
                    config.append_provider(candidate)
                    if gpu_index is not None:  # the user's choice of GPU / DirectML adapter
                        config.set_provider_option(candidate, "device_id", str(int(gpu_index)))
                self.model = self.og.Model(config)
                self.provider = candidate
                break
            except Exception as exc:  # the runtime raises RuntimeError with a readable text
                reason = explain_provider_failure(candidate, exc)
                log.info("provider %s failed: %s", candidate, exc)
                reasons.append(unavailable(candidate, reason))
                failed[candidate] = reason
        if self.model is None:
            raise UserError(f"cannot load the model on {provider_name(provider)}: "
                            + "; ".join(reasons), "provider_unavailable")
        self.tokenizer = self.og.Tokenizer(self.model)
        self.info = info
        self.max_length = max(16, min(context_cap, info.context_length))
        try:
            self.render(PROBE)  # a template that loops or crashes does so here, in the bounded phase
        except UserError:
            self.unload()
            raise
        except Exception as exc:
            self.unload()
            raise UserError(f"the model's chat template ({info.template_source}) cannot be used: "
                            f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", "bad_template") from None
        self.warm.configure(self, int(request.get("kv_budget_mb") or 0), str(request.get("system_prompt") or ""),
                            Sampling.from_dict(request.get("sampling") or {}).validate())
        self.emit(Loaded(path=str(info.path), model_type=info.model_type, provider=self.provider,
                         fallback_reasons=reasons, max_length=self.max_length,
                         context_length=info.context_length, vision=info.vision,
                         load_s=time.perf_counter() - started, threads=threads, kv_caches=self.slots.capacity,
                         kv_cache_mb=self.warm.cache_bytes / 2**20, kv_budget_mb=self.warm.budget_bytes / 2**20,
                         failed_providers=failed,
                         spare_tokens=-1 if self.warm.prefix is None else len(self.warm.prefix)))

    # --- prompts -----------------------------------------------------------------------
    def render(self, messages: list[Message]) -> str:
        assert self.info is not None
        payload = json.dumps([{"role": m.role, "content": m.content} for m in messages], ensure_ascii=False)
        # Native code that holds the interpreter's lock: a template that loops cannot be timed out from a
        # thread here, so the client is told, and bounds this phase's silence (and reports a crash in it).
        self.emit(Phase(phase="render"))
        text = str(self.tokenizer.apply_chat_template(payload, template_str=self.info.chat_template,
                                                      add_generation_prompt=True))
        self.emit(Phase(phase=""))
        limit = RENDER_BASE_CHARS + RENDER_FACTOR * sum(len(m.content) for m in messages)
        if len(text) > limit:
            raise UserError(f"the model's chat template made a prompt of {len(text):,} characters from "
                            f"{len(payload):,} characters of conversation (at most {limit:,}); "
                            "the template looks broken", "bad_template")
        return text

    def encode(self, text: str, encoded: list[int] | None = None) -> list[int]:
        """Tokens for a rendered prompt, reusing the cache's own tokens where the text extends it
        (*encoded*: the whole text's tokens when the caller has them already).

        Re-encoding an answer's text rarely gives back the ids the model generated, and
        every difference would be read again; so when the new prompt starts with the exact
        text the cache holds, only the rest is encoded (without a second BOS). A prompt that is exactly that text
        (an answer continued right after Stop or its token limit) is the cache's own tokens.
        """
        if self.slot.cached_text and text == self.slot.cached_text:
            return list(self.slot.cached)
        if self.slot.cached_text and len(text) > len(self.slot.cached_text) and text.startswith(self.slot.cached_text):
            rest = [int(t) for t in self.tokenizer.encode(text[len(self.slot.cached_text):])]
            if rest and rest[0] == self.tokenizer.bos_token_id:
                rest = rest[1:]
            return self.slot.cached + rest
        return encoded if encoded is not None else [int(t) for t in self.tokenizer.encode(text)]

    def search_options(self, sampling: Sampling, prompt_tokens: int) -> dict[str, Any]:
        options: dict[str, Any] = {"max_length": self.max_length, "repetition_penalty": sampling.repetition_penalty}
        if sampling.greedy:
            options.update(do_sample=False, top_k=1, temperature=1.0)
        else:
            options.update(do_sample=True, temperature=sampling.temperature, top_p=sampling.top_p,
                           top_k=sampling.top_k if sampling.top_k > 0 else 0)
        if sampling.seed is not None and not sampling.greedy:  # greedy draws nothing: a seed changes nothing
            options["random_seed"] = sampling.seed
        if sampling.min_new_tokens:
            options["min_length"] = min(self.max_length, prompt_tokens + sampling.min_new_tokens)
        return options

    def prepare_generator(self, tokens: list[int], sampling: Sampling, guidance: Guidance | None = None) -> int:
        """Make the generator's sequence equal *tokens* minus what must still be read.

        Returns how many tokens are already in the cache (the rest are fed by the caller).
        A new generator (and a full prefill) is needed only when the search options or the guidance change,
        a seed is asked for while sampling (the runtime seeds a generator's random numbers only when it is made, so
        a seeded answer comes from a fresh one and is the same whatever ran before; greedy decoding draws nothing,
        so a seed there keeps the cache), or the model cannot rewind.

        Guidance is fixed when a generator is made, so the kept generator serves only requests with the same
        guidance. Its matcher sees only generated tokens (an appended prompt is not matched), and onnxruntime-genai
        0.18 starts it over only when the generator rewinds to a shorter sequence: appended right after an answer,
        the next prompt would leave it at that answer's end ("compute_mask() called after stop"), or in the middle
        of a stopped one. So a guided generator always rewinds, by one token at least.
        """
        options = self.search_options(sampling, len(tokens))
        options.pop("min_length", None)
        key = tuple(sorted(options.items())) + ((("guidance", guidance),) if guidance is not None else ())
        keep = min(common_prefix(self.slot.cached, tokens), len(tokens) - 1)
        if guidance is not None and self.slot.cached:
            keep = min(keep, len(self.slot.cached) - 1)  # a rewind starts the matcher over
        assert self.info is not None
        reusable = (self.slot.generator is not None and key == self.slot.options
                    and (sampling.seed is None or sampling.greedy)
                    and not sampling.min_new_tokens and not self.info.vision and (keep > 0 or not self.slot.cached))
        if not reusable:
            if guidance is not None:
                self.check_guidance(guidance)  # before the cache in use is freed: a refused schema keeps it
            params = self.generator_params(sampling, len(tokens), guidance)
            self.slot.generator = None  # free the old KV cache before allocating the new one
            self.slot.generator = self.og.Generator(self.model, params)
            self.slot.options, self.slot.cached, self.slot.cached_text = key, [], None
            return 0
        if keep < len(self.slot.cached):
            self.slot.generator.rewind_to(keep)
            self.slot.cached, self.slot.cached_text = self.slot.cached[:keep], None
        return keep

    def generator_params(self, sampling: Sampling, prompt_tokens: int, guidance: Guidance | None) -> Any:
        params = self.og.GeneratorParams(self.model)
        params.set_search_options(**self.search_options(sampling, prompt_tokens))
        if guidance is not None:
            params.set_guidance(*guidance)
        return params

    def check_guidance(self, guidance: Guidance) -> None:
        """Have the runtime compile *guidance* on a generator with room for one token (its KV cache is tiny).

        The runtime compiles a schema or grammar only when a generator is made, and the worker frees the cache
        in use before it makes one (there is memory for one): checked first, a schema it refuses is a user error
        (``bad_guidance``) that leaves the cache as it was. Compiling twice costs ~12 ms for a 22 kB schema.
        """
        params = self.og.GeneratorParams(self.model)
        params.set_search_options(max_length=1)
        try:
            params.set_guidance(*guidance)
            self.og.Generator(self.model, params)
        except Exception as exc:  # RuntimeError "Error creating grammar: …" (several lines, with a caret)
            reason = " ".join(str(exc).split())[:300] or type(exc).__name__
            raise UserError(f"the {guidance[0]} guidance was refused: {reason}", "bad_guidance") from None

    def measure_bare(self, request: dict[str, Any]) -> None:
        """Benchmarks: the bare reference loop on this very model object, in this process.

        Comparing it with PhiDesk answers from the same worker removes the speed spread
        between processes (up to ±15 % on small machines) from the comparison.
        """
        from phidesk.engine import bare

        if self.model is None:
            raise UserError("no model is loaded")
        tokens = self.encode(self.render([Message("user", str(request["text"]))]))
        self.slot.generator, self.slot.options, self.slot.cached, self.slot.cached_text = None, None, [], None
        result = bare.run_round(self.model, self.tokenizer, tokens, int(request["new_tokens"]), self.max_length)
        self.emit(Measured(id=int(request["id"]), data={**result, "prompt_tokens": len(tokens)}))

    # --- generation --------------------------------------------------------------------
    def generate(self, request: dict[str, Any]) -> None:
        received = time.perf_counter()
        if self.model is None:
            raise UserError("no model is loaded")
        sampling = Sampling.from_dict(request.get("sampling", {})).validate()
        messages = [Message(m["role"], m["content"], list(m.get("images") or [])) for m in request["messages"]]
        if request.get("images"):  # images given for the newest message
            last_user = max(i for i, m in enumerate(messages) if m.role == "user")
            messages[last_user].images.extend(request["images"])
        continuing = request.get("continue", False)  # go on with the last (assistant) message, left open
        if not isinstance(continuing, bool):
            raise UserError("a request's 'continue' must be true or false", "bad_request")
        guidance = compact_json(check_guidance(request.get("guidance")))
        if continuing and guidance is not None:  # the runtime's matcher starts over on appended tokens
            raise UserError("an answer cannot be continued under guidance (a schema or grammar): ask again",
                            "bad_guidance")
        prompt = self.render if not continuing else lambda kept: continuation_prompt(kept, self.render)
        try:
            self.answer_prompt(request, messages, sampling, received, prompt, guidance=guidance)
        except PromptTooLongError:
            if not continuing:
                raise
            raise UserError("the answer already fills the context, so it cannot be continued: raise the context "
                            "setting, or ask a new question", "context_full") from None

    def answer_prompt(self, request: dict[str, Any], messages: list[Message], sampling: Sampling, received: float,
                      prompt: Callable[[list[Message]], str], *, guidance: Guidance | None = None) -> None:
        """Fit *messages* to the context, render them with *prompt*, read what the cache lacks, then decode
        (under *guidance*, the answer matches its schema or grammar)."""
        request_id = int(request["id"])
        assert self.info is not None
        if self.info.vision:
            self.generate_vision(request_id, messages, sampling, received, prompt, guidance=guidance)
            return
        if any(m.images for m in messages):
            raise UserError("this model reads text only; images need a vision model such as Phi-3.5-vision")
        budget = self.max_length - answer_reserve(self.max_length, sampling.max_new_tokens)
        rendered: dict[int, tuple[str, list[int]]] = {}  # by message count: the fitting step renders candidates

        def count(kept: Sequence[Message]) -> int:
            text = prompt(list(kept))
            rendered[len(kept)] = text, [int(t) for t in self.tokenizer.encode(text)]
            return len(rendered[len(kept)][1])

        messages, dropped, _ = fit_conversation(messages, count, budget)
        # This conversation's cache first: its text decides which ids the prompt is written with.
        origin = self.warm.switch(self, str(request.get("conversation") or ""))
        text, encoded = rendered[len(messages)]
        tokens = self.encode(text, encoded)
        stats = AnswerStats(prompt_tokens=len(tokens), dropped_turns=dropped)
        if self.stop_requested(request_id):
            stats.finish_reason = "cancelled"
            self.emit(Finished(id=request_id, stats=stats))
            return

        kept_generator = self.slot.generator
        cached = self.prepare_generator(tokens, sampling, guidance)
        stats.cache = origin if kept_generator is not None and self.slot.generator is kept_generator else "new"
        new = tokens[cached:]
        stats.new_prompt_tokens = len(new)
        progress = PrefillProgress(id=request_id, done=0, total=len(new), prompt_tokens=len(tokens),
                                   dropped_turns=dropped)
        self.emit(progress)
        sizer = SliceSizer()
        prefill_started = time.perf_counter()
        done = 0
        while done < len(new):
            if self.stop_requested(request_id):
                break
            size = sizer.next(len(new) - done)
            started = time.perf_counter()
            self.slot.generator.append_tokens(new[done : done + size])
            sizer.observe(size, time.perf_counter() - started)
            done += size
            self.slot.cached, self.slot.cached_text = tokens[: cached + done], None
            progress.done = done
            self.emit(progress)
        stats.prefill_s = time.perf_counter() - prefill_started
        if done < len(new):  # stopped during prefill: the cache holds what was read
            stats.finish_reason = "cancelled"
            stats.new_prompt_tokens = done
            stats.peak_rss_mb = peak_rss_mb()
            self.emit(Finished(id=request_id, stats=stats))
            return
        self.slot.cached_text = text
        self.decode(request_id, sampling, stats, received)

    def generate_vision(self, request_id: int, messages: list[Message], sampling: Sampling, received: float,
                        prompt: Callable[[list[Message]], str], *, guidance: Guidance | None = None) -> None:
        """A multimodal turn (``phidesk.engine.multimodal``): a fresh generator, the whole conversation read again.

        onnxruntime-genai 0.18 cannot rewind a phi3v (multimodal) generator, so every turn reads the whole
        conversation again; images of earlier turns stay in it, numbered in order, for as long as
        they fit: when the conversation outgrows the context its oldest turns give way, as for text.
        """
        budget = self.max_length - answer_reserve(self.max_length, sampling.max_new_tokens)
        built = self.vision.build(self.model, messages, prompt, budget)
        total, dropped, image_tokens = built.total, built.dropped, built.image_tokens
        stats = AnswerStats(prompt_tokens=total, new_prompt_tokens=total, image_tokens=image_tokens,
                            dropped_turns=dropped)
        self.emit(PrefillProgress(id=request_id, done=0, total=total, prompt_tokens=total, dropped_turns=dropped,
                                  image_tokens=image_tokens))
        if guidance is not None:
            self.check_guidance(guidance)
        params = self.generator_params(sampling, total, guidance)
        self.slot.generator = None  # free the last turn's KV cache first
        self.slot.generator = self.og.Generator(self.model, params)
        self.slot.options, self.slot.cached, self.slot.cached_text = None, [], None
        started = time.perf_counter()
        self.slot.generator.set_inputs(built.inputs)
        stats.prefill_s = time.perf_counter() - started
        self.decode(request_id, sampling, stats, received)
        self.slot.cached, self.slot.cached_text = [], None  # never reused: a phi3v generator cannot rewind

    def decode(self, request_id: int, sampling: Sampling, stats: AnswerStats, received: float) -> None:
        assert self.info is not None
        generator, stream = self.slot.generator, self.tokenizer.create_stream()
        eos = set(self.info.eos_token_ids)
        first_at = last_at = 0.0
        count = 0
        reason = "length"
        emitted: list[str] = []
        clean = True  # False while the stream holds part of a multi-byte character
        while True:
            if self.stop_requested(request_id):
                reason = "cancelled"
                break
            if generator.is_done():
                reason = "length" if len(self.slot.cached) + count >= self.max_length else "stop"
                break
            generator.generate_next_token()
            token = int(generator.get_next_tokens()[0])
            last_at = time.perf_counter()
            count += 1
            if count == 1:
                first_at = last_at
                stats.ttft_s = first_at - received
            if token in eos:
                reason = "stop"
                break
            text = stream.decode(token)
            clean = bool(text)
            if text:
                emitted.append(text)
                self.channel.emit_token(Token(id=request_id, text=text), first=len(emitted) == 1)
            if count >= sampling.max_new_tokens:
                reason = "length"
                break
        self.slot.cached = [int(t) for t in generator.get_sequence(0)]
        prompt_text = self.slot.cached_text
        self.slot.cached_text = prompt_text + "".join(emitted) if clean and prompt_text is not None else None
        stats.generated_tokens = count
        stats.finish_reason = reason
        if count > 1 and last_at > first_at:
            stats.decode_tok_s = (count - 1) / (last_at - first_at)
        stats.peak_rss_mb = peak_rss_mb()
        self.emit(Finished(id=request_id, stats=stats))


def main() -> int:
    # Keep a private handle on the real stdout for events; send fd 1 to stderr.
    events_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    out = os.fdopen(events_fd, "wb", buffering=0)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format=f"%(asctime)s worker[{os.getpid()}] %(levelname)s %(message)s")
    lower_priority()
    worker = Worker(out)
    worker.channel.start_threads(sys.stdin.buffer)
    worker.serve()
    out.flush()
    # Skip interpreter teardown: native destructors of a half-used runtime can be slow.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
