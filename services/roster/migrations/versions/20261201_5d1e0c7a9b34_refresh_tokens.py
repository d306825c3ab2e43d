"""refresh tokens: rotated on use, revocable by family (issue 7, part 5)

Revision ID: 5d1e0c7a9b34
Revises: 5d2e8c1a9f30
Create Date: 2026-12-01 18:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import services.kernel.db

revision: str = '5d1e0c7a9b34'
down_revision: str | None = '5d2e8c1a9f30'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('refresh_token',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('family', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('claims', sa.JSON(), nullable=False),
    sa.Column('issued_at', services.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', services.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', services.kernel.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', services.kernel.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refresh_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_refresh_token_token_hash'))
    )
    with op.batch_alter_table('refresh_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refresh_token_family'), ['family'], unique=False)
        batch_op.create_index(batch_op.f('ix_refresh_token_subject'), ['subject'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('refresh_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refresh_token_subject'))
        batch_op.drop_index(batch_op.f('ix_refresh_token_family'))
    op.drop_table('refresh_token')
