"""``python -m server admin``: the administrator's tool, run beside the server.

It works on the same database as the server (same ``--database`` URL) and
may run while the server does: SQLite in WAL mode lets it read and write
alongside, and the server notices the changes that matter to it:

* ``disable NAME``: the account can no longer log in, its remembered
  sessions are revoked, and the running server closes its open connections
  within a few seconds (it checks the online accounts every couple of
  seconds);
* ``enable NAME``: undoes that;
* ``reset-password NAME``: sets a new random password and prints it once,
  for the administrator to hand over (``--stdin`` reads one instead);
  logins read the hash from the database, so it works at once, and open
  sessions stay open.  It hashes at the cost the server runs with, which
  the server stores in the database;
* ``list-users``: every account, and whether it is disabled;
* ``backup DEST``: a consistent copy of the database, made with SQLite's
  online backup, safe while the server is writing (on PostgreSQL, its own
  ``pg_dump`` does that), and of the uploaded
  files it names, into ``DEST.files`` (a content file never changes, so
  backing up to the same place again copies only the new ones);
* ``files``: the largest files, with who uploaded them and how many
  messages carry each;
* ``delete-file ID``: removes a file; its messages then show it as
  removed, and its bytes are deleted unless another file has the same;
* ``client-config``: the lines that make the clients an administrator
  installs trust this server's certificate without asking their users
  (:mod:`protocol.provisioning`), one for each name and address of this
  computer (or each ``--host``);
* ``message ID``: one message as it is now, with every body it had before
  its edits or its deletion (the protocol shows only the current one);
* ``migrate-to URL``: copies the whole installation into another, empty
  database (SQLite to PostgreSQL, README "Larger installations") and
  verifies that every table's rows were copied; with ``--to-files-dir``
  the uploaded files' contents as well.

Every command but ``backup`` works on PostgreSQL as on SQLite.

It never creates or migrates a database: pointed at the wrong path it
says so instead of making an empty one.

Its standard streams are UTF-8 whatever the system's locale says: a
password piped in from a file and a list of users piped out to one are
bytes that another program wrote or reads, and on Windows the locale's
code page (cp1252, cp1251) would mangle a Cyrillic password on the way in
and cannot encode a Cyrillic name on the way out.  (A console is not
affected: Python talks to it in UTF-16.)
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import sqlite3
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO, TypeVar

from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from db import files as stored
from db import lifecycle, queries, security, sessions
from db.backup import BackupError, backup_sqlite
from db.engine import (
    create_database_engine,
    default_database_url,
    for_writing,
    is_postgresql,
    sqlite_file,
)
from db.transfer import TransferError, copy_database
from protocol.errors import ProtocolError
from protocol.limits import DEFAULT_PORT
from protocol.provisioning import PROVISIONING_FILE_NAME
from protocol.rules import check_password, username_key, username_skeleton

from .filestore import FileStore
from .passwords import DEFAULT_ROUNDS, hash_password
from .paths import files_dir_for
from .tls import TlsError
from .trust_lines import trust_lines

__all__ = ["build_parser", "generate_password", "main"]

T = TypeVar("T")

#: Characters of generated passwords: no 0/O, 1/l/I, easy to read aloud.
_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class AdminError(Exception):
    """A command that cannot be carried out; the message is for the administrator."""


def generate_password(groups: int = 4, group_chars: int = 4) -> str:
    """A random password like ``k7Qm-xR2p-...``: 16 characters from 57, about 93 bits."""
    return "-".join(
        "".join(secrets.choice(_ALPHABET) for _ in range(group_chars)) for _ in range(groups)
    )


def _account_name(text: str) -> str:
    """An account name from the command line, read as UTF-8 if the locale could not.

    In the C locale Python decodes POSIX arguments as ASCII and keeps every
    other byte as a lone surrogate; no account has such a name, so those
    bytes are read again as the UTF-8 a terminal or script most likely
    sent.  (Windows passes arguments as UTF-16: nothing to do there.)
    """
    if not any("\udc80" <= char <= "\udcff" for char in text):
        return text
    try:
        return os.fsencode(text).decode("utf-8")
    except UnicodeError:
        raise argparse.ArgumentTypeError("the name is not UTF-8 text") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m server admin",
        description="Administer a Besedka server's accounts and database. Safe to run "
                    "while the server runs on the same database.",
    )
    parser.add_argument("--database", metavar="URL", default=None,
                        help="the server's SQLAlchemy database URL "
                             f"(default: {default_database_url()})")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    list_users = commands.add_parser(
        "list-users", help="list every account and whether it is disabled")
    list_users.add_argument("--confusable", action="store_true",
                            help="only the accounts whose names look alike (registered before "
                                 "such names were refused), in groups")
    reset = commands.add_parser(
        "reset-password", help="give an account a new password and print it once")
    reset.add_argument("name", type=_account_name)
    reset.add_argument("--stdin", action="store_true",
                       help="read the new password from the first line of standard input "
                            "instead of generating one")
    reset.add_argument("--bcrypt-rounds", type=int, default=None, metavar="N",
                       help="bcrypt cost of the new hash (default: the server's, as it "
                            f"stored it in the database; {DEFAULT_ROUNDS} if it never did). "
                            "Another cost than the server's lets a wrong password be told "
                            "from an unknown name by the time the answer takes, until the "
                            "user's next login rehashes it")
    disable = commands.add_parser(
        "disable", help="stop an account from logging in and close its connections")
    disable.add_argument("name", type=_account_name)
    enable = commands.add_parser("enable", help="let a disabled account log in again")
    enable.add_argument("name", type=_account_name)
    backup = commands.add_parser(
        "backup", help="copy the database to DEST and the files to DEST.files, "
                       "consistently, while the server runs")
    backup.add_argument("dest", type=Path)
    message = commands.add_parser(
        "message", help="show a message with the bodies it had before it was edited or deleted")
    message.add_argument("id", type=int)
    migrate = commands.add_parser(
        "migrate-to", help="copy everything into another, empty database (e.g. PostgreSQL) "
                           "and verify the copy; stop the server first")
    migrate.add_argument("target", metavar="URL",
                         help="the new database, e.g. postgresql+psycopg://besedka@dbhost/besedka")
    migrate.add_argument("--to-files-dir", metavar="DIR", type=Path, default=None,
                         help="copy the uploaded files there too: the new servers' --files-dir "
                              "(a directory every node reaches)")
    listing = commands.add_parser("files", help="list the largest files")
    listing.add_argument("--limit", type=int, default=20, metavar="N",
                         help="how many (default 20)")
    delete_file = commands.add_parser(
        "delete-file", help="remove a file (its messages then show it as removed)")
    delete_file.add_argument("file_id", metavar="ID", help="the file's id, from 'files'")
    client_config = commands.add_parser(
        "client-config",
        help="print the lines that make clients trust this server's certificate without "
             f"asking (for {PROVISIONING_FILE_NAME} beside the installed client, or "
             "besedka --trust)")
    client_config.add_argument(
        "--host", action="append", default=None, metavar="NAME",
        help="a name or address the clients connect to (repeat for several; default: "
             "this computer's name and IPv4 addresses)")
    client_config.add_argument("--port", type=int, default=DEFAULT_PORT,
                               help=f"the server's --port (default {DEFAULT_PORT})")
    client_config.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS,
                               help="the server's --data-dir, if it has one")
    client_config.add_argument("--tls-cert", metavar="FILE", type=Path, default=None,
                               help="the server's --tls-cert, if it has one")
    # --database (and where the files are) also after the command, where
    # people tend to type them.
    for command in (reset, disable, enable, backup, message, migrate, listing, delete_file,
                    client_config,
                    commands.choices["list-users"]):
        command.add_argument("--database", metavar="URL", default=argparse.SUPPRESS,
                             help="the server's database URL (as before the command)")
    for where in [parser] + [backup, listing, delete_file]:
        default = None if where is parser else argparse.SUPPRESS
        where.add_argument("--data-dir", metavar="DIR", default=default,
                           help="the server's --data-dir, if it was given one")
        where.add_argument("--files-dir", metavar="DIR", default=default,
                           help="the server's --files-dir, if it was given one")
    return parser


def _open(url: str) -> Engine:
    database = sqlite_file(url)
    if database is not None and not database.is_file():
        raise AdminError(f"no database at {database} (start the server once to create it, "
                         "or pass the server's --database)")
    return create_database_engine(url)


def _redacted(url: str) -> str:
    """A URL without its password, for what the tool prints."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _read(engine: Engine, operation: Callable[[Connection], T]) -> T:
    with engine.connect() as conn, conn.begin():
        return operation(conn)


