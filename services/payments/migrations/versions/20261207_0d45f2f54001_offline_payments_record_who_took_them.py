"""offline payments record who took them (payment.recorded_by; NULL for providers' payments)

Revision ID: 0d45f2f54001
Revises: 5935fdca6526
Create Date: 2026-12-07 11:07:18.867983
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op


revision: str = '0d45f2f54001'
down_revision: str | None = '5935fdca6526'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_column('recorded_by')
