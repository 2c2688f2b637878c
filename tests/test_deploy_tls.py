"""deploy/serve.py with TLS, a plain-HTTP redirect port, a low per-address limit and Redis with a password.

One worker behind nginx on https with a self-signed certificate made for the test; the limit on
WebSockets per address is set to 2 (--streams-per-address) so that a third is refused for real.
"""

from __future__ import annotations

import base64
import http.client
import os
import secrets
import socket
import ssl
import time
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from deploy.nginx import COOKIE, HSTS, SECURITY_HEADERS, UPLOAD_BURST
from geo.testing import UNVERIFIED, Deployment, free_ports, get
from tests.deployment import running_deployment, self_signed_certificate
from tests.redis_server import running_redis

PASSWORD = secrets.token_urlsafe(18)
STREAMS = 2


@pytest.fixture(scope="module")
def tls(tmp_path_factory) -> Iterator[tuple[Deployment, int]]:
    folder = tmp_path_factory.mktemp("serve-tls")
    cert, key = self_signed_certificate(folder / "tls")
    (http_port,) = free_ports(1)
    with ExitStack() as stack:
        redis = stack.enter_context(running_redis(folder / "redis", password=PASSWORD))
        deployment = stack.enter_context(
            running_deployment(
                folder / "run",
                workers=1,
                extra=["--tls-cert", str(cert), "--tls-key", str(key), "--http-port", str(http_port)]
                + ["--streams-per-address", str(STREAMS)],
                env={"ATLAS_REDIS_URL": redis.url},
            )
        )
        yield deployment, http_port


def assert_security_headers(headers: dict[str, str], hsts: bool, what: str = "") -> None:
    expected = {name.lower(): value for name, value in SECURITY_HEADERS.items()}
    assert {name: headers.get(name) for name in expected} == expected, what
    assert headers.get("strict-transport-security") == (HSTS if hsts else None), what
    assert "x-upstream" not in headers, what


def head_of(reply: bytes) -> tuple[str, dict[str, str]]:
    head = reply.split(b"\r\n\r\n", 1)[0].decode(errors="replace").split("\r\n")
    return head[0], {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in head[1:])}


def open_stream(port: int, cookie: str) -> tuple[ssl.SSLSocket, str, dict[str, str]]:
    """A WebSocket to the stream over TLS, left open; its status line and headers."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    s = UNVERIFIED.wrap_socket(raw, server_hostname="127.0.0.1")
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(
        (
            f"GET /_stcore/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Protocol: streamlit\r\nOrigin: https://127.0.0.1:{port}\r\n"
            f"Cookie: {COOKIE}={cookie}\r\n\r\n"
        ).encode()
    )
    reply = b""
    while b"\r\n\r\n" not in reply:
        chunk = s.recv(4096)
        if not chunk:
            break
        reply += chunk
    status, headers = head_of(reply)
    return s, status, headers


def test_https_serves_the_atlas_with_hsts_and_a_secure_cookie(tls):
    deployment, _ = tls
    assert deployment.url.startswith("https://")
    status, headers, body = get(f"{deployment.url}/")
    assert status == 200 and b'<div id="root">' in body
    assert_security_headers(headers, hsts=True, what="/")
    assert "; Secure" in headers["set-cookie"] and "HttpOnly" in headers["set-cookie"]
    for path in ("/app/static/leaflet/leaflet.js", "/healthz", "/app/static/no-such-file.js"):
        _, headers, _ = get(f"{deployment.url}{path}")
        assert_security_headers(headers, hsts=True, what=path)
    assert f"served at {deployment.url}/" in deployment.log()


def test_plain_http_on_the_https_port_is_sent_to_https(tls):
    deployment, _ = tls
    plain = deployment.url.replace("https://", "http://")
    status, headers, _ = get(f"{plain}/Article?place=baku")
    assert status == 301
    assert headers["location"] == f"{deployment.url}/Article?place=baku"
    assert_security_headers(headers, hsts=False, what="the redirect")  # HSTS only means something over TLS


def test_the_plain_http_port_only_redirects(tls):
    deployment, http_port = tls
    status, headers, body = get(f"http://127.0.0.1:{http_port}/Classroom_tour?step=2")
    assert status == 301
    assert headers["location"] == f"{deployment.url}/Classroom_tour?step=2"
    assert_security_headers(headers, hsts=False, what="the redirect port")
    assert b"root" not in body  # never the app itself over plain HTTP
    assert f"plain http on port {http_port}" in deployment.log()


def test_a_client_address_opens_at_most_its_streams_and_gets_429_past_them(tls):
    deployment, _ = tls
    opened = []
    try:
        for n in range(STREAMS):
            s, status, headers = open_stream(deployment.port, f"{n:032x}")
            opened.append(s)
            assert status == "HTTP/1.1 101 Switching Protocols", status
            assert_security_headers(headers, hsts=True, what="the WebSocket")
        s, status, headers = open_stream(deployment.port, "f" * 32)
        s.close()
        assert status.startswith("HTTP/1.1 429"), status
        assert_security_headers(headers, hsts=True, what="the 429")
        opened.pop().close()  # a tab closes: its slot is free again
        deadline = time.monotonic() + 10
        while True:
            s, status, _ = open_stream(deployment.port, "e" * 32)
            opened.append(s)
            if status.startswith("HTTP/1.1 101") or time.monotonic() > deadline:
                break
            opened.pop().close()
            time.sleep(0.2)
        assert status.startswith("HTTP/1.1 101"), status
    finally:
        for s in opened:
            s.close()
    assert '"GET /_stcore/stream HTTP/1.1" 429' in deployment.access_log()


def upload(port: int) -> int:
    """One upload as a browser sends it (no session behind it: the worker refuses it, unless nginx does first)."""
    connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=UNVERIFIED)
    try:
        connection.request("PUT", "/_stcore/upload_file/session/file", body=b"x" * 100)
        return connection.getresponse().status
    finally:
        connection.close()


def test_uploads_from_one_address_are_limited_after_a_burst(tls):
    deployment, _ = tls
    started = time.monotonic()
    statuses = [upload(deployment.port) for _ in range(UPLOAD_BURST + 20)]
    elapsed = time.monotonic() - started
    allowed = UPLOAD_BURST + 1 + int(2 * elapsed) + 1  # the burst, then 2 per second
    assert 429 not in statuses[:UPLOAD_BURST], statuses  # a whole class may upload at once
    assert statuses.count(429) >= len(statuses) - allowed, (statuses, elapsed)
    assert statuses[-1] == 429


def test_the_workers_share_rooms_through_redis_with_its_password_never_written(tls):
    deployment, _ = tls
    assert "rooms a class follows: Redis at redis://:***@127.0.0.1:" in deployment.log()
    for log in [
        *deployment.run_dir.rglob("*.log"),
        *deployment.run_dir.rglob("*.out"),
        deployment.run_dir / "nginx.conf",
    ]:
        assert PASSWORD not in log.read_text(errors="replace"), log
