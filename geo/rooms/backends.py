"""Opening the store the settings name."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from geo.rooms.quiz import QuizStore
from geo.rooms.quiz_redis import RedisQuizStore
from geo.rooms.quiz_sqlite import SqliteQuizStore
from geo.rooms.redis_store import RedisRoomStore
from geo.rooms.sqlite_store import SqliteRoomStore
from geo.rooms.store import RoomStore, StoreRefused, StoreSettings, default_rooms_dir, unguarded_redis

log = logging.getLogger(__name__)


def open_store(settings: StoreSettings, clock: Callable[[], float] = time.time) -> RoomStore:
    """The store the settings name: Redis when a URL is given, else SQLite in the rooms folder."""
    if settings.redis_url:
        if not settings.redis_insecure and (problem := unguarded_redis(settings.redis_url)):
            raise StoreRefused(problem)
        return RedisRoomStore(settings.redis_url, settings.idle_seconds, clock, settings.limits)
    return SqliteRoomStore(settings.rooms_dir or default_rooms_dir(), settings.idle_seconds, clock, settings.limits)


def open_quiz(rooms: RoomStore) -> QuizStore:
    """The quiz of the rooms in this store, kept beside them (geo/rooms/quiz.py)."""
    if isinstance(rooms, RedisRoomStore):
        return RedisQuizStore(rooms)
    if isinstance(rooms, SqliteRoomStore):
        return SqliteQuizStore(rooms)
    raise TypeError(f"no quiz for a store of type {type(rooms).__name__}")
