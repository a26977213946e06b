"""dialogs, handled_updates, update_inbox: the open form of each person in each chat, per channel; the
updates applied; the updates received and not yet handled

Revision ID: 0006_dialogs
Revises: 0005_merge_features
"""

from alembic import op
import sqlalchemy as sa
import storage.base


revision = '0006_dialogs'
down_revision = '0005_merge_features'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dialogs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('chat_id', sa.String(length=64), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('flow', sa.String(length=32), nullable=False),
    sa.Column('step', sa.String(length=32), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dialogs')),
    sa.UniqueConstraint('channel', 'chat_id', 'account', name=op.f('uq_dialogs_channel'))
    )
    op.create_table('handled_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('update_id', sa.String(length=64), nullable=False),
    sa.Column('handled_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handled_updates')),
    sa.UniqueConstraint('channel', 'update_id', name=op.f('uq_handled_updates_channel'))
    )
    with op.batch_alter_table('handled_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handled_updates_handled_at'), ['handled_at'], unique=False)

    op.create_table('update_inbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('update_id', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('received_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('done_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_update_inbox')),
    sa.UniqueConstraint('channel', 'update_id', name=op.f('uq_update_inbox_channel'))
    )
    with op.batch_alter_table('update_inbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_update_inbox_done_at'), ['done_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('update_inbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_update_inbox_done_at'))
    op.drop_table('update_inbox')
    with op.batch_alter_table('handled_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handled_updates_handled_at'))
    op.drop_table('handled_updates')
    op.drop_table('dialogs')
