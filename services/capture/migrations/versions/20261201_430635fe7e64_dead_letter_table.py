"""dead_letter table: events the capture consumers gave up on (kernel, services/kernel/events/dead_letters.py)

Revision ID: 430635fe7e64
Revises: e1b6ff4059f3
Create Date: 2026-12-01 17:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.kernel.db

revision: str = '430635fe7e64'
down_revision: str | None = 'e1b6ff4059f3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('dead_letter',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('consumer', sa.String(length=80), nullable=False),
    sa.Column('type', sa.String(length=120), nullable=False),
    sa.Column('version', sa.Integer(), nullable=True),
    sa.Column('occurred_at', services.kernel.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('tenant_province', sa.String(length=8), nullable=True),
    sa.Column('tenant_school', sa.String(length=8), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('first_failed_at', services.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_failed_at', services.kernel.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dead_letter')),
    sa.UniqueConstraint('consumer', 'event_id', name=op.f('uq_dead_letter_consumer_event_id'))
    )


def downgrade() -> None:
    op.drop_table('dead_letter')
