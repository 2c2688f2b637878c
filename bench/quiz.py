"""The quiz scenario of bench_classroom.py: a presenter asks "Where is Baku?", a class answers on its maps.

    python bench/bench_classroom.py --scenario quiz                     # 250 students, deploy/serve.py, 2 workers
    python bench/bench_classroom.py --scenario quiz --sessions 50 --store redis

The benchmark starts the deployment as the follow scenario does (bench/follow.py). A presenter session
opens the storyline's first question step and presses "Present to a class"; the students open the
class's link over the arrival window and stay on the page as open tabs do (their following fragment
runs at its interval). Once every student is in, the presenter asks; each student, once its page shows
the question, taps its map within the answer window (--answer-within, 10 s): the map's `last_clicked`
is sent as the browser's front end sends it. Tap to dot is the time from sending a tap to reading, on
the presenter's socket, a map with as many dots as answers had been sent by then; an answer is lost
when the projector never shows it. bench/README.md explains every figure.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import sys
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench import follow
from bench.follow import FollowError, FollowPlan
from bench.streamlit_client import RerunTimeout, SessionClosed, StreamlitSession
from bench.support import fmt_spread, percentile

TOUR_PATH = "Classroom_tour"
GOALS = {"tap_to_dot_p95_s": 2.0, "lost": 0, "refused": 0, "dropped": 0, "exceptions": 0}
QUESTION = re.compile(r'class="quiz-panel" data-quiz="(\d+)"')
OWN = 'class="quiz-own"'
DOTS = re.compile(r'AtlasQuiz\.show\(map_div, (\{"open".*?\})\);')  # quiz.py's call, not the closing one
REFUSED = ("Too many answers", "no longer asked", "cannot answer", "not a point", "revealed")
SETTLE = 3.0
MOST_AFTER = 90.0  # seconds after the answer window the run waits for the last taps to show
BAKU = (40.41, 49.87)


class Page:
    """A page's stream reduced to what the quiz needs: the question shown, its own answer, the dots drawn."""

    def __init__(self) -> None:
        self.question_at: float | None = None
        self.own_at: float | None = None
        self.dots: list[tuple[float, int]] = []  # (monotonic time read, dots drawn)
        self.notices: list[str] = []
        self.problems: list[str] = []

    def __call__(self, msg: ForwardMsg, moment: float) -> None:
        if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
            return
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "markdown":
            body = element.markdown.body
            if self.question_at is None and QUESTION.search(body):
                self.question_at = moment
            if self.own_at is None and OWN in body:
                self.own_at = moment
        elif kind == "alert":
            self.notices.append(element.alert.body)
        elif kind == "component_instance":
            drawn = json.loads(element.component_instance.json_args).get("feature_group") or ""
            if found := DOTS.search(drawn):
                self.dots.append((moment, len(json.loads(found.group(1))["dots"])))


@dataclass
class Student:
    index: int
    page: Page = field(default_factory=Page)
    tapped_at: float | None = None
    join_s: float | None = None
    dropped: str | None = None
    session: StreamlitSession | None = None


@dataclass
class QuizResult:
    url: str
    store: str
    students: int = 0
    joins_s: list[float] = field(default_factory=list)
    question_s: list[float] = field(default_factory=list)  # ask to each student's page showing the question
    taps_sent: int = 0
    tap_to_dot_s: list[float] = field(default_factory=list)
    tap_to_own_s: list[float] = field(default_factory=list)
    ask_s: float = 0.0  # the presenter's click to its page showing the question
    shown_at_end: int = 0  # dots on the projector at the end
    lost: int = 0
    refused: int = 0
    dropped: int = 0
    exceptions: int = 0
    samples: list[str] = field(default_factory=list)
    load_average: tuple[float, float] = (0.0, 0.0)
    elapsed_s: float = 0.0


def question_step() -> int:
    """The 1-based number of the first storyline step of kind question."""
    from geo.atlas.loader import load_atlas
    from geo.atlas.tours import load_tour

    steps = load_tour(load_atlas()).steps
    return next(n for n, step in enumerate(steps, 1) if step.kind == "question")


