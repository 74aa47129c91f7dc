"""Run by test_xmlsafe.py in a fresh interpreter: parse one file, report what it cost.

Usage: python hostile_probe.py INPUT. Prints one JSON object: the refusal message (or
null), the peak memory the parse added, the bytes read from files meanwhile, and any file
opened or socket used from Python code during the parse.

How memory is measured, and why not tracemalloc: tracemalloc sees only allocations made
through Python's allocator, and libxml2 builds its tree with plain malloc, so a parse that
fills 100 MB of C memory looks free to it. The kernel's high-water mark of resident memory
counts every allocation, C or Python. We read it as VmHWM from /proc/self/status rather than
as getrusage's ru_maxrss: ru_maxrss survives exec, so this child would report the pytest
process it was spawned from. VmHWM is first reset to the current size (/proc/self/clear_refs)
and the baseline is the current resident size, taken after the input is in memory; the
difference is what the parse added, C and Python alike. Where /proc is missing (not Linux)
ru_maxrss is the fallback, which can only overstate.
"""

from __future__ import annotations

import contextlib
import json
import resource
import sys
from pathlib import Path
from typing import Any

from lanes.bpmn import BpmnError, parse

_PROC = Path("/proc/self")


def _status_kib(field: str) -> int | None:
    status = _PROC / "status"
    if not status.exists():
        return None
    for line in status.read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return None


def _fallback_peak_kib() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS, KiB on Linux


def reset_peak() -> None:
    """Make VmHWM the current size, so the next peak is the parse's own (Linux 4.0+)."""
    # Should the kernel refuse, VmHWM also holds the start-up peak: it can only overstate.
    with contextlib.suppress(OSError):
        (_PROC / "clear_refs").write_text("5")


def current_kib() -> int:
    return _status_kib("VmRSS") or _fallback_peak_kib()


def peak_kib() -> int:
    return _status_kib("VmHWM") or _fallback_peak_kib()


def bytes_read() -> int | None:
    """Bytes this process has read with read() and friends, from C code as well as Python."""
    io = _PROC / "io"
    if not io.exists():
        return None
    for line in io.read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    return None


def warm_up() -> None:
    """Load what Python loads lazily (codecs, lxml's error classes) before measuring."""
    for codec in ("utf-8", "latin-1", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "cp037"):
        "<".encode(codec).decode(codec)  # an empty text would skip the codec lookup
    for sample in (
        b"<x/>",
        b"<x>",
        b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>',
    ):
        with contextlib.suppress(BpmnError):
            parse(sample)


def main(path: str) -> None:
    data = Path(path).read_bytes()
    warm_up()
    touched: list[str] = []
    recording = False

    def audit(event: str, args: tuple[Any, ...]) -> None:
        if recording and (event == "open" or event.startswith("socket.")):
            touched.append(f"{event} {args[0]!r}")

    sys.addaudithook(audit)
    refusal: str | None = None
    reset_peak()
    baseline = current_kib()
    read_before = bytes_read()
    recording = True
    try:
        parse(data)
    except BpmnError as error:
        refusal = str(error)
    recording = False
    read_after = bytes_read()  # counts its own read of /proc/self/io: about 120 bytes
    peak = peak_kib()
    read = None if read_before is None or read_after is None else read_after - read_before
    report = {
        "refusal": refusal,
        "added_kib": peak - baseline,
        "read_bytes": read,
        "touched": touched,
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1])
