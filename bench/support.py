"""What the benchmarks share: starting and stopping `streamlit run` servers, and reading a process's memory and CPU.

The benchmarks keep their own copy of these helpers instead of importing the test
fixtures, so that a benchmark runs without the test suite and the tests can change
without breaking a benchmark.
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("ATLAS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
LOCAL_PREFIXES = ("http://localhost", "http://127.0.0.1", "file://", "data:", "blob:", "about:")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A TCP port nobody listens on right now, so several servers can run side by side."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Servers --------------------------------------------------------------------------------------


@dataclass
class Server:
    """A `streamlit run` process started by a benchmark, and where to reach it."""

    name: str
    proc: subprocess.Popen
    url: str
    log: Path | None = None

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log_tail(self, lines: int = 20) -> str:
        """The end of the server's output, to explain why it failed."""
        if self.log is None or not self.log.exists():
            return "(no log)"
        text = self.log.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:]) or "(empty log)"


def start_server(
    name: str,
    script: Path,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
    log: Path | None = None,
) -> Server:
    """Start `streamlit run script` on a free port, as the README says, in its own process group.

    cwd is the repository root by default, so the server reads the repository's
    .streamlit/config.toml; its own group lets `stop` end it together with anything it started.
    """
    port = free_port()
    out = log.open("wb") if log else subprocess.DEVNULL
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)]
            + ["--server.headless", "true"],
            cwd=cwd,
            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        if log:
            out.close()
    return Server(name, proc, f"http://localhost:{port}", log)


def wait_healthy(server: Server, timeout: float = 90) -> None:
    """Wait until the server answers its health check; fail early, with its output, if it exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(
                f"{server.name}: streamlit exited with code {server.proc.returncode} before answering.\n"
                f"Its last output:\n{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{server.name}: streamlit did not answer within {timeout:.0f} s.\n{server.log_tail()}")


def stop(server: Server) -> None:
    """End the server's process group: politely first, then for good."""
    if server.proc.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(server.proc.pid, signal.SIGTERM)
    try:
        server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(server.proc.pid, signal.SIGKILL)
        server.proc.wait(timeout=10)


def baseline_folder(tmp: Path) -> Path:
    """A folder holding baseline_app.py whose static/ is the repository's, so the baseline serves the same Leaflet."""
    folder = tmp / "baseline"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "bench" / "baseline_app.py", folder / "baseline_app.py")
    (folder / "static").symlink_to(ROOT / "static")
    return folder


def temp_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="atlas-bench-"))


# A deployment and a Redis ---------------------------------------------------------------------


@dataclass
class Deployment:
    """`python deploy/serve.py` started by a benchmark: nginx in front of its workers."""

    proc: subprocess.Popen
    url: str
    run_dir: Path

    @property
    def workers_file(self) -> Path:
        return self.run_dir / "workers.json"

    def log_tail(self, lines: int = 30) -> str:
        path = self.run_dir / "serve.out"
        text = path.read_text(errors="replace").splitlines() if path.exists() else []
        return "\n".join(text[-lines:]) or "(no output)"


def free_ports(count: int) -> list[int]:
    """`count` consecutive free localhost ports below the ephemeral range (the workers' ports follow each other)."""
    import random

    for _ in range(200):
        first = random.randint(20_000, 32_000)
        ports = list(range(first, first + count))
        if all(port_free(port) for port in ports):
            return ports
    raise RuntimeError("no run of free ports found")


def port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def start_deployment(
    run_dir: Path, workers: int, env: dict[str, str] | None = None, timeout: float = 120
) -> Deployment:
    """deploy/serve.py on free localhost ports with `workers` workers; waits until each worker answers."""
    import json

    port, first_worker = free_ports(workers + 1)[:2]
    run_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "deploy/serve.py", "--port", str(port), "--address", "127.0.0.1"]
    command += ["--workers", str(workers), "--first-worker-port", str(first_worker), "--run-dir", str(run_dir)]
    with (run_dir / "serve.out").open("wb") as out:
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    deployment = Deployment(proc, f"http://127.0.0.1:{port}", run_dir)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"deploy/serve.py exited with {proc.returncode}:\n{deployment.log_tail()}")
        with suppress(OSError, ValueError), urllib.request.urlopen(f"{deployment.url}/healthz", timeout=2) as r:
            if r.status == 200 and len(json.loads(deployment.workers_file.read_text())) == workers:
                return deployment
        time.sleep(0.3)
    stop_deployment(deployment)
    raise RuntimeError(f"deploy/serve.py was not serving within {timeout:.0f} s:\n{deployment.log_tail()}")


def stop_deployment(deployment: Deployment) -> None:
    """SIGTERM serve.py (it stops nginx and its workers), then its whole process group if it lingers."""
    if deployment.proc.poll() is None:
        deployment.proc.send_signal(signal.SIGTERM)
        try:
            deployment.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(deployment.proc.pid, signal.SIGKILL)
            deployment.proc.wait(timeout=10)


@dataclass
class RedisProcess:
    """A private redis-server (Debian's), with the append-only file on: its data survives a restart."""

    folder: Path
    port: int
    proc: subprocess.Popen | None = None
    fsync: str = "everysec"  # "always" for tests that check nothing written is ever lost

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 15) -> None:
        if shutil.which("redis-server") is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)]
            + ["--appendonly", "yes", "--appendfsync", self.fsync, "--save", "", "--daemonize", "no"]
            + ["--logfile", str(self.folder / "redis.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited:\n{(self.folder / 'redis.log').read_text(errors='replace')}")
            if self.ping():
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not answer within 15 s")

    def ping(self) -> bool:
        with suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
        return False

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """SIGTERM, as a service stop: Redis writes its append-only file out first."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def restart(self) -> None:
        """Stopped and started on the same port and folder: its data comes back."""
        self.stop()
        self.start()


# Figures --------------------------------------------------------------------------------------


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


def descendants(*pids: int) -> set[int]:
    """The pids and every process below them, so memory and CPU count helpers a server starts (each once)."""
    found: set[int] = set()
    todo = list(pids)
    while todo:
        p = todo.pop()
        if p in found:
            continue
        found.add(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            with suppress(OSError, ValueError):
                todo.extend(int(c) for c in task.read_text().split())
    return found


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


def alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


# Browsers -------------------------------------------------------------------------------------


def block_outside(page) -> list[str]:
    """Abort every request of a Playwright page that leaves the machine; return the list they are recorded in."""
    outside: list[str] = []

    def handle(route):
        url = route.request.url
        if url.startswith(LOCAL_PREFIXES):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", handle)
    return outside
