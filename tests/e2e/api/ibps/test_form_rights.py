"""The IBPS form-rights API over HTTP: each endpoint with the seed's own examples, the
rights they leave behind, and the errors in the IBPS envelope."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest

from lanes.api.app import MAX_BODY_BYTES
from tests.e2e.support import ADMIN_TOKEN, Api

from .seed import ANSWERS, REQUESTS

PLATFORM = "/ibps/platform/v3/form/rights/"
BUSINESS = "/ibps/business/v3/form/rights/"
ENVELOPE = {"state", "request", "message", "cause", "variables", "data"}
LEAVE_FIELDS = [
    "id",
    "xingMing",
    "buMen",
    "leiBie",
    "shiYou",
    "qiShiShiJian",
    "jieShuRiQi",
    "tianShu",
    "zhiWuDaiLiRen",
    "zhiShuZhuGuan",
    "buMenJingLi",
    "zongJingLi",
]


def leave_form() -> dict[str, Any]:
    """The seed's leave form (`ugyu`), as getPermission shows it, without the rules."""
    tables = ANSWERS["getPermission"]["data"]["table"]
    return {
        "name": "请假申请",
        "tables": [
            {
                "name": t["name"],
                "label": t["label"],
                "isMain": t["isMain"],
                "fields": [
                    {k: f[k] for k in ("name", "code", "field_type", "label")} for f in t["fields"]
                ],
            }
            for t in tables
        ],
    }


def token(value: str) -> dict[str, str]:
    return {"X-Authorization-access_token": value}


ADMIN = token(ADMIN_TOKEN)


@pytest.fixture
def ibps(api: Api) -> Api:
    """The API with the leave form defined."""
    response = api.put("/forms/ugyu", api.admin, json=leave_form())
    assert response.status_code == 201, response.text
    return api


def call(
    api: Api, endpoint: str, body: Any = None, headers: dict[str, str] | None = None, **kw: Any
) -> Any:
    response = api.client.post(PLATFORM + endpoint, json=body, headers=headers or ADMIN, **kw)
    assert set(response.json()) == ENVELOPE, response.text
    return response


def ok(api: Api, endpoint: str, body: Any = None, **kw: Any) -> dict[str, Any]:
    response = call(api, endpoint, body, **kw)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    assert answer["state"] == 200 and answer["cause"] == "" and answer["request"] is None
    return answer


def refused(api: Api, endpoint: str, body: Any, status: int, cause: str, **kw: Any) -> str:
    response = call(api, endpoint, body, **kw)
    assert response.status_code == status, response.text
    answer = response.json()
    assert answer["state"] == status and answer["cause"] == cause, answer
    assert answer["message"] and answer["data"] is None
    message: str = answer["message"]
    return message


def rights_of(api: Api, user_id: str = "admin", **keys: Any) -> dict[str, str]:
    body = {
        "formKey": "ugyu",
        "userId": user_id,
        "rightsScopeStr": keys.pop("scope", "form"),
        "rightsMap": keys,
    }
    data = ok(api, "getPermission2", body)["data"]
    assert isinstance(data, str)
    fields: dict[str, str] = json.loads(data)["fields"]
    return fields


def seed_url(name: str) -> str:
    url = urlsplit(REQUESTS[name])
    return f"{url.path}?{url.query}"


# -- the seed's examples ------------------------------------------------------------------


def test_get_permission_shows_the_seed_forms_fields_with_default_rules(ibps: Api) -> None:
    answer = ok(ibps, "getPermission", REQUESTS["getPermission"])
    seed = ANSWERS["getPermission"]["data"]
    assert answer["data"]["opinion"] == []
    (table,) = answer["data"]["table"]
    (seed_table,) = seed["table"]
    assert {k: table[k] for k in ("label", "name", "isMain")} == {
        k: seed_table[k] for k in ("label", "name", "isMain")
    }
    assert [f["name"] for f in table["fields"]] == LEAVE_FIELDS
    for field, seed_field in zip(table["fields"], seed_table["fields"], strict=True):
        assert set(field) == set(seed_field)
        for key in ("name", "code", "field_type", "label", "read", "edit", "required"):
            assert field[key] == seed_field[key]
        assert field["hide"] == [{"type": "none", "rightsId": "", "rightsName": ""}]


