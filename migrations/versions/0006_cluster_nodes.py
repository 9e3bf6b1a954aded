"""Several server processes on one PostgreSQL database: nodes and their presence.

``cluster_nodes`` lists the server processes sharing the database, each
with a heartbeat renewed every second; ``node_presence`` the accounts with
a session on each; ``cluster_changes`` one row counting the changes to
rooms that nodes announced.  The union over live nodes is who is online
in the whole chat (server/cluster.py).  SQLite gets the same tables,
unused: one process serves it alone.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Ids: INTEGER on SQLite, BIGINT on PostgreSQL (db.models.ID_TYPE).
ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('cluster_nodes',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cluster_nodes'))
    )
    op.create_table('node_presence',
    sa.Column('node_id', sa.String(length=32), nullable=False),
    sa.Column('account_id', ID, nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_node_presence_account_id_accounts')),
    sa.ForeignKeyConstraint(['node_id'], ['cluster_nodes.id'], name=op.f('fk_node_presence_node_id_cluster_nodes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('node_id', 'account_id', name=op.f('pk_node_presence'))
    )
    # One row: the count of changes to rooms announced (db.models.ClusterChanges).
    changes = op.create_table('cluster_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cluster_changes'))
    )
    op.bulk_insert(changes, [{'id': 1, 'count': 0}])


def downgrade() -> None:
    op.drop_table('cluster_changes')
    op.drop_table('node_presence')
    op.drop_table('cluster_nodes')
