"""Run `python deploy/serve.py` for a test, and afterwards make sure nothing it started is left.

Shared by the deployment's integration test and the browser test that goes through the proxy.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bench.support import free_ports

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 120.0


def nginx_or_skip() -> None:
    from deploy.nginx import NginxError, find_nginx

    try:
        find_nginx()
    except NginxError:
        pytest.skip("nginx is not installed (apt-get install nginx)")


def descendants(pid: int) -> set[int]:
    """Every process below pid (workers run in their own sessions, but stay its children)."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                children = {int(c) for c in task.read_text().split()} - found
                found |= children
                todo.extend(children)
    return found


def alive(pid: int) -> bool:
    """Running, not just waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@dataclass
class Deployment:
    proc: subprocess.Popen
    url: str
    run_dir: Path
    worker_ports: list[int]
    output: Path
    seen: set[int] = field(default_factory=set)

    def workers(self) -> list[dict]:
        """workers.json as serve.py wrote it last."""
        state = json.loads((self.run_dir / "workers.json").read_text(encoding="utf-8"))
        self.seen.update(entry["pid"] for entry in state)
        return state

    def log(self) -> str:
        return self.output.read_text(errors="replace")


def _wait_until_serving(deployment: Deployment, workers: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if deployment.proc.poll() is not None:
            raise RuntimeError(f"serve.py exited with {deployment.proc.returncode}:\n{deployment.log()}")
        try:
            with urllib.request.urlopen(f"{deployment.url}/healthz", timeout=2) as response:
                if response.status == 200 and len(deployment.workers()) == workers:
                    return
        except (OSError, ValueError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"serve.py was not serving within {START_TIMEOUT:.0f} s:\n{deployment.log()}")


def stop_deployment(deployment: Deployment) -> list[int]:
    """SIGTERM serve.py as a teacher's Ctrl-C would; kill and return whatever outlived it."""
    started = descendants(deployment.proc.pid) | deployment.seen
    if deployment.proc.poll() is None:
        deployment.proc.send_signal(signal.SIGTERM)
        try:
            deployment.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            deployment.proc.kill()
            deployment.proc.wait(timeout=10)
    left = sorted(pid for pid in started if alive(pid))
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return left


@contextlib.contextmanager
def running_deployment(run_dir: Path, workers: int = 2) -> Iterator[Deployment]:
    """serve.py on free localhost ports with `workers` local workers; stopped, with a check for leftovers."""
    nginx_or_skip()
    port, *worker_ports = free_ports(workers + 1)
    run_dir.mkdir(parents=True, exist_ok=True)
    output = run_dir / "serve.out"
    command = [sys.executable, "deploy/serve.py", "--port", str(port), "--address", "127.0.0.1"]
    command += ["--workers", str(workers), "--first-worker-port", str(worker_ports[0]), "--run-dir", str(run_dir)]
    with output.open("wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deployment = Deployment(proc, f"http://127.0.0.1:{port}", run_dir, worker_ports, output)
    try:
        _wait_until_serving(deployment, workers)
        yield deployment
    finally:
        left = stop_deployment(deployment)
        if left:
            raise AssertionError(f"serve.py left processes running (now killed): {left}\n{deployment.log()}")
