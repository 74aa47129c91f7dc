"""The `lanes` server commands: serve, db upgrade, deploy, start, tasks, complete, user add,
run through typer's CliRunner against a SQLite file of the test's own."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import inspect
from typer.testing import CliRunner

from lanes.cli import APP_FACTORY, SAMPLE_LEAVE, app
from lanes.config import Settings
from lanes.services import deployments, identity, tasks
from lanes.services.actor import SYSTEM
from lanes.services.context import Services
from lanes.store.db import Database

runner = CliRunner()

SETTINGS_ENV = {
    "LANES_HOST": "127.0.0.1",
    "LANES_PORT": "8080",
    "LANES_WORKERS": "1",
    "LANES_JOBS": "true",
}


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A database file of this test's own; serve's environment changes are undone after."""
    database_url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("LANES_DATABASE_URL", f"sqlite:///{tmp_path / 'from-env.db'}")
    for name, value in SETTINGS_ENV.items():
        monkeypatch.setenv(name, value)
    return database_url


@pytest.fixture
def svc(url: str) -> Iterator[Services]:
    """The same database, seen through the services (after the command made it)."""
    db = Database(url)
    try:
        yield Services(db)
    finally:
        db.dispose()


def lanes(*args: str) -> Any:
    # wide enough that Rich never wraps a line holding a long temporary path
    return runner.invoke(app, list(args), env={"COLUMNS": "500"})


def ok(*args: str) -> str:
    result = lanes(*args)
    assert result.exit_code == 0, result.output
    return str(result.output)


# -- db upgrade ----------------------------------------------------------------------------------


def test_db_upgrade_creates_the_schema(url: str, svc: Services) -> None:
    assert "is up to date" in ok("db", "upgrade", "--db", url)
    assert {"job", "external_task", "process_instance"} <= set(
        inspect(svc.db.engine).get_table_names()
    )
    assert "is up to date" in ok("db", "upgrade", "--db", url)  # again: nothing to do


def test_db_defaults_to_lanes_database_url(url: str, tmp_path: Path) -> None:
    ok("db", "upgrade")
    assert (tmp_path / "from-env.db").exists()
    assert not (tmp_path / "cli.db").exists()


def test_db_url_passwords_are_not_printed() -> None:
    from lanes.cli import _safe_url

    assert _safe_url("postgresql://lanes:s3cret@db:5432/lanes") == (
        "postgresql://lanes:***@db:5432/lanes"
    )
    assert _safe_url("sqlite:///lanes.db") == "sqlite:///lanes.db"


# -- a leave request from start to end -----------------------------------------------------------


def only_task(svc: Services, user: str | None = None) -> int:
    """The id of the one open task (of `user`, or of anyone)."""
    page = tasks.todo(svc, SYSTEM, user_id="*" if user is None else user)
    assert page.total == 1, page
    return page.items[0].id


def test_a_leave_request_through_the_commands(url: str, svc: Services) -> None:
    created = ok(
        "user", "add", "bob", "--name", "Bob", "--group", "managers", "--token", "--db", url
    )
    assert "added user bob in managers" in created
    token = re.search(r"token: (\S+)", created)
    assert token is not None
    bob = identity.authenticate(svc, bearer=token.group(1))
    assert (bob.user_id, bob.groups) == ("bob", frozenset({"managers"}))
    ok("user", "add", "alice", "--db", url)

    deployed = ok("deploy", str(SAMPLE_LEAVE), "--db", url)
    assert "deployed leave v1" in deployed

    started = ok("start", "leave", "--var", "days=2", "--user", "alice", "--db", url)
    assert "started instance" in started and "fill_form" in started
    assert "fill_form" in ok("tasks", "--user", "alice", "--db", url)
    assert "no open tasks" in ok("tasks", "--user", "bob", "--db", url)

    ok("complete", str(only_task(svc, "alice")), "--user", "alice", "--db", url)
    bobs = ok("tasks", "--user", "bob", "--db", url)
    assert "manager_short" in bobs
    assert "no open tasks" in ok("tasks", "--user", "alice", "--db", url)
    assert "manager_short" in ok("tasks", "--db", url)  # everyone's open tasks

    finished = ok("complete", str(only_task(svc)), "--user", "bob", "--var", "ok=true", "--db", url)
    assert "is completed" in finished
    assert "no open tasks" in ok("tasks", "--db", url)


def test_start_with_a_business_key_as_the_system(url: str, svc: Services) -> None:
    ok("deploy", str(SAMPLE_LEAVE), "--db", url)
    ok("start", "leave", "--business-key", "LR-7", "--var", "days=5", "--db", url)
    [task] = tasks.todo(svc, SYSTEM, user_id="*").items
    assert task.business_key == "LR-7"


