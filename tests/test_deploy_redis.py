"""The rooms store on a Redis with credentials: a real redis-server with a password and an ACL user.

A Redis that anyone on the network can reach, and no password guards, would let anyone overwrite
a room's token hash and take over a class; geo/rooms.py refuses one unless told it is on a network
only the workers share (ATLAS_REDIS_INSECURE=1), and a password never appears in a message.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from geo.rooms import (
    StoreRefused,
    StoreSettings,
    StoreUnavailable,
    open_store,
    redacted,
    settings_from_env,
    unguarded_redis,
)
from tests.redis_server import RedisServer, running_redis

IDLE = 600.0
PASSWORD = secrets.token_urlsafe(18)


@pytest.fixture(scope="module")
def guarded(tmp_path_factory) -> Iterator[RedisServer]:
    """redis-server with requirepass, and an ACL user `atlas` limited to the rooms' keys."""
    with running_redis(tmp_path_factory.mktemp("redis-auth"), password=PASSWORD) as server:
        import redis

        admin = redis.Redis.from_url(server.url)
        admin.acl_setuser(
            "atlas", enabled=True, passwords=[f"+{PASSWORD}-atlas"], keys=["atlas:room:*"], commands=["+@all"]
        )
        admin.close()
        yield server


def url(server: RedisServer, auth: str = "") -> str:
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
