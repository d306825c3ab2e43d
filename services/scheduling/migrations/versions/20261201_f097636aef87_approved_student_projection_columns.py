"""approved student projection columns

Scheduling's approved students take every column of roster's projection (services.roster.projection).
Rows already here get empty masked facts until roster next updates the student; scheduling shows none of them.

Revision ID: f097636aef87
Revises: d3eca1297d4a
Create Date: 2026-12-01 16:51:28.008324
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'f097636aef87'
down_revision: str | None = 'd3eca1297d4a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('studentview', schema=None) as batch_op:
        batch_op.add_column(sa.Column('college_name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))
        batch_op.add_column(sa.Column('class_no', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column('class_name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))
        batch_op.add_column(sa.Column('campus', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))
        batch_op.add_column(sa.Column('sex', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('masked_name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('masked_id_number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False,
                                      server_default=''))
    # The defaults only filled the rows already there; the models declare none.
    with op.batch_alter_table('studentview', schema=None) as batch_op:
        batch_op.alter_column('sex', server_default=None)
        batch_op.alter_column('masked_name', server_default=None)
        batch_op.alter_column('masked_id_number', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('studentview', schema=None) as batch_op:
        batch_op.drop_column('masked_id_number')
        batch_op.drop_column('masked_name')
        batch_op.drop_column('sex')
        batch_op.drop_column('campus')
        batch_op.drop_column('class_name')
        batch_op.drop_column('class_no')
        batch_op.drop_column('college_name')
