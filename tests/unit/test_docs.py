"""What the code tells users to read exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_readme_reference_in_the_code_names_a_section() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    headings = {line.lstrip("#").strip() for line in readme.splitlines() if line.startswith("#")}
    references = {match for path in (ROOT / "src").rglob("*.py")
                  for match in re.findall(r"see README: ([A-Za-z][\w -]*[\w])", path.read_text(encoding="utf-8"))}
    assert references, "no 'see README: SECTION' reference found: the pattern no longer matches the code"
    assert references <= headings, references - headings
