"""meetings and agenda items

Revision ID: 0004_agenda
Revises: 0001_core
"""

from alembic import op
import sqlalchemy as sa
import storage.base


revision = '0004_agenda'
down_revision = '0001_core'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('starts_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=128), nullable=False),
    sa.Column('chair_person_id', sa.Integer(), nullable=True),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('created_by_telegram_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chair_person_id'], ['people.id'], name=op.f('fk_meetings_chair_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index('uq_meetings_live_slot', ['kind', 'starts_at'], unique=True, sqlite_where=sa.text('NOT cancelled'), postgresql_where=sa.text('NOT cancelled'))

    op.create_table('agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('proposing_unit', sa.String(length=128), nullable=False),
    sa.Column('proposer_person_id', sa.Integer(), nullable=False),
    sa.Column('overseer_person_id', sa.Integer(), nullable=False),
    sa.Column('reporter_person_id', sa.Integer(), nullable=False),
    sa.Column('other_units', sa.JSON(), nullable=False),
    sa.Column('opinions_sought', sa.Boolean(), nullable=False),
    sa.Column('opinions_agreed', sa.Boolean(), nullable=False),
    sa.Column('disagreement', sa.Text(), nullable=True),
    sa.Column('major_matter', sa.Boolean(), nullable=False),
    sa.Column('normative_document', sa.Boolean(), nullable=False),
    sa.Column('legality_review', sa.String(length=16), nullable=True),
    sa.Column('legality_file_id', sa.String(length=256), nullable=True),
    sa.Column('legality_file_name', sa.String(length=256), nullable=True),
    sa.Column('article50_answers', sa.JSON(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('urgent_reason', sa.Text(), nullable=True),
    sa.Column('due_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('submitted_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_person_id', sa.Integer(), nullable=True),
    sa.Column('approved_by_person_id', sa.Integer(), nullable=True),
    sa.Column('returned_by_person_id', sa.Integer(), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_person_id'], ['people.id'], name=op.f('fk_agenda_items_approved_by_person_id_people')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_agenda_items_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['overseer_person_id'], ['people.id'], name=op.f('fk_agenda_items_overseer_person_id_people')),
    sa.ForeignKeyConstraint(['proposer_person_id'], ['people.id'], name=op.f('fk_agenda_items_proposer_person_id_people')),
    sa.ForeignKeyConstraint(['reporter_person_id'], ['people.id'], name=op.f('fk_agenda_items_reporter_person_id_people')),
    sa.ForeignKeyConstraint(['returned_by_person_id'], ['people.id'], name=op.f('fk_agenda_items_returned_by_person_id_people')),
    sa.ForeignKeyConstraint(['reviewed_by_person_id'], ['people.id'], name=op.f('fk_agenda_items_reviewed_by_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items'))
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_items_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_items_proposing_unit'), ['proposing_unit'], unique=False)
        batch_op.create_index('uq_agenda_items_live_title', ['meeting_id', 'title'], unique=True, sqlite_where=sa.text("state <> '退回'"), postgresql_where=sa.text("state <> '退回'"))



def downgrade() -> None:
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_index('uq_agenda_items_live_title', sqlite_where=sa.text("state <> '退回'"), postgresql_where=sa.text("state <> '退回'"))
        batch_op.drop_index(batch_op.f('ix_agenda_items_proposing_unit'))
        batch_op.drop_index(batch_op.f('ix_agenda_items_meeting_id'))

    op.drop_table('agenda_items')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('uq_meetings_live_slot', sqlite_where=sa.text('NOT cancelled'), postgresql_where=sa.text('NOT cancelled'))
        batch_op.drop_index(batch_op.f('ix_meetings_starts_at'))

    op.drop_table('meetings')