async def student(url: str, code: str, start: float, within: float, log: Student, end: follow.Deadline) -> None:
    """Join at `start`, wait for the question, tap within `within` seconds, and stay until `end`."""
    await follow.sleep_until(start)
    session = log.session = StreamlitSession(url, TOUR_PATH, 60.0)
    page = log.page
    rng = random.Random(log.index)
    try:
        await session.open()
        run = await session.rerun(f"room={code}", page)
        log.join_s = run.seconds
        page.problems += run.problems
        while page.question_at is None and time.monotonic() < end.at:
            page.problems += await session.listen(min(end.at, time.monotonic() + 0.5), page)
        if page.question_at is None:
            return
        await asyncio.sleep(rng.uniform(0.0, within))
        lat, lon = BAKU[0] + rng.uniform(-1.5, 1.5), BAKU[1] + rng.uniform(-2.0, 1.0)
        value = {"last_clicked": {"lat": lat, "lng": lon}}
        log.tapped_at = time.monotonic()
        run = await session.set_values([session.component_value("component_instance", value)], page)
        page.problems += run.problems
        while time.monotonic() < end.at:
            page.problems += await session.listen(min(end.at, time.monotonic() + 0.5), page)
    except (SessionClosed, RerunTimeout, KeyError) as exc:
        log.dropped = f"{exc.__class__.__name__}: {exc}"


async def quiz_run(url: str, plan: FollowPlan, within: float) -> QuizResult:
    result = QuizResult(url, plan.store)
    load0 = os.getloadavg()[0]
    started = time.monotonic()
    await follow.warm(url, plan)
    presenter = StreamlitSession(url, TOUR_PATH, plan.timeout)
    projector = Page()
    await presenter.open()
    await presenter.rerun(f"step={question_step()}", projector)
    await presenter.click("room-start", projector)
    found = follow.ROOM.search(presenter.query)
    if not found:
        raise FollowError(f"no room was opened; the page said: {projector.notices[-1:]}")
    code = found.group(1)
    joined_by = time.monotonic() + plan.arrival + SETTLE
    end = follow.Deadline(joined_by + within + MOST_AFTER)
    logs = [Student(i) for i in range(plan.followers)]
    starts = [time.monotonic() + i * plan.arrival / plan.followers for i in range(plan.followers)]
    tasks = [asyncio.create_task(student(url, code, s, within, log, end)) for s, log in zip(starts, logs, strict=True)]
    await listen(presenter, projector, joined_by)
    ask_sent = time.monotonic()
    await presenter.click("quiz-ask-step", projector)
    result.ask_s = (projector.question_at or time.monotonic()) - ask_sent
    # Until every student has tapped (or could not) and the projector shows as many dots, or MOST_AFTER.
    while time.monotonic() < end.at:
        await listen(presenter, projector, min(end.at, time.monotonic() + 0.5))
        done = all(log.tapped_at is not None or log.dropped for log in logs)
        taps = sum(log.tapped_at is not None for log in logs)
        if done and projector.dots and projector.dots[-1][1] >= taps:
            end.at = time.monotonic() + 1.0  # the students leave; the presenter with them
            await listen(presenter, projector, end.at)
            break
    await asyncio.gather(*tasks)
    for log in logs:
        if log.session:
            await log.session.close()
    await presenter.close()
    fold(result, logs, projector, ask_sent)
    result.elapsed_s = time.monotonic() - started
    result.load_average = (load0, os.getloadavg()[0])
    return result


async def listen(session: StreamlitSession, page: Page, until: float) -> None:
    while time.monotonic() < until:
        page.problems += await session.listen(until, page)


def fold(result: QuizResult, logs: list[Student], projector: Page, ask_sent: float) -> None:
    result.students = len(logs)
    taps = sorted(log.tapped_at for log in logs if log.tapped_at is not None)
    result.taps_sent = len(taps)
    for rank, sent in enumerate(taps, 1):
        shown = next((t for t, n in projector.dots if t >= sent and n >= rank), None)
        if shown is None:
            result.lost += 1
        else:
            result.tap_to_dot_s.append(shown - sent)
    result.shown_at_end = projector.dots[-1][1] if projector.dots else 0
    for log in logs:
        if log.join_s is not None:
            result.joins_s.append(log.join_s)
        if log.page.question_at is not None:
            result.question_s.append(log.page.question_at - ask_sent)
        if log.tapped_at is not None and log.page.own_at is not None:  # the student's page confirms it
            result.tap_to_own_s.append(log.page.own_at - log.tapped_at)
        if log.dropped:
            result.dropped += 1
            result.samples.append(log.dropped[:160])
        result.refused += sum(1 for n in log.page.notices if any(r in n for r in REFUSED))
        result.exceptions += len(log.page.problems)
        result.samples += [p[:160] for p in log.page.problems]
    result.exceptions += len(projector.problems)
    result.samples = list(dict.fromkeys(result.samples))[:5]


