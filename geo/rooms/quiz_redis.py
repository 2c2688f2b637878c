"""A room's quiz on Redis: keys beside the room's (its prefix, so an ACL user held to it reaches them),
read and written by scripts that check the room in the same atomic step, expiring with the room."""

from __future__ import annotations

import json

from geo.atlas.tours import DEFAULT_TOUR
from geo.rooms.quiz import (
    ANSWER_WINDOW,
    ANSWERS_PER_WINDOW,
    MAX_ANSWERS,
    SEEN_SECONDS,
    Admitted,
    Answer,
    NoQuestion,
    Question,
    QuizStore,
)
from geo.rooms.redis_store import RedisRoomStore
from geo.rooms.store import REDIS_LIVE, NotPresenter, Room, RoomGone

# Every script: KEYS[1] the room, KEYS[2] its question (a hash: the room's token hash, number, target,
# step, revealed), KEYS[3] its answers (answerer -> "window start|count|[lat, lon, km, place]"),
# KEYS[4] the pages seen (answerer scored by when), KEYS[5] the live rooms. ARGV[1] now, ARGV[2] idle,
# ARGV[3] ttl; the rest per script. A question whose room hash is not the room's is another room's.
ROOM = """
local now, idle, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local r = redis.call('HMGET', KEYS[1], 'token_hash', 'step', 'version', 'touched', 'tour')
local live = r[1] and now - tonumber(r[4]) <= idle
local q = redis.call('HMGET', KEYS[2], 'room', 'number', 'target', 'step', 'revealed')
local asked = live and q[1] == r[1]
"""
# ARGV[4] token hash, [5] target, [6] step, [7] the room's member in the live set. Ask or reveal.
PRESENT = (
    ROOM
    + """
if not live then return {'gone'} end
if r[1] ~= ARGV[4] then return {'refused'} end
local number, target, step = 1, ARGV[5], ARGV[6]
if ARGV[5] == '' then
  if not asked then return {'none'} end
  number, target, step = tonumber(q[2]), q[3], q[4]
  redis.call('HSET', KEYS[2], 'revealed', 1)
else
  if q[1] == r[1] then number = tonumber(q[2]) + 1 end
  redis.call('DEL', KEYS[2], KEYS[3])
  redis.call('HSET', KEYS[2], 'room', r[1], 'number', number, 'target', target, 'step', step, 'revealed', 0)
end
redis.call('EXPIRE', KEYS[2], ttl)
local v = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[1], 'touched', ARGV[1])
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('ZADD', KEYS[5], ARGV[1], ARGV[7])
return {'ok', r[2], tostring(v), r[5] or '', tostring(number), target, tostring(step)}
"""
)
# ARGV[4] the question's number, [5] answerer, [6] the answer, [7] window, [8] answers per window, [9] most answers.
ANSWER = (
    ROOM
    + """
if not asked then return 'none' end
if q[2] ~= ARGV[4] then return 'stale' end
if q[5] == '1' then return 'revealed' end
local mine = redis.call('HGET', KEYS[3], ARGV[5])
local start, used = now, 0
if mine then
  local s, c = string.match(mine, '^([^|]+)|([^|]+)|')
  if now - tonumber(s) < tonumber(ARGV[7]) then start, used = tonumber(s), tonumber(c) end
elseif redis.call('HLEN', KEYS[3]) >= tonumber(ARGV[9]) then
  return 'full'
end
if used >= tonumber(ARGV[8]) then return 'rate' end
redis.call('HSET', KEYS[3], ARGV[5], string.format('%.17g|%d|%s', start, used + 1, ARGV[6]))
redis.call('EXPIRE', KEYS[3], ttl)
return 'ok'
"""
)
# ARGV[4] "" (any page) or the token hash (the presenter's reading), [5] answerer ("" for none),
# [6] seen window, [7] "seen" to record the answerer's page. Returns the question, the answerer's
# answer, and, for the presenter, every answer and the pages seen.
READ = (
    ROOM
    + """
if ARGV[4] ~= '' then
  if not live then return {'gone'} end
  if r[1] ~= ARGV[4] then return {'refused'} end
end
if ARGV[7] == 'seen' then
  if live then
    redis.call('ZADD', KEYS[4], now, ARGV[5])
    redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. tostring(now - tonumber(ARGV[6])))
    redis.call('EXPIRE', KEYS[4], ttl)
  end
  return {'seen'}
end
if not asked then return {'none'} end
local head = {'ok', q[2], q[3], q[4], q[5]}
if ARGV[4] == '' then
  if ARGV[5] ~= '' then
    local mine = redis.call('HGET', KEYS[3], ARGV[5])
    if mine then table.insert(head, mine) end
  end
  return head
end
table.insert(head, tostring(redis.call('ZCOUNT', KEYS[4], now - tonumber(ARGV[6]), '+inf')))
for _, v in ipairs(redis.call('HVALS', KEYS[3])) do table.insert(head, v) end
return head
"""
)


