"""``python -m phidesk``: the same as the ``phidesk`` command."""

import sys

from phidesk.entry import main

if __name__ == "__main__":
    sys.exit(main())
