"""The queries of remembered sessions and status (PROTOCOL-2.md).

A remembered session is a row of ``remembered_sessions``: the SHA-256 of a
"keep me logged in" token (never the token), the account, what the client
called itself, and when it was made and last used.  These functions find,
use, list and revoke them; the server decides when (``server/sessions.py``).
Like :mod:`db.queries`, each takes a connection whose caller owns the
transaction and returns plain records.

The account's status lives on ``accounts`` (``status``, ``status_text``)
and is set here too: the feature that owns it is the same one.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from .models import Account, RememberedSession
from .queries import AccountRecord, get_account, set_password_hash
from .queries import set_disabled as queries_set_disabled

__all__ = [
    "RememberedRecord",
    "change_password",
    "create_session",
    "delete_expired",
    "list_sessions",
    "resume_session",
    "revoke_all",
    "revoke_others",
    "revoke_session",
    "set_disabled",
    "set_status",
]


class RememberedRecord(NamedTuple):
    """One remembered session of an account, as the ``sessions`` list shows it."""

    id: int
    client: str
    created_at: datetime
    last_used_at: datetime


def create_session(conn: Connection, account_id: int, token_hash: bytes, client: str,
                   now: datetime) -> int:
    """Remember a new session of ``account_id``; returns its id."""
    return conn.execute(insert(RememberedSession).values(  # type: ignore[no-any-return]
        account_id=account_id, token_hash=token_hash, client=client, created_at=now,
        last_used_at=now)).inserted_primary_key[0]  # type: ignore[index]


def resume_session(conn: Connection, token_hash: bytes, now: datetime, unused_since: datetime,
                   client: str | None) -> tuple[int, AccountRecord] | None:
    """Use the session with this token hash: mark it used now and return it
    with its account.

    A session last used before ``unused_since`` has expired and is deleted;
    an account that is disabled has no sessions to resume.

    Returns:
        The session's id and its account, or None (no such session, or it
        expired, or its account is disabled).
    """
    row = conn.execute(
        select(RememberedSession.id, RememberedSession.account_id, RememberedSession.last_used_at)
        .where(RememberedSession.token_hash == token_hash)
    ).one_or_none()
    if row is None:
        return None
    session_id, account_id, last_used_at = row
    account = get_account(conn, account_id)
    if account is None or last_used_at < unused_since or account.disabled:
        conn.execute(delete(RememberedSession).where(RememberedSession.id == session_id))
        return None
    values: dict[str, object] = {"last_used_at": now}
    if client is not None:
        values["client"] = client
    conn.execute(update(RememberedSession).where(RememberedSession.id == session_id)
                 .values(**values))
    return session_id, account


def list_sessions(conn: Connection, account_id: int,
                  unused_since: datetime) -> list[RememberedRecord]:
    """The account's sessions that have not expired, most recently used first."""
    rows = conn.execute(
        select(RememberedSession.id, RememberedSession.client, RememberedSession.created_at,
               RememberedSession.last_used_at)
        .where(RememberedSession.account_id == account_id,
               RememberedSession.last_used_at >= unused_since)
        .order_by(RememberedSession.last_used_at.desc(), RememberedSession.id.desc())
    ).all()
    return [RememberedRecord(*row) for row in rows]


def revoke_session(conn: Connection, account_id: int, session_id: int) -> bool:
    """Forget one session of ``account_id``; False when it has no such session."""
    result = conn.execute(delete(RememberedSession).where(
        RememberedSession.id == session_id, RememberedSession.account_id == account_id))
    return result.rowcount > 0


def revoke_others(conn: Connection, account_id: int, keep: int | None) -> list[int]:
    """Forget every session of ``account_id`` but ``keep``; returns the ids forgotten."""
    condition = RememberedSession.account_id == account_id
    if keep is not None:
        condition = condition & (RememberedSession.id != keep)
    ids = list(conn.execute(select(RememberedSession.id).where(condition)).scalars())
    if ids:
        conn.execute(delete(RememberedSession).where(RememberedSession.id.in_(ids)))
    return ids


def change_password(conn: Connection, account_id: int, password_hash: bytes,
                    keep: int | None) -> list[int]:
    """Replace an account's password hash and forget every session but ``keep``
    (they were remembered with the old password); returns the ids forgotten."""
    set_password_hash(conn, account_id, password_hash)
    return revoke_others(conn, account_id, keep)


def set_disabled(conn: Connection, account_id: int, disabled: bool) -> list[int]:
    """Disable (and forget every session of) or re-enable an account; returns
    the ids of the sessions forgotten."""
    queries_set_disabled(conn, account_id, disabled)
    return revoke_all(conn, account_id) if disabled else []


def revoke_all(conn: Connection, account_id: int) -> list[int]:
    """Forget every session of ``account_id``; returns the ids forgotten."""
    return revoke_others(conn, account_id, None)


def delete_expired(conn: Connection, unused_since: datetime) -> int:
    """Forget every session last used before ``unused_since``; returns how many."""
    return conn.execute(delete(RememberedSession).where(
        RememberedSession.last_used_at < unused_since)).rowcount


def set_status(conn: Connection, account_id: int, status: str,
               status_text: str | None) -> AccountRecord | None:
    """Set an account's status (and its text, unless None); returns the account as it is now."""
    values: dict[str, object] = {"status": status}
    if status_text is not None:
        values["status_text"] = status_text
    conn.execute(update(Account).where(Account.id == account_id).values(**values))
    return get_account(conn, account_id)
