"""The product version of Besedka.

It lives beside the protocol because both programs show it: the server
announces ``besedka/<version>`` in ``hello`` and the client's About box shows
its own.  ``pyproject.toml`` reads it from here, so it is written once.
"""

BESEDKA_VERSION = "0.1.0"
