"""setuptools' build backend, with PySide6 (its ``lrelease``) in a wheel build's environment, so the wheel carries
the compiled translations (setup.py). An editable install does not need it: it compiles them at the first start."""

from __future__ import annotations

from typing import Any

from setuptools import build_meta as _meta
from setuptools.build_meta import *  # noqa: F403 - the whole backend interface

TRANSLATION_TOOLS = ["pyside6-essentials>=6.8"]


def get_requires_for_build_wheel(config_settings: dict[str, Any] | None = None) -> list[str]:
    return [*_meta.get_requires_for_build_wheel(config_settings), *TRANSLATION_TOOLS]