def _write(engine: Engine, operation: Callable[[Connection], T]) -> T:
    # The write lock, as the server's writer takes it (BEGIN IMMEDIATE on
    # SQLite, the writers' advisory lock on PostgreSQL): at once, waiting
    # for the server's commit if need be.
    with engine.connect() as conn:
        conn = for_writing(conn)
        with conn.begin():
            return operation(conn)


def _account(engine: Engine, name: str) -> queries.AccountRecord:
    account = _read(engine, lambda conn: queries.get_account_by_key(conn, username_key(name)))
    if account is None:
        raise AdminError(f"no user named {name!r}")
    return account


def _list_users(engine: Engine, out: TextIO, confusable: bool = False) -> None:
    accounts = _read(engine, queries.list_accounts)
    if confusable:
        # Grouped by what the names look like (protocol.rules.username_skeleton).
        groups: dict[str, list[queries.AccountRecord]] = {}
        for account in accounts:
            groups.setdefault(username_skeleton(account.username), []).append(account)
        accounts = [account for group in groups.values() if len(group) > 1 for account in group]
        if not accounts:
            print("no two accounts have names that look alike", file=out)
            return
    width = max((len(a.username) for a in accounts), default=8)
    print(f"{'username':<{width}}  {'status':<8}  registered", file=out)
    for account in accounts:
        status = "disabled" if account.disabled else "active"
        created = account.created_at.strftime("%Y-%m-%d %H:%M UTC")
        print(f"{account.username:<{width}}  {status:<8}  {created}", file=out)


