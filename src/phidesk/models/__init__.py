"""The Qt-free model manager: installed models, the starter, conversion (in its own process)."""