def verdicts(result: QuizResult) -> dict[str, bool | None]:
    p95 = percentile(result.tap_to_dot_s, 95)
    return {
        "tap_to_dot_p95_s": None if p95 is None else p95 < GOALS["tap_to_dot_p95_s"],
        "lost": result.lost <= GOALS["lost"] and result.shown_at_end == result.taps_sent,
        "refused": result.refused <= GOALS["refused"],
        "dropped": result.dropped <= GOALS["dropped"],
        "exceptions": result.exceptions <= GOALS["exceptions"],
    }


def report(plan: FollowPlan, within: float, result: QuizResult) -> str:
    v = verdicts(result)

    def mark(key: str) -> str:
        return "" if v[key] is None else (" PASS" if v[key] else " FAIL")

    rows = [
        ("Students / taps sent", f"{result.students} / {result.taps_sent}", ""),
        ("Join: median / p95 / max", fmt_spread(result.joins_s), ""),
        ("Teacher's Ask: click to question on the projector", f"{result.ask_s:.2f} s", ""),
        ("Ask to question on a phone: median / p95 / max", fmt_spread(result.question_s), ""),
        (
            "Tap to dot on the projector: median / p95 / max",
            fmt_spread(result.tap_to_dot_s) + mark("tap_to_dot_p95_s"),
            "p95 < 2 s",
        ),
        ("Tap to the student's own answer shown: median / p95 / max", fmt_spread(result.tap_to_own_s), ""),
        ("Dots on the projector at the end", f"{result.shown_at_end} of {result.taps_sent}", ""),
        ("Answers never shown", str(result.lost) + mark("lost"), "0"),
        ("Answers refused", str(result.refused) + mark("refused"), "0"),
        ("Dropped students", str(result.dropped) + mark("dropped"), "0"),
        ("Runs showing an exception or error", str(result.exceptions) + mark("exceptions"), "0"),
        (
            "Machine load average (1 min), start / end",
            f"{result.load_average[0]:.1f} / {result.load_average[1]:.1f} on {os.cpu_count()} cores",
            "",
        ),
    ]
    first = max(len(r[0]) for r in rows) + 2
    width = max(len(r[1]) for r in rows) + 2
    rule = "=" * (first + width + 12)
    lines = [
        "",
        "Karabakh Atlas, classroom benchmark: the class answers a quiz",
        f"1 presenter and {plan.followers} students joining over {plan.arrival:g} s through {result.url}; rooms in "
        f"{result.store}; each student taps its map within {within:g} s of seeing the question",
        rule,
        *(f"{label:<{first}}{cell:<{width}}{goal}" for label, cell, goal in rows),
        "-" * len(rule),
        *(f"shown: {text}" for text in result.samples),
    ]
    failed = [key for key, ok in v.items() if ok is False]
    lines += ["Goals: " + ("PASS" if not failed else "FAIL (" + ", ".join(failed) + ")"), rule]
    return "\n".join(lines)


def run(args) -> int:
    if args.sessions is None:
        args.sessions = 250
    if args.arrival is None:
        args.arrival = 30.0
    try:
        plan = follow.plan_from(args)
    except FollowError as exc:
        print(f"bench_classroom: {exc}", file=sys.stderr)
        return 2
    with ExitStack() as stack:
        try:
            url, _ = follow.deploy(plan, stack)
            print(f"... quiz ({plan.followers} students through {url})", file=sys.stderr, flush=True)
            result = asyncio.run(quiz_run(url, plan, args.answer_within))
        except (FollowError, RuntimeError) as exc:
            print(f"bench_classroom: {exc}", file=sys.stderr)
            return 2
    print(report(plan, args.answer_within, result))
    if args.json:
        print(json.dumps({"goals": GOALS, "result": asdict(result), "verdicts": verdicts(result)}, default=str))
    return 0
