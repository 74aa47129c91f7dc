"""What the Activiti dialect's tests share: requests at the server root, checks of the
envelopes, and small models."""

from __future__ import annotations

from typing import Any

from tests.e2e.support import Api, Headers, bpmn

__all__ = ["Act", "error", "ok", "ok_data", "ok_list"]


class Act:
    """The Activiti dialect over the test client; users and groups come from /api/v1."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.client = api.client
        self.admin = api.admin

    def user(self, user_id: str, groups: tuple[str, ...] = (), admin: bool = False) -> Headers:
        return self.api.user(user_id, groups, admin=admin)

    def request(self, method: str, path: str, headers: Headers | None = None, **kw: Any) -> Any:
        return self.client.request(method, path, headers=headers, **kw)

    def deploy(self, xml: str, name: str = "model.bpmn") -> Any:
        response = self.client.post(
            "/models", headers=self.admin, json={"bpmnXml": xml, "resourceName": name}
        )
        data = ok_data(response)
        return data

    def start(self, key: str, headers: Headers, **body: Any) -> Any:
        response = self.client.post(
            "/activity-task", headers=headers, json={"processId": key, **body}
        )
        return ok_data(response)

    def running(self, instance_id: str) -> Any:
        response = self.client.get(f"/activity-task/{instance_id}/ru-tasks", headers=self.admin)
        return ok_list(response)["data"]

    def task_at(self, instance_id: str, node: str) -> Any:
        found = [t for t in self.running(instance_id) if t["taskDefKey"] == node]
        assert len(found) == 1, self.running(instance_id)
        return found[0]

    def complete(self, task_id: str, headers: Headers, **body: Any) -> Any:
        response = self.client.post(f"/todo-task/{task_id}/complete", headers=headers, json=body)
        return ok_data(response)

    def withdraw(self, instance_id: str, user: str, headers: Headers) -> Any:
        return self.client.post(
            f"/activity-task/{instance_id}/users/{user}/revocation", headers=headers
        )


def ok(response: Any) -> None:
    """A bare JsonResponseBody."""
    assert response.status_code == 200, response.text
    assert response.json() == {"success": True, "status": 200}, response.text


def ok_data(response: Any) -> Any:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True and body["status"] == 200, body
    return body["data"]


def ok_list(response: Any) -> Any:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"success", "status", "meta", "links", "data"}, body
    return body


def error(response: Any, status: int, code: str | None = None) -> Any:
    """The Activiti error object, after checking the envelope."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False and body["status"] == status, body
    err: dict[str, Any] = body["error"]
    assert err["status"] == status and err["message"], body
    if code is not None:
        assert err["code"] == code, body
    return err


# start -> split -> (a: ${starter}, b: ${starter}) -> join -> c (boss) -> end,
# preceded by `draft` (${starter})
PARALLEL = bpmn(
    "par",
    """<startEvent id="start" flowable:initiator="starter"/>
    <userTask id="draft" name="Draft" flowable:assignee="${starter}"/>
    <parallelGateway id="split"/>
    <userTask id="a" name="A" flowable:assignee="amy"/>
    <userTask id="b" name="B" flowable:assignee="ben"/>
    <userTask id="a2" name="A2" flowable:assignee="amy"/>
    <parallelGateway id="join"/>
    <userTask id="c" name="C" flowable:assignee="boss"/>
    <endEvent id="end"/>
    <sequenceFlow id="f0" sourceRef="start" targetRef="draft"/>
    <sequenceFlow id="f1" sourceRef="draft" targetRef="split"/>
    <sequenceFlow id="f2" sourceRef="split" targetRef="a"/>
    <sequenceFlow id="f3" sourceRef="split" targetRef="b"/>
    <sequenceFlow id="f4" sourceRef="a" targetRef="a2"/>
    <sequenceFlow id="f5" sourceRef="a2" targetRef="join"/>
    <sequenceFlow id="f6" sourceRef="b" targetRef="join"/>
    <sequenceFlow id="f7" sourceRef="join" targetRef="c"/>
    <sequenceFlow id="f8" sourceRef="c" targetRef="end"/>""",
)

# start -> draft (${starter}) -> countersign (one per ${signers}) -> archive (boss) -> end
COUNTERSIGN = bpmn(
    "cosign",
    """<startEvent id="start" flowable:initiator="starter"/>
    <userTask id="draft" name="Draft" flowable:assignee="${starter}"/>
    <userTask id="sign" name="Sign" flowable:assignee="${signer}">
      <multiInstanceLoopCharacteristics isSequential="false"
          flowable:collection="${signers}" flowable:elementVariable="signer"/>
    </userTask>
    <userTask id="archive" name="Archive" flowable:assignee="boss"/>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="draft"/>
    <sequenceFlow id="f2" sourceRef="draft" targetRef="sign"/>
    <sequenceFlow id="f3" sourceRef="sign" targetRef="archive"/>
    <sequenceFlow id="f4" sourceRef="archive" targetRef="end"/>""",
)

# start -> fill (${starter}) -> route (exclusive on ${kind}) -> legal | money | sub
# money -> inclusive `checks` on ${amount}: audit (amount > 100), tax (amount > 1000),
# default: cashier; sub: subprocess with inner user task `inner`, then `after`.
ROUTES = bpmn(
    "routes",
    """<startEvent id="start" flowable:initiator="starter"/>
    <userTask id="fill" name="Fill" flowable:assignee="${starter}"/>
    <exclusiveGateway id="route" name="Which kind?" default="to_legal"/>
    <userTask id="legal" name="Legal" flowable:assignee="lea"/>
    <inclusiveGateway id="checks" name="Checks" default="to_cashier"/>
    <userTask id="audit" name="Audit" flowable:assignee="aud"/>
    <userTask id="tax" name="Tax" flowable:assignee="tim"/>
    <userTask id="cashier" name="Cashier" flowable:assignee="cas"/>
    <subProcess id="sub" name="Sub">
      <startEvent id="sub_start"/>
      <userTask id="inner" name="Inner" flowable:assignee="ina"/>
      <endEvent id="sub_end"/>
      <sequenceFlow id="s1" sourceRef="sub_start" targetRef="inner"/>
      <sequenceFlow id="s2" sourceRef="inner" targetRef="sub_end"/>
    </subProcess>
    <userTask id="after" name="After" flowable:assignee="aft"/>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="fill"/>
    <sequenceFlow id="f2" sourceRef="fill" targetRef="route"/>
    <sequenceFlow id="to_legal" sourceRef="route" targetRef="legal"/>
    <sequenceFlow id="to_money" sourceRef="route" targetRef="checks">
      <conditionExpression>${kind == 'money'}</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="to_sub" sourceRef="route" targetRef="sub">
      <conditionExpression>${kind == 'sub'}</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="to_audit" sourceRef="checks" targetRef="audit">
      <conditionExpression>${amount &gt; 100}</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="to_tax" sourceRef="checks" targetRef="tax">
      <conditionExpression>${amount &gt; 1000}</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="to_cashier" sourceRef="checks" targetRef="cashier"/>
    <sequenceFlow id="f3" sourceRef="sub" targetRef="after"/>
    <sequenceFlow id="f4" sourceRef="legal" targetRef="end"/>
    <sequenceFlow id="f5" sourceRef="audit" targetRef="end"/>
    <sequenceFlow id="f6" sourceRef="tax" targetRef="end"/>
    <sequenceFlow id="f7" sourceRef="cashier" targetRef="end"/>
    <sequenceFlow id="f8" sourceRef="after" targetRef="end"/>""",
)
