"""What only the benchmarks need: a baseline app to compare with, and figures of time, memory and CPU.

Starting servers, the deployment and Redis, free ports and blocking the internet are shared
with the tests, in geo/testing.py.
"""

from __future__ import annotations

import math
import os
import shutil
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from geo.paths import ROOT
from geo.testing import descendants

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def baseline_folder(tmp: Path) -> Path:
    """A folder holding baseline_app.py whose static/ is the repository's, so the baseline serves the same Leaflet."""
    folder = tmp / "baseline"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "bench" / "baseline_app.py", folder / "baseline_app.py")
    (folder / "static").symlink_to(ROOT / "static")
    return folder


def temp_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="atlas-bench-"))


# Figures --------------------------------------------------------------------------------------


class Measured(NamedTuple):
    seconds: float  # median wall-clock time
    cpu_seconds: float  # median CPU time of this process: steadier than the wall clock on a shared machine
    peak_mb: float  # Python memory one more run adds at its peak (tracemalloc: not C libraries' own)
    result: object


def measure_step(step: Callable[[], object], repeats: int) -> Measured:
    """`step` run `repeats` times, then once more under tracemalloc for its peak of memory."""
    walls, cpus = [], []
    result = None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = step()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    tracemalloc.start()
    step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Measured(statistics.median(walls), statistics.median(cpus), peak / 1e6, result)


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile, interpolated between samples (as numpy's default)."""
    xs = sorted(values)
    if not xs:
        return None
    k = (len(xs) - 1) * q / 100
    low = math.floor(k)
    high = min(low + 1, len(xs) - 1)
    return xs[low] + (xs[high] - xs[low]) * (k - low)


def fmt_s(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def fmt_spread(values: list[float]) -> str:
    """median / p95 / max."""
    if not values:
        return "-"
    return " / ".join(fmt_s(v) for v in (statistics.median(values), percentile(values, 95), max(values)))


# Processes ------------------------------------------------------------------------------------


def rss_mb(*pids: int) -> float:
    """Resident memory of processes and all their children, in MB (VmRSS from /proc)."""
    total_kb = 0
    for p in descendants(*pids):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            pass
    return total_kb / 1024


def cpu_seconds(*pids: int, children: bool = True) -> float:
    """CPU time (user + system) used so far by processes and (unless told not) their living children, from /proc."""
    ticks = 0
    for p in descendants(*pids) if children else set(pids):
        try:
            stat = Path(f"/proc/{p}/stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: split after its closing one.
        fields = stat[stat.rindex(")") + 2 :].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / CLOCK_TICKS
