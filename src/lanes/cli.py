"""The `lanes` command: the server, database and case commands, and models in memory.

- `lanes check FILE` / `lanes run FILE`: validate a model, or walk it in memory.
- `lanes serve`: migrate the database, then run the HTTP server (uvicorn on
  `lanes.api.app:create_app`) with a job executor in each process unless `--no-jobs`.
- `lanes db upgrade`, `lanes deploy`, `lanes start`, `lanes tasks`, `lanes complete`,
  `lanes user add`: work on the database directly through the services, as the system
  administrator or, with `--user`, as that user. Each brings the schema up to date first.

`--db` defaults to `LANES_DATABASE_URL`, else `sqlite:///lanes.db`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from lanes.bpmn import BpmnError, parse
from lanes.config import Settings
from lanes.embedded import Engine, EngineError, Instance
from lanes.engine.timers import from_iso
from lanes.services import deployments, identity, instances, tasks
from lanes.services.actor import SYSTEM, Actor
from lanes.services.context import Services
from lanes.services.errors import Conflict, NotFound, ServiceError
from lanes.services.views import TaskView
from lanes.store.db import Database
from lanes.store.migrate import upgrade

app = typer.Typer(help="lanes: a BPMN 2.0 workflow engine.", no_args_is_help=True)
db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
user_app = typer.Typer(help="Users, their groups and API tokens.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
console = Console()

APP_FACTORY = "lanes.api.app:create_app"
SAMPLE_LEAVE = Path(__file__).with_name("samples") / "leave.bpmn"
DEMO_GROUPS = (("managers", "Managers"), ("hr", "HR"))
DEMO_USERS = (("alice", "Alice", ()), ("bob", "Bob", ("managers",)), ("carol", "Carol", ("hr",)))

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="database URL [default: $LANES_DATABASE_URL or sqlite:///lanes.db]"),
]
VarOption = Annotated[list[str] | None, typer.Option("--var", help="k=v; v is JSON when it parses")]


@app.callback()
def main() -> None:
    """lanes: a BPMN 2.0 workflow engine and approval server."""


@app.command()
def check(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Parse and validate a BPMN file; list its processes and warnings."""
    try:
        definitions = parse(file.read_bytes())
    except BpmnError as exc:
        for problem in exc.problems:
            console.print(f"[red]error[/red] {problem}")
        raise typer.Exit(1) from None
    for key, model in definitions.processes.items():
        console.print(f"process [bold]{key}[/bold] {model.name or ''}: {len(model.nodes)} nodes")
    for warning in definitions.warnings:
        console.print(f"[yellow]warning[/yellow] {warning}")


def _parse_vars(pairs: list[str]) -> dict[str, Any]:
    """k=v pairs; v is read as JSON when it parses (5, true, ["a","b"]), else a string."""
    variables: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name:
            raise typer.BadParameter(f"'{pair}' is not name=value")
        try:
            variables[name] = json.loads(raw)
        except json.JSONDecodeError:
            variables[name] = raw
    return variables


@app.command()
def run(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    process: Annotated[
        str | None, typer.Option(help="process id, when the file has several")
    ] = None,
    var: Annotated[
        list[str] | None, typer.Option("--var", help="k=v, for the start and every task")
    ] = None,
    user: Annotated[str, typer.Option(help="the starting user")] = "demo",
    auto: Annotated[bool, typer.Option(help="complete every task with --var values")] = False,
    max_steps: Annotated[int, typer.Option(help="stop --auto after this many steps")] = 500,
) -> None:
    """Deploy FILE in memory and walk one instance to its end."""
    engine = Engine()
    try:
        keys = engine.deploy(file.read_bytes())
    except BpmnError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    variables = _parse_vars(var or [])
    key = process or keys[0]
    try:
        inst = engine.start(key, variables, user=user)
    except EngineError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    steps = 0
    while not inst.ended and steps < max_steps:
        steps += 1
        _show(inst)
        if inst.incidents:
            console.print("[red]stuck on an incident[/red]")
            raise typer.Exit(2)
        try:
            if not _step(engine, inst, variables, auto):
                break
        except EngineError as exc:
            console.print(f"[red]{exc}[/red]")
    console.print(f"ended: {inst.ended}; path: {' -> '.join(inst.visited)}")


def _show(inst: Instance) -> None:
    table = Table("task", "node", "name", "assignee", "candidates")
    for task in inst.tasks():
        table.add_row(
            task.id,
            task.node_id,
            task.name or "",
            task.assignee or "",
            ", ".join(task.candidate_users + task.candidate_groups),
        )
    console.print(table)


