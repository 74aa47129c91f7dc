"""Forms and field rights (spec/ibps-form-rights.md): definitions, rules, enforcement.

Each public function is one transaction that authorizes first. Administrators and
holders of the `form-admin` role define forms and change rules; any user reads a form,
the rule configuration and their own rights. `check_completion` runs inside the task
completion's own transaction (services.tasks.complete), so a refused completion leaves
nothing behind.

The decisions live in the pure `lanes.forms`; this module loads rows and identities,
hands them over and turns `FormError` into `Invalid`. No FastAPI, no SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import orjson

from lanes import forms
from lanes.forms import FieldRules, Form, FormError, Person, Scope
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.services.errors import Forbidden, Invalid, NotFound
from lanes.services.instances import instance_view
from lanes.store import forms as store
from lanes.store import identity as identity_store
from lanes.store import runtime as repo

__all__ = [
    "FORM_ADMIN_ROLE",
    "FormView",
    "Scope",
    "TaskFormView",
    "check_completion",
    "copy_flow_rules",
    "define_form",
    "get_form",
    "hidden_fields",
    "may_manage",
    "remove_flow_rules",
    "reset_fields",
    "reset_scope",
    "rule_configuration",
    "save_rules",
    "task_form",
    "user_rights",
]

FORM_ADMIN_ROLE: Final = "form-admin"


@dataclass(frozen=True, slots=True)
class FormView:
    key: str
    name: str
    tables: list[dict[str, Any]]  # as `forms.form_to_json` renders them
    updated_at: datetime
    updated_by: str | None
    created: bool = False


@dataclass(frozen=True, slots=True)
class TaskFormView:
    """A task's form as its reader may see it: hidden fields are absent everywhere."""

    task_id: int
    form_key: str
    name: str
    flow_key: str
    node_id: str
    values: dict[str, Any]  # main-table fields by name; a sub-table is a list of rows
    rights: dict[str, str]  # field path -> b | e | r
    tables: dict[str, str]  # sub-table -> its strongest field right


# -- authorization ------------------------------------------------------------------------


def may_manage(actor: Actor) -> bool:
    """Administrators, and holders of the `form-admin` role (a group of type role)."""
    return actor.admin or FORM_ADMIN_ROLE in actor.roles


def _require_manager(actor: Actor, what: str) -> None:
    if not may_manage(actor):
        raise Forbidden(f"only administrators or the '{FORM_ADMIN_ROLE}' role may {what}")


_KEY_MAX: Final = {"formKey": 128, "flowKey": 255, "nodeId": 255, "parentFlowKey": 255}


def _check_key(value: str | None, field: str, limit: int = 255) -> None:
    """Keys are looked up and stored: bounded, plain text (no NUL, valid Unicode)."""
    if value is None:
        return
    if len(value) > limit or "\x00" in value or not value.isprintable():
        raise Invalid(
            f"{field} must be printable text of at most {limit} characters", {"field": field}
        )


def _checked(scope: Scope) -> Scope:
    parts = (scope.form_key, scope.flow_key, scope.node_id, scope.parent_flow_key)
    for (field, limit), value in zip(_KEY_MAX.items(), parts, strict=True):
        _check_key(value, field, limit)
    return scope


def _invalid(error: FormError) -> Invalid:
    return Invalid(error.message, {"field": error.field})


# -- forms ----------------------------------------------------------------------------------


def define_form(svc: Services, actor: Actor, key: str, definition: Mapping[str, Any]) -> FormView:
    """Create or replace the form `key` (its tables and fields)."""
    _require_manager(actor, "define forms")
    try:
        form = forms.form_from_json(key, definition)
    except FormError as error:
        raise _invalid(error) from None
    tables = forms.form_to_json(form)["tables"]
    now = svc.now()
    with svc.db.write() as conn:
        created = store.put_form(
            conn, key, form.name, orjson.dumps(tables).decode(), now, actor.user_id
        )
    return FormView(key, form.name, tables, now, actor.user_id, created)


def get_form(svc: Services, actor: Actor, key: str) -> FormView:
    _check_key(key, "formKey", 128)
    with svc.db.read() as conn:
        row = _form_row(conn, key)
    return FormView(row.key, row.name, orjson.loads(row.definition), row.updated_at, row.updated_by)


