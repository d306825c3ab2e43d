from alembic import context

from services.kernel.db import run_migrations_online

run_migrations_online(context)
