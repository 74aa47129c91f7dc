"""Form definitions: what `form_from_json` accepts, and how it refuses what does not fit."""

from __future__ import annotations

from typing import Any

import pytest

from lanes.forms import Form, FormError, form_from_json, form_to_json

from .test_rights import FORM


def _form(tables: Any) -> Form:
    return form_from_json("f", {"tables": tables})


def test_a_form_reads_back_as_it_was_defined() -> None:
    assert form_from_json("leave", form_to_json(FORM)) == FORM
    assert FORM.main.name == "main"
    assert [f.path for f in FORM.fields()] == [
        "days",
        "reason",
        "boss",
        "trips.city",
        "trips.cost",
    ]
    assert FORM.field("trips.cost") is not None
    assert FORM.field("cost") is None


@pytest.mark.parametrize(
    ("tables", "where"),
    [
        ([], "tables"),
        ([{"name": "t", "isMain": "N", "fields": [{"name": "a"}]}], "tables"),
        (
            [
                {"name": "t", "isMain": "Y", "fields": [{"name": "a"}]},
                {"name": "u", "isMain": "Y", "fields": [{"name": "b"}]},
            ],
            "tables",
        ),
        ([{"name": "t", "isMain": "Y", "fields": []}], "tables[0].fields"),
        ([{"name": "1t", "isMain": "Y", "fields": [{"name": "a"}]}], "tables[0].name"),
        ([{"name": "t", "isMain": "Y", "fields": [{"name": "a b"}]}], "tables[0].fields[0].name"),
        (
            [{"name": "t", "isMain": "Y", "fields": [{"name": "a"}, {"name": "a"}]}],
            "tables[0].fields[1]",
        ),
        (
            [{"name": "t", "isMain": "Y", "fields": [{"name": "a", "code": "u"}]}],
            "tables[0].fields[0].code",
        ),
        ([{"name": "t", "isMain": "maybe", "fields": [{"name": "a"}]}], "tables[0].isMain"),
        (
            [
                {"name": "t", "isMain": "Y", "fields": [{"name": "a"}]},
                {"name": "a", "isMain": "N", "fields": [{"name": "b"}]},
            ],
            "tables[1].name",
        ),
    ],
)
def test_a_form_definition_that_does_not_fit_is_refused_naming_where(
    tables: Any, where: str
) -> None:
    with pytest.raises(FormError) as caught:
        _form(tables)
    assert caught.value.field == where
