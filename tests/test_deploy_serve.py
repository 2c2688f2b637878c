"""deploy/serve.py for real: two Streamlit workers behind nginx, checked through the proxy."""

from __future__ import annotations

import base64
import gzip
import os
import re
import resource
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

from deploy.nginx import COMPONENT_CSP, COOKIE, SECURITY_HEADERS, WORKER_RLIMIT_NOFILE
from deploy.serve import announce, parse_args
from geo.paths import ROOT
from geo.testing import Deployment, alive, descendants, free_ports, get, stop_deployment
from tests.deployment import running_deployment

IMMUTABLE = "public, max-age=31536000, immutable"
COMPONENT_PAGE = "/component/streamlit_folium.st_folium/index.html"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    # Started with the soft open-files limit a login shell often gives: serve.py lifts it for its children.
    with running_deployment(tmp_path_factory.mktemp("serve") / "run", workers=2, soft_open_files=1024) as running:
        yield running


def marked(path: str) -> tuple[str, str]:
    """`path` with a unique ?probe= (or &probe=) that finds its line in the access log, and the marker."""
    marker = uuid.uuid4().hex
    return f"{path}{'&' if '?' in path else '?'}probe={marker}", marker


def assert_security_headers(
    headers: dict[str, str], policy: str = SECURITY_HEADERS["Content-Security-Policy"], what: str = ""
) -> None:
    """Each security header once, with the proxy's value; nothing names the worker; no HSTS on plain HTTP."""
    expected = {name.lower(): value for name, value in {**SECURITY_HEADERS, "Content-Security-Policy": policy}.items()}
    assert {name: headers.get(name) for name in expected} == expected, what
    assert "x-upstream" not in headers, what
    assert "strict-transport-security" not in headers, what