def test_save_permission_then_get_permission2_gives_the_seeds_answer(ibps: Api) -> None:
    assert ok(ibps, "savePermission", REQUESTS["savePermission"]) == ANSWERS["savePermission"]
    answer = ok(ibps, "getPermission2", REQUESTS["getPermission2"])
    seed = ANSWERS["getPermission2"]
    assert isinstance(answer["data"], str)
    assert json.loads(answer["data"]) == json.loads(seed["data"])
    assert {k: v for k, v in answer.items() if k != "data"} == {
        k: v for k, v in seed.items() if k != "data"
    }
    # and getPermission shows the rules as saved
    fields = ok(ibps, "getPermission", REQUESTS["getPermission"])["data"]["table"][0]["fields"]
    assert fields[1]["required"] == [{"type": "all", "rightsId": "", "rightsName": ""}]
    assert fields[1]["hide"] == [{"type": "none"}]


def test_get_permission_by_user_id_as_the_seed_sends_it(ibps: Api) -> None:
    # the seed names no form: there is no field to have a right on
    answer = ok(ibps, seed_url("getPermissionByUserId").replace(BUSINESS, ""), None)
    assert json.loads(answer["data"]) == {"tables": {}, "opinions": {}, "fields": {}}
    # naming the form gives the seed's answer: edit on every field by default
    url = f"{BUSINESS}getPermissionByUserId?flowKey=&formKey=ugyu&rightsScope=form"
    response = ibps.client.post(url, headers=ADMIN)
    assert response.status_code == 200, response.text
    assert json.loads(response.json()["data"]) == json.loads(
        ANSWERS["getPermissionByUserId"]["data"]
    )


def test_copy_remove_and_reset_answer_as_the_seed_does(ibps: Api) -> None:
    for name in ("copyPermissionByFlowKey", "resetRights"):
        assert ok(ibps, name, REQUESTS[name]) == ANSWERS[name]
    response = ibps.client.post(seed_url("removeByFlowKey"), headers=ADMIN)
    assert response.status_code == 200
    assert response.json() == ANSWERS["removeByFlowKey"]


@pytest.mark.parametrize("name", ["saveFlowPermission", "resetFlowPermission"])
def test_flow_permission_examples_need_the_scope_keys_the_seed_leaves_out(
    ibps: Api, name: str
) -> None:
    # the seed's PermissionVo example carries no formKey nor flowKey: there is no scope
    refused(ibps, name, REQUESTS[name], 400, "formKey")
    refused(ibps, name, {**REQUESTS[name], "formKey": "ugyu"}, 400, "flowKey")
    body = {**REQUESTS[name], "formKey": "ugyu", "flowKey": "Process_0ffwb2k"}
    assert ok(ibps, name, body) == ANSWERS[name]


def test_both_base_paths_serve_the_same_routes(ibps: Api) -> None:
    for base in (PLATFORM, BUSINESS):
        response = ibps.client.post(
            base + "getPermission", json=REQUESTS["getPermission"], headers=ADMIN
        )
        assert response.status_code == 200
        assert [f["name"] for f in response.json()["data"]["table"][0]["fields"]] == LEAVE_FIELDS


# -- what the rules do ----------------------------------------------------------------------


def field_rules(name: str, **lists: list[dict[str, str]]) -> dict[str, Any]:
    return {"name": name, "code": "qjsqbd", **lists}


def save(api: Api, scope: dict[str, Any], *entries: dict[str, Any]) -> None:
    permission = json.dumps({"field": list(entries), "subfield": [], "table": []})
    ok(api, "savePermission", {"permission": permission, "formKey": "ugyu", **scope})


NONE = [{"type": "none"}]
ALL = [{"type": "all"}]


def test_node_flow_and_form_rules_fall_back_field_by_field(ibps: Api) -> None:
    save(ibps, {"rightsScope": "form"}, field_rules("xingMing", edit=NONE))
    save(ibps, {"rightsScope": "flow", "flowKey": "leave"}, field_rules("buMen", required=ALL))
    node = {"rightsScope": "node", "flowKey": "leave", "nodeId": "approve", "parentFlowKey": "null"}
    save(ibps, node, field_rules("leiBie", read=NONE, edit=NONE))
    at_node = rights_of(ibps, scope="node", flowKey="leave", nodeId="approve")
    assert (at_node["xingMing"], at_node["buMen"], at_node["leiBie"], at_node["id"]) == (
        "r",
        "b",
        "h",
        "e",
    )
    at_flow = rights_of(ibps, scope="flow", flowKey="leave")
    assert (at_flow["xingMing"], at_flow["buMen"], at_flow["leiBie"]) == ("r", "b", "e")
    at_form = rights_of(ibps)
    assert (at_form["xingMing"], at_form["buMen"]) == ("r", "e")
    # getPermission at the node shows what applies there, whichever scope it came from
    body = {"formKey": "ugyu", "rightsScope": "node", "flowKey": "leave", "nodeId": "approve"}
    shown = {f["name"]: f for f in ok(ibps, "getPermission", body)["data"]["table"][0]["fields"]}
    assert shown["xingMing"]["edit"] == NONE
    assert shown["buMen"]["required"] == ALL


