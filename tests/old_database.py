"""A database as an older Besedka left it: the schema at an earlier revision.

``python -m tests.old_database PATH [REVISION]`` makes one (revision 0001,
the first release's schema, by default).  The tests start a server on it
to see the upgrade happen for real, and so does the Windows workflow with
the frozen server (.github/workflows/windows.yml).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from alembic import command

from db.engine import create_database_engine
from db.schema import alembic_config

#: The first release's schema.
FIRST_REVISION = "0001"


def make_old_database(path: Path, revision: str = FIRST_REVISION) -> None:
    """Create (or migrate) the SQLite file ``path`` up to ``revision`` only."""
    engine = create_database_engine(f"sqlite:///{path}")
    try:
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("revision", nargs="?", default=FIRST_REVISION)
    args = parser.parse_args()
    make_old_database(args.path, args.revision)


if __name__ == "__main__":
    main()