def _answer(stored: str) -> Answer:
    lat, lon, km, place = json.loads(stored.split("|", 2)[2])
    return Answer(lat, lon, km, place)


class RedisQuizStore(QuizStore):
    """The quiz of rooms kept in a RedisRoomStore's Redis."""

    rooms: RedisRoomStore

    def __init__(self, rooms: RedisRoomStore) -> None:
        super().__init__(rooms)
        client = rooms._redis
        self._present = client.register_script(PRESENT)
        self._answer_script = client.register_script(ANSWER)
        self._read = client.register_script(READ)

    def _keys(self, code: str) -> list[str]:
        room = self.rooms.key(code)
        return [room, room + ":quiz", room + ":answers", room + ":seen", REDIS_LIVE]

    def _args(self, now: float) -> list[object]:
        return [repr(now), repr(self.rooms.idle_seconds), self.rooms.ttl]

    def _presenting(self, code: str, hashed: str, target: str, step: int, now: float) -> tuple[Room, Question]:
        args = [*self._args(now), hashed, target, step, self.rooms.member(code, hashed)]
        answer = self.rooms._call(lambda: self._present(keys=self._keys(code), args=args))
        if answer[0] == "gone":
            raise RoomGone("the room has ended")
        if answer[0] == "refused":
            raise NotPresenter("only the presenter's screen can do that")
        if answer[0] == "none":
            raise NoQuestion("No question is asked in this room.")
        _, step_, version, tour, number, asked, at = answer
        room = Room(code, int(step_), int(version), tour or DEFAULT_TOUR)
        return room, Question(int(number), asked, int(at), revealed=not target)

    def _ask(self, code: str, hashed: str, target: str, step: int, now: float) -> tuple[Room, Question]:
        return self._presenting(code, hashed, target, step, now)

    def _reveal(self, code: str, hashed: str, now: float) -> tuple[Room, Question]:
        return self._presenting(code, hashed, "", 0, now)

    def _reading(self, code: str, now: float, hashed: str = "", answerer: str = "", seen: bool = False) -> list:
        args = [*self._args(now), hashed, answerer, repr(SEEN_SECONDS), "seen" if seen else ""]
        answer = self.rooms._call(lambda: self._read(keys=self._keys(code), args=args))
        if answer[0] == "gone":
            raise RoomGone("the room has ended")
        if answer[0] == "refused":
            raise NotPresenter("only the presenter's screen can do that")
        return answer

    @staticmethod
    def _question_of(read: list) -> Question | None:
        if read[0] != "ok":
            return None
        return Question(int(read[1]), read[2], int(read[3]), read[4] == "1")

    def _question(self, code: str, now: float) -> Question | None:
        return self._question_of(self._reading(code, now))

    def _answer(self, code: str, number: int, answerer: str, given: Answer, now: float) -> Admitted:
        payload = json.dumps([given.lat, given.lon, given.km, given.place])
        args = [*self._args(now), str(number), answerer, payload, repr(ANSWER_WINDOW), ANSWERS_PER_WINDOW, MAX_ANSWERS]
        return Admitted(self.rooms._call(lambda: self._answer_script(keys=self._keys(code), args=args)))

    def _own(self, code: str, answerer: str, now: float) -> Answer | None:
        read = self._reading(code, now, answerer=answerer)
        return _answer(read[5]) if read[0] == "ok" and len(read) > 5 else None

    def _seen(self, code: str, answerer: str, now: float) -> None:
        self._reading(code, now, answerer=answerer, seen=True)

    def _answers(self, code: str, hashed: str, now: float) -> tuple[Question, list[Answer], int] | None:
        read = self._reading(code, now, hashed=hashed)
        question = self._question_of(read)
        if question is None:
            return None
        return question, [_answer(v) for v in read[6:]], int(read[5])
