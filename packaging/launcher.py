"""The frozen app's entry point (PyInstaller): the window, the CLI, or one of its helper processes."""

import sys

from phidesk.entry import main

if __name__ == "__main__":
    sys.exit(main())
