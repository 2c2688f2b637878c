"""A live "where is it?" quiz in a room: the rules, and the store's part that every backend shares.

The presenter asks "Where is <place>?" (or "Where did <event> happen?"); each student answers
once per question with a point on their own map, or a place chosen from a short list, and may
move it until the presenter reveals; the projector shows the class's dots, how many answered of
how many are in the room and, once revealed, the median distance and the share within 50 km.

What the server enforces, on SQLite (geo/rooms/quiz_sqlite.py) and Redis (geo/rooms/quiz_redis.py):
only the presenter token asks, reveals and reads the class's answers; a student reads only the
question and their own answer; an answer is kept per answerer (the hash of a secret the student's
session holds, so nobody answers for another) and per question, refused after the reveal or for a
question no longer asked; one answerer may answer ANSWERS_PER_WINDOW times per ANSWER_WINDOW
seconds, and a question holds at most MAX_ANSWERS answerers. Everything lives beside the room,
tied to it (its code and token hash), and goes with it. Asking and revealing move the room's
version, so the class's pages, which wait on it, show the question and the reveal at once.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import secrets
import statistics
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.atlas.measure import distance_km
from geo.rooms.store import NotPresenter, Room, RoomError, RoomStore, plausible_token, token_hash

TARGET_RE = re.compile(r"^(place|event):[a-z0-9][a-z0-9-]{0,63}$")  # what a question asks about
ANSWERER_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")  # the secret an answering session holds
ANSWERER_BYTES = 24
ANSWERS_PER_WINDOW = 20  # one answerer's answers (moves included) per window: a tap or a drag a second is plenty
ANSWER_WINDOW = 60.0
MAX_ANSWERS = 1000  # answerers per question: a class, a lecture hall, never a store's worth
SEEN_SECONDS = 45.0  # a page seen this recently counts as in the room
NEAR_KM = 50.0  # the share of the class within this distance, once revealed
CHOICES = 5  # places on the accessible list: the right one and four others
PLACE_NAME_MAX = 64


class QuizError(RoomError):
    """An answer, a question or a reading the rules refuse; the message is fit to show."""


class NoQuestion(QuizError):
    """No question is asked in this room, or the one answered is no longer the room's question."""


class Revealed(QuizError):
    """The question has been revealed: answers are closed."""


class AnswerLimit(QuizError):
    """Too many answers: from this answerer in a short time, or for this question in all."""


@dataclass(frozen=True)
class Question:
    """The room's current question: what is asked, at which step, and whether it is revealed."""

    number: int  # 1 for the room's first question, one more with every question asked
    target: str  # "place:<slug>" or "event:<slug>"
    step: int  # the room's step when it was asked: pages show it on that step only
    revealed: bool = False

    @property
    def kind(self) -> str:
        return self.target.partition(":")[0]

    @property
    def slug(self) -> str:
        return self.target.partition(":")[2]


@dataclass(frozen=True)
class Answer:
    """One student's answer: the point they put, its distance to the right place, and the place chosen
    from the list when they answered from it."""

    lat: float
    lon: float
    km: float
    place: str | None = None


@dataclass(frozen=True)
class Summary:
    """What the projector shows of the class: dots and counts, and the spread once revealed."""

    answered: int
    in_room: int
    dots: tuple[tuple[float, float], ...]  # (lat, lon), in no particular order: nothing names a student
    median_km: float | None = None  # after the reveal only
    near_share: float | None = None  # after the reveal only: share of answers within NEAR_KM


def target(kind: str, slug: str) -> str:
    """A question's target as the store keeps it; ValueError for anything else."""
    text = f"{kind}:{slug}"
    if not TARGET_RE.match(text):
        raise ValueError(f"not a question's target: {text!r}")
    return text


def new_answerer() -> str:
    """The secret a student's session answers with; the store keeps only its hash."""
    return secrets.token_urlsafe(ANSWERER_BYTES)


def answerer_key(secret: str) -> str:
    """What the store keeps of an answerer: nothing that names them, nothing that answers for them."""
    return hashlib.sha256(f"atlas-quiz-answerer\0{secret}".encode()).hexdigest()[:32]


def checked_point(lat: object, lon: object) -> tuple[float, float]:
    """A tapped point as numbers on the globe (longitude brought into -180..180, as a map panned
    round the world reports it); QuizError for anything else."""
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon)):
        raise QuizError("That answer is not a point on the map.")
    lat, lon = float(lat), float(lon)
    if not (math.isfinite(lat) and math.isfinite(lon)) or not -90 <= lat <= 90 or abs(lon) > 1e6:
        raise QuizError("That answer is not a point on the map.")
    lon = (lon + 180) % 360 - 180
    return round(lat, 5), round(lon, 5)


def answer_distance(lat: float, lon: float, right: BaseGeometry) -> float:
    """Kilometres on the ellipsoid from the answer to the right place (0 inside a region it covers)."""
    return round(distance_km(Point(lon, lat), right), 1)


