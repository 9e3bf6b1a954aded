"""Index my direct messages by sender and id, for the third part of sync.

``sync`` pages forward by id through what I sent to anyone.  The only index
that had those messages was (sender_id, recipient_id, id), which keeps them
grouped by recipient, so each page read every direct message the user ever
sent and sorted them; for someone who had sent 400,000 that was the whole
cost of a sync.  The new index keeps them in id order; recipient_id is its
last column only so that sync's "not to myself" filter needs no table
lookup.  It is partial (``recipient_id IS NOT NULL``): general-room messages
have their own index already.

(``postgresql_where`` too: the same partial index where the database is
PostgreSQL, on which this revision was first run in version 2.)

Creating it reads the messages table once; on a large database the first
start after the upgrade takes that long.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_sender_id_id_direct',
                              ['sender_id', 'id', 'recipient_id'], unique=False,
                              sqlite_where=sa.text('recipient_id IS NOT NULL'),
                              postgresql_where=sa.text('recipient_id IS NOT NULL'))


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_sender_id_id_direct')
