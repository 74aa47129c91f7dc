"""What the end-to-end tests share: the test client class, an HTTP-only helper, checks.

`TestClient` is imported here once, with starlette's notice that it prefers httpx2
silenced (the project installs httpx); tests import it from this module.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

__all__ = [
    "ADMIN_TOKEN",
    "SAMPLES",
    "Api",
    "Headers",
    "TestClient",
    "bearer",
    "bpmn",
    "error_of",
    "one_task",
    "token_of",
    "two_tasks",
]

ADMIN_TOKEN = "e2e-admin-token"
SAMPLES = Path(__file__).resolve().parents[2] / "src" / "lanes" / "samples"

Headers = dict[str, str]


def bearer(token: str) -> Headers:
    return {"Authorization": f"Bearer {token}"}


def token_of(headers: Headers) -> str:
    """The token in headers made by `bearer`."""
    return headers["Authorization"].removeprefix("Bearer ")


class Api:
    """The test client, and the few steps most tests share, all through HTTP."""

    base = "/api/v1"

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.admin = bearer(ADMIN_TOKEN)
        self._groups: set[str] = set()

    # plain requests, relative to /api/v1
    def get(self, path: str, headers: Headers | None = None, **kwargs: Any) -> Any:
        return self.client.get(self.base + path, headers=headers, **kwargs)

    def post(self, path: str, headers: Headers | None = None, **kwargs: Any) -> Any:
        return self.client.post(self.base + path, headers=headers, **kwargs)

    def put(self, path: str, headers: Headers | None = None, **kwargs: Any) -> Any:
        return self.client.put(self.base + path, headers=headers, **kwargs)

    def patch(self, path: str, headers: Headers | None = None, **kwargs: Any) -> Any:
        return self.client.patch(self.base + path, headers=headers, **kwargs)

    def delete(self, path: str, headers: Headers | None = None, **kwargs: Any) -> Any:
        return self.client.delete(self.base + path, headers=headers, **kwargs)

    # shared steps; each asserts its own success
    def group(self, group_id: str, type: str = "role", parent_id: str | None = None) -> None:
        if group_id in self._groups:
            return
        body = {"id": group_id, "name": group_id.title(), "type": type, "parent_id": parent_id}
        response = self.post("/groups", self.admin, json=body)
        assert response.status_code == 201, response.text
        self._groups.add(group_id)

    def user(self, user_id: str, groups: Sequence[str] = (), *, admin: bool = False) -> Headers:
        """Create a user in `groups` (role groups made on demand); their bearer headers."""
        for group in groups:
            self.group(group)
        body = {"id": user_id, "name": user_id.title(), "groups": list(groups), "admin": admin}
        response = self.post("/users", self.admin, json=body)
        assert response.status_code == 201, response.text
        return bearer(self.token(user_id))

    def token(self, user_id: str) -> str:
        response = self.post(f"/users/{user_id}/tokens", self.admin)
        assert response.status_code == 201, response.text
        token: str = response.json()["token"]
        return token

    def deploy(self, xml: str | bytes, name: str = "process.bpmn") -> dict[str, Any]:
        data = xml.encode() if isinstance(xml, str) else xml
        response = self.post("/deployments", self.admin, files={"file": (name, data)})
        body: dict[str, Any] = response.json()
        # 201 for a new deployment, 200 when the very same file was deployed before
        assert response.status_code == (201 if body.get("created") else 200), response.text
        return body

    def deploy_leave(self) -> dict[str, Any]:
        return self.deploy((SAMPLES / "leave.bpmn").read_bytes(), "leave.bpmn")

    def save_node_rights(self, form: str, node: str, permission: dict[str, Any]) -> None:
        """The field rights of `form` at `node` of the flow with the same key, set by the
        admin through the IBPS savePermission endpoint."""
        response = self.client.post(
            "/ibps/platform/v3/form/rights/savePermission",
            headers={"X-Authorization-access_token": token_of(self.admin)},
            json={
                "formKey": form,
                "flowKey": form,
                "nodeId": node,
                "rightsScope": "node",
                "permission": json.dumps(permission),
            },
        )
        assert response.status_code == 200, response.text

    def start(self, key: str, headers: Headers, **body: Any) -> dict[str, Any]:
        response = self.post("/process-instances", headers, json={"process_key": key, **body})
        assert response.status_code == 201, response.text
        instance: dict[str, Any] = response.json()
        return instance

    def todo(self, headers: Headers, **params: Any) -> list[dict[str, Any]]:
        response = self.get("/tasks", headers, params=params)
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    def open_task(self, instance_id: int, node_id: str) -> dict[str, Any]:
        """The open task at `node_id` of the instance (read as admin)."""
        response = self.get(
            f"/process-instances/{instance_id}/tasks", self.admin, params={"open_only": True}
        )
        assert response.status_code == 200, response.text
        found = [t for t in response.json() if t["node_id"] == node_id]
        assert len(found) == 1, response.json()
        task: dict[str, Any] = found[0]
        return task

    def complete(self, task_id: int, headers: Headers, **body: Any) -> dict[str, Any]:
        response = self.post(f"/tasks/{task_id}/complete", headers, json=body)
        assert response.status_code == 200, response.text
        task: dict[str, Any] = response.json()
        return task


def error_of(response: Any) -> dict[str, Any]:
    """The error envelope's content, after checking the envelope's shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["message"], body
    error: dict[str, Any] = body["error"]
    return error


def bpmn(
    process_id: str, flow: str, *, name: str | None = None, attrs: str = "", extra: str = ""
) -> str:
    """A BPMN file with one executable process; `flow` holds its elements, `extra` what
    sits beside the process (messages, signals)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:flowable="http://flowable.org/bpmn"
             targetNamespace="https://lanes.dev/tests">
  {extra}
  <process id="{process_id}" name="{name or process_id.title()}" isExecutable="true" {attrs}>
    {flow}
  </process>
</definitions>
"""


def one_task(process_id: str = "review", task: str = 'flowable:assignee="${starter}"') -> str:
    """start -> userTask `work` (attributes `task`) -> end; the starter is `${starter}`."""
    return bpmn(
        process_id,
        f"""<startEvent id="start" flowable:initiator="starter"/>
    <userTask id="work" name="Work" {task}/>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <sequenceFlow id="f2" sourceRef="work" targetRef="end"/>""",
    )


def two_tasks(process_id: str = "chain") -> str:
    """start -> `first` (the starter) -> `second` (group `checkers`) -> end."""
    return bpmn(
        process_id,
        """<startEvent id="start" flowable:initiator="starter"/>
    <userTask id="first" name="First" flowable:assignee="${starter}"/>
    <userTask id="second" name="Second" flowable:candidateGroups="checkers"/>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="first"/>
    <sequenceFlow id="f2" sourceRef="first" targetRef="second"/>
    <sequenceFlow id="f3" sourceRef="second" targetRef="end"/>""",
    )
