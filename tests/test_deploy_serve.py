"""deploy/serve.py for real: two Streamlit workers behind nginx, checked through the proxy."""

from __future__ import annotations

import base64
import gzip
import os
import re
import signal
import socket
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest

from deploy.nginx import COOKIE
from deploy.serve import announce, parse_args
from geo.paths import ROOT
from geo.testing import Deployment, alive
from tests.deployment import running_deployment

IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    with running_deployment(tmp_path_factory.mktemp("serve") / "run", workers=2) as running:
        yield running


def get(url: str, cookie: str | None = None, gzip_ok: bool = False) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names; repeated ones joined) and body, as a browser would see them."""
    headers = {"Accept-Encoding": "gzip"} if gzip_ok else {}
    if cookie:
        headers["Cookie"] = f"{COOKIE}={cookie}"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=15) as response:
            found: dict[str, str] = {}
            for name, value in response.headers.items():
                found[name.lower()] = f"{found[name.lower()]}, {value}" if name.lower() in found else value
            return response.status, found, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def worker_of(deployment: Deployment, cookie: str) -> str:
    """The worker that answered a request with this cookie (the X-Upstream header)."""
    status, headers, _ = get(f"{deployment.url}/_stcore/health", cookie)
    assert status == 200
    return headers["x-upstream"]


def sticky_cookie(headers: dict[str, str]) -> str:
    match = re.search(rf"{COOKIE}=([0-9a-f]{{32}});", headers.get("set-cookie", ""))
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
    assert headers["x-upstream"] in {f"127.0.0.1:{port}" for port in deployment.worker_ports}


def test_a_browser_keeps_its_worker_and_browsers_spread_over_both(deployment):
    status, headers, _ = get(f"{deployment.url}/")
    assert status == 200
    cookie = sticky_cookie(headers)
    first = headers["x-upstream"]
    for _ in range(10):
        status, headers, _ = get(f"{deployment.url}/_stcore/health", cookie)
        assert headers["x-upstream"] == first
        assert "set-cookie" not in headers or COOKIE not in headers["set-cookie"]
    spread = Counter(worker_of(deployment, f"{n:032x}") for n in range(40))
    assert set(spread) == {f"127.0.0.1:{port}" for port in deployment.worker_ports}
    assert min(spread.values()) >= 4, spread
    assert all(worker_of(deployment, f"{n:032x}") == worker_of(deployment, f"{n:032x}") for n in range(10))


def test_a_download_file_not_on_the_browsers_worker_is_asked_of_the_other(deployment):
    status, headers, _ = get(f"{deployment.url}/media/0123456789abcdef.csv", "1" * 32)
    assert status == 404
    asked = set(headers["x-upstream"].split(", "))
    assert asked == {f"127.0.0.1:{port}" for port in deployment.worker_ports}


def test_the_websocket_is_upgraded_on_the_browsers_worker(deployment):
    cookie = "0" * 32
    expected = worker_of(deployment, cookie)
    port = int(deployment.url.rsplit(":", 1)[1])
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /_stcore/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: streamlit\r\n"
        f"Origin: http://127.0.0.1:{port}\r\nCookie: {COOKIE}={cookie}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request.encode())
        reply = s.recv(4096).decode(errors="replace")
    assert reply.startswith("HTTP/1.1 101"), reply
    assert f"X-Upstream: {expected}" in reply


def test_a_killed_worker_is_bypassed_and_started_again(deployment):
    workers = deployment.workers()
    victim = workers[0]
    victim_address = f"127.0.0.1:{victim['port']}"
    other_address = f"127.0.0.1:{workers[1]['port']}"
    cookies = [f"{n:032x}" for n in range(40)]
    on_victim = [c for c in cookies if worker_of(deployment, c) == victim_address]
    assert on_victim

    os.kill(victim["pid"], signal.SIGKILL)
    killed = time.monotonic()
    for cookie in on_victim[:5]:
        status, headers, _ = get(f"{deployment.url}/", cookie)
        assert status == 200
        assert headers["x-upstream"].split(", ")[-1] == other_address
    for _ in range(5):
        status, headers, _ = get(f"{deployment.url}/")
        assert status == 200
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
    # Once the restarted worker answers and nginx's fail_timeout is over, its browsers return to it.
    deadline = time.monotonic() + 60
    while worker_of(deployment, on_victim[0]) != victim_address:
        assert time.monotonic() < deadline, "the restarted worker never got its browsers back"
        time.sleep(0.5)


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