def test_save_flow_permission_keys_inside_the_permission_and_reset(ibps: Api) -> None:
    permission = {
        "formKey": "ugyu",
        "flowKey": "leave",
        "nodeId": "approve",
        "field": [field_rules("tianShu", required=ALL)],
    }
    ok(ibps, "saveFlowPermission", {"permission": json.dumps(permission)})
    assert rights_of(ibps, scope="node", flowKey="leave", nodeId="approve")["tianShu"] == "b"
    ok(ibps, "resetFlowPermission", {"permission": json.dumps(permission)})
    assert rights_of(ibps, scope="node", flowKey="leave", nodeId="approve")["tianShu"] == "e"


def test_copy_and_remove_by_flow_key(ibps: Api) -> None:
    save(
        ibps,
        {"rightsScope": "flow", "flowKey": "Process_0ffwb2k"},
        field_rules("buMen", required=ALL),
    )
    ok(ibps, "copyPermissionByFlowKey", REQUESTS["copyPermissionByFlowKey"])
    assert rights_of(ibps, scope="flow", flowKey="Process_0i4ijlf")["buMen"] == "b"
    ok(ibps, "removeByFlowKey?flowKey=Process_0ffwb2k")
    assert rights_of(ibps, scope="flow", flowKey="Process_0ffwb2k")["buMen"] == "e"
    assert rights_of(ibps, scope="flow", flowKey="Process_0i4ijlf")["buMen"] == "b"


def test_rights_follow_the_callers_groups(ibps: Api) -> None:
    ibps.group("hq", "org")
    ibps.group("branch", "org", parent_id="hq")
    clerk = ibps.user("clerk", ["branch"])
    save(
        ibps,
        {"rightsScope": "form"},
        field_rules("shiYou", required=[{"type": "orgSub", "rightsId": "hq"}]),
    )
    response = ibps.client.post(
        PLATFORM + "getPermissionByUserId?formKey=ugyu",
        headers=token(clerk["Authorization"].removeprefix("Bearer ")),
    )
    assert json.loads(response.json()["data"])["fields"]["shiYou"] == "b"
    assert rights_of(ibps, "admin")["shiYou"] == "e"


# -- errors -------------------------------------------------------------------------------


def test_a_permission_that_is_not_json_is_400_naming_it(ibps: Api) -> None:
    body = {**REQUESTS["savePermission"], "permission": "{not json"}
    refused(ibps, "savePermission", body, 400, "permission")


def test_a_field_the_form_lacks_is_400_naming_it(ibps: Api) -> None:
    body = {"formKey": "ugyu", "permission": json.dumps({"field": [{"name": "nosuch"}]})}
    refused(ibps, "savePermission", body, 400, "nosuch")


def test_an_unknown_rule_type_is_400_naming_the_rule(ibps: Api) -> None:
    entry = field_rules("xingMing", edit=[{"type": "everybody"}])
    body = {"formKey": "ugyu", "permission": json.dumps({"field": [entry]})}
    message = refused(ibps, "savePermission", body, 400, "xingMing.edit")
    assert "everybody" in message


