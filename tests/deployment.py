"""Run `python deploy/serve.py` for a test (geo/testing.py), skipped where nginx is not installed.

Shared by the deployment's integration test and the browser test that goes through the proxy.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
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
def running_deployment(run_dir: Path, workers: int = 2) -> Iterator[Deployment]:
    """serve.py on free localhost ports with `workers` local workers; stopped, with a check for leftovers."""
    nginx_or_skip()
    with running(run_dir, workers) as deployment:
        yield deployment
