"""The program's entry point: the window, the CLI, or (with the worker flag) an inference worker.

``phidesk`` alone opens the window (or, with no display that can be opened, the terminal chat);
``phidesk gui`` opens the window or, without a display, exits 2 saying why; any other subcommand
(and ``phidesk gui --help``) goes to the CLI. A frozen
(PyInstaller) app has no ``python -m``: it starts its own executable again with
``--phidesk-worker`` to get a worker process (see ``phidesk.engine.client.worker_command``), and
with ``--phidesk-providers`` for the provider probe (``phidesk.models.hardware.probe_command``), and
with ``--phidesk-scale-image`` to scale a large image for the window (``phidesk.engine.images``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from phidesk import display
from phidesk.engine.client import WORKER_FLAG
from phidesk.terminal import for_stream


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
    asks_help = any(a in ("-h", "--help") for a in args[1:])
    if (args[:1] == ["gui"] and not asks_help) or not args:
        # Checked before Qt starts: a QApplication that cannot open its display aborts the process (exit 134).
        problem = display.problem()
        if problem is None:
            from phidesk.gui.app import main as gui_main

            return gui_main(args[1:])
        if args:
            _say(f"cannot open the window: {problem}; 'phidesk chat' works in a terminal")
            return 2
        _say(f"{problem}; starting the chat in this terminal")
    from phidesk import cli

    return cli.main(args)


def _say(line: str) -> None:
    print(for_stream(f"phidesk: {line}", sys.stderr), file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
