"""Run `python deploy/serve.py` for a test, and afterwards make sure nothing it started is left.

Shared by the deployment's integration tests and the browser tests that go through the proxy.
Which worker answered a request is read from nginx's access log (its `upstream=` field), as an
operator would: no response tells a browser.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bench.support import free_ports

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 120.0
COOKIE = "atlas_worker"  # deploy/nginx.py COOKIE
# Our own nginx with a self-signed certificate: the tests check what it sends, not who signed it.
UNVERIFIED = ssl._create_unverified_context()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Show a redirect as it is sent (status and Location) instead of following it."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


OPENER = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=UNVERIFIED))


def get(
    url: str, cookie: str | None = None, gzip_ok: bool = False, method: str = "GET", timeout: float = 15
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names; repeated ones joined) and body, as a browser would see them."""
    headers = {"Accept-Encoding": "gzip"} if gzip_ok else {}
    if cookie:
        headers["Cookie"] = f"{COOKIE}={cookie}"
    request = urllib.request.Request(url, headers=headers, method=method)
    try:
        response = OPENER.open(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        found: dict[str, str] = {}
        for name, value in response.headers.items():
            found[name.lower()] = f"{found[name.lower()]}, {value}" if name.lower() in found else value
        return response.status, found, response.read()


def self_signed_certificate(folder: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """A certificate and key for `host`, made with the cryptography package or else the openssl command."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        import datetime
        import ipaddress

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        if shutil.which("openssl") is None:
            pytest.skip("neither the cryptography package nor openssl is installed")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
            + ["-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={host}"]
            + ["-addext", f"subjectAltName=IP:{host}"],
            check=True,
            capture_output=True,
        )
        return cert, key
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]), critical=False)
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key.chmod(0o600)
    return cert, key


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

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def access_log(self) -> str:
        path = self.run_dir / "logs" / "access.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def upstreams_of(self, marker: str, timeout: float = 10.0) -> list[str]:
        """The workers nginx asked, in order, for the request whose target holds `marker`, from its access
        log (a WebSocket's line is written when it closes)."""
        deadline = time.monotonic() + timeout
        while True:
            for line in self.access_log().splitlines():
                if marker in line and (found := re.search(r" upstream=(.+?) time=", line)):
                    return found.group(1).split(", ")
            if time.monotonic() > deadline:
                raise AssertionError(f"no access log line holds {marker}:\n{self.access_log()[-2000:]}")
            time.sleep(0.05)

    def worker_of(self, cookie: str) -> str:
        """The worker a browser with this sticky cookie is sent to: a health check marked for the log."""
        marker = uuid.uuid4().hex
        status, _, _ = get(f"{self.url}/_stcore/health?probe={marker}", cookie)
        assert status == 200
        return self.upstreams_of(marker)[-1]


def _wait_until_serving(deployment: Deployment, workers: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if deployment.proc.poll() is not None:
            raise RuntimeError(f"serve.py exited with {deployment.proc.returncode}:\n{deployment.log()}")
        try:
            status, _, _ = get(f"{deployment.url}/healthz", timeout=2)
            # serve.py's start-up lines come once nginx answers: they end with how to stop it.
            if status == 200 and len(deployment.workers()) == workers and "Ctrl-C stops" in deployment.log():
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


def _limit_open_files(soft: int) -> None:
    """In the child, before exec: start serve.py with a low soft limit, as a login shell often does."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, hard), hard))


@contextlib.contextmanager
def running_deployment(
    run_dir: Path,
    workers: int = 2,
    extra: Sequence[str] = (),
    env: dict[str, str] | None = None,
    soft_open_files: int | None = None,
) -> Iterator[Deployment]:
    """serve.py on free localhost ports with `workers` local workers and `extra` options (https when
    they name a certificate); stopped, with a check for leftovers."""
    nginx_or_skip()
    port, *worker_ports = free_ports(workers + 1)
    run_dir.mkdir(parents=True, exist_ok=True)
    output = run_dir / "serve.out"
    command = [sys.executable, "deploy/serve.py", "--port", str(port), "--address", "127.0.0.1"]
    command += ["--workers", str(workers), "--first-worker-port", str(worker_ports[0]), "--run-dir", str(run_dir)]
    command += list(extra)
    with output.open("wb") as out:
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=(lambda: _limit_open_files(soft_open_files)) if soft_open_files else None,
        )
    scheme = "https" if "--tls-cert" in extra else "http"
    deployment = Deployment(proc, f"{scheme}://127.0.0.1:{port}", run_dir, worker_ports, output)
    try:
        _wait_until_serving(deployment, workers)
        yield deployment
    finally:
        left = stop_deployment(deployment)
        if left:
            raise AssertionError(f"serve.py left processes running (now killed): {left}\n{deployment.log()}")
