"""The local OpenAI-compatible server (Starlette + uvicorn): the loaded model for other apps on this machine.

Qt-free; the window and ``phidesk serve`` both drive ``LocalServer`` over an EngineClient they own.
"""

from phidesk.server.local import LocalServer

__all__ = ["LocalServer"]
