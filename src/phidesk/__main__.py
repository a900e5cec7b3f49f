"""``python -m phidesk``: the same as the ``phidesk`` command."""

import sys

from phidesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
