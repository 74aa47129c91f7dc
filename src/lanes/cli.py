"""The `lanes` command: check a model, or walk it in memory, interactively or with --auto.

The server commands (serve, deploy, tasks, ...) arrive with the persistence layer.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from lanes.bpmn import BpmnError, parse
from lanes.embedded import Engine, EngineError, Instance
from lanes.engine.timers import from_iso

app = typer.Typer(help="lanes: a BPMN 2.0 workflow engine.", no_args_is_help=True)
console = Console()


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
