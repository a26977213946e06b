"""pending_cards: the drafts behind unconfirmed cards (确认提交 / 放弃), per channel, chat and person

Revision ID: 0011_pending_cards
Revises: 0009_qa_context
"""

from alembic import op
import sqlalchemy as sa
import storage.base


revision = '0011_pending_cards'
down_revision = '0009_qa_context'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pending_cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('chat_id', sa.String(length=64), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('flow', sa.String(length=32), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_cards')),
    sa.UniqueConstraint('token', name=op.f('uq_pending_cards_token'))
    )
    op.create_index(op.f('ix_pending_cards_created_at'), 'pending_cards', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_pending_cards_created_at'), table_name='pending_cards')
    op.drop_table('pending_cards')
