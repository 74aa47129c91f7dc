"""Benchmark: lanes against SpiffWorkflow 3.2.0 and camunda-python 0.1.2 (never a test).

Each engine runs the reference models in bench/models/ start to end, completing every
ready user task with variables, and round-trips the whole instance state through JSON
after the start and after every completion, as a persistent server does. Every
(model, engine) pair runs in its own subprocess so that peak RSS belongs to one engine.
The parent prints one JSON document: instances/s, state sizes, peak RSS, and the ratios
lanes/spiff and lanes/camunda per model.

Usage:
    python bench/engine.py [--instances N] [--seconds S] [--engines lanes,spiff,camunda]
                           [--models leave,countersign,chain50] [--out FILE]

The bench checks every instance (it ended, no task is left open, the completed tasks
are the ones the model implies) and exits non-zero if an engine gets one wrong. An
engine whose package cannot be imported is reported as skipped.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

MODELS_DIR = Path(__file__).resolve().parent / "models"
ENGINES = ("lanes", "spiff", "camunda")
MODELS = ("leave", "countersign", "chain50")
PEERS = ("spiff", "camunda")
DISTRIBUTIONS = {"lanes": "lanes", "spiff": "SpiffWorkflow", "camunda": "camunda-python"}
USERS = [f"user{i:02d}" for i in range(10)]
TWO_THIRDS_OF_USERS = 7  # first n with n / 10 >= 2 / 3
CHAIN_STEPS = [f"step_{i:02d}" for i in range(1, 51)]
WARMUP_SECONDS = 0.5
MAX_STEPS = 200  # per instance; a model that needs more is stuck


class BenchFailure(Exception):
    """An engine ran a model differently from what the model implies."""


class EngineMissing(Exception):
    """The engine's package is not importable; the bench reports it as skipped."""


# ---------------------------------------------------------------------------
# Reference models: what the driver sends and what it expects back
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReadyTask:
    id: Any
    node_id: str
    assignee: str | None


@dataclass(frozen=True, slots=True)
class Model:
    key: str
    files: dict[str, str]  # engine -> file in bench/models; "*" for every other engine
    start_variables: Callable[[int, str], dict[str, Any]]  # (instance index, engine)
    task_variables: Callable[[str, int, int, str], dict[str, Any]]  # node, index, done, engine
    expected_tasks: Callable[[int], list[str]]  # completed node ids, in order when it matters
    ordered: bool
    assigned: bool = False  # tasks carry an assignee from camunda:assignee

    def file_for(self, engine: str) -> Path:
        return MODELS_DIR / self.files.get(engine, self.files["*"])


def _leave_days(index: int) -> int:
    return 2 if index % 2 == 0 else 5


def _leave_task_variables(node_id: str, index: int, done: int, engine: str) -> dict[str, Any]:
    if node_id == "fill_form":
        return {"days": _leave_days(index), "reason": "family"}
    return {f"{node_id}_approved": True}


def _leave_expected(index: int) -> list[str]:
    if _leave_days(index) <= 3:
        return ["fill_form", "manager_approval"]
    return ["fill_form", "hr_approval", "parallel_manager_approval"]


def _countersign_start(index: int, engine: str) -> dict[str, Any]:
    if engine == "spiff":  # see countersign.spiff.bpmn: the driver decides completion
        return {"users": list(USERS), "signed_enough": False}
    return {"users": list(USERS)}


def _countersign_task_variables(node_id: str, index: int, done: int, engine: str) -> dict[str, Any]:
    if engine == "spiff":
        return {"approved": True, "signed_enough": done + 1 >= TWO_THIRDS_OF_USERS}
    return {"approved": True}