def raw_request(port: int, request: str) -> str:
    """Send `request` as it is and return the reply's head (for requests urllib would not send)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request.encode())
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = s.recv(4096)
            if not chunk:
                break
            reply += chunk
    return reply.decode(errors="replace")


def reply_headers(reply: str) -> dict[str, str]:
    lines = reply.split("\r\n\r\n", 1)[0].split("\r\n")[1:]
    return {name.strip().lower(): value.strip() for name, value in (line.split(":", 1) for line in lines)}


def sticky_cookie(headers: dict[str, str]) -> str:
    match = re.search(rf"{COOKIE}=(w\d+);", headers.get("set-cookie", ""))
    assert match, headers
    return match.group(1)


def test_the_page_loads_through_the_proxy_and_is_never_cached(deployment):
    status, headers, body = get(f"{deployment.url}/", gzip_ok=True)
    assert status == 200
    html = gzip.decompress(body).decode() if headers.get("content-encoding") == "gzip" else body.decode()
    assert '<div id="root">' in html and "./static/js/index." in html
    assert headers["cache-control"] == "no-cache"
    sticky_cookie(headers)


def test_streamlit_javascript_comes_gzipped_with_a_long_cache(deployment):
    _, _, body = get(f"{deployment.url}/")
    script = re.search(r'src="\./(static/js/index\.[\w-]+\.js)"', body.decode()).group(1)
    status, headers, packed = get(f"{deployment.url}/{script}", gzip_ok=True)
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert headers["cache-control"] == IMMUTABLE
    assert headers["content-type"].startswith("application/javascript")
    _, _, plain = get(f"{deployment.url}/{script}")
    assert gzip.decompress(packed) == plain
    assert len(packed) < len(plain) / 2


def test_fonts_are_sent_as_they_are(deployment):
    _, _, body = get(f"{deployment.url}/")
    font = re.search(r'href="\./(static/media/[\w.-]+\.woff2)"', body.decode()).group(1)
    status, headers, _ = get(f"{deployment.url}/{font}", gzip_ok=True)
    assert status == 200 and "content-encoding" not in headers
    assert headers["cache-control"] == IMMUTABLE


def test_the_app_serves_its_own_leaflet_cached_for_a_day(deployment):
    status, headers, body = get(f"{deployment.url}/app/static/leaflet/leaflet.js", gzip_ok=True)
    assert status == 200
    assert gzip.decompress(body) == (ROOT / "static" / "leaflet" / "leaflet.js").read_bytes()
    assert headers["cache-control"] == "public, max-age=86400"


def test_the_proxy_health_check_asks_a_worker(deployment):
    status, headers, body = get(f"{deployment.url}/healthz")
    assert (status, body) == (200, b"ok")
    assert "x-upstream" not in headers


def test_new_browsers_alternate_between_the_workers_and_keep_theirs(deployment):
    addresses = {f"127.0.0.1:{port}" for port in deployment.worker_ports}
    placed = []
    for _ in range(10):
        page, marker = marked("/")
        status, headers, _ = get(f"{deployment.url}{page}")
        assert status == 200
        placed.append((sticky_cookie(headers), deployment.upstreams_of(marker)[-1]))
    # Each browser's cookie names the worker that answered it, and the class splits evenly.
    names = {cookie: address for cookie, address in placed}
    assert len(names) == 2 and set(names.values()) == addresses
    assert Counter(cookie for cookie, _ in placed) == {name: 5 for name in names}
    for cookie, address in placed[:4]:
        assert deployment.worker_of(cookie) == address
        status, headers, _ = get(f"{deployment.url}/_stcore/health", cookie)
        assert status == 200 and COOKIE not in headers.get("set-cookie", "")
    # A cookie naming no worker (forged, or from an older deployment) counts as none.
    for forged in ("w9", "0" * 32, "127.0.0.1:8601"):
        status, headers, _ = get(f"{deployment.url}/_stcore/health", forged)
        assert status == 200 and sticky_cookie(headers) in names


def test_a_download_file_not_on_the_browsers_worker_is_asked_of_the_other(deployment):
    path, marker = marked("/media/0123456789abcdef.csv")
    status, headers, _ = get(f"{deployment.url}{path}", "w1")
    assert status == 404
    asked = deployment.upstreams_of(marker)
    assert asked[0] == deployment.worker_of("w1")
    assert set(asked) == {f"127.0.0.1:{port}" for port in deployment.worker_ports}
    assert COOKIE not in headers.get("set-cookie", "")  # the file's 404 does not move the browser


def websocket_request(port: int, cookie: str, path: str = "/_stcore/stream") -> str:
    key = base64.b64encode(os.urandom(16)).decode()
    return (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: streamlit\r\n"
        f"Origin: http://127.0.0.1:{port}\r\nCookie: {COOKIE}={cookie}\r\n\r\n"
    )


def test_the_websocket_is_upgraded_on_the_browsers_worker(deployment):
    cookie = "w2"
    expected = deployment.worker_of(cookie)
    path, marker = marked("/_stcore/stream")
    with socket.create_connection(("127.0.0.1", deployment.port), timeout=10) as s:
        s.sendall(websocket_request(deployment.port, cookie, path).encode())
        reply = s.recv(4096).decode(errors="replace")
    assert reply.startswith("HTTP/1.1 101"), reply
    assert_security_headers(reply_headers(reply))
    assert deployment.upstreams_of(marker) == [expected]  # its line is written once it closes


def test_every_response_carries_the_security_headers_and_none_names_its_worker(deployment):
    _, _, body = get(f"{deployment.url}/")
    script = re.search(r'src="\./(static/js/index\.[\w-]+\.js)"', body.decode()).group(1)
    font = re.search(r'href="\./(static/media/[\w.-]+\.woff2)"', body.decode()).group(1)
    answers = {
        "/": 200,  # Streamlit's page
        "/Classroom_tour?step=2": 200,
        f"/{script}": 200,  # served by nginx from disk
        f"/{font}": 200,
        "/static/js/no-such-file.js": 200,  # asked of a worker, which answers with its page
        "/app/static/leaflet/leaflet.js": 200,
        "/app/static/no-such-file.js": 404,
        "/media/0123456789abcdef.csv": 404,
        "/_stcore/host-config": 200,
        "/healthz": 200,
    }
    for path, expected in answers.items():
        status, headers, _ = get(f"{deployment.url}{path}", gzip_ok=True)
        assert status == expected, path
        assert_security_headers(headers, what=path)
    # The map's frame may evaluate the layers it is sent, and only it (deploy/nginx.py COMPONENT_CSP).
    # (A worker knows the component once a page has drawn a map: a 404 before, with the same headers.)
    status, headers, _ = get(f"{deployment.url}{COMPONENT_PAGE}")
    assert status in (200, 404)
    assert_security_headers(headers, COMPONENT_CSP, COMPONENT_PAGE)
    assert "'unsafe-eval'" in COMPONENT_CSP and "'unsafe-eval'" not in SECURITY_HEADERS["Content-Security-Policy"]
    # Errors nginx makes itself: a request without Host, a too-large upload, a plain GET of a method it refuses.
    no_host = raw_request(deployment.port, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert no_host.startswith("HTTP/1.1 400"), no_host
    assert_security_headers(reply_headers(no_host))
    too_big = raw_request(
        deployment.port,
        "PUT /_stcore/upload_file/s/f HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\nConnection: close\r\n\r\n",
    )
    assert too_big.startswith("HTTP/1.1 413"), too_big
    assert_security_headers(reply_headers(too_big))


def test_the_logs_never_hold_a_presenters_secret(deployment):
    tokens = [secrets.token_urlsafe(24) for _ in range(4)]
    assert all(len(token) == 32 for token in tokens)
    requests = [
        f"/Classroom_tour?room=ABCDE&presenter={tokens[0]}",  # the presenter's link
        f"/Classroom_tour?presenter={tokens[1]}&room=ABCDE&presenter={tokens[1]}",
        f"{COMPONENT_PAGE}?streamlitUrl=http%3A%2F%2Fh%2FClassroom_tour%3Froom%3DABCDE%26Presenter%3D{tokens[2]}",
        f"/media/0123456789abcdef.csv?presenter={tokens[3]}",  # a 404 on both workers
    ]
    for path in requests:
        status, _, _ = get(f"{deployment.url}{path}")
        assert status in (200, 404), path
    with socket.create_connection(("127.0.0.1", deployment.port), timeout=10) as s:
        s.sendall(websocket_request(deployment.port, "2" * 32, f"/_stcore/stream?presenter={tokens[0]}").encode())
        assert s.recv(4096).startswith(b"HTTP/1.1 101")
    deadline = time.monotonic() + 10
    while deployment.access_log().count("[redacted]") < len(requests) + 1:
        assert time.monotonic() < deadline, deployment.access_log()[-3000:]
        time.sleep(0.1)
    assert "/Classroom_tour?room=ABCDE&presenter=[redacted]" in deployment.access_log()
    logs = sorted(deployment.run_dir.rglob("*.log")) + sorted(deployment.run_dir.rglob("*.out"))
    assert {"access.log", "error.log"} <= {log.name for log in logs}
    assert sum(log.name.startswith("worker-") for log in logs) == 2
    for log in logs:
        text = log.read_text(errors="replace")
        assert not any(token in text for token in tokens), log


def test_workers_and_nginx_may_open_as_many_files_as_a_class_needs(deployment):
    def open_files(pid: int) -> tuple[int, int]:
        line = next(x for x in Path(f"/proc/{pid}/limits").read_text().splitlines() if x.startswith("Max open files"))
        soft, hard = line.split()[3:5]
        return int(soft), int(hard)

    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert hard > 1024, "this machine's hard limit is too low to tell"
    for worker in deployment.workers():
        assert open_files(worker["pid"]) == (hard, hard)  # serve.py was started with a soft limit of 1024
    nginx = int((deployment.run_dir / "nginx.pid").read_text())
    assert open_files(nginx)[0] == hard
    if os.geteuid() == 0:  # an unprivileged nginx is held to the hard limit (serve.py lowers its numbers)
        for process in descendants(nginx) - {nginx}:
            assert open_files(process)[0] == WORKER_RLIMIT_NOFILE


def test_a_killed_worker_is_bypassed_and_started_again(deployment):
    workers = deployment.workers()
    victim = workers[0]
    victim_address = f"127.0.0.1:{victim['port']}"
    other_address = f"127.0.0.1:{workers[1]['port']}"
    names = {deployment.worker_of(name): name for name in ("w1", "w2")}
    victim_name, other_name = names[victim_address], names[other_address]

    os.kill(victim["pid"], signal.SIGKILL)
    killed = time.monotonic()
    for _ in range(3):
        # Its browsers reach the other worker, and their cookie moves there with them.
        page, marker = marked("/")
        status, headers, _ = get(f"{deployment.url}{page}", victim_name)
        assert status == 200
        assert deployment.upstreams_of(marker)[-1] == other_address
        assert sticky_cookie(headers) == other_name
    for _ in range(5):  # new browsers too, while it is down
        status, headers, _ = get(f"{deployment.url}/")
        assert status == 200 and sticky_cookie(headers) == other_name
    assert time.monotonic() - killed < 5

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = {w["port"]: w["pid"] for w in deployment.workers()}
        if state[victim["port"]] != victim["pid"] and alive(state[victim["port"]]):
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"the supervisor did not start the worker again:\n{deployment.log()}")
    assert "started again" in deployment.log()
    # Once the restarted worker answers and nginx's fail_timeout is over, a browser whose cookie still
    # names it returns to it, and new browsers are placed on it again.
    deadline = time.monotonic() + 60
    while deployment.worker_of(victim_name) != victim_address:
        assert time.monotonic() < deadline, "the restarted worker never got its browsers back"
        time.sleep(0.5)
    placed = {sticky_cookie(get(f"{deployment.url}/")[1]) for _ in range(4)}
    assert placed == {victim_name, other_name}


def test_sigterm_stops_nginx_and_every_worker(tmp_path):
    with running_deployment(tmp_path / "run", workers=1) as running:
        pids = [w["pid"] for w in running.workers()]
        nginx_pid = int((running.run_dir / "nginx.pid").read_text())
    # running_deployment has sent SIGTERM and found nothing left over; check the named ones too.
    assert running.proc.returncode == 0
    assert not any(alive(pid) for pid in [*pids, nginx_pid])
    assert not (running.run_dir / "workers.json").exists()


def test_options_for_several_machines():
    args = parse_args(["--upstream", "10.0.0.7:8501", "--upstream", "lab-2.local:8501", "--no-local-workers"])
    assert args.upstream == ["10.0.0.7:8501", "lab-2.local:8501"] and args.no_local_workers
    with pytest.raises(SystemExit):
        parse_args(["--no-local-workers"])
    with pytest.raises(SystemExit):
        parse_args(["--upstream", "10.0.0.7"])
    with pytest.raises(SystemExit):
        parse_args(["--address", "::"])
    defaults = parse_args([])
    assert (defaults.port, defaults.address, defaults.first_worker_port) == (8080, "0.0.0.0", 8601)
    assert defaults.workers >= 1


def test_the_start_up_lines_name_the_rooms_store_and_warn_when_machines_cannot_share_it(capsys, monkeypatch, tmp_path):
    args = parse_args(["--upstream", "10.0.0.7:8501", "--no-local-workers", "--address", "127.0.0.1"])
    monkeypatch.setenv("ATLAS_ROOMS_DIR", str(tmp_path))
    monkeypatch.delenv("ATLAS_REDIS_URL", raising=False)
    announce(args, None, tmp_path)
    out = capsys.readouterr().out
    assert f"SQLite in {tmp_path / 'rooms.sqlite3'}" in out and "set ATLAS_REDIS_URL" in out
    monkeypatch.setenv("ATLAS_REDIS_URL", "redis://:secret@db.lan:6379/0")
    announce(args, None, tmp_path)
    out = capsys.readouterr().out
    assert "Redis at redis://:***@db.lan:6379/0" in out and "secret" not in out and "warning" not in out


def test_a_worker_for_another_machine_listens_only_on_a_private_address():
    for public in ("8.8.8.8", "0.0.0.0", "::", "2001:4860:4860::8888", "::ffff:8.8.8.8", "100.64.0.1"):
        with pytest.raises(SystemExit):
            parse_args(["--workers-only", "--worker-address", public])
    for private in ("10.0.0.12", "172.20.1.5", "192.168.1.20", "127.0.0.1", "169.254.3.4", "fd12:3456::7", "fe80::1"):
        assert parse_args(["--workers-only", "--worker-address", private]).worker_address == private
    with pytest.raises(SystemExit):
        parse_args(["--workers-only"])  # never a default of every address
    with pytest.raises(SystemExit):
        parse_args(["--worker-address", "10.0.0.12"])  # local workers behind this proxy stay on 127.0.0.1


def test_a_public_address_is_refused_with_the_reason(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--workers-only", "--worker-address", "8.8.8.8"])
    said = capsys.readouterr().err
    assert "8.8.8.8 is a public address" in said and "private network" in said
    with pytest.raises(SystemExit):
        parse_args(["--workers-only", "--worker-address", "0.0.0.0"])
    assert "every address" in capsys.readouterr().err


def test_the_proxy_refuses_workers_at_a_public_address(tmp_path):
    result = subprocess.run(
        [sys.executable, "deploy/serve.py", "--no-local-workers", "--upstream", "8.8.8.8:8501"]
        + ["--upstream", "10.0.0.7:8501", "--address", "127.0.0.1", "--port", "0", "--run-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "refusing workers at public addresses: 8.8.8.8:8501 (8.8.8.8 is a public address)" in result.stderr
    assert "10.0.0.7:8501" not in result.stderr  # a private one is fine
    assert "--workers-only --worker-address" in result.stderr
    assert not (tmp_path / "nginx.conf").exists()


def test_tls_options_go_together(tmp_path):
    cert = tmp_path / "cert.pem"
    cert.write_text("x")
    with pytest.raises(SystemExit):
        parse_args(["--tls-cert", str(cert)])
    with pytest.raises(SystemExit):
        parse_args(["--http-port", "8081"])  # a redirect to https needs https
    with pytest.raises(SystemExit):
        parse_args(["--tls-cert", str(tmp_path / "missing.pem"), "--tls-key", str(cert)])
    args = parse_args(["--tls-cert", str(cert), "--tls-key", str(cert), "--http-port", "8081"])
    assert (args.tls_cert, args.http_port, args.streams_per_address) == (cert.resolve(), 8081, 300)
    with pytest.raises(SystemExit):
        parse_args(["--streams-per-address", "0"])


def test_workers_only_serves_supervised_workers_on_the_given_address(tmp_path):
    port = free_ports(1)[0]
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    command = [sys.executable, "deploy/serve.py", "--workers-only", "--worker-address", "127.0.0.1"]
    command += ["--workers", "1", "--first-worker-port", str(port), "--run-dir", str(run_dir)]
    with (run_dir / "serve.out").open("wb") as out:  # where Deployment.log reads it
        proc = subprocess.Popen(
            command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    running = Deployment(proc, f"http://127.0.0.1:{port}", run_dir, [port])
    try:
        deadline = time.monotonic() + 120
        while "listening on" not in running.log():
            assert proc.poll() is None and time.monotonic() < deadline, running.log()
            time.sleep(0.3)
        status, _, body = get(f"http://127.0.0.1:{port}/_stcore/health")
        assert (status, body) == (200, b"ok")
        assert f"--upstream 127.0.0.1:{port}" in running.log()
        (worker,) = running.workers()
        argv = Path(f"/proc/{worker['pid']}/cmdline").read_bytes().split(b"\0")
        assert argv[argv.index(b"--server.address") + 1] == b"127.0.0.1"
        assert not (run_dir / "nginx.conf").exists()
    finally:
        left = stop_deployment(running)
    assert left == [] and proc.returncode == 0