def _reset_password(engine: Engine, args: argparse.Namespace, stdin: TextIO,
                    out: TextIO, err: TextIO) -> None:
    account = _account(engine, args.name)
    if args.stdin:
        password = stdin.readline().rstrip("\r\n")
        try:
            check_password(password)
        except ProtocolError as error:
            raise AdminError(error.message) from None
    else:
        password = generate_password()
    rounds = args.bcrypt_rounds
    if rounds is None:
        stored = _read(engine, lambda conn: security.get_setting(conn, security.BCRYPT_ROUNDS))
        rounds = int(stored) if stored and stored.isdigit() else DEFAULT_ROUNDS
    if not 4 <= rounds <= 31:
        raise AdminError("--bcrypt-rounds must be between 4 and 31")
    new_hash = hash_password(password, rounds)
    _write(engine, lambda conn: queries.set_password_hash(conn, account.id, new_hash))
    if args.stdin:
        print(f"password of {account.username} changed", file=err)
    else:
        # The password alone on stdout, so a script can capture it; the
        # explanation on stderr.
        print(f"new password of {account.username} (shown only now; ask them to change it):",
              file=err)
        print(password, file=out)


def _set_disabled(engine: Engine, name: str, disabled: bool, err: TextIO) -> None:
    account = _account(engine, name)
    revoked = _write(engine, lambda conn: sessions.set_disabled(conn, account.id, disabled))
    if disabled:
        print(f"{account.username} is disabled ({len(revoked)} remembered session(s) "
              "revoked); a running server closes their connections within a few seconds",
              file=err)
    else:
        print(f"{account.username} is enabled", file=err)


