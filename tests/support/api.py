"""A thin test client over the public HTTP API: log in as a demo account, call, wait for events."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
from fastapi.testclient import TestClient

DEMO_PASSWORD = "tucai-demo"
# "student10403" stands for the demo student of 南昌大学, who signs in with 学号 and the ID number's last six.
DEMO_STUDENT = "student10403"
DEMO_STUDENT_NO = "2023090101"


class Api:
    def __init__(self, client: TestClient | httpx.Client) -> None:
        self.client = client
        self._tokens: dict[str, str] = {}

    def token(self, username: str, password: str = DEMO_PASSWORD) -> str:
        if username == DEMO_STUDENT and username not in self._tokens:
            return self._student_token()
        if username not in self._tokens:
            response = self.client.post("/api/roster/v1/auth/token",
                                        data={"username": username, "password": password})
            assert response.status_code == 200, response.text
            self._tokens[username] = response.json()["access_token"]
        return self._tokens[username]

    def _student_token(self) -> str:
        [row] = self.get("/api/roster/v1/students", "school10403", params={"q": DEMO_STUDENT_NO}).json()["items"]
        record = self.get(f"/api/roster/v1/students/{row['id']}", "school10403").json()
        response = self.client.post("/api/roster/v1/auth/student-token", json={
            "school_code": "10403", "student_no": DEMO_STUDENT_NO, "secret": record["id_number"][-6:]})
        assert response.status_code == 200, response.text
        self._tokens[DEMO_STUDENT] = response.json()["access_token"]
        return self._tokens[DEMO_STUDENT]

    def as_user(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"}

    def get(self, path: str, user: str | None = None, **kwargs: Any) -> httpx.Response:
        return self.client.get(path, headers=self.as_user(user) if user else None, **kwargs)

    def post(self, path: str, user: str | None = None, **kwargs: Any) -> httpx.Response:
        return self.client.post(path, headers=self.as_user(user) if user else None, **kwargs)


def wait_until(check: Callable[[], Any], timeout: float = 10.0, interval: float = 0.05) -> Any:
    """Poll until check() returns something truthy; fail with the last value after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    value = check()
    while not value:
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value: {value!r})")
        time.sleep(interval)
        value = check()
    return value