def test_deploying_the_same_file_twice_keeps_one_version(url: str) -> None:
    ok("deploy", str(SAMPLE_LEAVE), "--db", url)
    assert "deployed leave v1" in ok("deploy", str(SAMPLE_LEAVE), "--db", url)


# -- refusals -------------------------------------------------------------------------------------


def test_a_user_who_may_not_complete_a_task_is_refused(url: str, svc: Services) -> None:
    ok("deploy", str(SAMPLE_LEAVE), "--db", url)
    ok("start", "leave", "--user", "alice", "--db", url)
    result = lanes("complete", str(only_task(svc)), "--user", "mallory", "--db", url)
    assert result.exit_code == 1
    assert "not assigned or offered to you" in result.output


def test_an_invalid_model_is_refused_with_its_problems(url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.bpmn"
    bad.write_bytes(
        b"<definitions xmlns='http://www.omg.org/spec/BPMN/20100524/MODEL'>"
        b"<process id='p'><userTask id='a'/></process></definitions>"
    )
    result = lanes("deploy", str(bad), "--db", url)
    assert result.exit_code == 1
    assert "cannot be deployed" in result.output


def test_starting_an_unknown_process_is_refused(url: str) -> None:
    result = lanes("start", "nope", "--db", url)
    assert result.exit_code == 1
    assert "no process definition has the key 'nope'" in result.output


def test_adding_a_user_twice_is_refused(url: str) -> None:
    ok("user", "add", "dora", "--admin", "--db", url)
    result = lanes("user", "add", "dora", "--db", url)
    assert result.exit_code == 1


def test_bad_variables_are_refused(url: str) -> None:
    result = lanes("start", "leave", "--var", "days", "--db", url)
    assert result.exit_code != 0


# -- serve ----------------------------------------------------------------------------------------


@pytest.fixture
def uvicorn_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Record what serve hands uvicorn instead of serving."""
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def run(*args: Any, **kwargs: Any) -> None:
        calls.append((args, kwargs))

    monkeypatch.setattr(uvicorn, "run", run)
    return calls


def test_serve_migrates_then_runs_the_app_factory(
    url: str, svc: Services, uvicorn_calls: list[Any]
) -> None:
    output = ok("serve", "--db", url, "--port", "9123", "--workers", "2", "--no-jobs")
    assert "http://127.0.0.1:9123" in output and "jobs off" in output
    assert uvicorn_calls == [
        ((APP_FACTORY,), {"factory": True, "host": "127.0.0.1", "port": 9123, "workers": 2})
    ]
    assert os.environ["LANES_DATABASE_URL"] == url  # what create_app() reads in each worker
    assert os.environ["LANES_JOBS"] == "false"
    assert os.environ["LANES_PORT"] == "9123"
    assert "LANES_THREADS" not in os.environ  # the default suits the database
    assert "job" in inspect(svc.db.engine).get_table_names()
    assert deployments.list_definitions(svc, SYSTEM).total == 0  # no demo without --demo


def test_serve_passes_the_request_threads_to_the_workers(
    url: str, uvicorn_calls: list[Any]
) -> None:
    ok("serve", "--db", url, "--threads", "6")
    assert os.environ["LANES_THREADS"] == "6"
    assert Settings.from_env().threads == 6


def test_serve_demo_loads_the_leave_process_and_prints_user_tokens(
    url: str, svc: Services, uvicorn_calls: list[Any]
) -> None:
    output = ok("serve", "--db", url, "--demo")
    assert "jobs on" in output
    tokens = dict(re.findall(r"^\s+(\w+)(?: \([\w, ]+\))?: (\S+)$", output, re.MULTILINE))
    assert set(tokens) == {"alice", "bob", "carol"}
    actors = {user: identity.authenticate(svc, bearer=token) for user, token in tokens.items()}
    assert actors["alice"].groups == frozenset()
    assert actors["bob"].groups == frozenset({"managers"})
    assert actors["carol"].groups == frozenset({"hr"})
    assert [d.key for d in deployments.list_definitions(svc, SYSTEM).items] == ["leave"]
    again = ok("serve", "--db", url, "--demo")  # a second start keeps the users
    assert "carol (hr)" in again
    assert len(uvicorn_calls) == 2


def test_the_factory_serve_names_builds_the_app_from_what_serve_exported(
    url: str, uvicorn_calls: list[Any]
) -> None:
    from uvicorn.importer import import_from_string

    ok("serve", "--db", url, "--no-jobs")
    app = import_from_string(APP_FACTORY)()  # as each uvicorn worker builds it
    try:
        assert app.state.settings.database_url == url
        assert app.state.settings.jobs is False
        assert app.openapi()["info"]["title"] == "lanes"
    finally:
        app.state.services.db.dispose()
