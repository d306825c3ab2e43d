"""approved student projection columns

Payments' payers take every column of roster's projection (services.roster.projection). Rows already
here get empty facts until roster next updates the student; payments shows none of the new ones yet.

Revision ID: 3b481cd9d239
Revises: 6c16a614b3bf
Create Date: 2026-12-01 16:51:28.178622
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '3b481cd9d239'
down_revision: str | None = '6c16a614b3bf'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('payer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('college_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('college_name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))
        batch_op.add_column(sa.Column('class_name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))
        batch_op.add_column(sa.Column('campus', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))
        batch_op.add_column(sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('sex', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('masked_id_number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('roster_order', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.create_index(batch_op.f('ix_payer_college_id'), ['college_id'], unique=False)
    # The defaults only filled the rows already there; the models declare none.
    with op.batch_alter_table('payer', schema=None) as batch_op:
        batch_op.alter_column('level', server_default=None)
        batch_op.alter_column('sex', server_default=None)
        batch_op.alter_column('masked_id_number', server_default=None)
        batch_op.alter_column('roster_order', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('payer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payer_college_id'))
        batch_op.drop_column('roster_order')
        batch_op.drop_column('masked_id_number')
        batch_op.drop_column('sex')
        batch_op.drop_column('level')
        batch_op.drop_column('campus')
        batch_op.drop_column('class_name')
        batch_op.drop_column('college_name')
        batch_op.drop_column('college_id')
