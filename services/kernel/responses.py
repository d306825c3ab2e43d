"""A route's own response model, serialised once.

FastAPI validates what a route returns against its response_model and only then serialises it; for a sync route
the validation even takes a trip to the threadpool of its own. A route that builds its response model itself has
nothing left to validate, so the hot reads return `model_response(model)`: the same JSON (by alias, as FastAPI
writes it), one serialisation, no extra trip. Keep `response_model=` on the route: the OpenAPI document and the
generated client still describe the body."""

from __future__ import annotations

from pydantic import BaseModel
from starlette.responses import Response


def model_response(model: BaseModel, status_code: int = 200) -> Response:
    return Response(model.__pydantic_serializer__.to_json(model, by_alias=True), status_code,
                    media_type="application/json")
