"""The room store on Redis: for workers on several machines (ATLAS_REDIS_URL)."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from geo.atlas.tours import DEFAULT_TOUR
from geo.rooms.store import (
    REDIS_PREFIX,
    STORE_TIMEOUT,
    Conflict,
    NotPresenter,
    Room,
    RoomGone,
    RoomStore,
    StoreRefused,
    StoreUnavailable,
    redacted,
)

log = logging.getLogger(__name__)

REDIS_ACT = f"""
local r = redis.call('HMGET', KEYS[1], 'token_hash', 'step', 'version', 'touched', 'tour')
if not r[1] or tonumber(ARGV[4]) - tonumber(r[4]) > tonumber(ARGV[5]) then return {{'gone'}} end
if r[1] ~= ARGV[1] then return {{'refused'}} end
local tour = r[5] or '{DEFAULT_TOUR}'
if ARGV[7] == 'close' then redis.call('DEL', KEYS[1]) return {{'closed'}} end
if ARGV[7] == 'claim' then
  redis.call('HSET', KEYS[1], 'touched', ARGV[4])
  redis.call('EXPIRE', KEYS[1], ARGV[6])
  return {{'ok', r[2], r[3], tour}}
end
if ARGV[3] ~= '' and r[3] ~= ARGV[3] then return {{'conflict', r[2], r[3], tour}} end
if ARGV[8] ~= '' then tour = ARGV[8] end
local v = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[1], 'step', ARGV[2], 'touched', ARGV[4], 'tour', tour)
redis.call('EXPIRE', KEYS[1], ARGV[6])
return {{'ok', ARGV[2], tostring(v), tour}}
"""
# KEYS[1] the room; ARGV: token hash, step, now, idle, ttl, storyline. Replaces only a missing or idle room.
REDIS_INSERT = """
local touched = redis.call('HGET', KEYS[1], 'touched')
if touched and tonumber(ARGV[3]) - tonumber(touched) <= tonumber(ARGV[4]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'token_hash', ARGV[1], 'step', ARGV[2], 'version', 1, 'touched', ARGV[3], 'tour', ARGV[6])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
"""


class RedisRoomStore(RoomStore):
    """Rooms in Redis, for workers on several machines. Redis forgets a room by itself
    (EXPIRE) a little after it went idle; persistence across a restart is Redis's own
    (appendonly yes)."""

    def __init__(self, url: str, idle_seconds: float, clock: Callable[[], float] = time.time) -> None:
        super().__init__(idle_seconds, clock)
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self._errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
        # A wrong or missing password, or an ACL user without the rights: no retry helps.
        self._refusals: tuple[type[Exception], ...] = (redis.AuthenticationError, redis.exceptions.NoPermissionError)
        self._redis = redis.Redis.from_url(
            url,
            socket_timeout=STORE_TIMEOUT,
            socket_connect_timeout=STORE_TIMEOUT,
            retry=Retry(NoBackoff(), 1),  # one quick retry after a dropped connection, then tell the page
            decode_responses=True,
        )
        self._act_script = self._redis.register_script(REDIS_ACT)
        self._insert_script = self._redis.register_script(REDIS_INSERT)
        self.url = url

    @property
    def ttl(self) -> int:
        return math.ceil(self.idle_seconds) + 60

    def _call(self, work: Callable[[], Any]) -> Any:
        try:
            return work()
        except self._errors as error:
            said = str(error)
            if secret := urlsplit(self.url).password:
                said = said.replace(secret, "***")
            if isinstance(error, self._refusals):
                raise StoreRefused(
                    f"the rooms store at {redacted(self.url)} refused the credentials: {said} "
                    "(check the user and password in ATLAS_REDIS_URL)"
                ) from error
            raise StoreUnavailable(f"the rooms store at {redacted(self.url)} cannot be reached: {said}") from error

    @staticmethod
    def key(code: str) -> str:
        return REDIS_PREFIX + code

    def _insert(self, code: str, hashed: str, step: int, tour: str, now: float) -> bool:
        args = [hashed, step, repr(now), repr(self.idle_seconds), self.ttl, tour]
        return bool(self._call(lambda: self._insert_script(keys=[self.key(code)], args=args)))

    def _get(self, code: str, now: float) -> Room | None:
        fields = ("step", "version", "touched", "tour")
        step, version, touched, tour = self._call(lambda: self._redis.hmget(self.key(code), *fields))
        if touched is None or self._expired(float(touched), now):
            return None
        return Room(code, int(step), int(version), tour or DEFAULT_TOUR)

    def _script(
        self,
        code: str,
        hashed: str,
        action: str,
        now: float,
        step: int = 0,
        expected: int | None = None,
        tour: str | None = None,
    ) -> Room | None:
        version = "" if expected is None else expected
        args = [hashed, step, version, repr(now), repr(self.idle_seconds), self.ttl, action, tour or ""]
        answer = self._call(lambda: self._act_script(keys=[self.key(code)], args=args))
        if answer[0] == "gone":
            raise RoomGone("the room has ended")
        if answer[0] == "refused":
            raise NotPresenter("only the presenter's screen can do that")
        if answer[0] == "conflict":
            raise Conflict(Room(code, int(answer[1]), int(answer[2]), answer[3]))
        return None if answer[0] == "closed" else Room(code, int(answer[1]), int(answer[2]), answer[3])

    def _touch(self, code: str, hashed: str, now: float) -> Room:
        return self._script(code, hashed, "claim", now)

    def _move(self, code: str, hashed: str, step: int, expected: int | None, tour: str | None, now: float) -> Room:
        return self._script(code, hashed, "move", now, step, expected, tour)

    def _delete(self, code: str, hashed: str, now: float) -> None:
        self._script(code, hashed, "close", now)

    def purge(self) -> int:
        return 0  # Redis expires idle rooms itself

    def shutdown(self) -> None:
        self._redis.close()
