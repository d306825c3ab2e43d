"""RFC 9457 problem+json: one exception type for domain errors and handlers that turn every failure
(domain, validation, routing, unexpected) into the same shape with a stable `code`."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://tucai.cn/problems/"

log = structlog.get_logger("tucai.errors")


class FieldIssue(BaseModel):
    """One problem with one input: where (field, and row for files) and what, in Chinese and English."""

    field: str | None = None
    row: int | None = None
    code: str
    message_zh: str
    message_en: str


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str
    code: str
    message_zh: str
    message_en: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldIssue] = []


class TucaiError(Exception):
    """A failure the caller can act on. Raise it from domain code; the handler renders problem+json."""

    status = 400

    def __init__(
        self, code: str, zh: str, en: str, *, status: int | None = None,
        errors: list[FieldIssue] | None = None, headers: dict[str, str] | None = None,
        keep_changes: bool = False,
    ) -> None:
        super().__init__(en)
        self.code = code
        self.zh = zh
        self.en = en
        if status is not None:
            self.status = status
        self.errors = errors or []
        self.headers = headers
        # The request's unit of work commits what was done before this refusal (e.g. a failed sign-in counts).
        self.keep_changes = keep_changes


class NotFound(TucaiError):
    status = 404


class Forbidden(TucaiError):
    status = 403


class Conflict(TucaiError):
    status = 409


class Unauthorized(TucaiError):
    status = 401


# Stable codes for failures the framework raises before domain code runs.
_STATUS_CODES: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "请求格式不正确", "The request is malformed"),
    401: ("not_authenticated", "请先登录", "Authentication is required"),
    403: ("forbidden", "无权访问", "You may not access this resource"),
    404: ("not_found", "请求的资源不存在", "The requested resource does not exist"),
    405: ("method_not_allowed", "不支持该请求方法", "This method is not allowed here"),
    413: ("payload_too_large", "上传内容过大", "The request body is too large"),
    415: ("unsupported_media_type", "不支持的内容类型", "Unsupported media type"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试", "Too many requests; try again later"),
    500: ("internal_error", "服务器内部错误，请稍后再试", "Internal server error"),
    503: ("unavailable", "服务暂不可用", "Service unavailable"),
}


def problem_response(
    request: Request, status: int, code: str, zh: str, en: str,
    errors: list[FieldIssue] | None = None, headers: dict[str, str] | None = None,
) -> JSONResponse:
    problem = Problem(
        type=PROBLEM_BASE + code,
        title=HTTPStatus(status).phrase,
        status=status,
        detail=en,
        code=code,
        message_zh=zh,
        message_en=en,
        instance=request.url.path,
        request_id=getattr(request.state, "request_id", None),
        errors=errors or [],
    )
    return JSONResponse(
        problem.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


def _loc_to_field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie", "form")]
    return ".".join(parts) or str(loc[0] if loc else "")


async def _tucai_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TucaiError)
    return problem_response(request, exc.status, exc.code, exc.zh, exc.en, exc.errors, exc.headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    issues = [
        FieldIssue(
            field=_loc_to_field(tuple(err.get("loc", ()))),
            code=str(err.get("type", "invalid")),
            message_zh=_zh_for_validation(str(err.get("type", ""))),
            message_en=str(err.get("msg", "invalid value")),
        )
        for err in exc.errors()
    ]
    return problem_response(
        request, 422, "validation_failed", "提交的数据未通过校验", "The submitted data is invalid", issues
    )


def _zh_for_validation(kind: str) -> str:
    if kind == "missing":
        return "必填项缺失"
    if kind.startswith("string_too") or kind.startswith("too_"):
        return "长度不符合要求"
    if kind.startswith("string_pattern"):
        return "格式不正确"
    return "取值不合法"


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, zh, en = _STATUS_CODES.get(exc.status_code, ("http_error", "请求失败", "Request failed"))
    return problem_response(request, exc.status_code, code, zh, en, headers=getattr(exc, "headers", None))


# Unique-key races the database settles: table name -> (code, zh, en). Services register theirs when their
# models are defined; anything else is still a 409 with the generic code.
_CONFLICTS: dict[str, tuple[str, str, str]] = {}
_GENERIC_CONFLICT = ("conflict", "数据已被修改或已存在，请刷新后重试",
                     "The record already exists or changed; reload and retry")


def register_conflict(table: str, code: str, zh: str, en: str) -> None:
    """Name the conflict a unique constraint on `table` means, e.g. two creates of the same college."""
    _CONFLICTS[table] = (code, zh, en)


def _conflict_table(exc: IntegrityError) -> str | None:
    diag = getattr(exc.orig, "diag", None)  # psycopg
    if diag is not None and getattr(diag, "table_name", None):
        return str(diag.table_name)
    match = re.search(r"UNIQUE constraint failed: (\w+)\.", str(exc.orig))  # SQLite
    return match.group(1) if match else None


def _is_unique_violation(exc: IntegrityError) -> bool:
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate is not None:
        return bool(sqlstate == "23505")
    return "UNIQUE constraint failed" in str(exc.orig)


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, IntegrityError)
    if not _is_unique_violation(exc):
        return await _unexpected(request, exc)
    table = _conflict_table(exc)
    code, zh, en = _CONFLICTS.get(table or "", _GENERIC_CONFLICT)
    log.info("unique_conflict", path=request.url.path, table=table, code=code)
    return problem_response(request, 409, code, zh, en)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled_error", path=request.url.path, error_type=type(exc).__name__)
    code, zh, en = _STATUS_CODES[500]
    return problem_response(request, 500, code, zh, en)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(TucaiError, _tucai_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
