"""leave_reports.meeting_id: the registered meeting a 会议请假 is for (第五十三条)

Revision ID: 0012_leave_meeting
Revises: 0011_pending_cards
"""

from alembic import op
import sqlalchemy as sa


revision = '0012_leave_meeting'
down_revision = '0011_pending_cards'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('leave_reports') as batch_op:
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_leave_reports_meeting_id_meetings'), 'meetings', ['meeting_id'],
                                    ['id'])


def downgrade() -> None:
    with op.batch_alter_table('leave_reports') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_leave_reports_meeting_id_meetings'), type_='foreignkey')
        batch_op.drop_column('meeting_id')