MODEL_TABLE: dict[str, Model] = {
    "leave": Model(
        key="leave",
        files={"spiff": "leave.spiff.bpmn", "*": "leave.bpmn"},
        start_variables=lambda index, engine: {"applicant": "alice"},
        task_variables=_leave_task_variables,
        expected_tasks=_leave_expected,
        ordered=False,
    ),
    "countersign": Model(
        key="countersign",
        files={"spiff": "countersign.spiff.bpmn", "*": "countersign.bpmn"},
        start_variables=_countersign_start,
        task_variables=_countersign_task_variables,
        expected_tasks=lambda index: ["sign"] * TWO_THIRDS_OF_USERS,
        ordered=False,
        assigned=True,
    ),
    "chain50": Model(
        key="chain50",
        files={"*": "chain50.bpmn"},
        start_variables=lambda index, engine: {"order": index},
        task_variables=lambda node_id, index, done, engine: {"step": done + 1},
        expected_tasks=lambda index: list(CHAIN_STEPS),
        ordered=True,
    ),
}


# ---------------------------------------------------------------------------
# Engine drivers: one small adapter per engine, same six operations
# ---------------------------------------------------------------------------


class Driver(Protocol):
    reports_assignee: bool

    def deploy(self, model: Model, path: Path) -> None: ...
    def start(self, model: Model, variables: dict[str, Any]) -> Any: ...
    def ready_tasks(self, inst: Any) -> list[ReadyTask]: ...
    def complete(self, inst: Any, task: ReadyTask, variables: dict[str, Any]) -> None: ...
    def ended(self, inst: Any) -> bool: ...
    def save(self, inst: Any) -> str: ...
    def load(self, data: str) -> Any: ...
    def discard(self, inst: Any) -> None: ...
    def notes(self, model: Model) -> list[str]: ...


class LanesDriver:
    """lanes.embedded, as documented in docs/embedding.md."""

    reports_assignee = True

    def __init__(self) -> None:
        try:
            from lanes.embedded import Engine
        except ImportError as exc:
            raise EngineMissing(f"lanes.embedded is not importable yet: {exc}") from exc
        self.engine = Engine()

    def deploy(self, model: Model, path: Path) -> None:
        self.engine.deploy(path.read_bytes())

    def start(self, model: Model, variables: dict[str, Any]) -> Any:
        return self.engine.start(model.key, variables=variables)

    def ready_tasks(self, inst: Any) -> list[ReadyTask]:
        return [ReadyTask(t.id, t.node_id, t.assignee) for t in inst.tasks()]

    def complete(self, inst: Any, task: ReadyTask, variables: dict[str, Any]) -> None:
        inst.complete(task.id, variables=variables)

    def ended(self, inst: Any) -> bool:
        return bool(inst.ended)

    def save(self, inst: Any) -> str:
        return str(inst.to_json())

    def load(self, data: str) -> Any:
        return self.engine.restore(data)

    def discard(self, inst: Any) -> None:
        self.engine.discard(inst)

    def notes(self, model: Model) -> list[str]:
        return ["round trip: Instance.to_json() -> Engine.restore(data)"]


