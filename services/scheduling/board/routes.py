"""The live board's routes: the board of a day, and the same board as a stream of Server-Sent Events."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

import anyio
from fastapi import Depends, Query, Request
from fastapi.responses import StreamingResponse

from services.kernel.auth import CurrentPrincipal, authenticate, oauth2_scheme
from services.kernel.errors import Problem
from services.kernel.routing import ServiceRouter
from services.kernel.service import ServiceContext, UoW
from services.scheduling.board import service
from services.scheduling.board.schemas import BoardOut, Progress, RoomBoard, SlotBoard
from services.scheduling.board.stream import StreamSlots, board_events
from services.scheduling.models import LOCAL_TZ

router = ServiceRouter(prefix="/v1", tags=["board"],
                   responses={401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem}})
EVENT_STREAM = "text/event-stream"


def board_out(b: service.Board) -> BoardOut:
    rooms = [RoomBoard(room=r.room, campus=r.campus, expected=r.expected, checked_in=r.checked_in,
                       photographed=r.photographed, rate_per_minute=r.rate_per_minute,
                       projected_finish=r.projected_finish,
                       late=bool(r.projected_finish and r.projected_finish > b.window_end),
                       slots=[SlotBoard(class_id=s.slot.class_id, class_name=s.slot.class_name or s.slot.class_code,
                                        college_name=s.slot.college_name, start=s.slot.start, end=s.slot.end,
                                        arrive=s.slot.arrive, expected=s.slot.students, checked_in=s.checked_in,
                                        photographed=s.photographed) for s in r.slots])
             for r in b.rooms]
    scheduled = Progress(expected=sum(r.expected for r in rooms), checked_in=sum(r.checked_in for r in rooms),
                         photographed=sum(r.photographed for r in rooms))
    unscheduled = Progress(expected=0, checked_in=b.unscheduled_checked_in, photographed=b.unscheduled_photographed)
    plan_id = next((s.slot.plan_id for r in b.rooms for s in r.slots), None)
    return BoardOut(day_id=b.day.id, plan_id=plan_id, school_code=b.day.school_code, title=b.day.title,
                    timezone=LOCAL_TZ, date=b.date, dates=[date.fromisoformat(d) for d in b.day.dates],
                    window_end=b.window_end, generated_at=datetime.now(UTC), totals=scheduled,
                    unscheduled=unscheduled, rooms=rooms)


@router.get("/capture-days/{day_id}/board", response_model=BoardOut,
            summary="The live capture day: expected vs checked in vs photographed per room and class slot")
def read_board(day_id: str, principal: CurrentPrincipal, uow: UoW, on: date | None = None) -> BoardOut:
    return board_out(service.board(uow, principal, day_id, on))


def _slots(request: Request) -> StreamSlots:
    ctx: ServiceContext = request.app.state.ctx
    if getattr(request.app.state, "board_streams", None) is None:
        request.app.state.board_streams = StreamSlots(ctx.settings.board_streams_max)
    slots: StreamSlots = request.app.state.board_streams
    return slots


@router.get("/capture-days/{day_id}/board/stream", response_class=StreamingResponse,
            responses={200: {"content": {EVENT_STREAM: {}}}, 503: {"model": Problem}},
            summary="The live board as Server-Sent Events (`board` events; the access token in the query)")
async def stream_board(day_id: str, request: Request,
                       bearer: Annotated[str | None, Depends(oauth2_scheme)],
                       token: Annotated[str | None, Query(min_length=1, max_length=4096,
                                                          description="访问令牌（EventSource 无法发送请求头）")] = None,
                       on: date | None = None) -> StreamingResponse:
    # The query token is for EventSource; a client that can send headers sends the usual bearer token.
    principal = await authenticate(request, token or bearer)
    ctx: ServiceContext = request.app.state.ctx

    def load() -> tuple[str, str]:
        with ctx.uow() as uow:
            document = board_out(service.board(uow, principal, day_id, on))
        return document.model_dump_json(exclude={"generated_at"}), document.model_dump_json()

    await anyio.to_thread.run_sync(load)  # refuses a day out of scope (404) before a stream slot is taken
    slots = _slots(request)
    slots.take()
    settings = ctx.settings
    events = board_events(load, slots, poll=settings.board_poll_seconds, heartbeat=settings.board_heartbeat_seconds,
                          lifetime=settings.board_stream_seconds)
    # no-store, as every API response (nginx sends the same): the URL may carry the access token.
    return StreamingResponse(events, media_type=EVENT_STREAM,
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
