"""The nine form-rights endpoints of IBPS (`.../v3/form/rights/*`, all POST).

Requests are read as leniently as the seed's own examples need: `parentflowKey` is
`parentFlowKey`, the strings "null" and "" count as absent, unknown keys are ignored.
Each route turns its body into a scope and a payload and calls one function of
`lanes.services.forms`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any, Final

from fastapi import APIRouter, Body, Query

from lanes.api.deps import ActorDep, ServicesDep
from lanes.api.ibps.envelope import IbpsRoute, envelope
from lanes.services import forms
from lanes.services.errors import Invalid

__all__ = ["router"]

router = APIRouter(route_class=IbpsRoute, tags=["ibps form rights"])

Json = Annotated[dict[str, Any] | None, Body()]
QueryText = Annotated[str | None, Query(max_length=255)]

SAVED: Final = "保存表单权限设置成功!"
RESET: Final = "重置表单权限设置成功!"
_LEVELS = ("form", "flow", "node")
_ALIASES = {"parentFlowKey": ("parentFlowKey", "parentflowKey")}


def _text(source: Mapping[str, Any], key: str) -> str | None:
    """A key's value as text; None, "", "null" and a missing key are all absent."""
    for name in _ALIASES.get(key, (key,)):
        value = source.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise Invalid(f"{key} must be a string", {"field": key})
        text = str(value).strip()
        if text and text != "null":
            return text
    return None


def _required(source: Mapping[str, Any], key: str) -> str:
    value = _text(source, key)
    if value is None:
        raise Invalid(f"{key} is required", {"field": key})
    return value


def _level(source: Mapping[str, Any], *keys: str) -> str | None:
    """The scope level named by the first of `keys` present (form / flow / node)."""
    for key in keys:
        value = source.get(key)
        if isinstance(value, Mapping):  # RightsScope {key, label}
            value = value.get("key")
        if value in (None, "", "null"):
            continue
        if value not in _LEVELS:
            if key == "rightsType":
                continue  # IBPS has other rights types; only a scope level is read from it
            raise Invalid(f"{key} is one of {', '.join(_LEVELS)}", {"field": key})
        return str(value)
    return None


def _scope(source: Mapping[str, Any], level: str | None, keys: Mapping[str, Any]) -> forms.Scope:
    """The scope named by `keys` at `level` (inferred from the keys when None)."""
    form_key = _required(source, "formKey")
    flow_key = _text(keys, "flowKey")
    node_id = _text(keys, "nodeId")
    if level is None:
        level = "node" if node_id else ("flow" if flow_key else "form")
    if level == "form":
        return forms.Scope(form_key)
    flow_key = _required(keys, "flowKey")
    if level == "flow":
        return forms.Scope(form_key, flow_key)
    return forms.Scope(form_key, flow_key, _required(keys, "nodeId"), _text(keys, "parentFlowKey"))


def _permission(body: Mapping[str, Any]) -> Any:
    """The `permission` payload: a JSON string (as the designer sends it) or JSON itself."""
    raw = body.get("permission")
    if raw is None or raw == "":
        raise Invalid("permission is required", {"field": "permission"})
    if not isinstance(raw, str):
        return raw
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise Invalid(f"permission is not valid JSON: {error}", {"field": "permission"}) from None


def _flow_scope(body: Mapping[str, Any], permission: Any) -> forms.Scope:
    """Scope keys of saveFlowPermission / resetFlowPermission: in the body, else inside
    the permission object; a node scope when a node id is given, else the flow."""
    inner = permission if isinstance(permission, Mapping) else {}
    merged = {**inner, **{k: v for k, v in body.items() if v not in (None, "", "null")}}
    return _scope(merged, "node" if _text(merged, "nodeId") else "flow", merged)


def _rights_string(rights: Mapping[str, Any]) -> str:
    return json.dumps(rights, ensure_ascii=False, separators=(",", ":"))


