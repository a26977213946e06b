"""qa_contexts: the last question of each person in each chat, per channel (Q&A follow-ups)

Revision ID: 0009_qa_context
Revises: 0010_web_links
"""

from alembic import op
import sqlalchemy as sa
import storage.base


revision = '0009_qa_context'
down_revision = '0010_web_links'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('qa_contexts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('chat_id', sa.String(length=64), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('asked_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qa_contexts')),
    sa.UniqueConstraint('channel', 'chat_id', 'account', name=op.f('uq_qa_contexts_channel'))
    )


def downgrade() -> None:
    op.drop_table('qa_contexts')