def _form_row(conn: Any, key: str) -> store.FormRow:
    row = store.get_form(conn, key)
    if row is None:
        raise NotFound(f"there is no form '{key}'", {"field": "formKey"})
    return row


def _form(conn: Any, key: str) -> Form:
    return _parsed(_form_row(conn, key))


def _locked_form(conn: Any, key: str) -> Form:
    """The form, its row locked: writers of one form's rules take turns (PostgreSQL)."""
    row = store.get_form(conn, key, for_update=True)
    if row is None:
        raise NotFound(f"there is no form '{key}'", {"field": "formKey"})
    return _parsed(row)


def _parsed(row: store.FormRow) -> Form:
    return forms.form_from_json(row.key, {"name": row.name, "tables": orjson.loads(row.definition)})


def _saved(conn: Any, form_key: str, flow_key: str | None) -> dict[Scope, dict[str, FieldRules]]:
    saved: dict[Scope, dict[str, FieldRules]] = {}
    for row in store.rights_of_form(conn, form_key, flow_key):
        scope = Scope(*row.scope)
        saved.setdefault(scope, {})[row.field] = forms.rules_from_json(
            orjson.loads(row.rules), row.field
        )
    return saved


def _key(scope: Scope) -> store.ScopeKey:
    return (scope.form_key, scope.flow_key, scope.node_id, scope.parent_flow_key)


def _dump(rules: FieldRules) -> str:
    return orjson.dumps(forms.rules_to_json(rules)).decode()


# -- rules ----------------------------------------------------------------------------------


def rule_configuration(svc: Services, actor: Actor, scope: Scope) -> dict[str, Any]:
    """The rules at `scope` for every field, as the designer reads them (`getPermission`):
    each field shows the rules it has there, falling back as rights do."""
    _checked(scope)
    with svc.db.read() as conn:
        form = _form(conn, scope.form_key)
        rules = forms.effective_rules(form, _saved(conn, scope.form_key, scope.flow_key), scope)
    return {
        "table": [
            {
                "label": table.label,
                "name": table.name,
                "isMain": "Y" if table.main else "N",
                "fields": [
                    {
                        "name": f.name,
                        "code": f.table,
                        "field_type": f.field_type,
                        "label": f.label,
                        **forms.rules_to_json(rules[f.path]),
                    }
                    for f in table.fields
                ],
            }
            for table in form.tables
        ],
        "opinion": [],
    }


def save_rules(
    svc: Services, actor: Actor, scope: Scope, permission: Any, *, whole: bool
) -> list[str]:
    """Save the rules of the fields in a designer's `permission` payload at `scope`.

    `whole`: the payload is the whole form's configuration at that scope, so fields it
    leaves out lose their rules there (savePermission); otherwise only the fields named
    change (saveFlowPermission). Returns the field paths saved."""
    _require_manager(actor, "change form rights")
    _checked(scope)
    with svc.db.write() as conn:
        form = _locked_form(conn, scope.form_key)
        try:
            entries = forms.permission_entries(form, permission)
        except FormError as error:
            raise _invalid(error) from None
        dumped = {path: _dump(rules) for path, rules in entries.items()}
        if whole:
            store.replace_scope(conn, _key(scope), dumped)
        else:
            store.upsert_fields(conn, _key(scope), dumped)
    return sorted(entries)


def reset_fields(svc: Services, actor: Actor, scope: Scope, permission: Any) -> list[str]:
    """Drop the rules saved at `scope` for the fields the payload names, so they fall
    back to the next scope out (resetFlowPermission). Returns the field paths named."""
    _require_manager(actor, "change form rights")
    _checked(scope)
    with svc.db.write() as conn:
        form = _locked_form(conn, scope.form_key)
        try:
            named = sorted(forms.permission_entries(form, permission))
        except FormError as error:
            raise _invalid(error) from None
        store.delete_fields(conn, _key(scope), named)
    return named


