"""Request and response bodies of roster's sign-in, tokens, the signed-in account and the demo sign-in options."""

from __future__ import annotations

from pydantic import BaseModel, Field

from services.kernel.tenancy import Role


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds the access token is valid (short: refresh it on a 401)")
    refresh_token: str | None = Field(default=None, description="Single use: POST it to /v1/auth/refresh")
    refresh_expires_in: int | None = None


class RefreshIn(BaseModel):
    refresh_token: str = Field(min_length=20, max_length=200)


class Me(BaseModel):
    username: str
    display_name: str
    role: Role = Field(description="What the account may do; `role_label` is its Chinese name")
    role_label: str
    province_code: str | None
    province_name: str | None
    school_code: str | None
    school_name: str | None


class StudentTokenIn(BaseModel):
    school_code: str = Field(pattern=r"^\d{5}$")
    student_no: str = Field(min_length=1, max_length=30)
    secret: str = Field(min_length=1, max_length=30, description="学校设定的第二因素，默认身份证号后六位")


class JwkSet(BaseModel):
    keys: list[dict[str, str]]


class DemoAccount(BaseModel):
    username: str
    role: Role
    role_label: str
    display_name: str


class DemoStudent(BaseModel):
    school_code: str
    student_no: str
    secret: str


class SignInOptions(BaseModel):
    """What the login page may show: demo accounts only while the system runs in demo mode."""

    demo: bool
    demo_password: str | None = None
    demo_accounts: list[DemoAccount] = []
    demo_student: DemoStudent | None = None