def summarize(answers: Sequence[Answer], in_room: int, revealed: bool) -> Summary:
    """The class's summary; the spread only once revealed (before, it would tell the class the answer).
    `in_room` is at least the number who answered: an answerer is in the room."""
    dots = tuple((a.lat, a.lon) for a in answers)
    summary = Summary(len(answers), max(in_room, len(answers)), dots)
    if not revealed or not answers:
        return summary
    kms = [a.km for a in answers]
    near = sum(1 for km in kms if km <= NEAR_KM) / len(kms)
    return Summary(summary.answered, summary.in_room, dots, statistics.median(kms), near)


def choices(right: str, others: Sequence[str], number: int, count: int = CHOICES) -> tuple[str, ...]:
    """The short list a student may answer from: the right place and `count - 1` others, in an order
    that is the same for every student of the question (drawn from its number) but not alphabetical
    around the answer."""
    pool = sorted(set(others) - {right})
    rng = random.Random(f"{number}:{right}")
    picked = [*rng.sample(pool, min(count - 1, len(pool))), right]
    rng.shuffle(picked)
    return tuple(picked)


@dataclass(frozen=True)
class Admitted:
    """A backend's answer to one answer: "ok", or why it was refused ("none", "stale", "revealed",
    "rate", "full")."""

    status: str


class QuizStore(ABC):
    """A room's quiz, beside the room in its store. The checks every backend shares (shapes, limits,
    messages) are here; each backend does its read-check-write in one atomic step."""

    def __init__(self, rooms: RoomStore) -> None:
        self.rooms = rooms

    def _presenter(self, code: str, token: str) -> str:
        if not plausible_token(token):
            raise NotPresenter("only the presenter's screen can do that")
        return token_hash(token)

    def ask(self, code: str, token: str, kind: str, slug: str, step: int) -> tuple[Room, Question]:
        """Ask the class (the presenter only): the answers of any earlier question go; the room moves
        so that the class's pages show the question at once."""
        return self._ask(code, self._presenter(code, token), target(kind, slug), step, self.rooms.clock())

    def reveal(self, code: str, token: str) -> tuple[Room, Question]:
        """Reveal the question (the presenter only): answers close, the class's pages show theirs."""
        return self._reveal(code, self._presenter(code, token), self.rooms.clock())

    def question(self, code: str) -> Question | None:
        """The room's question, for every page of the room; None when none is asked or the room is gone."""
        return self._question(code, self.rooms.clock())

    def answer(
        self, code: str, number: int, secret: str, lat: object, lon: object, km: float, place: str | None = None
    ) -> Answer:
        """Keep this answerer's answer to question `number` (replacing their earlier one), within the limits."""
        if not isinstance(secret, str) or not ANSWERER_RE.match(secret):
            raise QuizError("This page cannot answer: reload it to join the class again.")
        lat, lon = checked_point(lat, lon)
        if place is not None and (not isinstance(place, str) or not re.match(r"^[a-z0-9][a-z0-9-]{0,63}$", place)):
            raise QuizError("That is not a place of the list.")
        if not isinstance(km, int | float) or not math.isfinite(km) or km < 0:
            raise QuizError("That answer's distance cannot be worked out.")
        given = Answer(lat, lon, round(float(km), 1), place)
        status = self._answer(code, number, answerer_key(secret), given, self.rooms.clock()).status
        if status == "ok":
            return given
        if status == "revealed":
            raise Revealed("The answer has been revealed: answers are closed.")
        if status == "rate":
            raise AnswerLimit(
                f"Too many answers from this page: at most {ANSWERS_PER_WINDOW} a minute. Your last answer is kept."
            )
        if status == "full":
            raise AnswerLimit(f"This question already has {MAX_ANSWERS} answers, the most it takes.")
        raise NoQuestion("This question is no longer asked.")

    def own(self, code: str, secret: str) -> Answer | None:
        """This answerer's answer to the room's question, and nobody else's."""
        if not isinstance(secret, str) or not ANSWERER_RE.match(secret):
            return None
        return self._own(code, answerer_key(secret), self.rooms.clock())

    def seen(self, code: str, secret: str) -> None:
        """This student's page is in the room (the projector counts pages seen in the last SEEN_SECONDS)."""
        if isinstance(secret, str) and ANSWERER_RE.match(secret):
            self._seen(code, answerer_key(secret), self.rooms.clock())

    def summary(self, code: str, token: str) -> Summary | None:
        """The class's answers for the projector (the presenter only); None when no question is asked."""
        read = self._answers(code, self._presenter(code, token), self.rooms.clock())
        if read is None:
            return None
        question, answers, in_room = read
        return summarize(answers, in_room, question.revealed)

    @abstractmethod
    def _ask(self, code: str, hashed: str, target: str, step: int, now: float) -> tuple[Room, Question]: ...

    @abstractmethod
    def _reveal(self, code: str, hashed: str, now: float) -> tuple[Room, Question]: ...

    @abstractmethod
    def _question(self, code: str, now: float) -> Question | None: ...

    @abstractmethod
    def _answer(self, code: str, number: int, answerer: str, given: Answer, now: float) -> Admitted: ...

    @abstractmethod
    def _own(self, code: str, answerer: str, now: float) -> Answer | None: ...

    @abstractmethod
    def _seen(self, code: str, answerer: str, now: float) -> None: ...

    @abstractmethod
    def _answers(self, code: str, hashed: str, now: float) -> tuple[Question, list[Answer], int] | None: ...