class SpiffDriver:
    """SpiffWorkflow 3.2.0 with its Camunda flavour (CamundaParser, CAMUNDA_CONFIG)."""

    reports_assignee = False  # camunda:assignee is not read by SpiffWorkflow

    def __init__(self) -> None:
        try:
            from SpiffWorkflow.bpmn import BpmnWorkflow
            from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
            from SpiffWorkflow.camunda.parser import CamundaParser
            from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG
            from SpiffWorkflow.util.task import TaskState
        except ImportError as exc:
            raise EngineMissing(f"SpiffWorkflow is not installed: {exc}") from exc
        self._workflow_class = BpmnWorkflow
        self._parser_class = CamundaParser
        self._ready = TaskState.READY
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))
        self.specs: dict[str, Any] = {}

    def deploy(self, model: Model, path: Path) -> None:
        parser = self._parser_class()
        parser.add_bpmn_file(str(path))
        self.specs[model.key] = parser.get_spec(model.key)

    def start(self, model: Model, variables: dict[str, Any]) -> Any:
        workflow = self._workflow_class(self.specs[model.key])
        workflow.get_tasks(state=self._ready)[0].data.update(variables)  # the Start task
        workflow.do_engine_steps()
        return workflow

    def ready_tasks(self, inst: Any) -> list[ReadyTask]:
        tasks = inst.get_tasks(state=self._ready, manual=True)
        return [ReadyTask(t.id, t.task_spec.bpmn_id, None) for t in tasks]

    def complete(self, inst: Any, task: ReadyTask, variables: dict[str, Any]) -> None:
        spiff_task = inst.get_task_from_id(task.id)
        spiff_task.data.update(variables)
        spiff_task.run()
        inst.do_engine_steps()

    def ended(self, inst: Any) -> bool:
        return bool(inst.is_completed())

    def save(self, inst: Any) -> str:
        return str(self.serializer.serialize_json(inst))

    def load(self, data: str) -> Any:
        return self.serializer.deserialize_json(data)

    def discard(self, inst: Any) -> None:
        pass  # the workflow object is dropped with the reference

    def notes(self, model: Model) -> list[str]:
        notes = [
            "round trip: BpmnWorkflowSerializer.serialize_json(workflow) -> deserialize_json"
            " (the JSON carries the process spec as well as the state)",
            "conditions are Python expressions: runs the *.spiff.bpmn variant of the model",
        ]
        if model.key == "countersign":
            notes += [
                "no nrOfCompletedInstances/nrOfInstances: the completion condition is the"
                " variable signed_enough, which the driver sets on the 7th completion",
                "camunda:assignee is ignored: tasks carry no assignee (not checked)",
            ]
        return notes


class CamundaDriver:
    """camunda-python 0.1.2, in-memory ProcessEngine.

    Its only instance snapshot is the ProcInstSnap that its SQL Store persists after every
    command: ProcessEngine._build_snap(pi) and ProcessEngine._restore_instance(snap), the
    pair its own crash recovery uses. Both are private; the bench turns the dataclasses
    into JSON and back, and drops the in-memory instance before restoring it.
    """

    reports_assignee = True

    def __init__(self) -> None:
        try:
            from camunda.engine import ProcessEngine
            from camunda.parser import parse_bpmn_xml
            from camunda.persistence import store
        except ImportError as exc:
            raise EngineMissing(f"camunda-python is not installed: {exc}") from exc
        self.engine = ProcessEngine()
        self._parse = parse_bpmn_xml
        self._store = store

    def deploy(self, model: Model, path: Path) -> None:
        self.engine.deploy(self._parse(path.read_text(encoding="utf-8"), source_name=path.name))

    def start(self, model: Model, variables: dict[str, Any]) -> Any:
        return self.engine.start_process_instance_by_key(model.key, variables).id

    def ready_tasks(self, inst: Any) -> list[ReadyTask]:
        tasks = self.engine.create_task_query(process_instance_id=inst)
        return [ReadyTask(t.id, t.task_definition_key, t.assignee) for t in tasks]

    def complete(self, inst: Any, task: ReadyTask, variables: dict[str, Any]) -> None:
        self.engine.complete_task(task.id, variables)

    def ended(self, inst: Any) -> bool:
        return bool(self.engine.get_process_instance(inst).is_completed)

    def save(self, inst: Any) -> str:
        snap = self.engine._build_snap(self.engine.get_process_instance(inst))
        return json.dumps(dataclasses.asdict(snap))

    def load(self, data: str) -> Any:
        raw = json.loads(data)
        s = self._store
        snap = s.ProcInstSnap(
            **{
                **raw,
                "executions": [s.ExecutionSnap(**e) for e in raw["executions"]],
                "tasks": [s.TaskSnap(**t) for t in raw["tasks"]],
                "jobs": [s.JobSnap(**j) for j in raw["jobs"]],
                "activity_history": [s.ActivitySnap(**a) for a in raw["activity_history"]],
                "completed_tasks": [s.TaskSnap(**t) for t in raw["completed_tasks"]],
            }
        )
        self.discard(snap.id)
        self.engine._restore_instance(snap)
        return snap.id

    def discard(self, inst: Any) -> None:
        engine = self.engine
        for registry in (engine._tasks, engine._jobs, engine._event_subs):
            for key in [k for k, v in registry.items() if v.process_instance_id == inst]:
                del registry[key]
        engine._instances.pop(inst, None)

    def notes(self, model: Model) -> list[str]:
        return [
            "round trip: ProcessEngine._build_snap(pi) -> JSON -> _restore_instance(snap)"
            " (private; the snapshot its SQL Store persists, including history)",
            "expressions: Python-AST subset with JUEL operators; runs the JUEL model file",
            "RSS includes SQLAlchemy (about 30 MB), which its snapshot module imports",
        ]


