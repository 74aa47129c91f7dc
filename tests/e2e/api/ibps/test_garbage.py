"""Nothing a client sends to the IBPS form-rights routes makes them answer 500, and every
answer is an IBPS envelope: each seed body with every key spoilt in turn, bodies that
are not the right JSON, garbage query values, and permissions that are not the right
JSON inside the right JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from tests.e2e.api.native.test_garbage import EDGES, QUERY_GARBAGE, RAW_BODIES, body_bytes
from tests.e2e.support import ADMIN_TOKEN, Api, TestClient

from .seed import REQUESTS
from .test_form_rights import ENVELOPE, PLATFORM, leave_form

HEADERS = {"X-Authorization-access_token": ADMIN_TOKEN, "Content-Type": "application/json"}
BODY_ROUTES = [name for name, example in REQUESTS.items() if isinstance(example, dict)]
QUERY_ROUTES = {
    "getPermissionByUserId": ["flowKey", "formKey", "rightsScope", "nodeId", "parentFlowKey"],
    "removeByFlowKey": ["flowKey"],
}
SCOPE = {"formKey": "ugyu", "flowKey": "f", "nodeId": "n"}


@pytest.fixture
def raw(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        api = Api(client)
        assert api.put("/forms/ugyu", api.admin, json=leave_form()).status_code == 201
        yield client


class Failures:
    def __init__(self) -> None:
        self.found: list[str] = []

    def check(self, response: Any, what: str) -> None:
        if response.status_code >= 500:
            self.found.append(f"{response.status_code} for {what}: {response.text[:200]}")
            return
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or set(body) != ENVELOPE:
            self.found.append(f"no IBPS envelope for {what}: {response.text[:200]}")
        elif body["state"] not in (200, response.status_code, 6020201):
            self.found.append(f"state {body['state']} for HTTP {response.status_code}: {what}")

    def assert_none(self) -> None:
        assert not self.found, f"{len(self.found)} failures:\n" + "\n".join(self.found[:40])


def test_every_key_of_every_seed_body_spoilt_is_never_a_500(raw: TestClient) -> None:
    failures = Failures()
    for name in BODY_ROUTES:
        valid = {**REQUESTS[name], **(SCOPE if "Flow" in name else {})}
        for key in [*valid, "parentFlowKey", "rightsMap", "userId", "rightsScopeStr"]:
            for value in EDGES:
                body = {**valid, key: value}
                response = raw.post(PLATFORM + name, headers=HEADERS, content=body_bytes(body))
                failures.check(response, f"{name} {key}={value!r:.60}")
        for value in EDGES:
            response = raw.post(PLATFORM + name, headers=HEADERS, content=body_bytes(value))
            failures.check(response, f"{name} body={value!r:.60}")
    failures.assert_none()


def test_permissions_that_are_not_the_right_json_are_never_a_500(raw: TestClient) -> None:
    failures = Failures()
    field = {"name": "xingMing", "code": "qjsqbd"}
    permissions: list[Any] = [
        *EDGES,
        *({"field": [value]} for value in EDGES),
        *({"field": [{**field, "edit": value}]} for value in EDGES),
        *({"field": [{**field, "edit": [value]}]} for value in EDGES),
        *({"field": [{**field, "edit": [{"type": "role", "rightsId": v}]}]} for v in EDGES),
        *({"field": [{"name": value}]} for value in EDGES),
        *({"field": [{"label": value}]} for value in EDGES),
        *({"subfield": [{**field, "code": value}]} for value in EDGES),
    ]
    for name in ("savePermission", "saveFlowPermission", "resetFlowPermission"):
        for permission in permissions:
            for encoded in (json.dumps(permission), permission):
                body = {**SCOPE, "permission": encoded}
                response = raw.post(PLATFORM + name, headers=HEADERS, content=body_bytes(body))
                failures.check(response, f"{name} permission={encoded!r:.60}")
    failures.assert_none()


def test_bodies_that_are_not_json_are_never_a_500(raw: TestClient) -> None:
    failures = Failures()
    for name in REQUESTS:
        for content, content_type in RAW_BODIES:
            headers = {"X-Authorization-access_token": ADMIN_TOKEN}
            if content_type is not None:
                headers["Content-Type"] = content_type
            response = raw.post(PLATFORM + name, headers=headers, content=content)
            failures.check(response, f"{name} {content_type} {content[:40]!r}")
    failures.assert_none()


def test_garbage_query_values_are_never_a_500(raw: TestClient) -> None:
    failures = Failures()
    for name, keys in QUERY_ROUTES.items():
        for key in keys:
            for value in QUERY_GARBAGE:
                url = f"{PLATFORM}{name}?formKey=ugyu&{key}={value}"
                failures.check(raw.post(url, headers=HEADERS), url)
    failures.assert_none()


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Authorization-access_token": ""},
        {"X-Authorization-access_token": "x" * 5000},
        {"Authorization": "Bearer a", "X-Authorization-access_token": "b"},
        {"Authorization": "Basic !!!"},
        {"Authorization": "Bearer"},
    ],
)
def test_broken_credentials_are_never_a_500(raw: TestClient, headers: dict[str, str]) -> None:
    failures = Failures()
    for name in REQUESTS:
        response = raw.post(PLATFORM + name, headers=headers, json={})
        failures.check(response, f"{name} {headers!r:.80}")
        assert response.status_code == 401
        assert response.json()["state"] == 6020201
    failures.assert_none()