def _size_text(size: int) -> str:
    """A size as people read it: ``1.5 GiB``."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def _list_files(engine: Engine, limit: int, out: TextIO) -> None:
    largest = _read(engine, lambda conn: stored.largest_files(conn, limit))
    print(f"{'id':<32}  {'size':>10}  {'uploader':<16}  {'messages':>8}  {'uploaded':<16}  name",
          file=out)
    for line in largest:
        file = line.file
        print(f"{file.id:<32}  {_size_text(file.size):>10}  {line.uploader:<16}  "
              f"{line.messages:>8}  {file.created_at.strftime('%Y-%m-%d %H:%M')}  {file.name}",
              file=out)


def _delete_file(engine: Engine, store: FileStore, file_id: str, err: TextIO) -> None:
    now = datetime.now(UTC)

    def remove(conn: Connection) -> tuple[stored.FileRecord, bool]:
        record = stored.remove_file(conn, file_id, now)
        return record, stored.content_in_use(conn, record.sha256)

    try:
        record, still_used = _write(engine, remove)
    except LookupError:
        raise AdminError(f"no file {file_id!r} (see 'files' for the ids)") from None
    if still_used:
        print(f"removed {record.name!r} ({_size_text(record.size)}); its bytes stay, another "
              "file has the same", file=err)
        return
    deleted = store.remove_content(record.sha256)
    print(f"removed {record.name!r} and deleted its {_size_text(record.size)}"
          + ("" if deleted else " (they were missing already)"), file=err)


def _backup(url: str, engine: Engine, store: FileStore, destination: Path,
            err: TextIO) -> None:
    size = backup_sqlite(url, destination)
    print(f"backed up to {destination} ({size} bytes)", file=err)
    # After the database: every file its copy names was stored before it
    # (a file's bytes are stored before its row), so they are all there.
    _copy_contents(engine, store, destination.with_name(destination.name + ".files"), err)


def _copy_contents(engine: Engine, store: FileStore, files_dir: Path, err: TextIO) -> bool:
    """Copy the contents of every file the database names into ``files_dir``;
    whether some were missing (a warning says which)."""
    contents = _read(engine, stored.live_contents)
    copied, copied_bytes, missing = store.copy_contents(contents, files_dir)
    print(f"files: {len(contents)} in {files_dir}, {copied} of them copied now "
          f"({_size_text(copied_bytes)})", file=err)
    if missing:
        print(f"warning: the bytes of {len(missing)} file(s) were missing from "
              f"{store.root}: {', '.join(missing[:5])}", file=err)
    return bool(missing)


def _client_config(url: str, args: argparse.Namespace, out: TextIO) -> None:
    if not 1 <= args.port <= 65535:
        raise AdminError("--port must be between 1 and 65535")
    try:
        lines = trust_lines(url, args.data_dir, args.tls_cert, args.port, args.host)
    except TlsError as error:
        raise AdminError(str(error)) from None
    print("\n".join(lines), file=out)


def _show_message(engine: Engine, message_id: int, out: TextIO) -> None:
    found = _read(engine, lambda conn: lifecycle.message_history(conn, message_id))
    if found is None:
        raise AdminError(f"no message {message_id}")
    message, edits = found
    if message.room_id is not None:
        where = f"room {message.room_id}"
    elif message.recipient is not None:
        where = f"to {message.recipient}"
    else:
        where = "general room"
    print(f"message {message.id} (change {message.seq}) from {message.sender}, {where}",
          file=out)
    print(f"sent     {_when(message.created_at)}", file=out)
    if message.reply_to is not None:
        print(f"answers  message {message.reply_to}", file=out)
    # Every body it had, oldest first, each with the moment it was replaced.
    for edit in edits:
        label = "deleted " if edit.deletion else "edited  "
        print(f"{label} {_when(edit.replaced_at)}; before that it said:", file=out)
        print(_indented(edit.body), file=out)
    if message.deleted:
        print("now      deleted", file=out)
    else:
        print("now it says:", file=out)
        print(_indented(message.body), file=out)
        for emoji, users in message.reactions:
            print(f"reaction {emoji} {', '.join(users)}", file=out)


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _indented(body: str) -> str:
    return "\n".join(f"    {line}" for line in body.split("\n"))


def _use_utf8(stream: TextIO | None, *, reading: bool = False) -> None:
    """Switch one of the process's standard streams to UTF-8 (see the module
    docstring); a byte order mark that Notepad put before a password is
    not part of it."""
    if isinstance(stream, io.TextIOWrapper):
        if reading:
            stream.reconfigure(encoding="utf-8-sig", errors="strict")
        else:
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def main(argv: list[str] | None = None, *, stdin: TextIO | None = None,
         stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run one admin command; returns the exit status (0 done, 1 failed).

    The streams default to the process's own, switched to UTF-8.
    """
    if stdin is None:
        stdin = sys.stdin
        _use_utf8(stdin, reading=True)
    if stdout is None:
        stdout = sys.stdout
        _use_utf8(stdout)
    if stderr is None:
        stderr = sys.stderr
        _use_utf8(stderr)
    out, err = stdout, stderr
    args = build_parser().parse_args(argv)
    url = args.database or default_database_url()
    store = FileStore(files_dir_for(url, args.data_dir, args.files_dir))
    try:
        if args.command == "backup" and is_postgresql(url):
            raise AdminError("PostgreSQL databases are backed up with its own tools: "
                             "pg_dump -Fc -f DEST DBNAME, and the files directory copied "
                             "after it (README, \"Larger installations\")")
        if args.command == "migrate-to":
            _open(url).dispose()  # the source must exist

            def progress(table: str, rows: int) -> None:
                print(f"  {table}: {rows} rows", file=err)

            print(f"copying {url} into {_redacted(args.target)}", file=err)
            copy_database(url, args.target, progress)
            print("done: every table's rows counted again on both sides and equal", file=err)
            if args.to_files_dir is None:
                return 0
            source = _open(url)  # (a file's bytes missing here: 1)
            missing = _copy_contents(source, store, args.to_files_dir, err)
            source.dispose()
            return 1 if missing else 0
        if args.command == "client-config":
            _client_config(url, args, out)
            return 0
        engine = _open(url)
        try:
            if args.command == "backup":
                _backup(url, engine, store, args.dest, err)
            elif args.command == "files":
                _list_files(engine, args.limit, out)
            elif args.command == "delete-file":
                _delete_file(engine, store, args.file_id, err)
            elif args.command == "list-users":
                _list_users(engine, out, args.confusable)
            elif args.command == "reset-password":
                _reset_password(engine, args, stdin, out, err)
            elif args.command in ("disable", "enable"):
                _set_disabled(engine, args.name, args.command == "disable", err)
            elif args.command == "message":
                _show_message(engine, args.id, out)
        finally:
            engine.dispose()
    except (AdminError, BackupError, TransferError) as error:
        print(f"error: {error}", file=err)
        return 1
    except (SQLAlchemyError, sqlite3.Error, OSError) as error:
        print(f"error: {error}", file=err)
        return 1
    except UnicodeDecodeError:
        print("error: standard input is not UTF-8 text", file=err)
        return 1
    return 0