DRIVERS: dict[str, Callable[[], Driver]] = {
    "lanes": LanesDriver,
    "spiff": SpiffDriver,
    "camunda": CamundaDriver,
}


# ---------------------------------------------------------------------------
# Running and checking one instance
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class InstanceRun:
    state_sizes: list[int] = field(default_factory=list)  # after start, then each completion
    completed: list[ReadyTask] = field(default_factory=list)


def run_instance(driver: Driver, model: Model, index: int, engine: str) -> InstanceRun:
    run = InstanceRun()
    inst = driver.start(model, model.start_variables(index, engine))
    inst = _round_trip(driver, inst, run)
    while not driver.ended(inst):
        tasks = driver.ready_tasks(inst)
        if not tasks:
            raise BenchFailure(f"{engine}/{model.key}#{index}: not ended but no task is open")
        if len(run.completed) >= MAX_STEPS:
            raise BenchFailure(f"{engine}/{model.key}#{index}: still open after {MAX_STEPS}")
        task = tasks[0]
        driver.complete(
            inst, task, model.task_variables(task.node_id, index, len(run.completed), engine)
        )
        run.completed.append(task)
        inst = _round_trip(driver, inst, run)
    leftover = driver.ready_tasks(inst)
    driver.discard(inst)
    _check(driver, model, index, engine, run, leftover)
    return run


def _round_trip(driver: Driver, inst: Any, run: InstanceRun) -> Any:
    data = driver.save(inst)
    run.state_sizes.append(len(data.encode("utf-8")))
    return driver.load(data)


def _check(
    driver: Driver,
    model: Model,
    index: int,
    engine: str,
    run: InstanceRun,
    leftover: list[ReadyTask],
) -> None:
    where = f"{engine}/{model.key}#{index}"
    if leftover:
        raise BenchFailure(f"{where}: ended with open tasks {[t.node_id for t in leftover]}")
    got = [t.node_id for t in run.completed]
    expected = model.expected_tasks(index)
    if (got if model.ordered else sorted(got)) != expected:
        raise BenchFailure(f"{where}: completed {got}, expected {expected}")
    if model.assigned and driver.reports_assignee:
        assignees = [t.assignee for t in run.completed]
        if len(set(assignees)) != len(assignees) or not set(assignees) <= set(USERS):
            raise BenchFailure(f"{where}: assignees {assignees} are not distinct users")


