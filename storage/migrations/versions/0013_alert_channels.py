"""Alerts on every messenger: reminders and group subscriptions name their channel, and a chat is a
string (a Telegram chat id as text, a DingTalk user id or openConversationId); existing rows are
Telegram's.

Revision ID: 0013_alert_channels
Revises: 0012_leave_meeting
"""

from alembic import op
import sqlalchemy as sa


revision = '0013_alert_channels'
down_revision = '0012_leave_meeting'
branch_labels = None
depends_on = None

CHAT = sa.String(128)


def upgrade() -> None:
    with op.batch_alter_table('alert_subscriptions') as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(16), nullable=False, server_default='telegram'))
        batch_op.drop_constraint('uq_alert_subscriptions_chat_id', type_='unique')
        batch_op.drop_index('ix_alert_subscriptions_chat_id')
        batch_op.alter_column('chat_id', type_=CHAT, existing_type=sa.BigInteger(), existing_nullable=False,
                              postgresql_using='chat_id::text')
        batch_op.create_unique_constraint('uq_alert_subscriptions_channel', ['channel', 'chat_id', 'kind'])
        batch_op.create_index('ix_alert_subscriptions_chat_id', ['chat_id'], unique=False)
    with op.batch_alter_table('reminders') as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(16), nullable=False, server_default='telegram'))
        batch_op.drop_constraint('uq_reminders_deadline_id', type_='unique')
        batch_op.drop_index('ix_reminders_chat_claimed')
        batch_op.alter_column('chat_id', type_=CHAT, existing_type=sa.BigInteger(), existing_nullable=False,
                              postgresql_using='chat_id::text')
        batch_op.create_unique_constraint('uq_reminders_deadline_id', ['deadline_id', 'lead', 'channel', 'chat_id'])
        batch_op.create_index('ix_reminders_chat_claimed', ['channel', 'chat_id', 'claimed_at'], unique=False)


def downgrade() -> None:
    op.execute("DELETE FROM reminders WHERE channel <> 'telegram'")
    op.execute("DELETE FROM alert_subscriptions WHERE channel <> 'telegram'")
    with op.batch_alter_table('reminders') as batch_op:
        batch_op.drop_index('ix_reminders_chat_claimed')
        batch_op.drop_constraint('uq_reminders_deadline_id', type_='unique')
        batch_op.alter_column('chat_id', type_=sa.BigInteger(), existing_type=CHAT, existing_nullable=False,
                              postgresql_using='chat_id::bigint')
        batch_op.create_unique_constraint('uq_reminders_deadline_id', ['deadline_id', 'lead', 'chat_id'])
        batch_op.create_index('ix_reminders_chat_claimed', ['chat_id', 'claimed_at'], unique=False)
        batch_op.drop_column('channel')
    with op.batch_alter_table('alert_subscriptions') as batch_op:
        batch_op.drop_index('ix_alert_subscriptions_chat_id')
        batch_op.drop_constraint('uq_alert_subscriptions_channel', type_='unique')
        batch_op.alter_column('chat_id', type_=sa.BigInteger(), existing_type=CHAT, existing_nullable=False,
                              postgresql_using='chat_id::bigint')
        batch_op.create_unique_constraint('uq_alert_subscriptions_chat_id', ['chat_id', 'kind'])
        batch_op.create_index('ix_alert_subscriptions_chat_id', ['chat_id'], unique=False)
        batch_op.drop_column('channel')
