"""A route's own model returned through model_response() is the same response FastAPI writes for it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi import FastAPI
from fastapi.responses import Response
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from services.kernel.responses import model_response


class Item(BaseModel):
    label: str
    amount_fen: int


class Body(BaseModel):
    model_config = {"populate_by_name": True}

    name: str
    kind: str = Field(alias="type")
    born: date
    at: datetime
    note: str | None = None
    items: list[Item]


SAMPLE = Body(name="胡*然 \"quoted\" <tag>", type="student", born=date(2001, 2, 3),
              at=datetime(2026, 12, 7, 3, 0, tzinfo=UTC), items=[Item(label="采集服务费", amount_fen=1000)])


def test_model_response_writes_what_fastapi_writes_for_the_same_model() -> None:
    app = FastAPI()

    @app.get("/validated", response_model=Body)
    def validated() -> Body:
        return SAMPLE

    @app.get("/direct", response_model=Body)
    def direct() -> Response:
        return model_response(SAMPLE)

    with TestClient(app) as client:
        one, two = client.get("/validated"), client.get("/direct")
    assert one.status_code == two.status_code == 200
    assert one.content == two.content
    assert one.headers["content-type"] == two.headers["content-type"] == "application/json"
    assert one.json()["type"] == "student" and one.json()["note"] is None
    # the OpenAPI document still describes the body
    schema = app.openapi()["paths"]["/direct"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/Body"}
