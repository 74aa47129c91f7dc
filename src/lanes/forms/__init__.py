"""Form definitions and field rights: a pure function (form, scope, user) -> rights.

`model` holds form definitions, `rules` the four rule lists of a field and whom they
match, `rights` the scopes with their fallback and the rights function. Imports nothing
of lanes but this package (no I/O, no clock).
"""

from lanes.forms.errors import FormError
from lanes.forms.model import Field, Form, Table, check_form_key, form_from_json, form_to_json
from lanes.forms.rights import Rights, Saved, Scope, effective_rules, permission_entries, rights
from lanes.forms.rules import (
    DEFAULT_RULES,
    EDIT,
    HIDDEN,
    READ,
    REQUIRED,
    RULE_LISTS,
    RULE_TYPES,
    FieldRules,
    Person,
    Rule,
    matches,
    right_of,
    rules_from_json,
    rules_to_json,
)

__all__ = [
    "DEFAULT_RULES",
    "EDIT",
    "HIDDEN",
    "READ",
    "REQUIRED",
    "RULE_LISTS",
    "RULE_TYPES",
    "Field",
    "FieldRules",
    "Form",
    "FormError",
    "Person",
    "Rights",
    "Rule",
    "Saved",
    "Scope",
    "Table",
    "check_form_key",
    "effective_rules",
    "form_from_json",
    "form_to_json",
    "matches",
    "permission_entries",
    "right_of",
    "rights",
    "rules_from_json",
    "rules_to_json",
]
