"""The Qt-free inference engine: model folders, prompts, and the worker process that owns the model.

Only ``phidesk.engine.worker``, ``phidesk.engine.bare`` and ``phidesk.engine.providers`` import
onnxruntime_genai, and they run in their own processes (an import-linter contract in pyproject.toml
keeps it so); everything else here is plain Python. ``phidesk.engine.runtime`` holds what the app's own
process needs to know about the runtime (provider names, the flavours) without importing it.
"""