def _step(engine: Engine, inst: Instance, variables: dict[str, Any], auto: bool) -> bool:
    """One move; False when nothing can move any more."""
    tasks = inst.tasks()
    if tasks:
        if auto:
            inst.complete(tasks[0].id, variables)
            return True
        answer = typer.prompt("task id to complete (q to quit)", default=tasks[0].id)
        if answer == "q":
            return False
        extra = typer.prompt("variables k=v separated by spaces", default="")
        inst.complete(answer, {**variables, **_parse_vars(extra.split())})
        return True
    jobs = [j for j in inst.state["subs"].values() if j["kind"] == "timer"]
    if jobs:
        due = min(from_iso(j["due"]) for j in jobs)
        console.print(f"advancing the clock to {due.isoformat()}")
        engine.advance_clock(max(due - engine.now(), timedelta(0)))
        return True
    for external in inst.external_tasks():
        console.print(f"completing external task {external.node_id} (topic {external.topic})")
        inst.complete_external(external.id, variables)
        return True
    waiting = [s for s in inst.state["subs"].values() if s["kind"] in ("message", "signal")]
    if waiting and auto:
        sub = waiting[0]
        console.print(f"delivering {sub['kind']} {sub['name']}")
        if sub["kind"] == "message":
            inst.trigger_message(sub["name"], variables)
        else:
            inst.signal(sub["name"], variables)
        return True
    console.print("nothing left to do in memory: the instance waits for something outside")
    return False


# -- the server and the database ----------------------------------------------------------


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="address to listen on [default: 127.0.0.1]")
    ] = None,
    port: Annotated[int | None, typer.Option(help="port [default: 8080]")] = None,
    db: DbOption = None,
    workers: Annotated[int | None, typer.Option(help="server processes [default: 1]")] = None,
    threads: Annotated[
        int | None,
        typer.Option(min=1, help="request threads per process [default: 1 on SQLite, else 40]"),
    ] = None,
    no_jobs: Annotated[bool, typer.Option("--no-jobs", help="run no job executor")] = False,
    demo: Annotated[
        bool, typer.Option("--demo", help="deploy the sample leave process and demo users")
    ] = False,
) -> None:
    """Apply migrations, then serve the HTTP API (and the job executor)."""
    import uvicorn

    settings = Settings.from_env(
        database_url=db,
        host=host,
        port=port,
        workers=workers,
        threads=threads,
        jobs=False if no_jobs else None,
    )
    database = Database(settings.database_url, settings.sqlite_synchronous)
    try:
        upgrade(database)
        if demo:
            _load_demo(Services(database))
    except ServiceError as exc:
        _fail(exc)
    finally:
        database.dispose()
    # uvicorn builds the app in each worker process with create_app(): the settings
    # travel there through the environment, which the workers inherit
    os.environ.update(
        {
            "LANES_DATABASE_URL": settings.database_url,
            "LANES_HOST": settings.host,
            "LANES_PORT": str(settings.port),
            "LANES_WORKERS": str(settings.workers),
            "LANES_JOBS": "true" if settings.jobs else "false",
        }
        | ({"LANES_THREADS": str(settings.threads)} if settings.threads else {})
    )
    console.print(
        f"lanes on http://{settings.host}:{settings.port} "
        f"(database {escape(_safe_url(settings.database_url))}, "
        f"jobs {'on' if settings.jobs else 'off'})"
    )
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
    )


def _load_demo(svc: Services) -> None:
    """The sample leave process and its users; prints a fresh token for each user."""
    deployments.deploy(svc, SYSTEM, SAMPLE_LEAVE.read_bytes(), SAMPLE_LEAVE.name)
    for group_id, name in DEMO_GROUPS:
        _ensure_group(svc, group_id, name)
    console.print("demo: process 'leave' deployed; users and their API tokens:")
    for user_id, name, groups in DEMO_USERS:
        with suppress(Conflict):  # kept from an earlier demo start
            identity.create_user(svc, SYSTEM, user_id, name, None, groups)
        token = identity.issue_token(svc, SYSTEM, user_id)
        member = f" ({', '.join(groups)})" if groups else ""
        console.print(f"  {user_id}{member}: {token}", markup=False)