def reset_scope(svc: Services, actor: Actor, scope: Scope) -> None:
    """Every field's rules at `scope` become the defaults (resetRights)."""
    _require_manager(actor, "change form rights")
    _checked(scope)
    with svc.db.write() as conn:
        form = _locked_form(conn, scope.form_key)
        if scope.flow_key is None:
            store.replace_scope(conn, _key(scope), {})  # nothing saved is the defaults
        else:
            default = _dump(forms.DEFAULT_RULES)
            store.replace_scope(conn, _key(scope), {f.path: default for f in form.fields()})


def copy_flow_rules(svc: Services, actor: Actor, old_flow_key: str, new_flow_key: str) -> int:
    """The new flow's flow- and node-scope rules become a copy of the old flow's."""
    _require_manager(actor, "change form rights")
    _check_key(old_flow_key, "oldFlowKey")
    _check_key(new_flow_key, "newFlowKey")
    with svc.db.write() as conn:
        store.lock_all_forms(conn)
        return store.copy_flow(conn, old_flow_key, new_flow_key)


def remove_flow_rules(svc: Services, actor: Actor, flow_key: str) -> int:
    """Delete every flow- and node-scope rule of the flow."""
    _require_manager(actor, "change form rights")
    _check_key(flow_key, "flowKey")
    with svc.db.write() as conn:
        store.lock_all_forms(conn)
        return store.delete_flow(conn, flow_key)


# -- rights of a user -----------------------------------------------------------------------


def person(conn: Any, user_id: str) -> Person:
    """What rules match on: the user's roles, positions, orgs and their ancestor orgs.
    An unknown user id is a person with no groups (reached by `all` and `employee`)."""
    user = identity_store.user_with_groups(conn, user_id)
    if user is None:
        return Person(user_id)
    groups = identity_store.get_groups(conn, user.groups)
    by_type: dict[str, set[str]] = {"role": set(), "org": set(), "position": set()}
    for group in groups.values():
        by_type.setdefault(group.type, set()).add(group.id)
    orgs = frozenset(by_type["org"])
    return Person(
        user_id,
        roles=frozenset(by_type["role"]),
        orgs=orgs,
        org_chain=frozenset(identity_store.group_ancestors(conn, sorted(orgs))),
        positions=frozenset(by_type["position"]),
    )


def user_rights(
    svc: Services, actor: Actor, scope: Scope, user_id: str | None = None
) -> dict[str, Any]:
    """A user's effective rights at `scope` (`{tables, opinions, fields}`): the caller's
    own, or, for administrators and form admins, anyone's."""
    who = user_id or actor.user_id
    _check_key(who, "userId", 64)
    if who != actor.user_id:
        _require_manager(actor, "read another user's form rights")
    _checked(scope)
    with svc.db.read() as conn:
        form = _form(conn, scope.form_key)
        saved = _saved(conn, scope.form_key, scope.flow_key)
        return forms.rights(form, saved, scope, person(conn, who)).to_json()


def _task_scope(conn: Any, task: Any, instance: Any) -> Scope:
    parent = repo.get_instance(conn, instance.parent_id) if instance.parent_id else None
    return Scope(
        task.form_key,
        instance.process_key,
        task.node_id,
        parent.process_key if parent is not None else None,
    )


def task_form(svc: Services, actor: Actor, task_id: int) -> TaskFormView:
    """A task's form: its field values (instance variables) and the reader's rights at
    the task's node; fields hidden from the reader are left out."""
    with svc.db.read() as conn:
        task = repo.get_task(conn, task_id)
        if task is None:
            raise NotFound(f"task {task_id} does not exist")
        if not _may_see_task(conn, actor, task):
            raise Forbidden(f"task {task_id} is not assigned or offered to you")
        if not task.form_key:
            raise NotFound(f"task {task_id} has no form")
        form = _form(conn, task.form_key)
        instance = repo.get_instance(conn, task.instance_id)
        scope = _task_scope(conn, task, instance)
        saved = _saved(conn, form.key, scope.flow_key)
        granted = forms.rights(form, saved, scope, person(conn, actor.user_id))
        variables = instance_view(instance).variables
    visible = {path: code for path, code in granted.fields.items() if code != forms.HIDDEN}
    values: dict[str, Any] = {f.name: variables.get(f.name) for f in form.main.fields}
    values = {name: value for name, value in values.items() if name in visible}
    for table in form.sub_tables:
        if granted.tables[table.name] == forms.HIDDEN:
            continue
        rows = variables.get(table.name)
        shown = [f.name for f in table.fields if f.path in visible]
        values[table.name] = (
            [{k: row.get(k) for k in shown} for row in rows if isinstance(row, dict)]
            if isinstance(rows, list)
            else []
        )
    tables = {name: code for name, code in granted.tables.items() if code != forms.HIDDEN}
    return TaskFormView(
        task_id, form.key, form.name, scope.flow_key or "", task.node_id, values, visible, tables
    )


