"""accounts: each person's id per messenger (telegram, dingtalk), moved out of people.telegram_id;
handled_updates keep the answer until it is delivered

Revision ID: 0007_accounts
Revises: 0006_dialogs
"""

from alembic import op
import sqlalchemy as sa
import storage.base


revision = '0007_accounts'
down_revision = '0006_dialogs'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_accounts_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('channel', 'account', name=op.f('uq_accounts_channel')),
    sa.UniqueConstraint('person_id', 'channel', name=op.f('uq_accounts_person_id'))
    )
    with op.batch_alter_table('handled_updates') as batch_op:
        batch_op.add_column(sa.Column('response', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('delivered_at', storage.base.UTCDateTime(timezone=True), nullable=True))
    # Every registered person keeps their Telegram id, now as their Telegram account.
    op.execute("INSERT INTO accounts (person_id, channel, account) "
               "SELECT id, 'telegram', CAST(telegram_id AS VARCHAR(64)) FROM people")
    with op.batch_alter_table('people') as batch_op:
        batch_op.drop_constraint('uq_people_telegram_id', type_='unique')
        batch_op.drop_column('telegram_id')


def downgrade() -> None:
    # People with no Telegram account (DingTalk only) cannot be kept in the old schema: refuse rather than drop them.
    missing = op.get_bind().execute(sa.text(
        "SELECT COUNT(*) FROM people WHERE id NOT IN (SELECT person_id FROM accounts WHERE channel = 'telegram')"
    )).scalar()
    if missing:
        raise RuntimeError(f"{missing} people have no Telegram account; give them one before downgrading")
    with op.batch_alter_table('people') as batch_op:
        batch_op.add_column(sa.Column('telegram_id', sa.BigInteger(), nullable=True))
    op.execute("UPDATE people SET telegram_id = (SELECT CAST(account AS BIGINT) FROM accounts "
               "WHERE accounts.person_id = people.id AND accounts.channel = 'telegram')")
    with op.batch_alter_table('people') as batch_op:
        batch_op.alter_column('telegram_id', nullable=False)
        batch_op.create_unique_constraint('uq_people_telegram_id', ['telegram_id'])
    op.drop_table('accounts')
    with op.batch_alter_table('handled_updates') as batch_op:
        batch_op.drop_column('delivered_at')
        batch_op.drop_column('response')
