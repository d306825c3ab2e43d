"""Roster: schools and people, roster import, eligibility review, identity (it issues the tokens)."""

from __future__ import annotations

from pathlib import Path

import anyio
from fastapi import FastAPI

from services.kernel.auth import TokenIssuer, TokenVerifier, load_or_create_private_key, load_previous_public_keys
from services.kernel.ratelimit import SlidingWindowLimiter
from services.kernel.runtime import Runtime
from services.kernel.service import ServiceContext, ServiceSpec, build_app
from services.kernel.settings import Settings
from services.roster import demo
from services.roster.accounts import routes as accounts
from services.roster.captures.consumers import captures_consumer
from services.roster.certificates import routes as certificates
from services.roster.directory import routes as directory
from services.roster.documents import routes as documents
from services.roster.errata import routes as errata
from services.roster.imports import jobs as import_jobs
from services.roster.imports import routes as imports
from services.roster.imports.service import load_code_tables
from services.roster.models import inbox, metadata, outbox
from services.roster.review import routes as review
from services.roster.students import routes as students

MIGRATIONS = Path(__file__).parent / "migrations"
# The order fixes the order of the paths in the OpenAPI document (and so of the generated client).
ROUTERS = [accounts.router, accounts.me_router, directory.router, students.router, errata.router,
           certificates.router, imports.router, review.router, documents.router]


async def _startup(ctx: ServiceContext) -> None:
    if ctx.settings.demo:
        def load() -> None:
            with ctx.transaction() as uow:
                demo.load(uow)

        await anyio.to_thread.run_sync(load)


def spec() -> ServiceSpec:
    return ServiceSpec(name="roster", title="Tucai roster", metadata=metadata, outbox=outbox, inbox=inbox,
                       migrations_dir=MIGRATIONS, routers=ROUTERS, on_startup=_startup,
                       jobs=import_jobs.KINDS, consumers=[captures_consumer])


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    settings = settings or Settings()
    key_file = settings.jwt_key_path
    issuer = TokenIssuer(load_or_create_private_key(key_file), settings.jwt_issuer,
                         settings.access_token_minutes * 60, load_previous_public_keys(key_file))

    async def own_keys() -> list[dict[str, str]]:
        return issuer.jwks

    app = build_app(spec(), settings, runtime, verifier=TokenVerifier(own_keys, settings.jwt_issuer))
    app.state.issuer = issuer
    app.state.code_tables = load_code_tables(settings.roster_code_tables_file)
    app.state.signin_limiter = SlidingWindowLimiter(settings.signin_attempts_per_window, window_seconds=300)
    return app
