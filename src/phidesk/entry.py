"""The program's entry point: the window, the CLI, or (with the worker flag) an inference worker.

``phidesk`` alone opens the window (or, with no display to show it on, the terminal chat);
``phidesk gui`` always tries the window; any other subcommand goes to the CLI. A frozen
(PyInstaller) app has no ``python -m``: it starts its own executable again with
``--phidesk-worker`` to get a worker process (see ``phidesk.engine.client.worker_command``), and
with ``--phidesk-providers`` for the provider probe (``phidesk.models.hardware.probe_command``), and
with ``--phidesk-scale-image`` to scale a large image for the window (``phidesk.engine.images``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from phidesk.engine.client import WORKER_FLAG


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    # Finder on older macOS starts an .app with a process serial number argument: not ours to parse.
    args = [a for a in args if not a.startswith("-psn_")]
    if args[:1] == [WORKER_FLAG]:
        from phidesk.engine import worker

        return worker.main()
    if args[:1] == ["--phidesk-scale-image"]:  # a large image scaled for the window (images.SCALE_FLAG)
        from phidesk.engine import images

        return images.main(args[1:])
    if args[:1] == ["--phidesk-providers"]:  # the provider probe (phidesk.models.hardware.PROVIDERS_FLAG)
        from phidesk.engine import providers

        return providers.main(args[1:])
    if args[:1] == ["gui"] or (not args and _has_display()):
        from phidesk.gui.app import main as gui_main

        return gui_main(args[1:])
    from phidesk import cli

    if not args:
        print("phidesk: no display found; starting the chat in this terminal", file=sys.stderr)
    return cli.main(args)


def _has_display() -> bool:
    if sys.platform in ("win32", "darwin") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


if __name__ == "__main__":
    sys.exit(main())
