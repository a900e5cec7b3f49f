"""Every core message made with Text(...) is one the extractor finds under the context the window looks it up in:
its template is QT_TRANSLATE_NOOP(<the same literal context>, <a literal>)."""

from __future__ import annotations

import ast
from pathlib import Path

import phidesk

SRC = Path(phidesk.__file__).parent


def _problems(source: str, name: str) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Text"):
            continue
        where = f"{name}:{node.lineno}"
        context, template = ([*node.args, None, None])[:2]
        if not (isinstance(context, ast.Constant) and isinstance(context.value, str)):
            problems.append(f"{where}: the context is not a literal")
            continue
        if not (isinstance(template, ast.Call) and isinstance(template.func, ast.Name)
                and template.func.id == "QT_TRANSLATE_NOOP" and len(template.args) == 2
                and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in template.args)):
            problems.append(f"{where}: the template is not QT_TRANSLATE_NOOP(literal, literal)")
            continue
        if template.args[0].value != context.value:  # type: ignore[attr-defined]
            problems.append(f"{where}: Text context {context.value!r} but marked under {template.args[0].value!r}")  # type: ignore[attr-defined]
    return problems


def test_every_text_in_the_package_is_marked_under_its_own_context() -> None:
    problems = []
    for path in sorted(SRC.rglob("*.py")):
        if path == SRC / "texts.py":  # Text itself, rebuilding a copy
            continue
        problems += _problems(path.read_text(encoding="utf-8"), str(path.relative_to(SRC)))
    assert problems == []


def test_a_mismatched_mark_is_found() -> None:
    bad = 'Text("Verdict", QT_TRANSLATE_NOOP("Verdicts", "fits"))\nText("A", template)\n'
    assert len(_problems(bad, "x.py")) == 2
