"""Benchmark: SVG render time per corpus model (never a test; it measures, never asserts).

For every model of the shared corpus (and the leave sample) the file is parsed once and
`lanes.diagram.render_svg` is timed over N runs, with every node of the first process
marked completed and every flow taken, as an instance diagram would be. Prints a table
sorted by median time, the largest model by node count, and the totals; with --out, also
writes the numbers as JSON.

Usage:
    python bench/diagram.py [--runs N] [--out bench/results/diagram.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import lanes
from lanes.bpmn import Definitions, parse
from lanes.diagram import render_svg

ROOT = Path(__file__).resolve().parents[1]


def corpus_dir() -> Path:
    override = os.environ.get("LANES_CORPUS_DIR")
    return Path(override) if override else ROOT.parent / "shared" / "corpus"


def model_files() -> list[tuple[str, Path]]:
    files = [("samples/leave.bpmn", Path(lanes.__file__).parent / "samples" / "leave.bpmn")]
    corpus = corpus_dir()
    manifest = corpus / "MANIFEST.tsv"
    if manifest.is_file():
        lines = manifest.read_text(encoding="utf-8").splitlines()[1:]
        files += [(line.split("\t")[0], corpus / line.split("\t")[0]) for line in lines if line]
    return files


def synthetic(blocks: int) -> bytes:
    """A model without DI: `blocks` parallel fork/joins of three user tasks, one after another,
    with a loop back from the end of each block to its start (auto layout at scale)."""
    parts = ['<startEvent id="start"/>']
    previous = "start"
    for b in range(blocks):
        parts.append(f'<parallelGateway id="split{b}"/><parallelGateway id="join{b}"/>')
        parts.append(f'<exclusiveGateway id="check{b}"/>')
        parts.append(f'<sequenceFlow id="in{b}" sourceRef="{previous}" targetRef="split{b}"/>')
        for t in range(3):
            parts.append(f'<userTask id="t{b}_{t}" name="Task {b}.{t}"/>')
            parts.append(f'<sequenceFlow id="a{b}_{t}" sourceRef="split{b}" targetRef="t{b}_{t}"/>')
            parts.append(f'<sequenceFlow id="b{b}_{t}" sourceRef="t{b}_{t}" targetRef="join{b}"/>')
        parts.append(f'<sequenceFlow id="j{b}" sourceRef="join{b}" targetRef="check{b}"/>')
        parts.append(
            f'<sequenceFlow id="back{b}" sourceRef="check{b}" targetRef="split{b}">'
            "<conditionExpression>${again}</conditionExpression></sequenceFlow>"
        )
        previous = f"check{b}"
    parts.append(
        f'<endEvent id="end"/><sequenceFlow id="on{blocks - 1}" sourceRef="{previous}" '
        'targetRef="end"/>'
    )
    body = "".join(parts).replace(f'default="on{blocks - 1}"', "").replace('default="on', 'x="')
    return (
        '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="x">'
        f'<process id="synthetic" isExecutable="true">{body}</process></definitions>'
    ).encode()


def measure(definitions: Definitions, runs: int) -> tuple[float, int]:
    """Median milliseconds of one render, and the size of the SVG."""
    nodes = [n for p in definitions.processes.values() for n in p.nodes]
    flows = [f for p in definitions.processes.values() for f in p.flows]
    highlights: dict[str, Any] = {"completed": nodes[1:], "active": nodes[:1], "taken": flows}
    svg = render_svg(definitions, **highlights)  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        render_svg(definitions, **highlights)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), len(svg.encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30, help="timed renders per model")
    parser.add_argument(
        "--blocks", type=int, default=60, help="fork/join blocks of the synthetic model"
    )
    parser.add_argument("--out", help="write the results as JSON to this file")
    args = parser.parse_args()

    rows: list[dict[str, Any]] = []
    sources = [(name, path.read_bytes()) for name, path in model_files()]
    sources.append((f"synthetic: {args.blocks} fork/join blocks, no DI", synthetic(args.blocks)))
    for name, xml in sources:
        definitions = parse(xml)
        median_ms, size = measure(definitions, args.runs)
        rows.append(
            {
                "model": name,
                "nodes": sum(len(p.nodes) for p in definitions.processes.values()),
                "flows": sum(len(p.flows) for p in definitions.processes.values()),
                "has_di": bool(definitions.diagram.shapes),
                "median_ms": round(median_ms, 3),
                "svg_bytes": size,
            }
        )
    rows.sort(key=lambda r: r["median_ms"], reverse=True)
    largest = max(rows, key=lambda r: (r["nodes"], r["flows"]))
    medians = [r["median_ms"] for r in rows]
    result = {
        "benchmark": "bench/diagram.py",
        "python": platform.python_version(),
        "platform": platform.platform(),
        "runs_per_model": args.runs,
        "models_measured": len(rows),
        "median_of_medians_ms": round(statistics.median(medians), 3),
        "slowest_ms": rows[0]["median_ms"],
        "slowest_model": rows[0]["model"],
        "largest_model": largest,
        "largest_corpus_model": max(
            (r for r in rows if not r["model"].startswith("synthetic")),
            key=lambda r: (r["nodes"], r["flows"]),
        ),
        "models": rows,
    }

    print(f"{'model':<84} {'nodes':>5} {'DI':>3} {'ms':>8} {'bytes':>7}")
    for r in rows:
        di = "yes" if r["has_di"] else "no"
        print(
            f"{r['model'][:84]:<84} {r['nodes']:>5} {di:>3} {r['median_ms']:>8.2f}"
            f" {r['svg_bytes']:>7}"
        )
    print(
        f"\n{len(rows)} models, {args.runs} runs each: median {result['median_of_medians_ms']} ms,"
        f" slowest {result['slowest_ms']} ms ({result['slowest_model']}),"
        f" largest {largest['model']} ({largest['nodes']} nodes) {largest['median_ms']} ms"
    )
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
