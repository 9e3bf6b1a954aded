"""Print Besedka's version (``protocol.version.BESEDKA_VERSION``).

The Windows workflow passes it to Inno Setup (``iscc /DAppVersion=...``), so
the installer's name and version come from the same place as the bundles'.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from speccommon import VERSION  # noqa: E402

print(VERSION)
