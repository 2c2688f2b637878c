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
    RedisProcess,
    Server,
    alive,
    block_outside,
    descendants,
    free_port,
    free_ports,
    get,
    is_local,
    limit_open_files,
    stop_deployment,
    stop_streamlit,
    upstreams_in,
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


# Waiting for a server -----------------------------------------------------------------------------


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


# Requests as a browser sends them -----------------------------------------------------------------


class Answers(http.server.BaseHTTPRequestHandler):
    """A redirect, an error and a page that sets two cookies and says which sticky cookie it was sent."""

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/elsewhere")
        elif self.path == "/missing":
            self.send_response(404)
        else:
            self.send_response(200)
            self.send_header("Set-Cookie", "a=1")
            self.send_header("Set-Cookie", "b=2")
        self.end_headers()
        self.wfile.write(self.headers.get("Cookie", "").encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def answers() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_get_shows_a_redirect_and_an_error_as_sent(answers):
    status, headers, _ = get(f"{answers}/moved")
    assert (status, headers["location"]) == (301, "/elsewhere")
    assert get(f"{answers}/missing")[0] == 404


def test_get_joins_repeated_headers_and_sends_the_sticky_cookie(answers):
    status, headers, body = get(f"{answers}/", cookie="ab" * 16)
    assert status == 200 and headers["set-cookie"] == "a=1, b=2"
    assert body == f"atlas_worker={'ab' * 16}".encode()


# Reading the deployment's access log --------------------------------------------------------------


def test_the_workers_of_a_request_come_from_its_access_log_line():
    line = '127.0.0.1 [1/Jan/2025:10:00:00 +0000] "GET /_stcore/health?probe=ab HTTP/1.1" 200 2 upstream=%s time=0.004'
    assert upstreams_in(line % "127.0.0.1:8601") == ["127.0.0.1:8601"]
    assert upstreams_in(line % "127.0.0.1:8601, 127.0.0.1:8602") == ["127.0.0.1:8601", "127.0.0.1:8602"]
    assert upstreams_in(line % "-") == ["-"]  # nginx answered it itself
    assert upstreams_in("nginx: [warn] something else") == []


def test_the_worker_of_a_request_is_found_by_its_marker(tmp_path):
    deployment = Deployment(None, "https://127.0.0.1:8443", tmp_path, [])  # type: ignore[arg-type]
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "access.log").write_text(
        '127.0.0.1 [t] "GET /?probe=one HTTP/1.1" 200 9 upstream=127.0.0.1:8601 time=0.1 gzip=-\n'
        '127.0.0.1 [t] "GET /?probe=two HTTP/1.1" 200 9 upstream=127.0.0.1:8601, 127.0.0.1:8602 time=0.1 gzip=-\n'
    )
    assert deployment.port == 8443
    assert deployment.upstreams_of("two") == ["127.0.0.1:8601", "127.0.0.1:8602"]
    with pytest.raises(AssertionError, match="no access log line holds three"):
        deployment.upstreams_of("three", timeout=0.2)


# A Redis and a limit set before a command ---------------------------------------------------------


def test_a_redis_with_a_password_names_it_in_its_address(tmp_path):
    assert RedisProcess(tmp_path, 6390).url == "redis://127.0.0.1:6390/0"
    assert RedisProcess(tmp_path, 6390, password="s3cret").url == "redis://:s3cret@127.0.0.1:6390/0"


def test_a_child_can_start_with_a_low_limit_of_open_files(spawn):
    soft_limit = "import resource; print(resource.getrlimit(resource.RLIMIT_NOFILE)[0])"
    proc = spawn([sys.executable, "-c", soft_limit], stdout=subprocess.PIPE, preexec_fn=limit_open_files(64))
    out, _ = proc.communicate(timeout=30)
    assert int(out) == 64


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
        "https://127.0.0.1:8443/_stcore/health",
        "https://tile.openstreetmap.org/5/20/12.png",
        "http://localhost.example.com/x",
    ]
    routes = [Route(url) for url in urls]
    for route in routes:
        page.handler(route)
    assert [r.done for r in routes] == ["continued"] * 5 + ["aborted"] * 2
    assert outside == urls[5:]


def test_what_counts_as_local():
    assert is_local("about:blank") and is_local("blob:http://localhost/1")
    assert is_local("https://localhost:8443/") and not is_local("ftp://localhost/x")
    assert not is_local("https://unpkg.com/leaflet.js") and not is_local("http://10.0.0.7:8501/")


def test_the_module_imports_neither_streamlit_nor_playwright():
    names = imported_names(FILES["geo.testing"])
    assert not {n for n in names if n.split(".")[0] in ("streamlit", "playwright")}
