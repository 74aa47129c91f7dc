"""Nothing a client can send makes the native API answer 500.

Every route of the native router gets wrong path ids, wrong query values, bodies that
are not JSON or not the right JSON, values at and past every bound in every field of an
otherwise valid body, and broken credentials. The answer must always be a client error
(or a success) in the error envelope, never a 500. The route list is read from the
router, so a new route is covered the day it is added (and must get a valid body below).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from tests.e2e.support import SAMPLES, Api, TestClient, bearer

Route = tuple[str, str, dict[str, Any]]  # method, path under /api/v1, OpenAPI operation


def native_routes(app: FastAPI) -> list[Route]:
    """Every native operation, read from the OpenAPI document."""
    routes = [
        (method.upper(), path.removeprefix("/api/v1"), operation)
        for path, item in app.openapi()["paths"].items()
        if path.startswith("/api/v1/")
        for method, operation in item.items()
    ]
    # deleting the deployment last keeps the case alive for the routes after it
    return sorted(routes, key=lambda r: (r[1].startswith("/deployments/"), r[1], r[0]))


def query_names(operation: dict[str, Any]) -> list[str]:
    return [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]


def reads_json(operation: dict[str, Any]) -> bool:
    return "application/json" in operation.get("requestBody", {}).get("content", {})


# a valid body for every route that reads JSON; each field is then spoilt in turn
VALID: dict[tuple[str, str], Any] = {
    ("POST", "/users"): {
        "id": "zed",
        "name": "Zed",
        "email": "z@example.com",
        "groups": ["managers"],
        "admin": False,
    },
    ("PATCH", "/users/{user_id}"): {"name": "Ann", "email": None, "groups": [], "admin": False},
    ("POST", "/groups"): {"id": "unit", "name": "Unit", "type": "org", "parent_id": None},
    ("POST", "/process-definitions/{definition_id}/suspend"): {"include_instances": True},
    ("POST", "/process-definitions/{definition_id}/activate"): {"include_instances": True},
    ("POST", "/process-instances"): {
        "process_key": "leave",
        "business_key": "B-1",
        "variables": {"days": 1},
    },
    ("PUT", "/process-instances/{instance_id}/variables"): {"days": 2},
    ("POST", "/process-instances/{instance_id}/nodes/{node_id}/assignee"): {"user_id": "mia"},
    ("POST", "/messages"): {
        "name": "paid",
        "business_key": "B-1",
        "process_instance_id": 1,
        "variables": {},
    },
    ("POST", "/signals"): {"name": "go", "variables": {}},
    ("POST", "/tasks/{task_id}/complete"): {"variables": {"a": 1}, "comment": "c", "outcome": "o"},
    ("POST", "/tasks/{task_id}/delegate"): {"user_id": "bob"},
    ("POST", "/tasks/{task_id}/resolve"): {"variables": {}},
    ("POST", "/tasks/{task_id}/assign"): {"user_id": "bob"},
    ("POST", "/tasks/{task_id}/reassign"): {"target": "bob", "source": None, "description": "d"},
    ("POST", "/tasks/{task_id}/return"): {"target_node_id": "fill_form", "comment": "c"},
    ("POST", "/tasks/{task_id}/reject"): {"comment": "c"},
    ("POST", "/tasks/{task_id}/jump"): {"target_node_id": "fill_form"},
    ("POST", "/tasks/{task_id}/signers"): {"user_id": "bob"},
    ("POST", "/tasks/{task_id}/cc"): {"users": ["bob"], "message": "m"},
    ("POST", "/tasks/{task_id}/urge"): {"message": "m"},
    ("POST", "/tasks/{task_id}/comments"): {"message": "m"},
    ("PUT", "/forms/{form_key}"): {
        "name": "Leave",
        "tables": [
            {
                "name": "leave",
                "label": "Leave",
                "isMain": "Y",
                "fields": [{"name": "days", "code": "leave", "field_type": "number", "label": "D"}],
            }
        ],
    },
}


def deep(levels: int) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = {"d": [value]}
    return value


EDGES: list[Any] = [
    None,
    True,
    0,
    -1,
    1.5,
    2**53 + 1,
    2**63 - 1,
    2**63,
    -(2**63) - 1,
    10**30,
    1e308,
    float("nan"),
    float("inf"),
    "",
    " ",
    "x" * 64,
    "x" * 65,
    "x" * 255,
    "x" * 256,
    "x" * 70_000,
    "a\x00b",
    "\ud800",
    "ü中文🙂",
    "../../etc/passwd",
    "${1 + 1}",
    "#{applicant}",
    "<x/>",
    "'; DROP TABLE task; --",
    "%_\\",
    "*",
    [],
    [None],
    ["a", 1],
    ["x" * 65],
    ["\x00"],
    ["\ud800"],
    list(range(1500)),
    {},
    {"": 1},
    {"\x00": 1},
    {"x" * 300: 1},
    {"a": {"b": [1, {"c": None}]}},
    {"k": 10**30},
    {"k": "\x00"},
    {"k": "\ud800"},
    deep(40),
    deep(300),
]

PATH_GARBAGE = [
    "abc",
    "0",
    "-1",
    "1.5",
    "1e3",
    str(2**63),
    str(2**64),
    "9" * 40,
    "%00",
    "%FF",
    "%ED%A0%80",
    "x" * 300,
    "%20",
    "null",
]

QUERY_GARBAGE = [
    "",
    "abc",
    "-1",
    "0",
    "1.5",
    str(2**63),
    "9" * 40,
    "%00",
    "%FF",
    "%ED%A0%80",
    "x" * 300,
    "true",
    "*",
    "%25",
    "_",
    "2024-13-45",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00%2B14:00",
    "1e400",
]

RAW_BODIES: list[tuple[bytes, str | None]] = [
    (b"{", "application/json"),
    (b"", "application/json"),
    (b"null", "application/json"),
    (b"[]", "application/json"),
    (b'"text"', "application/json"),
    (b"12", "application/json"),
    (b"NaN", "application/json"),
    (b"1e999", "application/json"),
    (b'{"a":' * 5000, "application/json"),
    (b"[" * 100_000, "application/json"),
    (b"\xff\xfe\x00", "application/json"),
    (b'{"id": "\\ud800", "name": "\\udfff"}', "application/json"),
    (b'{"x": 1, "x": 2}', "application/json"),
    (b'{"a": 1}', "application/json; charset=utf-16"),
    (b"<x/>", "application/xml"),
    (b"a=b&c=d", "application/x-www-form-urlencoded"),
    (b'--b\r\nContent-Disposition: form-data; name="file"\r\n\r\nx\r\n--b--\r\n', None),
    (b'--b\r\nContent-Disposition: form-data; name="file"\r\n\r\nx', "multipart/form-data"),
    (b"{}", "text/plain"),
    (b"{}", None),
    (b"{}", "application/json; boundary=x; charset=nonsense"),
    (b"{}", "*/*"),
    (b"{}", ";;;"),
]


@pytest.fixture
def raw(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


class Case:
    """A leave case through the API, and a fresh one on demand, so garbage meets real ids."""

    def __init__(self, api: Api) -> None:
        self.api = api
        deployment = api.deploy((SAMPLES / "leave.bpmn").read_bytes(), "leave.bpmn")
        self.deployment_id = deployment["id"]
        self.definition_id = deployment["definitions"][0]["id"]
        self.ann = api.user("ann")
        api.user("mia", ["managers"])
        api.user("bob")

    def ids(self) -> dict[str, str]:
        # garbage may have suspended the definition; a valid body may do that too
        self.api.post(f"/process-definitions/{self.definition_id}/activate", self.api.admin)
        instance = self.api.start("leave", self.ann, variables={"days": 1}, business_key="B-1")
        form = self.api.open_task(instance["id"], "fill_form")
        return {
            "user_id": "ann",
            "deployment_id": str(self.deployment_id),
            "definition_id": str(self.definition_id),
            "instance_id": str(instance["id"]),
            "task_id": str(form["id"]),
            "node_id": "manager_short",
            "form_key": "leave",
        }


@pytest.fixture
def case(api: Api) -> Case:
    return Case(api)


def fill(path: str, ids: dict[str, str], **override: str) -> str:
    return "/api/v1" + re.sub(r"{(\w+)}", lambda m: override.get(m[1], ids[m[1]]), path)


def body_bytes(body: Any) -> bytes:
    # the stdlib writes NaN, Infinity and lone surrogates (as \ud800), as bad clients do
    return json.dumps(body).encode()


class Failures:
    def __init__(self) -> None:
        self.found: list[str] = []

    def check(self, response: Any, what: str) -> None:
        if response.status_code >= 500:
            self.found.append(f"{response.status_code} for {what}: {response.text[:200]}")
            return
        if response.status_code >= 400:
            body = response.json()
            if set(body) != {"error"} or set(body["error"]) != {"code", "message", "details"}:
                self.found.append(f"no error envelope for {what}: {response.text[:200]}")

    def assert_none(self) -> None:
        assert not self.found, f"{len(self.found)} failures:\n" + "\n".join(self.found[:40])


def test_every_json_route_has_a_valid_body_in_this_file(app: FastAPI) -> None:
    routes = native_routes(app)
    assert len(routes) > 40
    assert {(method, path) for method, path, op in routes if reads_json(op)} == set(VALID)


def test_garbage_path_ids_are_never_a_500(raw: TestClient, case: Case, api: Api) -> None:
    failures = Failures()
    ids = case.ids()
    for method, path, _ in native_routes(raw.app):
        for name in re.findall(r"{(\w+)}", path):
            for value in PATH_GARBAGE:
                url = fill(path, ids, **{name: value})
                body = VALID.get((method, path))
                response = raw.request(
                    method, url, headers=api.admin, **({"json": body} if body else {})
                )
                failures.check(response, f"{method} {url}")
    failures.assert_none()


def test_garbage_query_values_are_never_a_500(raw: TestClient, case: Case, api: Api) -> None:
    failures = Failures()
    ids = case.ids()
    for method, path, operation in native_routes(raw.app):
        names = query_names(operation)
        if method == "DELETE":
            continue  # a valid cascade=true would delete the case the others need
        for name in names:
            for value in QUERY_GARBAGE:
                url = f"{fill(path, ids)}?{name}={value}"
                body = VALID.get((method, path))
                response = raw.request(
                    method, url, headers=api.admin, **({"json": body} if body else {})
                )
                failures.check(response, f"{method} {url}")
    for value in QUERY_GARBAGE:
        url = f"{fill('/deployments/{deployment_id}', ids)}?cascade={value}"
        failures.check(raw.delete(url, headers=api.admin), f"DELETE {url}")
    failures.assert_none()


def test_bodies_that_are_not_the_right_json_are_never_a_500(
    raw: TestClient, case: Case, api: Api
) -> None:
    failures = Failures()
    for method, path, _ in native_routes(raw.app):
        ids = case.ids()
        for content, content_type in RAW_BODIES:
            headers = dict(api.admin)
            if content_type is not None:
                headers["Content-Type"] = content_type
            url = fill(path, ids)
            response = raw.request(method, url, headers=headers, content=content)
            failures.check(response, f"{method} {url} {content_type} {content[:40]!r}")
    failures.assert_none()


def test_every_field_at_and_past_its_bounds_is_never_a_500(
    raw: TestClient, case: Case, api: Api
) -> None:
    failures = Failures()
    headers = {**api.admin, "Content-Type": "application/json"}
    for method, path, _ in native_routes(raw.app):
        valid = VALID.get((method, path))
        if valid is None:
            continue
        ids = case.ids()
        url = fill(path, ids)
        for field in valid:
            for value in EDGES:
                body = {**valid, field: value}
                if "process_instance_id" in body and field != "process_instance_id":
                    body["process_instance_id"] = int(ids["instance_id"])
                response = raw.request(method, url, headers=headers, content=body_bytes(body))
                failures.check(response, f"{method} {url} {field}={value!r:.60}")
        for value in EDGES:  # the whole body, and values inside a variables map
            for body in (value, {"variables": {"v": value}}):
                response = raw.request(method, url, headers=headers, content=body_bytes(body))
                failures.check(response, f"{method} {url} body={body!r:.60}")
    failures.assert_none()


def test_garbage_deployments_are_never_a_500(raw: TestClient, api: Api) -> None:
    failures = Failures()
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><definitions>&b;</definitions>'
    )
    external = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<definitions>&x;</definitions>"
    )
    leave = (SAMPLES / "leave.bpmn").read_bytes()
    documents = [
        b"",
        b"\x00\x01\x02",
        laughs,
        external,
        leave.replace(b'id="leave"', b'id="le\xffave"'),
        leave.replace(b"UTF-8", b"UTF-16"),
        b"<definitions>" + b"<a>" * 50_000 + b"</definitions>",
    ]
    names = ["leave.bpmn", "", "x" * 300, "../../etc/passwd", "a\x00b.bpmn", "ü🙂.bpmn"]
    for document in documents:
        for content_type in ("application/xml", "text/xml"):
            response = raw.post(
                "/api/v1/deployments",
                headers={**api.admin, "Content-Type": content_type},
                content=document,
            )
            failures.check(response, f"deploy {content_type} {document[:40]!r}")
        for name in names:
            response = raw.post(
                "/api/v1/deployments", headers=api.admin, files={"file": (name, document)}
            )
            failures.check(response, f"deploy upload {name[:40]!r} {document[:40]!r}")
    for query in ("name=" + "n" * 300, "resource_name=%00", "name=", "resource_name=" + "r" * 300):
        response = raw.post(
            f"/api/v1/deployments?{query}",
            headers={**api.admin, "Content-Type": "application/xml"},
            content=leave,
        )
        failures.check(response, f"deploy ?{query[:40]}")
    failures.assert_none()


def test_overlong_ids_inside_a_bpmn_file_are_refused(raw: TestClient, api: Api) -> None:
    leave = (SAMPLES / "leave.bpmn").read_bytes()
    documents = [
        leave.replace(b'id="leave"', b'id="' + b"k" * 300 + b'"'),
        leave.replace(b'name="Leave request"', b'name="' + b"n" * 300 + b'"'),
        leave.replace(b"fill_form", b"x" * 300),
    ]
    statuses = []
    for document in documents:
        response = raw.post(
            "/api/v1/deployments", headers=api.admin, files={"file": ("a", document)}
        )
        statuses.append(response.status_code)
    assert all(status in (201, 400) for status in statuses), statuses


def test_broken_credentials_are_never_a_500(raw: TestClient, case: Case) -> None:
    failures = Failures()
    ids = case.ids()

    def basic(raw_bytes: bytes) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(raw_bytes).decode()}

    credentials = [
        bearer("x" * 10_000),
        {"Authorization": b"Bearer \xc3\xa9"},
        {"Authorization": "Basic"},
        {"Authorization": "Basic ===="},
        basic(b"no-colon"),
        basic(b":"),
        basic(b"\xff\xfe:\xfd"),
        basic(b"a" * 10_000 + b":" + b"b" * 10_000),
        {"X-Authorization-access_token": ""},
        {"X-Authorization-access_token": "y" * 10_000},
        {"Authorization": "Negotiate abc"},
        {"Authorization": " "},
    ]
    for method, path, _ in native_routes(raw.app):
        url = fill(path, ids)
        for headers in credentials:
            response = raw.request(method, url, headers=headers)
            failures.check(response, f"{method} {url} {str(headers)[:60]}")
            if response.status_code != 401:
                failures.found.append(f"{response.status_code} (not 401) for {method} {url}")
    failures.assert_none()
