"""The direct-history index holds direct messages only.

``ix_messages_sender_id_recipient_id_id`` (direct history, one range per
direction, and per-peer unread counts) held every message, though every
query that reads it names a recipient.  It becomes partial (``recipient_id
IS NOT NULL``), as the two other sender indexes already are: a message to
the general room or to a room, nine in ten of a server's, then writes one
index leaf fewer when it is stored (bench/README.md, issue 20, "Fifth
session: the indexes").  SQLite uses a partial index only for a query whose
WHERE implies its condition; ``recipient_id = :x`` does, and
``tests/db/test_indexes.py`` holds every such query to the index.

Only the index is rebuilt (no table): it reads the messages once, so on a
large database the first start after the upgrade takes about that long
(0.6 s for a million messages, after the 3.5 s copy the server makes first;
bench/README.md).  The downgrade builds the full index again (1.9 s).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = 'ix_messages_sender_id_recipient_id_id'
COLUMNS = ['sender_id', 'recipient_id', 'id']
DIRECT = sa.text('recipient_id IS NOT NULL')


def upgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(INDEX)
        batch_op.create_index(INDEX, COLUMNS, unique=False,
                              sqlite_where=DIRECT, postgresql_where=DIRECT)


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(INDEX, sqlite_where=DIRECT, postgresql_where=DIRECT)
        batch_op.create_index(INDEX, COLUMNS, unique=False)
