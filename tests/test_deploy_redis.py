"""The rooms store on a Redis with credentials: a real redis-server with a password and an ACL user.

A Redis that anyone on the network can reach, and no password guards, would let anyone overwrite
a room's token hash and take over a class; geo/rooms/ refuses one unless told it is on a network
only the workers share (ATLAS_REDIS_INSECURE=1), and a password never appears in a message.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.paths import ROOT
from geo.rooms.backends import open_store
from geo.rooms.store import StoreRefused, StoreSettings, StoreUnavailable, redacted, settings_from_env, unguarded_redis
from geo.testing import RedisProcess, free_ports
from tests.redis_server import running_redis

IDLE = 600.0
PASSWORD = secrets.token_urlsafe(18)


@pytest.fixture(scope="module")
def guarded(tmp_path_factory) -> Iterator[RedisProcess]:
    """redis-server with requirepass, and an ACL user `atlas` limited to the rooms' keys."""
    with running_redis(tmp_path_factory.mktemp("redis-auth"), password=PASSWORD) as server:
        import redis

        admin = redis.Redis.from_url(server.url)
        admin.acl_setuser(
            "atlas", enabled=True, passwords=[f"+{PASSWORD}-atlas"], keys=["atlas:room:*"], commands=["+@all"]
        )
        admin.close()
        yield server


def url(server: RedisProcess, auth: str = "") -> str:
    return f"redis://{auth}127.0.0.1:{server.port}/0"


def test_with_the_password_rooms_work(guarded):
    for address in (url(guarded, f":{PASSWORD}@"), url(guarded, f"atlas:{PASSWORD}-atlas@")):
        store = open_store(StoreSettings(redis_url=address, idle_seconds=IDLE))
        room, token = store.create(step=2)
        assert store.get(room.code) == room
        assert store.move(room.code, token, 3).step == 3
        store.close(room.code, token)
        store.shutdown()


@pytest.mark.parametrize("auth", ["", ":wrong-password@", "atlas:wrong-password@", "nobody:x@"])
def test_without_the_right_password_the_store_says_so_and_never_prints_it(guarded, auth):
    store = open_store(StoreSettings(redis_url=url(guarded, auth), idle_seconds=IDLE))
    with pytest.raises(StoreRefused) as refused:
        store.create()
    message = str(refused.value)
    assert "refused the credentials" in message and "ATLAS_REDIS_URL" in message
    assert "wrong-password" not in message and PASSWORD not in message
    assert isinstance(refused.value, StoreUnavailable)  # pages show their "cannot be reached" notice
    store.shutdown()


def test_an_acl_user_without_rights_on_the_rooms_is_refused(guarded):
    import redis

    admin = redis.Redis.from_url(url(guarded, f":{PASSWORD}@"))
    admin.acl_setuser("reader", enabled=True, passwords=[f"+{PASSWORD}-r"], keys=["other:*"], commands=["+@read"])
    admin.close()
    store = open_store(StoreSettings(redis_url=url(guarded, f"reader:{PASSWORD}-r@"), idle_seconds=IDLE))
    with pytest.raises(StoreRefused, match="refused the credentials"):
        store.create()
    store.shutdown()


def test_a_redis_on_another_machine_without_a_password_is_refused_unless_allowed():
    unguarded = StoreSettings(redis_url="redis://10.0.0.5:6379/0")
    with pytest.raises(StoreRefused) as refused:
        open_store(unguarded)
    assert "no password" in str(refused.value) and "ATLAS_REDIS_INSECURE=1" in str(refused.value)
    assert "redis://:PASSWORD@HOST:6379/0" in str(refused.value)
    allowed = settings_from_env({"ATLAS_REDIS_URL": "redis://10.0.0.5:6379/0", "ATLAS_REDIS_INSECURE": "1"})
    assert allowed.redis_insecure
    open_store(allowed).shutdown()  # opened: it is reached only when used
    for guarded_url in (
        "redis://:pw@10.0.0.5:6379/0",
        "redis://atlas:pw@db.school.lan:6379/0",
        "rediss://atlas:pw@db.school.lan:6380/0",
        "redis://db.school.lan:6379/0?password=pw",
        "rediss://db.school.lan:6380/0?ssl_certfile=/etc/atlas/client.pem",
        "redis://127.0.0.1:6379/0",
        "redis://localhost:6379/0",
        "redis://[::1]:6379/0",
        "unix:///run/redis/redis.sock",
    ):
        assert unguarded_redis(guarded_url) is None, guarded_url
    for open_url in ("redis://10.0.0.5:6379/0", "rediss://db.school.lan:6380/0", "redis://atlas@db:6379/0"):
        assert unguarded_redis(open_url), open_url


def test_credentials_are_redacted_wherever_the_url_is_shown():
    assert redacted("redis://:s3cret@db.lan:6379/0") == "redis://:***@db.lan:6379/0"
    assert redacted("rediss://atlas:s3cret@[fd00::5]:6380/1") == "rediss://atlas:***@[fd00::5]:6380/1"
    assert redacted("redis://db.lan/0?password=s3cret&db=2") == "redis://db.lan/0?password=***&db=2"
    assert redacted("redis://db.lan:6379/0") == "redis://db.lan:6379/0"
    settings = settings_from_env({"ATLAS_REDIS_URL": "redis://atlas:s3cret@db.lan:6379/0"})
    assert "s3cret" not in settings.describe() and "atlas:***@db.lan" in settings.describe()
    assert not settings.redis_insecure


def serve_py(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    """serve.py up to its first check: it stops before starting any worker when the store is refused."""
    port, worker = free_ports(2)
    command = [sys.executable, "deploy/serve.py", "--address", "127.0.0.1", "--port", str(port)]
    command += ["--workers", "1", "--first-worker-port", str(worker), "--run-dir", str(tmp_path / "run")]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ATLAS_REDIS")}
    return subprocess.run(
        command, cwd=ROOT, env={**environ, **env}, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )


def test_serve_refuses_to_start_on_a_redis_it_may_not_use(guarded, tmp_path):
    from deploy.nginx import NginxError, find_nginx

    try:
        find_nginx()
    except NginxError:
        pytest.skip("nginx is not installed (apt-get install nginx)")
    wrong = serve_py({"ATLAS_REDIS_URL": url(guarded, ":not-the-password@")}, tmp_path)
    assert wrong.returncode == 1
    assert "refused the credentials" in wrong.stderr and "not-the-password" not in wrong.stderr + wrong.stdout
    assert "Starting" not in wrong.stdout  # no worker was started
    missing = serve_py({"ATLAS_REDIS_URL": url(guarded)}, tmp_path)
    assert missing.returncode == 1 and "refused the credentials" in missing.stderr
    unguarded = serve_py({"ATLAS_REDIS_URL": "redis://192.0.2.10:6379/0"}, tmp_path)
    assert unguarded.returncode == 1
    assert "no password" in unguarded.stderr and "ATLAS_REDIS_INSECURE=1" in unguarded.stderr
