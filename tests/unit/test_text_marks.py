"""Every core message made with Text(...) is one the extractor finds under the context the window looks it up in:
its template is QT_TRANSLATE_NOOP(<the same literal context>, <a literal>). A module's helper that makes the Text for
a template it is given (``def _error(template, **values): return UserError(Text("ImportErrors", template, ...))``)
counts as Text under its context: each call of it passes QT_TRANSLATE_NOOP(<that context>, <a literal>)."""

from __future__ import annotations

import ast
from pathlib import Path

import phidesk

SRC = Path(phidesk.__file__).parent


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Text"


def _helpers(tree: ast.AST) -> tuple[dict[str, str], set[ast.AST]]:
    """Functions that make a Text with a literal context from their own template parameter: name -> context, and
    those Text calls (checked through the helper's calls instead)."""
    helpers: dict[str, str] = {}
    inside: set[ast.AST] = set()
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        parameters = {a.arg for a in function.args.posonlyargs + function.args.args}
        for node in ast.walk(function):
            if _is_text(node) and len(node.args) >= 2 and isinstance(node.args[1], ast.Name) \
                    and node.args[1].id in parameters and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str):
                helpers[function.name] = node.args[0].value
                inside.add(node)
    return helpers, inside


def _marked(template: ast.AST | None, context: str, where: str) -> list[str]:
    if not (isinstance(template, ast.Call) and isinstance(template.func, ast.Name)
            and template.func.id == "QT_TRANSLATE_NOOP" and len(template.args) == 2
            and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in template.args)):
        return [f"{where}: the template is not QT_TRANSLATE_NOOP(literal, literal)"]
    if template.args[0].value != context:  # type: ignore[attr-defined]
        return [f"{where}: Text context {context!r} but marked under {template.args[0].value!r}"]  # type: ignore[attr-defined]
    return []


def _problems(source: str, name: str) -> list[str]:
    tree = ast.parse(source)
    helpers, inside = _helpers(tree)
    problems = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or node in inside:
            continue
        where = f"{name}:{node.lineno}"
        if isinstance(node.func, ast.Name) and node.func.id in helpers:
            problems += _marked(([*node.args, None])[0], helpers[node.func.id], where)
            continue
        if not _is_text(node):
            continue
        context, template = ([*node.args, None, None])[:2]
        if not (isinstance(context, ast.Constant) and isinstance(context.value, str)):
            problems.append(f"{where}: the context is not a literal")
            continue
        problems += _marked(template, context.value, where)
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


def test_a_helper_counts_as_text_under_its_context() -> None:
    helper = 'def _error(template, /, **values):\n    return UserError(Text("ImportErrors", template, **values))\n'
    good = helper + '_error(QT_TRANSLATE_NOOP("ImportErrors", "{n} bad"), n=1)\n'
    assert _problems(good, "x.py") == []
    bad = helper + '_error(QT_TRANSLATE_NOOP("Import", "bad"))\n_error("bad")\n'
    assert len(_problems(bad, "x.py")) == 2
