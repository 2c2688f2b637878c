"""A room's quiz on SQLite: tables beside the rooms in the same file, under the room store's lock and
write transaction, so a check of the presenter token and the write it allows are one step."""

from __future__ import annotations

import sqlite3

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
from geo.rooms.sqlite_store import SqliteRoomStore
from geo.rooms.store import Room

# A question belongs to one room: its code and the room's token hash (codes come again).
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS quiz_questions (
        code TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL,
        number INTEGER NOT NULL,
        target TEXT NOT NULL,
        step INTEGER NOT NULL,
        revealed INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS quiz_answers (
        code TEXT NOT NULL,
        answerer TEXT NOT NULL,
        number INTEGER NOT NULL,
        lat REAL NOT NULL,
        lon REAL NOT NULL,
        km REAL NOT NULL,
        place TEXT,
        window_start REAL NOT NULL,
        window_count INTEGER NOT NULL,
        PRIMARY KEY (code, answerer)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS quiz_seen (
        code TEXT NOT NULL,
        answerer TEXT NOT NULL,
        at REAL NOT NULL,
        PRIMARY KEY (code, answerer)
    ) WITHOUT ROWID""",
)
# Rows of rooms that are gone (closed, idle, or replaced under the same code).
FORGET = (
    "DELETE FROM quiz_questions WHERE NOT EXISTS (SELECT 1 FROM rooms r WHERE r.code = quiz_questions.code"
    " AND r.token_hash = quiz_questions.token_hash)",
    "DELETE FROM quiz_answers WHERE code NOT IN (SELECT code FROM quiz_questions)",
    "DELETE FROM quiz_seen WHERE code NOT IN (SELECT code FROM rooms)",
)


class SqliteQuizStore(QuizStore):
    """The quiz of rooms kept in a SqliteRoomStore's file."""

    rooms: SqliteRoomStore

    def __init__(self, rooms: SqliteRoomStore) -> None:
        super().__init__(rooms)

        def create(db: sqlite3.Connection) -> None:
            for statement in SCHEMA:
                db.execute(statement)

        rooms._run(create)

    def _current(self, db: sqlite3.Connection, code: str, now: float) -> Question | None:
        """The live room's question, read in the caller's transaction."""
        row = self.rooms._row(db, code, now)
        if row is None:
            return None
        found = db.execute(
            "SELECT number, target, step, revealed FROM quiz_questions WHERE code = ? AND token_hash = ?",
            (code, row[0]),
        ).fetchone()
        return None if found is None else Question(found[0], found[1], found[2], bool(found[3]))

    def _bump(self, db: sqlite3.Connection, room: Room, now: float) -> Room:
        """Move the room's version (its step unchanged), so every page waiting on it wakes."""
        db.execute("UPDATE rooms SET version = ?, touched = ? WHERE code = ?", (room.version + 1, now, room.code))
        return Room(room.code, room.step, room.version + 1, room.tour)

    def _ask(self, code: str, hashed: str, target: str, step: int, now: float) -> tuple[Room, Question]:
        def work(db: sqlite3.Connection) -> tuple[Room, Question]:
            room = self.rooms._checked(db, code, hashed, now)
            for statement in FORGET:
                db.execute(statement)
            last = db.execute("SELECT number FROM quiz_questions WHERE code = ?", (code,)).fetchone()
            question = Question((last[0] if last else 0) + 1, target, step)
            db.execute("DELETE FROM quiz_answers WHERE code = ?", (code,))
            db.execute(
                "INSERT OR REPLACE INTO quiz_questions (code, token_hash, number, target, step, revealed)"
                " VALUES (?, ?, ?, ?, ?, 0)",
                (code, hashed, question.number, target, step),
            )
            return self._bump(db, room, now), question

        return self.rooms._write(work)

    def _reveal(self, code: str, hashed: str, now: float) -> tuple[Room, Question]:
        def work(db: sqlite3.Connection) -> tuple[Room, Question]:
            room = self.rooms._checked(db, code, hashed, now)
            question = self._current(db, code, now)
            if question is None:
                raise NoQuestion("No question is asked in this room.")
            db.execute("UPDATE quiz_questions SET revealed = 1 WHERE code = ?", (code,))
            return self._bump(db, room, now), Question(question.number, question.target, question.step, True)

        return self.rooms._write(work)

    def _question(self, code: str, now: float) -> Question | None:
        return self.rooms._run(lambda db: self._current(db, code, now))

    def _answer(self, code: str, number: int, answerer: str, given: Answer, now: float) -> Admitted:
        def work(db: sqlite3.Connection) -> Admitted:
            question = self._current(db, code, now)
            if question is None or question.number != number:
                return Admitted("none" if question is None else "stale")
            if question.revealed:
                return Admitted("revealed")
            mine = db.execute(
                "SELECT window_start, window_count FROM quiz_answers WHERE code = ? AND answerer = ? AND number = ?",
                (code, answerer, number),
            ).fetchone()
            if mine is None:
                count = db.execute("SELECT COUNT(*) FROM quiz_answers WHERE code = ?", (code,)).fetchone()[0]
                if count >= MAX_ANSWERS:
                    return Admitted("full")
                start, used = now, 0
            elif now - mine[0] >= ANSWER_WINDOW:
                start, used = now, 0
            else:
                start, used = mine
            if used >= ANSWERS_PER_WINDOW:
                return Admitted("rate")
            db.execute(
                "INSERT OR REPLACE INTO quiz_answers (code, answerer, number, lat, lon, km, place, window_start,"
                " window_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (code, answerer, number, given.lat, given.lon, given.km, given.place, start, used + 1),
            )
            return Admitted("ok")

        return self.rooms._write(work)

    def _own(self, code: str, answerer: str, now: float) -> Answer | None:
        def read(db: sqlite3.Connection) -> Answer | None:
            question = self._current(db, code, now)
            if question is None:
                return None
            row = db.execute(
                "SELECT lat, lon, km, place FROM quiz_answers WHERE code = ? AND answerer = ? AND number = ?",
                (code, answerer, question.number),
            ).fetchone()
            return None if row is None else Answer(*row)

        return self.rooms._run(read)

    def _seen(self, code: str, answerer: str, now: float) -> None:
        def work(db: sqlite3.Connection) -> None:
            if self.rooms._row(db, code, now) is not None:
                seen = "INSERT OR REPLACE INTO quiz_seen (code, answerer, at) VALUES (?, ?, ?)"
                db.execute(seen, (code, answerer, now))

        self.rooms._write(work)

    def _answers(self, code: str, hashed: str, now: float) -> tuple[Question, list[Answer], int] | None:
        def read(db: sqlite3.Connection) -> tuple[Question, list[Answer], int] | None:
            self.rooms._checked(db, code, hashed, now)
            question = self._current(db, code, now)
            if question is None:
                return None
            rows = db.execute(
                "SELECT lat, lon, km, place FROM quiz_answers WHERE code = ? AND number = ?", (code, question.number)
            ).fetchall()
            seen = db.execute(
                "SELECT COUNT(*) FROM quiz_seen WHERE code = ? AND at > ?", (code, now - SEEN_SECONDS)
            ).fetchone()[0]
            return question, [Answer(*row) for row in rows], seen

        return self.rooms._run(read)
