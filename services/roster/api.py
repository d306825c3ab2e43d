"""Roster's HTTP routes: thin translations between HTTP and the domain functions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from services.kernel.auth import CurrentPrincipal, TokenIssuer, require_roles
from services.kernel.errors import Problem
from services.kernel.service import Context, UoW
from services.kernel.tenancy import Principal, Role
from services.roster import accounts, directory
from services.roster import repository as repo
from services.roster.schemas import (
    CollegeIn,
    CollegeList,
    CollegeOut,
    JwkSet,
    Me,
    SchoolList,
    SchoolOut,
    Token,
)

PROBLEMS = {401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem}, 409: {"model": Problem}}

auth_router = APIRouter(prefix="/v1/auth", tags=["auth"], responses=PROBLEMS)
router = APIRouter(prefix="/v1", tags=["directory"], responses=PROBLEMS)

SchoolAdmin = Annotated[Principal, Depends(require_roles(Role.SCHOOL_ADMIN))]


def issuer(request: Request) -> TokenIssuer:
    return request.app.state.issuer  # type: ignore[no-any-return]


@auth_router.post("/token", response_model=Token, summary="Sign in (OAuth2 password flow)")
def sign_in(form: Annotated[OAuth2PasswordRequestForm, Depends()], uow: UoW, ctx: Context,
            token_issuer: Annotated[TokenIssuer, Depends(issuer)]) -> Token:
    return accounts.sign_in(uow.session, token_issuer, form.username, form.password, ctx.settings.demo)


@auth_router.get("/jwks", response_model=JwkSet, summary="Public keys that verify Tucai tokens")
def jwks(token_issuer: Annotated[TokenIssuer, Depends(issuer)]) -> JwkSet:
    return JwkSet(keys=[token_issuer.jwk])


@router.get("/me", response_model=Me, summary="The signed-in account")
def read_me(principal: CurrentPrincipal, uow: UoW) -> Me:
    return accounts.me(uow.session, principal)


@router.get("/schools", response_model=SchoolList, summary="Schools in the caller's scope")
def list_schools(principal: CurrentPrincipal, uow: UoW) -> SchoolList:
    items = [SchoolOut(code=s.school_code, name=s.name, province_code=s.province_code)
             for s in repo.schools(uow.session, principal)]
    return SchoolList(items=items, total=len(items))


@router.get("/colleges", response_model=CollegeList, summary="Colleges in the caller's scope")
def list_colleges(principal: CurrentPrincipal, uow: UoW, school_code: str | None = None) -> CollegeList:
    items = [CollegeOut.model_validate(c, from_attributes=True)
             for c in repo.colleges(uow.session, principal, school_code)]
    return CollegeList(items=items, total=len(items))


@router.post("/colleges", response_model=CollegeOut, status_code=status.HTTP_201_CREATED,
             summary="Create a college (院系)")
def create_college(body: CollegeIn, principal: SchoolAdmin, uow: UoW) -> CollegeOut:
    college = directory.create_college(uow, principal, body)
    uow.commit()
    return CollegeOut.model_validate(college, from_attributes=True)
