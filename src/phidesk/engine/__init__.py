"""The Qt-free inference engine: model folders, prompts, and the worker process that owns the model.

Only ``phidesk.engine.worker`` and ``phidesk.engine.bare`` import onnxruntime_genai, and
they run in their own processes; everything else here is plain Python.
"""
