"""A private redis-server for a test: a free port, its files in a temporary folder, persistence on.

The server is the benchmarks' (bench/support.py RedisProcess), with every write synced; a test
is skipped when Debian's redis-server is not installed (`apt-get install redis-server`).
"""

from __future__ import annotations

import contextlib
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.support import RedisProcess as RedisServer

__all__ = ["RedisServer", "free_port", "redis_or_skip", "running_redis"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_or_skip() -> None:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")


@contextlib.contextmanager
def running_redis(folder: Path, password: str | None = None) -> Iterator[RedisServer]:
    """A started redis-server (with `requirepass` when given a password), stopped afterwards whatever happens."""
    redis_or_skip()
    server = RedisServer(folder, free_port(), fsync="always", password=password)
    try:
        server.start()
        yield server
    finally:
        server.stop()