@pytest.mark.parametrize(
    ("endpoint", "body", "cause"),
    [
        ("getPermission", {"rightsScope": "form"}, "formKey"),
        ("getPermission", {"formKey": "ugyu", "rightsScope": "flow"}, "flowKey"),
        ("getPermission", {"formKey": "ugyu", "rightsScope": "node", "flowKey": "x"}, "nodeId"),
        ("getPermission", {"formKey": "ugyu", "rightsScope": "planet"}, "rightsScope"),
        ("getPermission2", {"userId": "1", "rightsScopeStr": "form"}, "formKey"),
        ("resetRights", {"formKey": "null"}, "formKey"),
        ("savePermission", {"formKey": "ugyu"}, "permission"),
        ("savePermission", {"permission": "{}"}, "formKey"),
        ("copyPermissionByFlowKey", {"newFlowKey": "a"}, "oldFlowKey"),
        ("copyPermissionByFlowKey", {"oldFlowKey": "a", "newFlowKey": ""}, "newFlowKey"),
        ("removeByFlowKey", None, "flowKey"),
        ("getPermission", {"formKey": "ugyu", "flowKey": ["x"], "rightsScope": "flow"}, "flowKey"),
        ("getPermission", {"formKey": "u" * 200}, "formKey"),
        (
            "getPermission",
            {"formKey": "ugyu", "flowKey": "a\x00b", "rightsScope": "flow"},
            "flowKey",
        ),
    ],
)
def test_missing_or_bad_keys_are_400_naming_them(
    ibps: Api, endpoint: str, body: Any, cause: str
) -> None:
    refused(ibps, endpoint, body, 400, cause)


def test_a_body_that_is_not_json_is_400_in_the_envelope(ibps: Api) -> None:
    response = ibps.client.post(
        PLATFORM + "getPermission",
        content=b'{"formKey": ',
        headers={**ADMIN, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["state"] == 400 and response.json()["cause"] == "body"


def test_an_unknown_form_is_404_in_the_envelope(ibps: Api) -> None:
    refused(ibps, "getPermission", {"formKey": "nope"}, 404, "formKey")


@pytest.mark.parametrize("headers", [token("wrong"), {}, {"Authorization": "Bearer wrong"}])
def test_a_bad_or_missing_token_is_401_with_the_ibps_state(ibps: Api, headers: Any) -> None:
    response = ibps.client.post(
        PLATFORM + "getPermission", json=REQUESTS["getPermission"], headers=headers
    )
    assert response.status_code == 401
    answer = response.json()
    assert set(answer) == ENVELOPE
    assert answer["state"] == 6020201 and answer["message"]


@pytest.mark.parametrize(
    "endpoint",
    [
        "savePermission",
        "resetRights",
        "copyPermissionByFlowKey",
        "removeByFlowKey?flowKey=test",
    ],
)
def test_changing_rules_needs_an_administrator_or_form_admin(ibps: Api, endpoint: str) -> None:
    plain = ibps.user("plain")
    form_admin = ibps.user("fay", ["form-admin"])
    body = REQUESTS.get(endpoint)
    plain_token = token(plain["Authorization"].removeprefix("Bearer "))
    refused(ibps, endpoint, body, 403, "", headers=plain_token)
    ok(ibps, endpoint, body, headers=token(form_admin["Authorization"].removeprefix("Bearer ")))


def test_flow_rules_need_a_manager_too(ibps: Api) -> None:
    plain = token(ibps.user("plain")["Authorization"].removeprefix("Bearer "))
    body = {**REQUESTS["saveFlowPermission"], "formKey": "ugyu", "flowKey": "f"}
    refused(ibps, "saveFlowPermission", body, 403, "", headers=plain)
    refused(ibps, "resetFlowPermission", body, 403, "", headers=plain)


def test_anyone_reads_their_own_rights_but_not_anothers(ibps: Api) -> None:
    plain = token(ibps.user("plain")["Authorization"].removeprefix("Bearer "))
    ok(ibps, "getPermission2", {**REQUESTS["getPermission2"], "userId": "plain"}, headers=plain)
    refused(ibps, "getPermission2", REQUESTS["getPermission2"], 403, "", headers=plain)
    ok(ibps, "getPermission", REQUESTS["getPermission"], headers=plain)


def test_the_native_api_keeps_its_own_error_format(ibps: Api) -> None:
    response = ibps.get("/tasks/999", ibps.admin)
    assert response.status_code == 404
    assert set(response.json()) == {"error"}
    response = ibps.get("/tasks", {"Authorization": "Bearer wrong"})
    assert response.status_code == 401 and set(response.json()) == {"error"}


def test_a_body_over_the_limit_is_413_in_the_ibps_envelope(api: Api) -> None:
    big = b" " * (MAX_BODY_BYTES + 1)
    response = api.client.post(
        PLATFORM + "getPermission",
        content=big,
        headers={**ADMIN, "Content-Type": "application/json"},
    )
    assert response.status_code == 413, response.text
    answer = response.json()
    assert set(answer) == ENVELOPE and answer["state"] == 413 and answer["message"]
