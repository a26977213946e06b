"""web_links, web_sessions: the web console's one-time sign-in links and open sessions (token hashes)

Revision ID: 0010_web_links
Revises: 0007_accounts
"""

from alembic import op
import sqlalchemy as sa
import storage.base


revision = '0010_web_links'
down_revision = '0007_accounts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('web_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('expires_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_web_links_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_web_links_token_hash'))
    )
    op.create_table('web_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('expires_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_web_sessions_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_web_sessions_token_hash'))
    )


def downgrade() -> None:
    op.drop_table('web_sessions')
    op.drop_table('web_links')
