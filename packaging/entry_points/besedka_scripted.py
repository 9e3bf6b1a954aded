"""Frozen entry point of ``besedka-scripted``: the client with its test hook.

Test-only (``client_gui/scripted.py``): the packaging tests drive the frozen
client through it.  It is built into the client's bundle, sharing every
file with ``Besedka``, and left out of the installed products.
"""

import sys

from client_gui.scripted import main

if __name__ == "__main__":
    sys.exit(main())
