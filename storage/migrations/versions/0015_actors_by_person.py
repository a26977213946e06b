"""Records name the person who acted, not their Telegram id, so that staff registered only on DingTalk
(or signed in on the web console) are recorded like everyone else: audit rows, leave decisions, the
creators of meetings, deadlines and subscriptions, and who closed a deadline get a person id, filled
from the Telegram accounts of the directory. A Telegram id stays only where it names nobody in the
directory now (an ADMIN_TELEGRAM_IDS administrator, or an account since replaced): such rows keep it
rather than lose who acted. Matching goes by the accounts people hold today. Open leave forms and
confirmation cards keep the filer as a person id too. Stop every replica before upgrading: a form an
older replica writes after this migration would name its filer the old way.

Revision ID: 0015_actors_by_person
Revises: 0014_answer_log_channels
"""

import json

from alembic import op
import sqlalchemy as sa


revision = '0015_actors_by_person'
down_revision = '0014_answer_log_channels'
branch_labels = None
depends_on = None

# (table, new person column, Telegram column it is filled from)
ACTOR_COLUMNS = (
    ('audit_log', 'actor_person_id', 'actor_telegram_id'),
    ('meetings', 'created_by_person_id', 'created_by_telegram_id'),
    ('deadlines', 'created_by_person_id', 'created_by_telegram_id'),
    ('deadlines', 'closed_by_person_id', 'closed_by_telegram_id'),
    ('alert_subscriptions', 'created_by_person_id', 'created_by_telegram_id'),
    ('leave_approvals', 'decided_by_person_id', 'decided_by_telegram_id'),
)


def _person_of(telegram_column: str) -> str:
    # Portable between SQLite and PostgreSQL: accounts.account is text, the old columns are integers.
    return (f"(SELECT accounts.person_id FROM accounts WHERE accounts.channel = 'telegram' "
            f"AND accounts.account = CAST({telegram_column} AS VARCHAR(64)))")


def _filer_to_person(table: str) -> None:
    """A stored form or card naming its filer by "telegram_id" names them by "person_id"."""
    connection = op.get_bind()
    rows = connection.execute(sa.text(f"SELECT id, data FROM {table}")).all()
    for row_id, data in rows:
        values = json.loads(data)
        if not isinstance(values, dict) or "telegram_id" not in values:
            continue
        person_id = connection.execute(
            sa.text("SELECT person_id FROM accounts WHERE channel = 'telegram' AND account = :account"),
            {"account": str(values.pop("telegram_id"))},
        ).scalar()
        if person_id is None:
            connection.execute(sa.text(f"DELETE FROM {table} WHERE id = :id"), {"id": row_id})
            continue
        values["person_id"] = person_id
        connection.execute(sa.text(f"UPDATE {table} SET data = :data WHERE id = :id"),
                           {"data": json.dumps(values, ensure_ascii=False), "id": row_id})


def upgrade() -> None:
    for table, person_column, _ in ACTOR_COLUMNS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column(person_column, sa.Integer(), nullable=True))
    for table, person_column, telegram_column in ACTOR_COLUMNS:
        op.execute(f"UPDATE {table} SET {person_column} = {_person_of(telegram_column)} "
                   f"WHERE {telegram_column} IS NOT NULL")
        op.execute(f"UPDATE {table} SET {telegram_column} = NULL WHERE {person_column} IS NOT NULL")
    op.create_index('ix_audit_log_actor_person_id', 'audit_log', ['actor_person_id'])
    _filer_to_person('dialogs')
    _filer_to_person('pending_cards')


def downgrade() -> None:
    op.drop_index('ix_audit_log_actor_person_id', 'audit_log')
    telegram_of = ("(SELECT CAST(accounts.account AS BIGINT) FROM accounts WHERE accounts.channel = 'telegram' "
                   "AND accounts.person_id = {column})")
    for table, person_column, telegram_column in ACTOR_COLUMNS:
        # Someone without a Telegram account is left unnamed: the old columns could not hold them.
        op.execute(f"UPDATE {table} SET {telegram_column} = {telegram_of.format(column=person_column)} "
                   f"WHERE {person_column} IS NOT NULL")
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column(person_column)
    # Open forms and cards are short-lived; ones written by this version are dropped rather than guessed.
    op.execute("DELETE FROM dialogs WHERE data LIKE '%\"person_id\"%'")
    op.execute("DELETE FROM pending_cards WHERE data LIKE '%\"person_id\"%'")
