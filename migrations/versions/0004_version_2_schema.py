"""Version 2: rooms, change numbers, edits, reactions, mentions, files, sessions, status.

Everything PROTOCOL-2.md stores, in one revision, so that the features built
on it share one settled schema:

* ``rooms`` and ``room_members`` (role, join time, read marker);
* on ``messages``: ``room_id``, the change number ``seq``, ``edited_at``,
  ``deleted_at`` (a tombstone), ``reply_to_id`` and ``file_id``;
  ``message_edits`` keeps the bodies that edits and deletions replaced;
* ``reactions`` and ``mentions``;
* ``files`` (bytes kept outside the database by SHA-256) and ``uploads``
  (interrupted uploads resume);
* ``remembered_sessions`` (hashed "keep me logged in" tokens);
* on ``accounts``: status, status text, avatar and the name's confusable
  skeleton; ``server_settings`` for what the installation must agree on
  (the bcrypt cost).

Existing messages get ``seq = id``: ids were given in the order messages
were stored, so the change numbers start out in the same order, and the
next change takes the next number after the highest.

Messages that carry a file are indexed by it (``ix_messages_file_id``,
partial): a download is allowed to whoever sees such a message.

The general room's index gains ``room_id`` (``recipient_id, room_id, id``),
so that its history and unread counts never read room messages, and room
history reads only its own.

Adding ``seq`` as NOT NULL rebuilds the messages table: on a large database
the first start after the upgrade takes a while (about a second per few
hundred thousand messages), and the server copies the database aside first.
Downgrading deletes what version 1 cannot show (room messages, deleted
messages) along with the new tables.

Ids are ``ID``: INTEGER on SQLite, BIGINT on PostgreSQL (db.models.ID_TYPE).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

log = logging.getLogger("besedka.db")

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Ids: INTEGER on SQLite (the rowid), BIGINT on PostgreSQL (db.models.ID_TYPE,
#: spelled out here so that this revision keeps meaning what it meant).
ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('rooms',
    sa.Column('id', ID, nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('topic', sa.String(length=500), server_default='', nullable=False),
    sa.Column('public', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rooms'))
    )
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.create_index('ix_rooms_public', ['public'], unique=False)

    op.create_table('server_settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_server_settings'))
    )
    op.create_table('files',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('mime', sa.String(length=255), nullable=False),
    sa.Column('uploader_id', ID, nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['uploader_id'], ['accounts.id'], name=op.f('fk_files_uploader_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_files'))
    )
    with op.batch_alter_table('files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_files_sha256'), ['sha256'], unique=False)
        batch_op.create_index('ix_files_uploader_id_sha256', ['uploader_id', 'sha256'], unique=False)

    op.create_table('remembered_sessions',
    sa.Column('id', ID, nullable=False),
    sa.Column('account_id', ID, nullable=False),
    sa.Column('token_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('client', sa.String(length=100), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_remembered_sessions_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remembered_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_remembered_sessions_token_hash'))
    )
    with op.batch_alter_table('remembered_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remembered_sessions_account_id'), ['account_id'], unique=False)

    op.create_table('room_members',
    sa.Column('room_id', ID, nullable=False),
    sa.Column('account_id', ID, nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('joined_at', sa.DateTime(), nullable=False),
    sa.Column('last_read_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_room_members_account_id_accounts')),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_room_members_room_id_rooms')),
    sa.PrimaryKeyConstraint('room_id', 'account_id', name=op.f('pk_room_members'))
    )
    with op.batch_alter_table('room_members', schema=None) as batch_op:
        batch_op.create_index('ix_room_members_account_id_room_id', ['account_id', 'room_id'], unique=False)

    op.create_table('uploads',
    sa.Column('id', ID, nullable=False),
    sa.Column('account_id', ID, nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('mime', sa.String(length=255), nullable=False),
    sa.Column('received', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_uploads_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_uploads'))
    )
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.create_index('ix_uploads_account_id_sha256', ['account_id', 'sha256'], unique=False)

    op.create_table('mentions',
    sa.Column('message_id', ID, nullable=False),
    sa.Column('account_id', ID, nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_mentions_account_id_accounts')),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_mentions_message_id_messages')),
    sa.PrimaryKeyConstraint('message_id', 'account_id', name=op.f('pk_mentions'))
    )
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.create_index('ix_mentions_account_id_message_id', ['account_id', 'message_id'], unique=False)

    op.create_table('message_edits',
    sa.Column('id', ID, nullable=False),
    sa.Column('message_id', ID, nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('file_id', sa.String(length=32), nullable=True),
    sa.Column('replaced_at', sa.DateTime(), nullable=False),
    sa.Column('deletion', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_message_edits_message_id_messages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_edits'))
    )
    with op.batch_alter_table('message_edits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_edits_message_id'), ['message_id'], unique=False)

    op.create_table('reactions',
    sa.Column('id', ID, nullable=False),
    sa.Column('message_id', ID, nullable=False),
    sa.Column('account_id', ID, nullable=False),
    sa.Column('emoji', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_reactions_account_id_accounts')),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_reactions_message_id_messages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reactions')),
    sa.UniqueConstraint('message_id', 'account_id', 'emoji', name='uq_reactions_message_id_account_id_emoji')
    )
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('username_skeleton', sa.String(length=256), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=16), server_default='available', nullable=False))
        batch_op.add_column(sa.Column('status_text', sa.String(length=80), server_default='', nullable=False))
        batch_op.add_column(sa.Column('avatar_file_id', sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f('ix_accounts_username_skeleton'), ['username_skeleton'], unique=False)

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('room_id', ID, nullable=True))
        batch_op.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('edited_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('reply_to_id', ID, nullable=True))
        batch_op.add_column(sa.Column('file_id', sa.String(length=32), nullable=True))

    count = op.get_bind().exec_driver_sql("SELECT count(*) FROM messages").scalar_one()
    if count:
        log.info("numbering %d stored messages for version 2 and rebuilding their indexes", count)
    op.execute("UPDATE messages SET seq = id")

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.BigInteger(), nullable=False)
        batch_op.drop_index('ix_messages_recipient_id_id')
        batch_op.create_index('ix_messages_recipient_id_room_id_id', ['recipient_id', 'room_id', 'id'], unique=False)
        batch_op.create_index('ix_messages_recipient_id_room_id_seq', ['recipient_id', 'room_id', 'seq'], unique=False)
        batch_op.create_index('ix_messages_sender_id_seq_direct', ['sender_id', 'seq', 'recipient_id'], unique=False, sqlite_where=sa.text('recipient_id IS NOT NULL'), postgresql_where=sa.text('recipient_id IS NOT NULL'))
        batch_op.create_index('ix_messages_seq', ['seq'], unique=True)
        batch_op.create_index('ix_messages_file_id', ['file_id'], unique=False, sqlite_where=sa.text('file_id IS NOT NULL'), postgresql_where=sa.text('file_id IS NOT NULL'))
        batch_op.create_foreign_key(batch_op.f('fk_messages_room_id_rooms'), 'rooms', ['room_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_messages_file_id_files'), 'files', ['file_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_messages_reply_to_id_messages'), 'messages', ['reply_to_id'], ['id'])
    if count:
        log.info("version 2 schema ready")



def downgrade() -> None:
    # Version 1 cannot show room messages or tombstones: they go, after the
    # rows that refer to messages (reactions, mentions, old bodies, replies).
    op.drop_table('reactions')
    with op.batch_alter_table('message_edits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_edits_message_id'))
    op.drop_table('message_edits')
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.drop_index('ix_mentions_account_id_message_id')
    op.drop_table('mentions')
    # A file without a caption keeps what version 2 shows version 1 for it.
    op.execute("UPDATE messages SET body = '\U0001f4ce ' || "
               "(SELECT name FROM files WHERE files.id = messages.file_id) "
               "WHERE file_id IS NOT NULL AND body = ''")
    op.execute("UPDATE messages SET reply_to_id = NULL, file_id = NULL")
    op.execute("DELETE FROM messages WHERE room_id IS NOT NULL OR deleted_at IS NOT NULL")

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_messages_reply_to_id_messages'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_messages_file_id_files'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_messages_room_id_rooms'), type_='foreignkey')
        batch_op.drop_index('ix_messages_file_id', sqlite_where=sa.text('file_id IS NOT NULL'), postgresql_where=sa.text('file_id IS NOT NULL'))
        batch_op.drop_index('ix_messages_seq')
        batch_op.drop_index('ix_messages_sender_id_seq_direct', sqlite_where=sa.text('recipient_id IS NOT NULL'), postgresql_where=sa.text('recipient_id IS NOT NULL'))
        batch_op.drop_index('ix_messages_recipient_id_room_id_seq')
        batch_op.drop_index('ix_messages_recipient_id_room_id_id')
        batch_op.create_index('ix_messages_recipient_id_id', ['recipient_id', 'id'], unique=False)
        batch_op.drop_column('file_id')
        batch_op.drop_column('reply_to_id')
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('edited_at')
        batch_op.drop_column('seq')
        batch_op.drop_column('room_id')

    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not a rebuild: rebuilding
    # accounts would drop a table that every other table refers to.
    with op.batch_alter_table('accounts', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounts_username_skeleton'))
        batch_op.drop_column('avatar_file_id')
        batch_op.drop_column('status_text')
        batch_op.drop_column('status')
        batch_op.drop_column('username_skeleton')

    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.drop_index('ix_uploads_account_id_sha256')
    op.drop_table('uploads')
    with op.batch_alter_table('room_members', schema=None) as batch_op:
        batch_op.drop_index('ix_room_members_account_id_room_id')
    op.drop_table('room_members')
    with op.batch_alter_table('remembered_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remembered_sessions_account_id'))
    op.drop_table('remembered_sessions')
    with op.batch_alter_table('files', schema=None) as batch_op:
        batch_op.drop_index('ix_files_uploader_id_sha256')
        batch_op.drop_index(batch_op.f('ix_files_sha256'))
    op.drop_table('files')
    op.drop_table('server_settings')
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.drop_index('ix_rooms_public')
    op.drop_table('rooms')