@router.post("/copyPermissionByFlowKey", summary="Copy a flow's rules to another flow")
def copy_permission_by_flow_key(svc: ServicesDep, actor: ActorDep, body: Json = None) -> Any:
    body = body or {}
    old, new = _required(body, "oldFlowKey"), _required(body, "newFlowKey")
    forms.copy_flow_rules(svc, actor, old, new)
    return envelope()


@router.post("/getPermission", summary="The rule configuration at a scope")
def get_permission(svc: ServicesDep, actor: ActorDep, body: Json = None) -> Any:
    body = body or {}
    scope = _scope(body, _level(body, "rightsScope", "rightsType"), body)
    return envelope(forms.rule_configuration(svc, actor, scope))


@router.post("/getPermission2", summary="A user's effective rights (a JSON string)")
def get_permission2(svc: ServicesDep, actor: ActorDep, body: Json = None) -> Any:
    body = body or {}
    rights_map = body.get("rightsMap")
    keys = rights_map if isinstance(rights_map, Mapping) else body
    scope = _scope(body, _level(body, "rightsScopeStr", "rightsScope"), keys)
    rights = forms.user_rights(svc, actor, scope, _text(body, "userId"))
    return envelope(_rights_string(rights))


@router.post("/getPermissionByUserId", summary="Your effective rights (a JSON string)")
def get_permission_by_user_id(
    svc: ServicesDep,
    actor: ActorDep,
    formKey: QueryText = None,
    flowKey: QueryText = None,
    nodeId: QueryText = None,
    parentFlowKey: QueryText = None,
    rightsScope: QueryText = None,
) -> Any:
    keys = {
        "formKey": formKey,
        "flowKey": flowKey,
        "nodeId": nodeId,
        "parentFlowKey": parentFlowKey,
        "rightsScope": rightsScope or "form",
    }
    if _text(keys, "formKey") is None:
        # no form named: no field to have rights on (the seed's own example sends none)
        return envelope(_rights_string({"tables": {}, "opinions": {}, "fields": {}}))
    scope = _scope(keys, _level(keys, "rightsScope"), keys)
    return envelope(_rights_string(forms.user_rights(svc, actor, scope)))


@router.post("/removeByFlowKey", summary="Delete every rule of a flow and its nodes")
def remove_by_flow_key(
    svc: ServicesDep,
    actor: ActorDep,
    flowKey: QueryText = None,
) -> Any:
    forms.remove_flow_rules(svc, actor, _required({"flowKey": flowKey}, "flowKey"))
    return envelope()


@router.post("/resetFlowPermission", summary="Fields named fall back to the form's rules")
def reset_flow_permission(svc: ServicesDep, actor: ActorDep, body: Json = None) -> Any:
    body = body or {}
    permission = _permission(body)
    forms.reset_fields(svc, actor, _flow_scope(body, permission), permission)
    return envelope()


@router.post("/resetRights", summary="Reset the rules at a scope to the defaults")
def reset_rights(svc: ServicesDep, actor: ActorDep, body: Json = None) -> Any:
    body = body or {}
    scope = _scope(body, _level(body, "rightsScope", "rightsType"), body)
    forms.reset_scope(svc, actor, scope)
    return envelope(message=RESET, variables={"id": None})


@router.post("/saveFlowPermission", summary="Save rules of some fields at a flow or node")
def save_flow_permission(svc: ServicesDep, actor: ActorDep, body: Json = None) -> Any:
    body = body or {}
    permission = _permission(body)
    forms.save_rules(svc, actor, _flow_scope(body, permission), permission, whole=False)
    return envelope()


@router.post("/savePermission", summary="Save the whole form's rules at a scope")
def save_permission(svc: ServicesDep, actor: ActorDep, body: Json = None) -> Any:
    body = body or {}
    permission = _permission(body)
    scope = _scope(body, _level(body, "rightsScope", "rightsType"), body)
    forms.save_rules(svc, actor, scope, permission, whole=True)
    return envelope(message=SAVED)
