"""Fixtures of the work-item dialect's tests: the dialect's client, the quotation model
deployed with its people, and a started case."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI

from lanes.store import runtime as repo
from tests.e2e.api.cosminexus.support import QUOTATION, Cosminexus
from tests.e2e.support import Api, Headers


@dataclass
class People:
    admin: Headers
    user001: Headers
    user002: Headers
    manager: Headers
    outsider: Headers


@dataclass
class Case:
    id: str
    work_id: str  # the open QuotationHandling_UTask1 work item

    def path(self, action: str = "") -> str:
        return f"/work-item/{self.id}/{self.work_id}" + (f"/{action}" if action else "")


@pytest.fixture(params=["xml", "json"])
def fmt(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture
def cx(api: Api) -> Cosminexus:
    return Cosminexus(api)


@pytest.fixture
def people(api: Api) -> People:
    api.deploy(QUOTATION, "quotation.bpmn")
    return People(
        api.admin,
        api.user("User001", ["sales"]),
        api.user("User002", ["sales"]),
        api.user("Mana", ["managers"]),
        api.user("Otto"),
    )


@pytest.fixture
def case(cx: Cosminexus, people: People) -> Case:
    started = cx.start_quotation(people.user001)
    task = cx.work_item_of(started["ID"], "QuotationHandling_UTask1")
    return Case(started["ID"], str(task["id"]))


def operations(app: FastAPI, case_id: str) -> list[Any]:
    """The operation-log rows of a case, read from the store."""
    with app.state.services.db.read() as conn:
        return repo.operations(conn, int(case_id))


def instance_version(app: FastAPI, case_id: str) -> int:
    with app.state.services.db.read() as conn:
        row = repo.get_instance(conn, int(case_id))
        assert row is not None
        return int(row.version)
