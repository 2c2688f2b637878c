"""A private redis-server for a test: a free port, its files in a temporary folder, persistence on.

The server is geo/testing.py's, with every write synced; a test is skipped when Debian's
redis-server is not installed (`apt-get install redis-server`).
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.testing import RedisProcess, free_port


def redis_or_skip() -> None:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")


@contextlib.contextmanager
def running_redis(folder: Path, password: str | None = None) -> Iterator[RedisProcess]:
    """A started redis-server (with `requirepass` when given a password), stopped afterwards whatever happens."""
    redis_or_skip()
    server = RedisProcess(folder, free_port(), fsync="always", password=password)
    try:
        server.start()
        yield server
    finally:
        server.stop()
