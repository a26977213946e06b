"""Join the feature branches (leave, deadlines, agenda) into one head.

Revision ID: 0005_merge_features
Revises: 0002_leave, 0003_deadlines, 0004_agenda
"""

revision = "0005_merge_features"
down_revision = ("0002_leave", "0003_deadlines", "0004_agenda")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
