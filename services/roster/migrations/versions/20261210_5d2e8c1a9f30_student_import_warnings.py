"""student.import_warnings: the import's warnings on a student's row, carried into the review flags;
importissue.student_no / student_name: who the row with an issue is

Revision ID: 5d2e8c1a9f30
Revises: 1abbcc92301b
Create Date: 2026-12-10 10:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5d2e8c1a9f30'
down_revision: str | None = '1abbcc92301b'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('student') as batch_op:
        batch_op.add_column(sa.Column('import_warnings', sa.JSON(), nullable=False, server_default='[]'))
    with op.batch_alter_table('importissue') as batch_op:
        batch_op.add_column(sa.Column('student_no', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('student_name', sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('importissue') as batch_op:
        batch_op.drop_column('student_name')
        batch_op.drop_column('student_no')
    with op.batch_alter_table('student') as batch_op:
        batch_op.drop_column('import_warnings')
