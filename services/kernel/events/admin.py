"""Every service's dead letters for the platform admin: list them, replay one through its consumer now."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import anyio
from fastapi import Depends, Query
from pydantic import BaseModel

from services.kernel.auth import require_roles
from services.kernel.errors import Conflict, NotFound, TucaiError
from services.kernel.events import dead_letters
from services.kernel.events.consumer import ReplayError, replay
from services.kernel.pagination import Offset
from services.kernel.routing import ServiceRouter
from services.kernel.tenancy import Principal, Role

if TYPE_CHECKING:
    from services.kernel.service import ServiceContext

PlatformAdmin = Annotated[Principal, Depends(require_roles(Role.PLATFORM_ADMIN))]


class DeadLetterOut(BaseModel):
    id: str
    event_id: str
    consumer: str
    type: str
    version: int | None
    occurred_at: datetime | None
    tenant_province: str | None
    tenant_school: str | None
    payload: dict[str, Any]
    error: str
    attempts: int
    first_failed_at: datetime
    last_failed_at: datetime


class DeadLetterList(BaseModel):
    items: list[DeadLetterOut]
    total: int


class ReplayOut(BaseModel):
    id: str
    event_id: str
    consumer: str
    applied: bool  # False: the inbox already had the event (applied before it was dead-lettered)


def _problem(exc: ReplayError) -> TucaiError:
    if exc.code == "not_found":
        return NotFound("dead_letter_not_found", "死信不存在", "No such dead letter")
    if exc.code == "not_replayable":
        return TucaiError("dead_letter_not_replayable", "该死信无法重放（消息无法解码或无对应的消费者）",
                          "This dead letter cannot be replayed (undecodable, or no consumer takes it)", status=422)
    return Conflict("dead_letter_replay_failed", f"重放再次失败：{str(exc)[-500:]}",
                    f"The replay failed again: {str(exc)[-500:]}")


def dead_letter_router(ctx: ServiceContext) -> ServiceRouter:
    router = ServiceRouter(prefix="/v1/admin/dead-letters", tags=["admin"])
    table = dead_letters.dead_letter_table(ctx.spec.metadata)

    @router.get("", response_model=DeadLetterList, summary="Events this service's consumers gave up on")
    async def list_dead_letters(_: PlatformAdmin, limit: int = Query(50, ge=1, le=500),
                                offset: Offset = 0) -> DeadLetterList:
        def read() -> DeadLetterList:
            with ctx.sessions() as session:
                rows, total = dead_letters.listing(session, table, limit, offset)
            return DeadLetterList(items=[DeadLetterOut(**row) for row in rows], total=total)

        return await anyio.to_thread.run_sync(read)

    @router.post("/{letter_id}/replay", response_model=ReplayOut,
                 summary="Apply a dead letter through its consumer now; removed once it succeeds")
    async def replay_dead_letter(letter_id: str, _: PlatformAdmin) -> ReplayOut:
        try:
            row = await anyio.to_thread.run_sync(
                replay, ctx.uow, ctx.spec.inbox, table, ctx.spec.consumers, letter_id)
        except ReplayError as exc:
            raise _problem(exc) from exc
        return ReplayOut(id=row["id"], event_id=row["event_id"], consumer=row["consumer"], applied=row["applied"])

    return router
