"""Frozen entry point of the desktop client (the ``besedka`` gui-script)."""

import sys

from client_gui.app import main

if __name__ == "__main__":
    sys.exit(main())