def _ensure_group(svc: Services, group_id: str, name: str | None = None) -> None:
    with suppress(Conflict):  # it exists
        identity.create_group(svc, SYSTEM, group_id, name or group_id, "role")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Bring the database schema up to date."""
    url = _database_url(db)
    database = Database(url)
    try:
        upgrade(database)
    finally:
        database.dispose()
    console.print(f"database {escape(_safe_url(url))} is up to date")


# -- working on the database through the services ------------------------------------------


@app.command()
def deploy(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    db: DbOption = None,
) -> None:
    """Deploy a BPMN file (a changed file becomes a new version)."""
    with _services(db) as svc:
        view = deployments.deploy(svc, SYSTEM, file.read_bytes(), file.name)
    for definition in view.definitions:
        console.print(
            f"deployed {escape(definition.key)} v{definition.version} (definition {definition.id})"
        )
    for warning in view.warnings:
        console.print(f"[yellow]warning[/yellow] {escape(warning)}")


@app.command()
def start(
    key: Annotated[str, typer.Argument(help="process key")],
    var: VarOption = None,
    user: Annotated[str | None, typer.Option(help="start as this user")] = None,
    business_key: Annotated[str | None, typer.Option("--business-key")] = None,
    db: DbOption = None,
) -> None:
    """Start an instance of the newest version of KEY."""
    variables = _parse_vars(var or [])
    with _services(db) as svc:
        started = instances.start_instance(
            svc, _actor(svc, user), key=key, variables=variables, business_key=business_key
        )
        view = started.instance
        open_tasks = tasks.instance_tasks(svc, SYSTEM, view.id, open_only=True)
    console.print(f"started instance {view.id} of {escape(key)} ({view.status})")
    _print_tasks(open_tasks)


@app.command("tasks")
def list_tasks(
    user: Annotated[str | None, typer.Option(help="whose to-do list [default: everyone's]")] = None,
    db: DbOption = None,
) -> None:
    """List open tasks: a user's to-do list, or every open task."""
    with _services(db) as svc:
        if user is None:
            page = tasks.todo(svc, SYSTEM, user_id="*", limit=1000)
        else:
            page = tasks.todo(svc, _actor(svc, user), limit=1000)
    _print_tasks(page.items)


@app.command()
def complete(
    task: Annotated[int, typer.Argument(help="task id")],
    var: VarOption = None,
    user: Annotated[str | None, typer.Option(help="complete as this user")] = None,
    db: DbOption = None,
) -> None:
    """Complete a task with variables."""
    variables = _parse_vars(var or [])
    with _services(db) as svc:
        done = tasks.complete(svc, _actor(svc, user), task, variables).task
        following = tasks.instance_tasks(svc, SYSTEM, done.instance_id, open_only=True)
        status = instances.get_instance(svc, SYSTEM, done.instance_id).status
    console.print(f"completed task {task}; instance {done.instance_id} is {status}")
    _print_tasks(following)


@user_app.command("add")
def user_add(
    user_id: Annotated[str, typer.Argument(metavar="ID", help="user id")],
    name: Annotated[str | None, typer.Option(help="display name [default: the id]")] = None,
    group: Annotated[
        list[str] | None, typer.Option("--group", help="a group (created as a role if new)")
    ] = None,
    admin: Annotated[bool, typer.Option("--admin", help="make the user an administrator")] = False,
    token: Annotated[bool, typer.Option("--token", help="issue and print an API token")] = False,
    db: DbOption = None,
) -> None:
    """Add a user, with groups; print an API token with --token."""
    with _services(db) as svc:
        for group_id in group or []:
            _ensure_group(svc, group_id)
        view = identity.create_user(svc, SYSTEM, user_id, name or user_id, None, group or [], admin)
        issued = identity.issue_token(svc, SYSTEM, user_id) if token else None
    groups = f" in {', '.join(view.groups)}" if view.groups else ""
    console.print(f"added user {escape(view.id)}{escape(groups)}{' (admin)' if view.admin else ''}")
    if issued is not None:
        console.print(f"token: {issued}", markup=False)


# -- helpers -----------------------------------------------------------------------------------


def _database_url(db: str | None) -> str:
    return Settings.from_env(database_url=db).database_url


@contextmanager
def _services(db: str | None) -> Iterator[Services]:
    """Services on the (migrated) database; a service error ends the command with exit 1."""
    database = Database(_database_url(db))
    try:
        upgrade(database)
        yield Services(database)
    except ServiceError as exc:
        _fail(exc)
    finally:
        database.dispose()


def _fail(exc: ServiceError) -> None:
    console.print(f"[red]error[/red] {escape(exc.message)}")
    for problem in exc.details.get("problems", []):
        console.print(f"  {escape(str(problem.get('message', problem)))}")
    raise typer.Exit(1)


def _actor(svc: Services, user_id: str | None) -> Actor:
    """The system administrator, or `user_id` with their groups (if they are registered)."""
    if user_id is None:
        return SYSTEM
    try:
        found = identity.get_user(svc, SYSTEM, user_id)
    except NotFound:
        return Actor(user_id)
    groups = frozenset(found.groups)
    return Actor(user_id, groups=groups, admin=found.admin or identity.ADMIN_GROUP in groups)


def _print_tasks(found: list[TaskView]) -> None:
    """One line per task, so the output stays whole in narrow terminals and in scripts."""
    if not found:
        console.print("no open tasks")
        return
    for task in found:
        offered = ", ".join(task.candidate_users + task.candidate_groups)
        console.print(
            f"task {task.id}  {task.node_id}  {task.name or ''!r}  "
            f"{task.process_key} instance {task.instance_id}  "
            f"assignee {task.assignee or '-'}  candidates {offered or '-'}",
            markup=False,
            soft_wrap=True,
        )


def _safe_url(url: str) -> str:
    """The URL with any password masked."""
    return re.sub(r"(//[^/:@]+):[^/@]*@", r"\1:***@", url)
