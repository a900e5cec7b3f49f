"""The program's entry point: the CLI, or, with the worker flag, an inference worker.

A frozen (PyInstaller) app has no ``python -m``: it starts its own executable again with
``--phidesk-worker`` to get a worker process (see ``phidesk.engine.client.worker_command``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from phidesk.engine.client import WORKER_FLAG


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == [WORKER_FLAG]:
        from phidesk.engine import worker

        return worker.main()
    from phidesk import cli

    return cli.main(args)


if __name__ == "__main__":
    sys.exit(main())
