"""Scopes, their fallback, and the rights function `rights(form, saved, scope, person)`.

Rules are saved at three scopes: the form (`formKey`), a flow (`flowKey`) and one node
of a flow (`flowKey` + `nodeId`, with `parentFlowKey` for a node of a called sub-flow).
Each field falls back on its own: node rules, else flow rules, else form rules, else the
defaults (`e` for everybody). A node of a called sub-flow first looks for rules made for
that parent flow, then for the node as such.

Imports nothing of lanes but this package.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lanes.forms.errors import FormError
from lanes.forms.model import Field, Form
from lanes.forms.rules import (
    DEFAULT_RULES,
    RIGHTS_ORDER,
    FieldRules,
    Person,
    right_of,
    rules_from_json,
)

__all__ = [
    "Rights",
    "Saved",
    "Scope",
    "effective_rules",
    "permission_entries",
    "rights",
]

FORM, FLOW, NODE = "form", "flow", "node"


@dataclass(frozen=True, slots=True)
class Scope:
    """Where rules apply; empty strings are normalised to None by the callers."""

    form_key: str
    flow_key: str | None = None
    node_id: str | None = None
    parent_flow_key: str | None = None

    @property
    def level(self) -> str:
        if self.node_id is not None:
            return NODE
        return FLOW if self.flow_key is not None else FORM

    def fallback(self) -> tuple[Scope, ...]:
        """This scope and those its fields fall back to, nearest first."""
        form = Scope(self.form_key)
        if self.flow_key is None:
            return (form,)
        flow = Scope(self.form_key, self.flow_key)
        if self.node_id is None:
            return (flow, form)
        node = Scope(self.form_key, self.flow_key, self.node_id)
        if self.parent_flow_key is None:
            return (node, flow, form)
        return (self, node, flow, form)


Saved = Mapping[Scope, Mapping[str, FieldRules]]
"""Saved rules: by scope, then by field path (`name`, or `table.name` in a sub-table)."""


@dataclass(frozen=True, slots=True)
class Rights:
    """A person's right on every field (`b`/`e`/`r`/`h`) and, for each sub-table, the
    strongest right of its fields (a front end hides a sub-table that is all `h`)."""

    tables: dict[str, str]
    fields: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {"tables": self.tables, "opinions": {}, "fields": self.fields}


def effective_rules(form: Form, saved: Saved, scope: Scope) -> dict[str, FieldRules]:
    """Each field's rules at `scope`: the nearest scope that saved some, else defaults."""
    chain = scope.fallback()
    out: dict[str, FieldRules] = {}
    for field in form.fields():
        out[field.path] = next(
            (found for s in chain if (found := saved.get(s, {}).get(field.path)) is not None),
            DEFAULT_RULES,
        )
    return out


def rights(form: Form, saved: Saved, scope: Scope, person: Person) -> Rights:
    """The person's rights on every field of the form at `scope`."""
    rules = effective_rules(form, saved, scope)
    fields = {path: right_of(r, person) for path, r in rules.items()}
    tables = {
        t.name: max((fields[f.path] for f in t.fields), key=RIGHTS_ORDER.index)
        for t in form.sub_tables
    }
    return Rights(tables, fields)


def permission_entries(form: Form, payload: Any) -> dict[str, FieldRules]:
    """The field rules of a designer's `permission` payload, by field path.

    The payload is `{"field": [...], "subfield": [...], ...}` (other keys, such as
    `table`, `button` and `opinion`, are not rights of fields and are ignored), a list
    of field entries, or one field entry. An entry names its field by `name` (and
    `code`, the table, for a sub-table field); an entry without a name is matched by its
    label when exactly one field has that label.

    Raises:
        FormError: a field the form lacks (named), or a rule that does not fit.
    """
    if isinstance(payload, Mapping) and ("field" in payload or "subfield" in payload):
        entries: list[Any] = []
        for key in ("field", "subfield"):
            part = payload.get(key) or []
            if not isinstance(part, list):
                raise FormError(f"'{key}' of the permission must be a list", key)
            entries.extend(part)
    elif isinstance(payload, list):
        entries = payload
    elif isinstance(payload, Mapping):
        entries = [payload]
    else:
        raise FormError("the permission must be a JSON object or list", "permission")
    out: dict[str, FieldRules] = {}
    for entry in entries:
        if not isinstance(entry, Mapping):
            raise FormError("each field entry of the permission is an object", "permission")
        field = _field_of(form, entry)
        out[field.path] = rules_from_json(entry, field.path)
    return out


def _field_of(form: Form, entry: Mapping[str, Any]) -> Field:
    name = entry.get("name")
    code = entry.get("code")
    if name is None:
        label = entry.get("label")
        found = [f for f in form.fields() if label is not None and f.label == label]
        if len(found) != 1:
            raise FormError(
                f"form '{form.key}' has no field labelled {label!r}"
                if not found
                else f"several fields of form '{form.key}' are labelled {label!r}; name one",
                str(label) if label is not None else "name",
            )
        return found[0]
    candidates = [
        f for f in form.fields() if f.name == name and (code in (None, "") or f.table == code)
    ]
    if not candidates:
        where = f"{code}.{name}" if code not in (None, "") else str(name)
        raise FormError(f"form '{form.key}' has no field '{where}'", where)
    return next((f for f in candidates if f.main), candidates[0])
