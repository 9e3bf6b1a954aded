"""The queries of issue 12's hardening: settings of the installation,
password hash costs, and names' confusable skeletons.

Kept apart from :mod:`db.queries` (messages and accounts' everyday
reads and writes), with the same rules: each function takes a connection
whose caller owns the transaction, and returns plain values.
"""

from __future__ import annotations

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from .models import Account, ServerSetting

__all__ = ["BCRYPT_ROUNDS", "accounts_without_skeleton", "get_setting", "hash_cost_prefixes",
           "replace_password_hash", "set_setting", "set_username_skeletons",
           "skeleton_taken", "username_skeletons"]

#: The setting that holds the bcrypt cost the server runs with, so that the
#: admin CLI hashes at the same cost (a hash of another cost would answer a
#: wrong password in another time than a name that does not exist).
BCRYPT_ROUNDS = "bcrypt_rounds"


def get_setting(conn: Connection, key: str) -> str | None:
    """A setting's value, or None if it was never set."""
    return conn.execute(select(ServerSetting.value).where(ServerSetting.key == key)).scalar()


def set_setting(conn: Connection, key: str, value: str) -> None:
    """Set a setting, replacing its value."""
    if conn.dialect.name == "sqlite":
        statement = sqlite_insert(ServerSetting).values(key=key, value=value)
        conn.execute(statement.on_conflict_do_update(index_elements=[ServerSetting.key],
                                                     set_={"value": value}))
        return
    if conn.execute(update(ServerSetting).where(ServerSetting.key == key)
                    .values(value=value)).rowcount == 0:
        conn.execute(insert(ServerSetting).values(key=key, value=value))


def hash_cost_prefixes(conn: Connection) -> list[bytes]:
    """The distinct beginnings of the stored password hashes (``$2b$12$``:
    algorithm and cost), from which the slowest stored cost is read."""
    rows = conn.execute(select(func.substr(Account.password_hash, 1, 7)).distinct())
    return [bytes(prefix) for prefix in rows.scalars() if prefix is not None]


def replace_password_hash(conn: Connection, account_id: int, old_hash: bytes,
                          new_hash: bytes) -> bool:
    """Replace an account's hash if it is still ``old_hash`` (a rehash must
    not undo a password change made meanwhile); whether it did."""
    result = conn.execute(update(Account)
                          .where(Account.id == account_id, Account.password_hash == old_hash)
                          .values(password_hash=new_hash))
    return result.rowcount > 0


def accounts_without_skeleton(conn: Connection) -> list[tuple[int, str]]:
    """(id, username) of the accounts whose skeleton was never computed."""
    rows = conn.execute(select(Account.id, Account.username)
                        .where(Account.username_skeleton.is_(None)))
    return [(row.id, row.username) for row in rows]


def set_username_skeletons(conn: Connection, skeletons: dict[int, str]) -> None:
    """Store the skeletons of these accounts (by id)."""
    for account_id, skeleton in skeletons.items():
        conn.execute(update(Account).where(Account.id == account_id)
                     .values(username_skeleton=skeleton))


def skeleton_taken(conn: Connection, skeleton: str) -> bool:
    """Whether an account's name has this skeleton."""
    return conn.execute(select(Account.id).where(Account.username_skeleton == skeleton)
                        .limit(1)).first() is not None


def username_skeletons(conn: Connection) -> list[tuple[str, str | None]]:
    """Every account's (username, skeleton), oldest account first."""
    rows = conn.execute(select(Account.username, Account.username_skeleton)
                        .order_by(Account.id))
    return [(row.username, row.username_skeleton) for row in rows]
