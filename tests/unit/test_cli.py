"""The `lanes` command: check and run a model in memory."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from lanes.cli import app

SAMPLE = Path(__file__).parents[2] / "src" / "lanes" / "samples" / "leave.bpmn"
runner = CliRunner()


def test_check_lists_processes_of_a_valid_model() -> None:
    result = runner.invoke(app, ["check", str(SAMPLE)])
    assert result.exit_code == 0
    assert "leave" in result.output


def test_check_reports_errors_and_exits_nonzero(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bpmn"
    bad.write_bytes(
        b"<definitions xmlns='http://www.omg.org/spec/BPMN/20100524/MODEL'>"
        b"<process id='p'><userTask id='a'/></process></definitions>"
    )
    result = runner.invoke(app, ["check", str(bad)])
    assert result.exit_code == 1
    assert "no none, message, timer or signal start event" in result.output


def test_run_auto_walks_the_long_leave_path_to_its_end() -> None:
    result = runner.invoke(app, ["run", str(SAMPLE), "--auto", "--var", "days=5"])
    assert result.exit_code == 0, result.output
    assert "ended: True" in result.output
    assert "hr" in result.output and "join" in result.output


def test_run_auto_takes_the_short_path_for_short_leave() -> None:
    result = runner.invoke(app, ["run", str(SAMPLE), "--auto", "--var", "days=2"])
    assert result.exit_code == 0, result.output
    assert "manager_short" in result.output
    assert "split" not in result.output


def test_run_interactive_completes_the_task_chosen_at_the_prompt() -> None:
    answers = "\n".join(["", "days=1", "", ""]) + "\n"
    result = runner.invoke(app, ["run", str(SAMPLE)], input=answers)
    assert result.exit_code == 0, result.output
    assert "ended: True" in result.output


def test_run_stops_with_exit_2_on_an_incident() -> None:
    # days is never given, so the gateway's condition cannot be evaluated
    result = runner.invoke(app, ["run", str(SAMPLE), "--auto"])
    assert result.exit_code == 2
    assert "incident" in result.output


def test_bad_var_syntax_is_refused() -> None:
    result = runner.invoke(app, ["run", str(SAMPLE), "--auto", "--var", "days"])
    assert result.exit_code != 0
