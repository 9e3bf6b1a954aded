"""Entry point of ``python -m server`` (and ``python -m server admin ...``)."""

import sys

if sys.argv[1:2] == ["admin"]:
    # Straight to the admin tool, without loading the server (asyncio,
    # Alembic, TLS): it is run from scripts and by hand, and should start fast.
    from .admin import main as admin_main

    sys.exit(admin_main(sys.argv[2:]))

from .cli import main

main()
