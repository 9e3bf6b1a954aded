"""Initial schema: accounts, messages, direct read markers.

Timestamps are plain DateTime here: db.models.UTCDateTime only changes how
Python sees them, not how they are stored.

The boolean default is ``sa.false()``, which SQLite renders as ``0`` (what
this revision first wrote, ``sa.text('0')``) and PostgreSQL as ``false``
(it refuses an integer default for a boolean column).  Ids are ``ID``:
INTEGER on SQLite, as first written, and BIGINT on PostgreSQL.

Revision ID: 0001
Revises: 
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Ids: INTEGER on SQLite (the rowid), BIGINT on PostgreSQL (db.models.ID_TYPE,
#: spelled out here so that this revision keeps meaning what it meant).
ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('accounts',
    sa.Column('id', ID, nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('username_key', sa.String(length=128), nullable=False),
    sa.Column('password_hash', sa.LargeBinary(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('general_read_id', sa.BigInteger(), nullable=False),
    sa.Column('disabled', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('username_key', name=op.f('uq_accounts_username_key'))
    )
    op.create_table('direct_read_markers',
    sa.Column('reader_id', ID, nullable=False),
    sa.Column('peer_id', ID, nullable=False),
    sa.Column('last_read_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['peer_id'], ['accounts.id'], name=op.f('fk_direct_read_markers_peer_id_accounts')),
    sa.ForeignKeyConstraint(['reader_id'], ['accounts.id'], name=op.f('fk_direct_read_markers_reader_id_accounts')),
    sa.PrimaryKeyConstraint('reader_id', 'peer_id', name=op.f('pk_direct_read_markers'))
    )
    op.create_table('messages',
    sa.Column('id', ID, nullable=False),
    sa.Column('sender_id', ID, nullable=False),
    sa.Column('recipient_id', ID, nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['recipient_id'], ['accounts.id'], name=op.f('fk_messages_recipient_id_accounts')),
    sa.ForeignKeyConstraint(['sender_id'], ['accounts.id'], name=op.f('fk_messages_sender_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    sa.UniqueConstraint('sender_id', 'idempotency_key', name='uq_messages_sender_id_key')
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_recipient_id_id', ['recipient_id', 'id'], unique=False)
        batch_op.create_index('ix_messages_sender_id_recipient_id_id', ['sender_id', 'recipient_id', 'id'], unique=False)

def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_sender_id_recipient_id_id')
        batch_op.drop_index('ix_messages_recipient_id_id')

    op.drop_table('messages')
    op.drop_table('direct_read_markers')
    op.drop_table('accounts')
