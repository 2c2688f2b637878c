"""The Streamlit workers behind the proxy: one process per core, watched and restarted.

A Streamlit process runs every session's script in one Python process, so it uses about one
core; a class needs several. The pool starts them on consecutive localhost ports, restarts
one that dies on the same port, and keeps `workers.json` (`[{"port": 8601, "pid": 1234}]`)
up to date for tools that need the processes, such as a load test that kills one.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from geo.paths import ROOT

APP = "app.py"
HEALTH_PATH = "/_stcore/health"
STOP_TIMEOUT = 10.0
# A worker that dies sooner than this after starting is waiting on something (a taken port,
# a broken install): wait longer before each new try instead of restarting it in a tight loop.
QUICK_DEATH = 15.0
MAX_BACKOFF = 30.0
LOCALHOST = "127.0.0.1"


def host_port(host: str, port: int) -> str:
    """HOST:PORT as nginx and URLs want it (an IPv6 address in brackets)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def worker_command(port: int, host: str = LOCALHOST) -> list[str]:
    """`streamlit run app.py` for one worker, read from the repository root with its .streamlit/config.toml.

    No file watcher: nobody edits the code during a lesson, and N workers watching the tree
    would spend the cores the class needs. `host` is 127.0.0.1 behind this machine's proxy, or a
    private address (checked by serve.py) for a proxy on another machine.
    """
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        APP,
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
    ]


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM if serve.py dies, so no worker outlives it (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def spawn(command: list[str], log: Path, cwd: Path = ROOT) -> subprocess.Popen:
    """Start a child in its own process group (a Ctrl-C reaches serve.py only, which stops it in order)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen(
            command,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )


def stop_process(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = STOP_TIMEOUT) -> None:
    """Ask a child to stop, and kill it if it has not within `timeout` seconds."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


def port_is_free(port: int, host: str = LOCALHOST) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def is_healthy(address: str, timeout: float = 2.0) -> bool:
    """Does the Streamlit server at HOST:PORT answer its health check?"""
    try:
        with urllib.request.urlopen(f"http://{address}{HEALTH_PATH}", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def log_tail(path: Path, chars: int = 2000) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else ""


@dataclass
class Worker:
    port: int
    log: Path
    host: str = LOCALHOST
    proc: subprocess.Popen | None = None
    started: float = 0.0
    restarts: int = 0
    backoff: float = 0.0
    retry_at: float = 0.0

    @property
    def address(self) -> str:
        return host_port(self.host, self.port)

    def start(self) -> None:
        self.proc = spawn(worker_command(self.port, self.host), self.log)
        self.started = time.monotonic()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


@dataclass
class WorkerPool:
    """The local workers, the file that lists them, and the loop that keeps them running."""

    ports: Iterable[int]
    run_dir: Path
    host: str = LOCALHOST
    workers: list[Worker] = field(init=False)

    def __post_init__(self) -> None:
        logs = self.run_dir / "logs"
        self.workers = [Worker(port, logs / f"worker-{port}.log", self.host) for port in self.ports]

    @property
    def state_file(self) -> Path:
        return self.run_dir / "workers.json"

    @property
    def addresses(self) -> list[str]:
        return [w.address for w in self.workers]

    def start(self, timeout: float = 120.0) -> None:
        """Start every worker at once and wait until each answers its health check."""
        taken = [w.port for w in self.workers if not port_is_free(w.port, self.host)]
        if taken:
            raise RuntimeError(f"worker port(s) already in use: {taken}; choose others with --first-worker-port")
        for worker in self.workers:
            worker.start()
        self.write_state()
        waiting = list(self.workers)
        deadline = time.monotonic() + timeout
        while waiting:
            for worker in list(waiting):
                if not worker.alive():
                    raise RuntimeError(f"worker on port {worker.port} exited:\n{log_tail(worker.log)}")
                if is_healthy(worker.address, timeout=1.0):
                    waiting.remove(worker)
            if waiting and time.monotonic() > deadline:
                raise RuntimeError(f"workers on ports {[w.port for w in waiting]} did not start within {timeout:.0f} s")
            if waiting:
                time.sleep(0.2)

    def check(self) -> list[Worker]:
        """Restart every worker that has died (on its own port); return the ones restarted.

        The proxy's passive health check keeps new sessions off a worker until it answers again.
        """
        restarted = []
        now = time.monotonic()
        for worker in self.workers:
            if worker.alive() or worker.proc is None:
                continue
            if not worker.retry_at:
                lived = now - worker.started
                worker.backoff = min(MAX_BACKOFF, max(1.0, worker.backoff * 2)) if lived < QUICK_DEATH else 0.0
                worker.retry_at = now + worker.backoff
            if now < worker.retry_at:
                continue
            worker.retry_at = 0.0
            worker.restarts += 1
            worker.start()
            restarted.append(worker)
        if restarted:
            self.write_state()
        return restarted

    def write_state(self) -> None:
        """workers.json, replaced in one step so a reader never sees half a file."""
        state = [{"port": w.port, "pid": w.proc.pid} for w in self.workers if w.proc is not None]
        tmp = self.state_file.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, self.state_file)

    def stop(self) -> None:
        """Stop every worker (all asked at once, then waited for) and remove workers.json."""
        for worker in self.workers:
            if worker.alive():
                with contextlib.suppress(ProcessLookupError):
                    worker.proc.terminate()
        for worker in self.workers:
            if worker.proc is not None:
                stop_process(worker.proc)
        self.state_file.unlink(missing_ok=True)
