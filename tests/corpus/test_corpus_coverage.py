"""The scenario table covers every runnable corpus model, and nothing else."""

from __future__ import annotations

import pytest

from .scenarios import SCENARIOS, corpus_dir, read_manifest

CORPUS = corpus_dir()
if not (CORPUS / "MANIFEST.tsv").is_file():
    pytest.skip(f"corpus not found at {CORPUS} (set LANES_CORPUS_DIR)", allow_module_level=True)

RUNNABLE = {row.path for row in read_manifest(CORPUS) if row.runnable}


def test_manifest_lists_65_runnable_models() -> None:
    assert len(RUNNABLE) == 65


def test_every_runnable_model_has_a_scenario() -> None:
    covered = {s.file for s in SCENARIOS}
    assert sorted(RUNNABLE - covered) == []


def test_scenarios_and_callees_are_runnable_models() -> None:
    used = {s.file for s in SCENARIOS} | {c for s in SCENARIOS for c in s.callees}
    assert sorted(used - RUNNABLE) == []


def test_scenario_files_exist() -> None:
    used = {s.file for s in SCENARIOS} | {c for s in SCENARIOS for c in s.callees}
    assert sorted(p for p in used if not (CORPUS / p).is_file()) == []


def test_scenario_names_are_unique() -> None:
    names = [s.name for s in SCENARIOS]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []
