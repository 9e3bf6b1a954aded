"""``python -m client_gui``: start the desktop client."""

import sys

from .app import main

sys.exit(main())
