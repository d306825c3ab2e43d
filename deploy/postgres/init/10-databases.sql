-- One database per service: each service owns its data and its Alembic migrations.
-- The postgres image runs this once, on an empty data volume, as POSTGRES_USER (who then owns the databases).
-- It is idempotent, so it can also be replayed on an existing volume (e.g. after a service was added):
--   docker compose exec postgres psql -U tucai -d postgres -f /docker-entrypoint-initdb.d/10-databases.sql
SELECT format('CREATE DATABASE %I', name)
FROM unnest(ARRAY['tucai_roster', 'tucai_scheduling', 'tucai_capture', 'tucai_payments']) AS name
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = name)
\gexec
