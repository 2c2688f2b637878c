"""The worker pool: workers.json, restarts of a dead worker, and stopping, with stand-in processes."""

from __future__ import annotations

import json
import socket
import sys
import time
from pathlib import Path

import pytest

from deploy import workers
from deploy.workers import WorkerPool, worker_command

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]
QUITTER = [sys.executable, "-c", "pass"]


@pytest.fixture
def pool(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(workers, "worker_command", lambda port, host: SLEEPER)
    made = WorkerPool([18601, 18602], tmp_path)
    yield made
    made.stop()


def start_without_health_check(pool: WorkerPool) -> None:
    for worker in pool.workers:
        worker.start()
    pool.write_state()


def test_each_worker_is_streamlit_on_localhost_without_a_file_watcher():
    command = worker_command(8601)
    assert command[:5] == [sys.executable, "-m", "streamlit", "run", "app.py"]
    options = dict(zip(command[5::2], command[6::2], strict=True))
    assert options == {
        "--server.port": "8601",
        "--server.address": "127.0.0.1",
        "--server.headless": "true",
        "--server.fileWatcherType": "none",
    }


def test_a_worker_for_another_machine_listens_on_the_address_it_is_given():
    options = dict(zip(*[iter(worker_command(8601, "10.0.0.12")[5:])] * 2, strict=True))
    assert options["--server.address"] == "10.0.0.12"
    pool = WorkerPool([8601, 8602], Path("/tmp"), host="fd12::7")
    assert pool.addresses == ["[fd12::7]:8601", "[fd12::7]:8602"]


def test_workers_json_lists_port_and_pid(pool):
    start_without_health_check(pool)
    state = json.loads(pool.state_file.read_text())
    assert state == [{"port": w.port, "pid": w.proc.pid} for w in pool.workers]
    assert not pool.state_file.with_suffix(".json.tmp").exists()


def test_a_dead_worker_is_started_again_on_its_port(pool):
    start_without_health_check(pool)
    first, second = pool.workers
    old_pid = first.proc.pid
    first.proc.kill()
    first.proc.wait()
    first.started -= 60  # it had been serving for a while: no waiting before the restart
    assert pool.check() == [first]
    state = {entry["port"]: entry["pid"] for entry in json.loads(pool.state_file.read_text())}
    assert state[first.port] == first.proc.pid != old_pid
    assert state[second.port] == second.proc.pid
    assert first.alive() and first.restarts == 1
    assert pool.check() == []


def test_a_worker_that_keeps_dying_is_retried_ever_more_slowly(pool, monkeypatch):
    monkeypatch.setattr(workers, "worker_command", lambda port, host: QUITTER)
    start_without_health_check(pool)
    worker = pool.workers[0]
    waits = []
    for _ in range(3):
        worker.proc.wait()
        pool.check()
        waits.append(worker.backoff)
        worker.retry_at = time.monotonic() - 1  # skip the wait itself
        assert worker in pool.check()
    assert waits == [1.0, 2.0, 4.0]


def test_stop_ends_every_worker_and_removes_the_file(pool):
    start_without_health_check(pool)
    procs = [w.proc for w in pool.workers]
    pool.stop()
    assert all(p.poll() is not None for p in procs)
    assert not pool.state_file.exists()


def test_a_taken_port_is_refused_before_anything_starts(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        pool = WorkerPool([port], tmp_path)
        with pytest.raises(RuntimeError, match="already in use"):
            pool.start()
        assert pool.workers[0].proc is None
