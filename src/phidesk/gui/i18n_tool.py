"""Translators' tool: refresh the ``.ts`` files from the code, and check that a translation is complete.

    python -m phidesk.gui.i18n_tool update [LANG ...]   # lupdate the code into resources/i18n/phidesk_LANG.ts
    python -m phidesk.gui.i18n_tool check [LANG ...]    # exit 1, one line per problem, if any string is missing
    python -m phidesk.gui.i18n_tool fill LANG FILE.json  # put translations from a JSON list into the .ts

``update`` keeps every translation already made (``-no-obsolete`` drops those whose English is gone,
``-locations none`` keeps file and line numbers out, so a change in the code does not touch the ``.ts``).
``check`` extracts the code's strings into a temporary ``.ts`` and names each one that the language's ``.ts``
lacks, leaves unfinished or empty, or whose placeholders (``{name}``, ``%n``) differ from the English.
Run both from a source checkout (the ``.ts`` live in ``resources/i18n``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from phidesk import paths
from phidesk.gui import i18n_files

SOURCES = Path(__file__).resolve().parents[1]  # src/phidesk
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|%L?n|%[0-9]")


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    comment: str | None
    translations: tuple[str, ...]
    finished: bool
    plural: bool


def python_files(sources: Path = SOURCES) -> list[Path]:
    return sorted(p for p in sources.rglob("*.py") if "__pycache__" not in p.parts)


def lupdate(ts: Path, sources: Path = SOURCES, language: str | None = None) -> None:
    """Extract the strings of every Python file under *sources* into *ts* (kept translations merged)."""
    exe = i18n_files.tool("lupdate")
    if exe is None:
        raise OSError("PySide6's lupdate is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "files.lst"  # lupdate reads Python only from files named one by one
        listing.write_text("\n".join(str(p) for p in python_files(sources)) + "\n", encoding="utf-8")
        command = [str(exe), f"@{listing}", "-locations", "none", "-no-obsolete", "-source-language", "en"]
        if language is not None:
            command += ["-target-language", language]
        proc = subprocess.run([*command, "-ts", str(ts)], capture_output=True, text=True, check=False,
                              stdin=subprocess.DEVNULL, timeout=300, **paths.helper_popen_kwargs())
    if proc.returncode != 0:
        raise OSError(f"lupdate failed: {(proc.stderr or proc.stdout).strip()[-500:]}")


def read_ts(path: Path) -> dict[tuple[str, str, str | None], Message]:
    """The messages of a ``.ts`` file by (context, source, comment); obsolete and vanished ones left out."""
    found: dict[tuple[str, str, str | None], Message] = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            comment = message.findtext("comment")
            translation = message.find("translation")
            kind = translation.get("type") if translation is not None else "unfinished"
            if kind in ("obsolete", "vanished"):
                continue
            plural = message.get("numerus") == "yes"
            if translation is None:
                forms: tuple[str, ...] = ()
            elif plural:
                forms = tuple(form.text or "" for form in translation.iter("numerusform"))
            else:
                forms = (translation.text or "",)
            found[(name, source, comment)] = Message(name, source, comment, forms, kind != "unfinished", plural)
    return found


def placeholders(text: str) -> list[str]:
    return sorted(set(PLACEHOLDER.findall(text)))


def problems(code: Path, translated: Path) -> list[str]:
    """One line per string of *code* (a ``.ts`` just extracted) that *translated* does not translate fully."""
    have = read_ts(translated)
    lines: list[str] = []
    for key, message in read_ts(code).items():
        where = f"[{message.context}] {message.source!r}" + (f" ({message.comment})" if message.comment else "")
        done = have.get(key)
        if done is None:
            lines.append(f"missing: {where}")
        elif not done.finished or not done.translations or not all(t.strip() for t in done.translations):
            lines.append(f"unfinished: {where}")
        else:
            wanted = placeholders(message.source)
            for form in done.translations:
                if placeholders(form) != wanted and not (done.plural and set(placeholders(form)) <= set(wanted)):
                    lines.append(f"placeholders differ: {where} -> {form!r} (want {', '.join(wanted) or 'none'})")
    return lines


def check(language: str, folder: Path, sources: Path = SOURCES) -> list[str]:
    """The problems of *language*'s ``.ts`` in *folder* against the code under *sources*."""
    ts = folder / f"{i18n_files.PREFIX}{language}.ts"
    if not ts.is_file():
        return [f"missing: {ts}"]
    with tempfile.TemporaryDirectory() as tmp:
        extracted = Path(tmp) / f"code_{language}.ts"
        lupdate(extracted, sources, language)
        return problems(extracted, ts)


def fill(ts: Path, entries: list[dict[str, object]]) -> int:
    """Put *entries* ({"context", "source", "comment", "translation": text or [forms]}) into *ts*, marked
    finished; the number of messages filled. Entries for strings the ``.ts`` lacks are left out."""
    wanted = {(e["context"], e["source"], e.get("comment")): e["translation"] for e in entries}
    tree = ET.parse(ts)
    filled = 0
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            value = wanted.get((name, message.findtext("source") or "", message.findtext("comment")))
            translation = message.find("translation")
            if value is None or translation is None:
                continue
            translation.attrib.pop("type", None)
            for form in list(translation):
                translation.remove(form)
            if isinstance(value, list):
                translation.text = None
                for text in value:
                    ET.SubElement(translation, "numerusform").text = str(text)
            else:
                translation.text = str(value)
            filled += 1
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return filled


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in ("update", "check", "fill") or (args[0] == "fill" and len(args) != 3):
        print("usage: python -m phidesk.gui.i18n_tool update|check [LANG ...] | fill LANG FILE.json",
              file=sys.stderr)
        return 2
    folder = i18n_files.i18n_dir()
    if folder is None:
        print("no resources/i18n folder: run this from a source checkout", file=sys.stderr)
        return 2
    if args[0] == "fill":
        ts = folder / f"{i18n_files.PREFIX}{args[1]}.ts"
        lupdate(ts, language=args[1])
        count = fill(ts, json.loads(Path(args[2]).read_text(encoding="utf-8")))
        lupdate(ts, language=args[1])  # lupdate's own layout again
        print(f"filled {count} message(s) of {ts}")
        return 0
    languages = args[1:] or i18n_files.available(folder)
    failed = 0
    for language in languages:
        if args[0] == "update":
            lupdate(folder / f"{i18n_files.PREFIX}{language}.ts", language=language)
            print(f"updated {folder / f'{i18n_files.PREFIX}{language}.ts'}")
            continue
        found = check(language, folder)
        for line in found:
            print(f"{language}: {line}")
        failed += len(found)
        print(f"{language}: {'complete' if not found else f'{len(found)} problem(s)'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
