"""Form definitions: a form key, one main table and optional sub-tables of fields.

The JSON shape is the one the IBPS designer reads back from `getPermission`:
`{"name", "tables": [{"name", "label", "isMain": "Y", "fields": [{"name", "code",
"field_type", "label"}]}]}`. A main-table field is addressed by its name; a sub-table
field by `table.field`, since a sub-table's value is a list of row objects.

Imports nothing of lanes but this package.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from lanes.forms.errors import FormError

__all__ = [
    "Field",
    "Form",
    "Table",
    "check_form_key",
    "form_from_json",
    "form_to_json",
    "is_plain_text",
]

_CODE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
_KEY = re.compile(r"[A-Za-z0-9_.:-]{1,128}")
_TEXT_MAX = 255


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    table: str  # the table's name: IBPS calls it the field's `code`
    field_type: str
    label: str
    main: bool

    @property
    def path(self) -> str:
        """How rights and values address the field: `name`, or `table.name` in a sub-table."""
        return self.name if self.main else f"{self.table}.{self.name}"


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    label: str
    main: bool
    fields: tuple[Field, ...]


@dataclass(frozen=True, slots=True)
class Form:
    key: str
    name: str
    tables: tuple[Table, ...]

    @property
    def main(self) -> Table:
        return next(t for t in self.tables if t.main)

    @property
    def sub_tables(self) -> tuple[Table, ...]:
        return tuple(t for t in self.tables if not t.main)

    def fields(self) -> Iterator[Field]:
        for table in self.tables:
            yield from table.fields

    def field(self, path: str) -> Field | None:
        return next((f for f in self.fields() if f.path == path), None)

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)


def form_from_json(key: str, data: Mapping[str, Any]) -> Form:
    """A form from its JSON definition, checked: exactly one main table, unique names.

    Raises:
        FormError: naming the offending member (`tables[0].fields[2].name`, say).
    """
    check_form_key(key)
    name = _text(data.get("name", key), "name")
    raw_tables = data.get("tables")
    if not isinstance(raw_tables, list) or not raw_tables:
        raise FormError("a form needs a list of tables, one of them the main table", "tables")
    tables = tuple(_table(raw, f"tables[{i}]") for i, raw in enumerate(raw_tables))
    mains = [t for t in tables if t.main]
    if len(mains) != 1:
        raise FormError(
            f"a form has exactly one main table (isMain 'Y'); this one has {len(mains)}",
            "tables",
        )
    seen: set[str] = set()
    for i, table in enumerate(tables):
        if table.name in seen:
            raise FormError(f"table '{table.name}' is defined twice", f"tables[{i}].name")
        seen.add(table.name)
    main_names = {f.name for f in mains[0].fields}
    for i, table in enumerate(tables):
        if not table.main and table.name in main_names:
            raise FormError(
                f"sub-table '{table.name}' has the name of a main-table field",
                f"tables[{i}].name",
            )
    return Form(key, name, tables)


def _table(raw: Any, where: str) -> Table:
    if not isinstance(raw, Mapping):
        raise FormError("a table is an object with name, label, isMain and fields", where)
    name = _check_code(raw.get("name"), f"{where}.name")
    label = _text(raw.get("label", name), f"{where}.label")
    main = _is_main(raw.get("isMain", "N"), f"{where}.isMain")
    raw_fields = raw.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise FormError(f"table '{name}' needs a list of fields", f"{where}.fields")
    fields: list[Field] = []
    seen: set[str] = set()
    for i, raw_field in enumerate(raw_fields):
        field = _field(raw_field, name, main, f"{where}.fields[{i}]")
        if field.name in seen:
            raise FormError(
                f"field '{field.name}' appears twice in table '{name}'", f"{where}.fields[{i}]"
            )
        seen.add(field.name)
        fields.append(field)
    return Table(name, label, main, tuple(fields))


def _field(raw: Any, table: str, main: bool, where: str) -> Field:
    if not isinstance(raw, Mapping):
        raise FormError("a field is an object with name, code, field_type and label", where)
    name = _check_code(raw.get("name"), f"{where}.name")
    code = raw.get("code", table)
    if code != table:
        raise FormError(
            f"field '{name}' has code '{code}' but sits in table '{table}'", f"{where}.code"
        )
    field_type = _text(raw.get("field_type", "text"), f"{where}.field_type")
    label = _text(raw.get("label", name), f"{where}.label")
    return Field(name, table, field_type, label, main)


def _is_main(value: Any, where: str) -> bool:
    if value in ("Y", "y", True):
        return True
    if value in ("N", "n", False, None, ""):
        return False
    raise FormError("isMain is 'Y' or 'N'", where)


def check_form_key(value: Any) -> str:
    """A form key: 1-128 letters, digits, `_ . : -`."""
    if not isinstance(value, str) or not _KEY.fullmatch(value):
        raise FormError(
            "a form key of 1-128 letters, digits, '_', '.', ':' or '-' is required", "formKey"
        )
    return value


def _check_code(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _CODE.fullmatch(value):
        raise FormError(
            "a name of letters, digits and underscores (not starting with a digit, "
            "at most 128 characters) is required",
            where,
        )
    return value


def is_plain_text(value: str) -> bool:
    """Text every database stores as it is: no NUL character, no lone surrogate."""
    return "\x00" not in value and not any(0xD800 <= ord(c) <= 0xDFFF for c in value)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or len(value) > _TEXT_MAX or not is_plain_text(value):
        raise FormError(f"a text of at most {_TEXT_MAX} characters is required", where)
    return value


def form_to_json(form: Form) -> dict[str, Any]:
    """The definition as `form_from_json` reads it."""
    return {
        "name": form.name,
        "tables": [
            {
                "name": t.name,
                "label": t.label,
                "isMain": "Y" if t.main else "N",
                "fields": [
                    {"name": f.name, "code": f.table, "field_type": f.field_type, "label": f.label}
                    for f in t.fields
                ],
            }
            for t in form.tables
        ],
    }