def hidden_fields(conn: Any, actor: Actor, task: Any, instance: Any) -> set[str]:
    """The variable names of the task's form (fields and sub-tables) that are hidden
    from `actor` at the task's node; none for a task without a defined form."""
    if not task.form_key:
        return set()
    form_row = store.get_form(conn, task.form_key)
    if form_row is None:
        return set()
    form = _parsed(form_row)
    scope = _task_scope(conn, task, instance)
    saved = _saved(conn, form.key, scope.flow_key)
    granted = forms.rights(form, saved, scope, person(conn, actor.user_id))
    hidden = {f.name for f in form.main.fields if granted.fields[f.path] == forms.HIDDEN}
    return hidden | {t.name for t in form.sub_tables if granted.tables[t.name] == forms.HIDDEN}


def _may_see_task(conn: Any, actor: Actor, task: Any) -> bool:
    """The task visibility rule of services.tasks: admin, assignee, owner, finisher,
    candidate (directly or by group), or copied on it."""
    if actor.admin or actor.user_id in (task.assignee, task.owner, task.ended_by):
        return True
    if repo.is_candidate(conn, task.id, actor.user_id, sorted(actor.groups)):
        return True
    return repo.was_copied(conn, task.id, actor.user_id)


# -- enforcement ----------------------------------------------------------------------------


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | dict) and not value


def check_completion(
    conn: Any, actor: Actor, row: Any, variables: Mapping[str, Any], *, completing: bool = True
) -> None:
    """Refuse a completion the completing user's rights at the task's node do not allow.

    Called by services.tasks.complete inside its transaction, before the engine runs.
    A variable for a field that is `r` or `h` is refused, and so is a `b` field the
    variables leave out or leave empty (for a sub-table: in any row sent); the one
    `Invalid` names every offending field. A sub-table must be sent as a list of rows.
    `completing=False` checks a variable write on the task (no `b` fields needed yet).
    A task without a form key, or whose form is not defined, completes as before.
    """
    if not row.task_form_key:  # most tasks: no statement spent
        return
    task = repo.get_task(conn, row.task_id)
    if task is None:
        return
    form_row = store.get_form(conn, task.form_key)
    if form_row is None:
        return
    form = _parsed(form_row)
    scope = _task_scope(conn, task, row)
    saved = _saved(conn, form.key, scope.flow_key)
    granted = forms.rights(form, saved, scope, person(conn, actor.user_id)).fields
    refused: dict[str, str] = {}
    for field in form.main.fields:
        right = granted[field.path]
        if right in (forms.READ, forms.HIDDEN) and field.name in variables:
            refused[field.path] = "read-only" if right == forms.READ else "hidden"
        elif completing and right == forms.REQUIRED and _empty(variables.get(field.name)):
            refused[field.path] = "required"
    for table in form.sub_tables:
        if table.name not in variables:
            continue
        rows = variables[table.name]
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            refused[table.name] = "not a list of rows"
            continue
        for cells in rows:
            for field in table.fields:
                right = granted[field.path]
                if right in (forms.READ, forms.HIDDEN) and field.name in cells:
                    refused[field.path] = "read-only" if right == forms.READ else "hidden"
                elif completing and right == forms.REQUIRED and _empty(cells.get(field.name)):
                    refused[field.path] = "required"
    if refused:
        listed = ", ".join(f"{path} ({why})" for path, why in sorted(refused.items()))
        doing = "complete" if completing else "set these values on"
        raise Invalid(
            f"the form '{form.key}' does not let you {doing} task {row.task_id} so: {listed}",
            {"fields": dict(sorted(refused.items()))},
        )
