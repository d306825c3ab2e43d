"""approved student projection columns

Capture's subjects take the projection's class name and campus (services.roster.projection).

Revision ID: cecb9027762b
Revises: 72ed3a106861
Create Date: 2026-12-01 16:51:28.084117
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'cecb9027762b'
down_revision: str | None = '72ed3a106861'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('subject', schema=None) as batch_op:
        batch_op.add_column(sa.Column('class_name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))
        batch_op.add_column(sa.Column('campus', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('subject', schema=None) as batch_op:
        batch_op.drop_column('campus')
        batch_op.drop_column('class_name')
