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
    DEFAULT_LIMITS,
    REDIS_LIVE,
    REDIS_PREFIX,
    REDIS_STARTS_PREFIX,
    ROOM_STORYLINE,
    STARTS_WINDOW,
    STORE_TIMEOUT,
    Admission,
    Conflict,
    NotPresenter,
    Room,
    RoomGone,
    RoomLimits,
    RoomStore,
    StoreRefused,
    StoreUnavailable,
    redacted,
)

log = logging.getLogger(__name__)

# Redis runs each script atomically: no other client's command runs between its steps.
# KEYS[1] the room, KEYS[2] the live rooms (REDIS_LIVE); ARGV: token hash, step, expected version ("" for
# any), now, idle, ttl, action, storyline ("" keeps the room's), the room's member in the live set.
# A room from before rooms carried a storyline is on the default one.
REDIS_ACT = f"""
local r = redis.call('HMGET', KEYS[1], 'token_hash', 'step', 'version', 'touched', 'tour')
if not r[1] or tonumber(ARGV[4]) - tonumber(r[4]) > tonumber(ARGV[5]) then return {{'gone'}} end
if r[1] ~= ARGV[1] then return {{'refused'}} end
local tour = r[5] or '{DEFAULT_TOUR}'
if ARGV[7] == 'close' then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[9])
  return {{'closed'}}
end
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[9])
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
# KEYS[1] the room, KEYS[2] the live rooms (REDIS_LIVE), KEYS[3] the client's openings (REDIS_STARTS_PREFIX);
# ARGV: token hash, step, now, idle, ttl, storyline, max rooms, client ("" for none), rooms per client,
# openings per hour, seconds an opening is kept, the room's member in the live set, the hour.
# Replaces only a missing or idle room, within the limits.
REDIS_INSERT = """
local now, idle = tonumber(ARGV[3]), tonumber(ARGV[4])
local touched = redis.call('HGET', KEYS[1], 'touched')
if touched and now - tonumber(touched) <= idle then return {'taken', 0, '0'} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. tostring(now - idle))
local live = redis.call('ZCARD', KEYS[2])
if live >= tonumber(ARGV[7]) then return {'full', live, '0'} end
if ARGV[8] ~= '' then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. tostring(now - tonumber(ARGV[11])))
  local starts = redis.call('ZRANGE', KEYS[3], 0, -1, 'WITHSCORES')
  local mine, recent, oldest = 0, 0, now
  for i = 1, #starts, 2 do
    if redis.call('ZSCORE', KEYS[2], starts[i]) then mine = mine + 1 end
    local at = tonumber(starts[i + 1])
    if at > now - tonumber(ARGV[13]) then
      recent = recent + 1
      if at < oldest then oldest = at end
    end
  end
  if mine >= tonumber(ARGV[9]) then return {'client', mine, '0'} end
  if recent >= tonumber(ARGV[10]) then return {'rate', recent, tostring(oldest)} end
  redis.call('ZADD', KEYS[3], now, ARGV[12])
  redis.call('EXPIRE', KEYS[3], math.ceil(tonumber(ARGV[11])) + 60)
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'token_hash', ARGV[1], 'step', ARGV[2], 'version', 1, 'touched', ARGV[3], 'tour', ARGV[6])
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('ZADD', KEYS[2], now, ARGV[12])
return {'added', 0, '0'}
"""
# KEYS[1] the room, KEYS[2] the live rooms; ARGV: token hash, now, idle, ttl, text, digest, the room's member
# in the live set. The text a room carries is two fields of the room's own hash, so it expires with the
# room, and goes when the room is closed or replaced under its code.
REDIS_KEEP = f"""
local r = redis.call('HMGET', KEYS[1], 'token_hash', 'step', 'touched')
if not r[1] or tonumber(ARGV[2]) - tonumber(r[3]) > tonumber(ARGV[3]) then return {{'gone'}} end
if r[1] ~= ARGV[1] then return {{'refused'}} end
local v = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[1], 'touched', ARGV[2], 'tour', '{ROOM_STORYLINE}', 'storyline', ARGV[5], 'digest', ARGV[6])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[7])
return {{'ok', r[2], tostring(v), '{ROOM_STORYLINE}'}}
"""


class RedisRoomStore(RoomStore):
    """Rooms in Redis, for workers on several machines. Redis forgets a room by itself
    (EXPIRE) a little after it went idle; persistence across a restart is Redis's own
    (appendonly yes)."""

    def __init__(
        self,
        url: str,
        idle_seconds: float,
        clock: Callable[[], float] = time.time,
        limits: RoomLimits = DEFAULT_LIMITS,
    ) -> None:
        super().__init__(idle_seconds, clock, limits)
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
        self._keep_script = self._redis.register_script(REDIS_KEEP)
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

    @staticmethod
    def member(code: str, hashed: str) -> str:
        """A room in the live set and in its client's openings: its code and token hash, as codes come again."""
        return f"{code}:{hashed[:16]}"

    def _insert(self, code: str, hashed: str, step: int, tour: str, now: float, client: str | None) -> Admission:
        limits = self.limits
        keys = [self.key(code), REDIS_LIVE, REDIS_STARTS_PREFIX + (client or "none")]
        args = [hashed, step, repr(now), repr(self.idle_seconds), self.ttl, tour, limits.max_rooms, client or ""]
        args += [limits.per_client, limits.starts_per_hour, repr(self.starts_kept), self.member(code, hashed)]
        args.append(repr(STARTS_WINDOW))
        status, count, oldest = self._call(lambda: self._insert_script(keys=keys, args=args))
        return Admission(status, int(count), float(oldest))

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
        args.append(self.member(code, hashed))
        return self._answer(code, self._call(lambda: self._act_script(keys=[self.key(code), REDIS_LIVE], args=args)))

    @staticmethod
    def _answer(code: str, answer: list[str]) -> Room | None:
        """A script's answer as a room, or the refusal it names."""
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

    def _keep(self, code: str, hashed: str, text: str, digest: str, now: float) -> Room:
        args = [hashed, repr(now), repr(self.idle_seconds), self.ttl, text, digest, self.member(code, hashed)]
        return self._answer(code, self._call(lambda: self._keep_script(keys=[self.key(code), REDIS_LIVE], args=args)))

    def _carried(self, code: str, field: str, now: float) -> str | None:
        touched, value = self._call(lambda: self._redis.hmget(self.key(code), "touched", field))
        return None if touched is None or self._expired(float(touched), now) else value

    def _digest(self, code: str, now: float) -> str | None:
        return self._carried(code, "digest", now)

    def _text(self, code: str, now: float) -> str | None:
        return self._carried(code, "storyline", now)

    def purge(self) -> int:
        return 0  # Redis expires idle rooms itself

    def shutdown(self) -> None:
        self._redis.close()
