"""Where a server keeps what is not in its database: the TLS certificate and files.

Shared by the server (:mod:`server.cli`) and the administrator's tool
(:mod:`server.admin`), which must find the same files directory to back it
up or delete from it, without loading the server itself.
"""

from __future__ import annotations

from pathlib import Path

from db.engine import default_data_dir, sqlite_file

__all__ = ["data_dir_for", "files_dir_for"]


def data_dir_for(database_url: str, data_dir: str | None = None) -> Path:
    """Where the server keeps its files besides the database.

    ``--data-dir`` if given; else the SQLite file's directory, so that one
    directory holds everything a server is; else the per-user data directory.
    """
    if data_dir is not None:
        return Path(data_dir).expanduser()
    database = sqlite_file(database_url)
    return database.parent if database is not None else default_data_dir()


def files_dir_for(database_url: str, data_dir: str | None = None,
                  files_dir: str | None = None) -> Path:
    """The directory of uploaded files: ``--files-dir`` if given, else
    ``files`` in the data directory (:func:`data_dir_for`)."""
    if files_dir is not None:
        return Path(files_dir).expanduser()
    return data_dir_for(database_url, data_dir) / "files"