# ---------------------------------------------------------------------------
# Child process: one engine, one model
# ---------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def measure(engine: str, model_name: str, instances: int | None, seconds: float) -> dict[str, Any]:
    """Warm up, then run instances until the count or the time is reached."""
    try:
        driver = DRIVERS[engine]()
    except EngineMissing as exc:
        return {"skipped": str(exc)}
    model = MODEL_TABLE[model_name]
    path = model.file_for(engine)
    driver.deploy(model, path)
    rss_deployed = _peak_rss_mb()

    index = 0
    warm_until = time.perf_counter() + WARMUP_SECONDS
    while index < 2 or time.perf_counter() < warm_until:
        run_instance(driver, model, index, engine)
        index += 1

    gc.collect()
    runs: list[InstanceRun] = []
    started = time.perf_counter()
    while True:
        runs.append(run_instance(driver, model, index, engine))
        index += 1
        elapsed = time.perf_counter() - started
        if instances is not None:
            if len(runs) >= instances:
                break
        elif elapsed >= seconds and len(runs) % 2 == 0:  # even: leave runs half 2, half 5 days
            break

    sizes = [size for run in runs for size in run.state_sizes]
    return {
        "model_file": f"bench/models/{path.name}",
        "instances": len(runs),
        "seconds": round(elapsed, 3),
        "instances_per_s": round(len(runs) / elapsed, 1),
        "round_trips_per_instance": round(len(sizes) / len(runs), 2),
        "tasks_completed_per_instance": sorted({len(run.completed) for run in runs}),
        "mean_state_bytes": round(sum(sizes) / len(sizes)),
        "mid_flight_state_bytes": round(sum(run.state_sizes[1] for run in runs) / len(runs)),
        "max_state_bytes": max(sizes),
        "rss_after_import_and_deploy_mb": rss_deployed,
        "peak_rss_mb": _peak_rss_mb(),
        "notes": driver.notes(model),
    }


# ---------------------------------------------------------------------------
# Parent process: one subprocess per (model, engine), one JSON document out
# ---------------------------------------------------------------------------


def _run_child(engine: str, model: str, instances: int | None, seconds: float) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", engine, model]
    command += ["--seconds", str(seconds)]
    if instances is not None:
        command += ["--instances", str(instances)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(f"\n=== {engine}/{model} FAILED ===\n{done.stderr}")
        lines = done.stderr.strip().splitlines() or ["(no output)"]
        return {"error": lines[-1]}
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _ratio(numerator: dict[str, Any], denominator: dict[str, Any], key: str) -> float | None:
    if key not in numerator or key not in denominator or not denominator[key]:
        return None
    return round(numerator[key] / denominator[key], 3)


def _ratios(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    lanes = results.get("lanes", {})
    out: dict[str, Any] = {}
    for peer in PEERS:
        if peer in results:
            keys = ("instances_per_s", "mean_state_bytes", "mid_flight_state_bytes", "peak_rss_mb")
            out[f"lanes/{peer}"] = {k: _ratio(lanes, results[peer], k) for k in keys}
    return out


def _version(engine: str) -> str | None:
    try:
        return metadata.version(DISTRIBUTIONS[engine])
    except metadata.PackageNotFoundError:
        return None


def _names(text: str, allowed: tuple[str, ...], what: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = sorted(set(names) - set(allowed))
    if unknown:
        raise SystemExit(f"unknown {what}: {', '.join(unknown)} (choose from {', '.join(allowed)})")
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--instances",
        type=int,
        default=None,
        help="instances per run (after warm-up); default: time-based",
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=3.0,
        help="minimum measured time when --instances is not given",
    )
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON document here")
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "MODEL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.instances is not None and args.instances < 1:
        parser.error("--instances must be at least 1")

    if args.child:
        engine, model = args.child
        print(json.dumps(measure(engine, model, args.instances, args.seconds)))
        return 0

    engines = _names(args.engines, ENGINES, "engines")
    models = _names(args.models, MODELS, "models")
    report: dict[str, Any] = {
        "benchmark": "bench/engine.py",
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": {engine: _version(engine) for engine in engines},
        "settings": {
            "instances": args.instances,
            "min_seconds": None if args.instances else args.seconds,
            "warmup_seconds": WARMUP_SECONDS,
            "round_trip": "whole state to JSON and back after start and after every completion",
            "process_per_engine_and_model": True,
            "ratios": "lanes value / peer value: instances_per_s above 1 means lanes is"
            " faster; bytes and RSS below 1 mean lanes is smaller",
        },
        "models": {},
    }
    failed = False
    for model in models:
        results = {
            engine: _run_child(engine, model, args.instances, args.seconds) for engine in engines
        }
        failed = failed or any("error" in r for r in results.values())
        report["models"][model] = {**results, "ratios": _ratios(results)}
    report["ok"] = not failed

    text = json.dumps(report, indent=2)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
