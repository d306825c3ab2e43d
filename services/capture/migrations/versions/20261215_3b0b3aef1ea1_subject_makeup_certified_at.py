"""subject.makeup_certified_at: the latest make-up certificate (补拍证明) roster issued to the student

Revision ID: 3b0b3aef1ea1
Revises: 33b47cd4be8c
Create Date: 2026-12-15 09:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa

import services.kernel.db
from alembic import op


revision: str = '3b0b3aef1ea1'
down_revision: str | None = '33b47cd4be8c'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('subject', schema=None) as batch_op:
        batch_op.add_column(sa.Column('makeup_certified_at', services.kernel.db.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('subject', schema=None) as batch_op:
        batch_op.drop_column('makeup_certified_at')
