"""Errors a user can act on. The CLI turns these into exit code 2 and one line on stderr."""

from __future__ import annotations


class UserError(Exception):
    """Bad input: unknown model, broken model folder, unreadable image, prompt too long…

    The message is one readable sentence; it never needs a traceback. ``code`` is a short
    machine-readable reason that travels with it from the worker (``prompt_too_long``…).
    """

    code = "bad_input"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class ModelFolderError(UserError):
    """A path that is not a usable onnxruntime-genai model folder."""


class EngineError(Exception):
    """The inference worker failed (crash, load failure, protocol error).

    ``code`` is a short machine-readable reason (``load_failed``, ``worker_died``,
    ``prompt_too_long``…); ``user_error`` marks the ones caused by the input.
    """

    def __init__(self, message: str, code: str = "error", *, user_error: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.user_error = user_error
