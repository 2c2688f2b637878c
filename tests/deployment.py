"""Run `python deploy/serve.py` for a test (geo/testing.py), skipped where nginx is not installed, and a
certificate made for the test, for https.

Shared by the deployment's integration tests and the browser tests that go through the proxy.
Which worker answered a request is read from nginx's access log (`Deployment.worker_of`,
`Deployment.upstreams_of`), as an operator would: no response tells a browser.
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from geo.testing import Deployment
from geo.testing import running_deployment as running


def nginx_or_skip() -> None:
    from deploy.nginx import NginxError, find_nginx

    try:
        find_nginx()
    except NginxError:
        pytest.skip("nginx is not installed (apt-get install nginx)")


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
    with running(run_dir, workers, env, extra=extra, soft_open_files=soft_open_files) as deployment:
        yield deployment


def self_signed_certificate(folder: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """A certificate and key for `host`, made with the cryptography package or else the openssl command."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
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
