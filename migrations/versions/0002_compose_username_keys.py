"""Compose stored username keys: a key is NFC(casefold(NFC(name))).

Keys used to be casefold(NFC(name)), which is not always NFC itself (``ΐ``
folds to three code points; ``İ`` folds to ``i`` plus a combining dot that
can stand out of canonical order before other marks).  Two spellings of one
name could then get different keys.  protocol.rules.username_key now
composes the folded form; this rewrites the keys stored before, so that
those accounts are found again at login.  Data only, no schema change.

The rule is spelled out here rather than imported, so that this migration
keeps meaning what it meant when it was written.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("besedka.db")

accounts = sa.table(
    "accounts",
    sa.column("id", sa.Integer),
    sa.column("username", sa.String),
    sa.column("username_key", sa.String),
)


def _rewrite_keys(new_key: dict[int, str]) -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(accounts.c.id, accounts.c.username_key).order_by(accounts.c.id)).all()
    taken = {key for _, key in rows}
    for account_id, key in rows:
        wanted = new_key[account_id]
        if wanted == key:
            continue
        if wanted in taken:
            # Two accounts the old rule told apart but the new one does not:
            # keep both; this one keeps its old key.
            log.warning("account %d keeps username key %r: %r is taken", account_id, key, wanted)
            continue
        connection.execute(
            sa.update(accounts).where(accounts.c.id == account_id).values(username_key=wanted)
        )
        taken.discard(key)
        taken.add(wanted)


def upgrade() -> None:
    connection = op.get_bind()
    _rewrite_keys({
        account_id: unicodedata.normalize("NFC", key)
        for account_id, key in connection.execute(
            sa.select(accounts.c.id, accounts.c.username_key))
    })


def downgrade() -> None:
    connection = op.get_bind()
    _rewrite_keys({
        account_id: unicodedata.normalize("NFC", username).casefold()
        for account_id, username in connection.execute(
            sa.select(accounts.c.id, accounts.c.username))
    })
