"""`tucai`: run, migrate, load demo data, dump the API schemas."""

from __future__ import annotations

import asyncio
import json
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import uvicorn

from services.capture.photoqa.cli import photo_app
from services.kernel.observability import configure_logging
from services.kernel.settings import SERVICES, Settings
from services.payments.bills.cli import payments_app
from services.roster.imports.check_cli import roster_app

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractAsyncContextManager

    from sqlalchemy import Table

    from services.gateway.app import Gateway
    from services.kernel.service import ServiceSpec
    from services.kernel.uow import UnitOfWork

app = typer.Typer(help="图采 Tucai: graduate photo capture campaigns.", no_args_is_help=True)
app.add_typer(roster_app, name="roster")
app.add_typer(payments_app, name="payments")
app.add_typer(photo_app, name="photo")
events_app = typer.Typer(help="The event path: dead letters (events a consumer gave up on) and their replay.",
                         no_args_is_help=True)
app.add_typer(events_app, name="events")
station_app = typer.Typer(help="Station software (tethered cameras).", no_args_is_help=True)
app.add_typer(station_app, name="station")
keys_app = typer.Typer(help="Token-signing keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@station_app.command("watch")
def station_watch(
    folder: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="The camera's hot folder")],
    station: Annotated[str, typer.Option(help="Station id")],
    server: Annotated[str, typer.Option(help="Base URL, e.g. https://tucai.example.cn")],
    token: Annotated[str, typer.Option(envvar="TUCAI_TOKEN", help="The photographer's access token")],
    interval: Annotated[float, typer.Option(help="Seconds between folder scans")] = 1.0,
) -> None:
    """Upload each new photo of FOLDER against the station's open check-in; an offline queue survives restarts."""
    import httpx

    from services.capture.station.watcher import Watcher

    with httpx.Client(base_url=server, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        Watcher(folder, station, client, say=typer.echo).run(interval)


def _settings(demo: bool | None = None) -> Settings:
    settings = Settings()
    if demo is not None:
        settings = settings.model_copy(update={"demo": demo})
    configure_logging(settings.log_level, settings.log_json)
    return settings


def _check_service(service: str) -> str:
    if service not in SERVICES:
        raise typer.BadParameter(f"unknown service {service!r}; one of {', '.join(SERVICES)}")
    return service


@app.command()
def serve(
    service: Annotated[str | None, typer.Argument(help="Run one service alone (distributed mode)")] = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    demo: Annotated[bool | None, typer.Option("--demo/--no-demo", help="Demo data and demo logins")] = None,
) -> None:
    """Start the embedded system (all services + SPA), or one service."""
    settings = _settings(demo)
    if service is None:
        from services.gateway.app import create_gateway

        asgi = create_gateway(settings)
    else:
        asgi = import_module(f"services.{_check_service(service)}.app").create_app(settings)
    # Forwarded headers are believed only from the configured proxies; uvicorn then takes the right-most
    # address that is not one of them, so a client cannot choose its own address by sending X-Forwarded-For.
    trusted = settings.trusted_proxies.strip()
    uvicorn.run(asgi, host=host, port=port, log_config=None, access_log=False, server_header=False,
                proxy_headers=bool(trusted), forwarded_allow_ips=trusted or "")


@app.command()
def migrate(service: Annotated[str | None, typer.Option(help="Only this service")] = None) -> None:
    """Apply database migrations (services also do this when they start)."""
    from services.kernel.db import make_engine
    from services.kernel.db import migrate as run

    settings = _settings()
    for name in [_check_service(service)] if service else SERVICES:
        spec = import_module(f"services.{name}.app").spec()
        engine = make_engine(settings.database_url_for(name))
        run(spec.migrations_dir, engine, spec.metadata)
        engine.dispose()
        typer.echo(f"{name}: migrated")


@app.command()
def demo() -> None:
    """Load the demo data (江西, its capture centre, seed universities, one account per role)."""
    settings = _settings(demo=True)

    async def run() -> None:
        from services.gateway.app import create_gateway

        gateway = create_gateway(settings)
        # Starting the services applies migrations and loads the demo data; the outboxes are drained before
        # the consumers stop, so every service has the demo data when this command returns.
        async with _lifespan(gateway):
            await gateway.runtime.all_subscribed.wait()
            await gateway.runtime.stop_relays()
            await gateway.runtime.drain_relays()

    asyncio.run(run())
    typer.echo("demo data loaded; demo logins use the password tucai-demo")


def _lifespan(gateway: Gateway) -> AbstractAsyncContextManager[None]:
    from collections.abc import AsyncIterator
    from contextlib import AsyncExitStack, asynccontextmanager

    @asynccontextmanager
    async def cm() -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            for sub in gateway.apps.values():
                await stack.enter_async_context(sub.router.lifespan_context(sub))
            yield

    return cm()


@app.command()
def openapi(out: Annotated[Path, typer.Option(help="Folder for <service>.json")] = Path("frontend/openapi")) -> None:
    """Write each service's OpenAPI document (the input of the SPA's generated client)."""
    settings = Settings()
    out.mkdir(parents=True, exist_ok=True)
    for name in SERVICES:
        document = import_module(f"services.{name}.app").create_app(settings).openapi()
        (out / f"{name}.json").write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        typer.echo(f"wrote {out / f'{name}.json'}")


def _service_db(name: str) -> tuple[ServiceSpec, Callable[[], UnitOfWork], Table]:
    """The service's spec, a unit-of-work factory on its database and its dead_letter table."""
    from services.kernel.db import make_engine, make_session_factory
    from services.kernel.events.dead_letters import dead_letter_table
    from services.kernel.uow import UnitOfWork

    spec = import_module(f"services.{_check_service(name)}.app").spec()
    sessions = make_session_factory(make_engine(_settings().database_url_for(name)))
    return spec, lambda: UnitOfWork(sessions, spec.outbox), dead_letter_table(spec.metadata)


@events_app.command("dead-letters")
def dead_letters_list(service: Annotated[str | None, typer.Option(help="Only this service")] = None,
                      limit: int = 50) -> None:
    """List the dead letters of every service (or one), newest failure first."""
    from services.kernel.events.dead_letters import listing

    for name in [service] if service else SERVICES:
        _, make_uow, table = _service_db(name)
        with make_uow() as uow:
            rows, total = listing(uow.session, table, limit, 0)
        typer.echo(f"{name}: {total} dead letter(s)")
        for row in rows:
            reason = (row["error"].strip().splitlines() or [""])[-1][:120]
            typer.echo(f"  {row['id']}  {row['consumer']}  {row['type']} v{row['version']}  event {row['event_id']}  "
                       f"attempts {row['attempts']}  last {row['last_failed_at']:%Y-%m-%d %H:%M:%S}  {reason}")


@events_app.command("replay")
def dead_letter_replay(letter_id: str, service: Annotated[str, typer.Option(help="The consuming service")]) -> None:
    """Apply one dead letter through its consumer now; it is removed once that succeeds."""
    from services.kernel.events.consumer import ReplayError, replay

    spec, make_uow, table = _service_db(service)
    try:
        row = replay(make_uow, spec.inbox, table, spec.consumers, letter_id)
    except ReplayError as exc:
        typer.echo(f"replay failed ({exc.code}): {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"replayed {row['type']} {row['event_id']} through {row['consumer']}"
               + ("" if row["applied"] else " (the inbox already had it)"))


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Make a new token-signing key current. The old key stays published (JWKS) so tokens it signed verify until
    they expire; the key before it is dropped. Restart roster to sign with the new key."""
    from services.kernel.auth import public_jwk, rotate_private_key

    key = rotate_private_key(_settings().jwt_key_path)
    typer.echo(f"new signing key {public_jwk(key.public_key())['kid']}; restart roster to use it")


@app.command()
def makemigrations(service: str, message: Annotated[str, typer.Option("-m")]) -> None:
    """Autogenerate a migration for one service from its models (developers)."""
    from alembic import command

    from services.kernel.db import alembic_config, make_engine

    settings = _settings()
    spec = import_module(f"services.{_check_service(service)}.app").spec()
    engine = make_engine(settings.database_url_for(service))
    cfg = alembic_config(spec.migrations_dir, engine, spec.metadata)
    command.upgrade(cfg, "head")
    command.revision(cfg, message=message, autogenerate=True)


@app.command()
def plan(
    instance: Annotated[Path, typer.Argument(help="Instance JSON (format in the README)")],
    published: Annotated[Path | None, typer.Option(help="A published plan: re-plan keeping what is unaffected")] = None,
    time_limit: Annotated[float, typer.Option(help="Solver seconds (the best plan found is returned)")] = 10.0,
    workers: Annotated[int, typer.Option(min=1, max=16, help="CP-SAT workers (one per core)")] = 2,
) -> None:
    """Plan a capture day (classes into rooms and times) and print the plan as JSON; no server or database."""
    from services.scheduling.allocation.cli import run_plan

    raise typer.Exit(run_plan(instance, published, time_limit, workers))


def main() -> None:
    app()
