"""geo/testing.py, which runs the app for the tests and the benchmarks: ports, waiting, stopping, blocking."""

from __future__ import annotations

import contextlib
import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from geo import testing
from geo.testing import (
    Deployment,
    Server,
    alive,
    block_outside,
    descendants,
    free_port,
    free_ports,
    is_local,
    stop_deployment,
    stop_streamlit,
    wait_healthy,
)
from tests.test_imports import FILES, imported_names

# A shell that starts a child and waits for it: a SIGTERM ends the shell and leaves the child behind.
PARENT_AND_CHILD = ["sh", "-c", "sleep 60 & wait"]


def bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def children(proc: subprocess.Popen, timeout: float = 5) -> set[int]:
    """The processes below proc, once there is one."""
    deadline = time.monotonic() + timeout
    while not (found := descendants(proc.pid) - {proc.pid}):
        assert time.monotonic() < deadline, "the child did not start"
        time.sleep(0.02)
    return found


def all_gone(pids: set[int], timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    while any(alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def spawn() -> Iterator[Callable[..., subprocess.Popen]]:
    """Start a process (in its own session, as geo.testing starts servers); everything it left is killed after."""
    started: list[subprocess.Popen] = []

    def start(command: list[str], **options: object) -> subprocess.Popen:
        proc = subprocess.Popen(command, start_new_session=True, **options)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        for pid in descendants(proc.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        proc.wait(timeout=10)


# Ports --------------------------------------------------------------------------------------------


def test_a_free_port_can_be_listened_on():
    assert bindable(free_port())


def test_free_ports_follow_each_other_and_are_all_free():
    ports = free_ports(3)
    assert ports == list(range(ports[0], ports[0] + 3))
    assert all(bindable(port) for port in ports)


def test_a_taken_port_is_never_in_a_run(monkeypatch):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setattr(testing.random, "randint", lambda low, high: port - 1)
        with pytest.raises(RuntimeError, match="no run of 3 free ports"):
            free_ports(3, tries=5)


# Processes ----------------------------------------------------------------------------------------


def test_descendants_are_the_process_and_everything_below_it(spawn):
    shell = spawn(PARENT_AND_CHILD)
    (child,) = children(shell)
    assert descendants(shell.pid) == {shell.pid, child}
    assert descendants(shell.pid, child) == {shell.pid, child}  # each once


def test_a_process_that_has_exited_is_not_alive_before_it_is_reaped(spawn):
    proc = spawn([sys.executable, "-c", "pass"])
    assert alive(os.getpid())
    deadline = time.monotonic() + 10
    while alive(proc.pid):  # a zombie until waited for
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert Path(f"/proc/{proc.pid}").exists()  # still in the process table
    proc.wait()


def test_stopping_a_server_ends_its_whole_group(spawn):
    shell = spawn(PARENT_AND_CHILD)
    group = descendants(shell.pid) | children(shell)
    stop_streamlit(Server("sh", shell, free_port()))
    assert shell.returncode is not None
    assert all_gone(group)


def test_stopping_the_deployment_kills_and_names_what_outlived_it(spawn, tmp_path):
    shell = spawn(PARENT_AND_CHILD)
    (child,) = children(shell)
    left = stop_deployment(Deployment(shell, "http://127.0.0.1:1", tmp_path, []))
    assert left == [child]
    assert all_gone({child})


# Waiting for a server ---------------------------------------------------------------------------


class Healthy(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self.send_response(200 if self.path == "/_stcore/health" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_waiting_ends_when_the_health_check_answers(spawn):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Healthy)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        server = Server("stand-in", spawn(["sleep", "60"]), httpd.server_address[1])
        start = time.monotonic()
        wait_healthy(server, timeout=10)
        assert time.monotonic() - start < 5
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_server_that_exits_before_answering_fails_at_once_with_its_output(spawn, tmp_path):
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        proc = spawn([sys.executable, "-c", "print('no such page script'); raise SystemExit(3)"], stdout=out)
    server = Server("broken", proc, free_port(), log)
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"(?s)broken: streamlit exited with code 3.*no such page script"):
        wait_healthy(server, timeout=30)
    assert time.monotonic() - start < 10


# Blocking the internet ----------------------------------------------------------------------------


class Route:
    def __init__(self, url: str) -> None:
        self.request = type("Request", (), {"url": url})()
        self.done = ""

    def continue_(self) -> None:
        self.done = "continued"

    def abort(self) -> None:
        self.done = "aborted"


class Page:
    def route(self, pattern: str, handler) -> None:
        assert pattern == "**/*"
        self.handler = handler


def test_only_requests_that_stay_on_the_machine_go_through():
    page = Page()
    outside = block_outside(page)
    urls = [
        "http://localhost:8501/app/static/leaflet/leaflet.js",
        "http://127.0.0.1:9/healthz",
        "file:///tmp/site/index.html",
        "data:image/png;base64,AAAA",
        "https://tile.openstreetmap.org/5/20/12.png",
        "http://localhost.example.com/x",
    ]
    routes = [Route(url) for url in urls]
    for route in routes:
        page.handler(route)
    assert [r.done for r in routes] == ["continued"] * 4 + ["aborted"] * 2
    assert outside == urls[4:]


def test_what_counts_as_local():
    assert is_local("about:blank") and is_local("blob:http://localhost/1")
    assert not is_local("https://unpkg.com/leaflet.js") and not is_local("http://10.0.0.7:8501/")


def test_the_module_imports_neither_streamlit_nor_playwright():
    names = imported_names(FILES["geo.testing"])
    assert not {n for n in names if n.split(".")[0] in ("streamlit", "playwright")}
