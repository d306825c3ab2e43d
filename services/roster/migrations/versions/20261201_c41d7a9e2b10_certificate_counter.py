"""certificate number counter

Revision ID: c41d7a9e2b10
Revises: b58e29dd98ee
Create Date: 2026-12-01 09:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'c41d7a9e2b10'
down_revision: str | None = 'b58e29dd98ee'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('certificate_counter',
    sa.Column('school_code', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('province_code', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['school_code'], ['school.school_code'],
                            name=op.f('fk_certificate_counter_school_code_school')),
    sa.PrimaryKeyConstraint('school_code', 'year', name=op.f('pk_certificate_counter'))
    )
    # Numbers already issued (BP-<school>-<year>-<sequence>-<check>) go on from their highest sequence.
    op.execute(
        "INSERT INTO certificate_counter (school_code, year, province_code, value) "
        "SELECT school_code, CAST(substr(number, 10, 4) AS INTEGER), MAX(province_code), MAX(sequence) "
        "FROM certificate GROUP BY school_code, CAST(substr(number, 10, 4) AS INTEGER)")


def downgrade() -> None:
    op.drop_table('certificate_counter')
