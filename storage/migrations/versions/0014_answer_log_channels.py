"""Answer ratings on every messenger: the answer log names the asker by (channel, account) instead of a
Telegram user id, and its chat is a string; existing rows are Telegram's, their ids kept as text.

Revision ID: 0014_answer_log_channels
Revises: 0013_alert_channels
"""

from alembic import op
import sqlalchemy as sa


revision = '0014_answer_log_channels'
down_revision = '0013_alert_channels'
branch_labels = None
depends_on = None

ACCOUNT = sa.String(64)
CHAT = sa.String(128)


def upgrade() -> None:
    with op.batch_alter_table('answer_log') as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(16), nullable=False, server_default='telegram'))
        batch_op.alter_column('telegram_user_id', new_column_name='account', type_=ACCOUNT,
                              existing_type=sa.BigInteger(), existing_nullable=True,
                              postgresql_using='telegram_user_id::text')
        batch_op.alter_column('chat_id', type_=CHAT, existing_type=sa.BigInteger(), existing_nullable=True,
                              postgresql_using='chat_id::text')


def downgrade() -> None:
    # Another messenger's ids do not fit Telegram's integers: those answers and ratings stay, without who asked.
    op.execute("UPDATE answer_log SET account = NULL, chat_id = NULL WHERE channel <> 'telegram'")
    with op.batch_alter_table('answer_log') as batch_op:
        batch_op.alter_column('account', new_column_name='telegram_user_id', type_=sa.BigInteger(),
                              existing_type=ACCOUNT, existing_nullable=True, postgresql_using='account::bigint')
        batch_op.alter_column('chat_id', type_=sa.BigInteger(), existing_type=CHAT, existing_nullable=True,
                              postgresql_using='chat_id::bigint')
        batch_op.drop_column('channel')
