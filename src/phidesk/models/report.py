"""The machine report: what this machine has (``phidesk.models.hardware``), the catalog, and what fits
(``phidesk.models.fit``), as one JSON-ready dict for ``phidesk hardware``, the catalog listing, the About text
and the models pane.

Its own module so that the probing (hardware) and the memory arithmetic (fit) need not import each other.

    python -m phidesk.models.report    prints the report
"""

from __future__ import annotations

import json
from typing import Any

from phidesk.models import fit
from phidesk.models.catalog import load_catalog
from phidesk.models.hardware import Hardware, detect


def machine_report(context: int = 4096, hardware: Hardware | None = None, *, refresh: bool = False,
                   kept_only: bool = False) -> dict[str, Any]:
    """detect() + a verdict for every catalog model at *context* tokens + the recommended default.
    *refresh*: run the provider probe even if its answer is kept; *kept_only*: never run it."""
    hw = hardware if hardware is not None else detect(refresh=refresh, kept_only=kept_only)
    recs = fit.recommend(hw, load_catalog(), context)
    chosen = fit.best(recs, hw)
    data = hw.to_json(recs)
    data["context"] = context
    data["recommended"] = chosen.to_json() if chosen else None
    return data


if __name__ == "__main__":
    print(json.dumps(machine_report(), indent=2))
