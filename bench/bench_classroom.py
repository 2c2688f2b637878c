"""Classroom load benchmark: tens of Streamlit sessions at once over Streamlit's WebSocket protocol, no browser.

Run from the repository root:

    python bench/bench_classroom.py                 # 50 sessions, 60 s of changes, app and baseline
    python bench/bench_classroom.py --quick         # 10 sessions, 20 s: a rough check
    python bench/bench_classroom.py --page tour     # the Classroom tour (?step=N) instead of Explore
    python bench/bench_classroom.py --churn 5       # 50 sessions join and leave 5 times: memory per round
    python bench/bench_classroom.py --url http://host:8080 --server-pid 1234
    python bench/bench_classroom.py --url http://host:8080 --workers-file workers.json --kill-worker-at 30
    python bench/bench_classroom.py --deploy 2      # also through deploy/serve.py with 2 workers, side by side
    python bench/bench_classroom.py --scenario follow   # a presenter and 50 followers through deploy/serve.py
    python bench/bench_classroom.py --scenario quiz     # a presenter asks, 250 students answer within 10 s

Without --url it starts `streamlit run app.py` and the one-marker baseline (bench/baseline_app.py)
side by side on free ports, loads one and then the other, and stops both at the end.
The follow scenario (one presenter, a class following the room) lives in bench/follow.py.
bench/README.md explains every option and figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench import follow, quiz
from bench.follow import FAULTS
from bench.streamlit_client import RerunTimeout, Run, SessionClosed, StreamlitSession
from bench.support import baseline_folder, cpu_seconds, fmt_s, fmt_spread, percentile, rss_mb, temp_folder
from geo.app.folium_component import UNCLICKED
from geo.atlas.datafile import is_http_link
from geo.paths import ROOT
from geo.testing import (
    Server,
    alive,
    start_deployment,
    start_streamlit,
    stop_deployment,
    stop_streamlit,
    wait_healthy,
)

TOUR_PATH = "Classroom_tour"  # geo/app/registry.py TOUR_PATH
ARTICLE_PATH = "Article"  # geo/app/registry.py ARTICLE_PATH
PAGE_PATHS = {"explore": "", "tour": TOUR_PATH, "article": ARTICLE_PATH}
GOALS = {
    "join_p95_s": 3.0,
    "change_p95_s": 0.5,
    "dropped": 0,
    "exceptions": 0,
    "rss_mb": 600.0,
    "cpu_ratio": 3.0,  # CPU per rerun of the page / of the baseline
    "churn_growth": 0.20,  # last churn round's RSS over the first round's
}
FULL = {"sessions": 50, "arrival": 10.0, "think": (3.0, 8.0), "duration": 60.0, "cpu_reruns": 40}
QUICK = {"sessions": 10, "arrival": 5.0, "think": (3.0, 8.0), "duration": 20.0, "cpu_reruns": 15}
DRAWN_REPORT = UNCLICKED  # what a map reports once drawn, before any click (the fields a page asks for among them)
RSS_EVERY = 0.5  # seconds between memory samples
RETRY_EVERY = 0.5  # seconds between reconnection attempts, and between new-session probes after a kill
MAX_PROBES = 3  # new-session probes waiting at once: more would load the surviving workers themselves


class BenchError(Exception):
    """Something stopped the measurement itself (a server that does not start, a bad option)."""


# What to run ----------------------------------------------------------------------------------


@dataclass
class Plan:
    """The load and the scenario, from the command line."""

    page: str
    sessions: int
    arrival: float
    think: tuple[float, float]
    duration: float
    timeout: float
    cpu_reruns: int
    seed: int
    url: str | None = None
    server_pid: int | None = None
    churn: int = 0
    churn_wait: float = 5.0
    kill_at: float | None = None
    workers_file: Path | None = None
    deploy: int = 0  # workers of a deploy/serve.py started beside app.py and the baseline (0: none)

    @property
    def scenario(self) -> str:
        if self.churn:
            return "churn"
        return "kill" if self.kill_at is not None else "load"


class Walk:
    """The query strings sessions ask for: places on Explore, steps on the tour."""

    def __init__(self, page: str) -> None:
        from geo.atlas.loader import load_atlas

        atlas = load_atlas()
        if page == "tour":
            from geo.atlas.tours import load_tour

            self.key, self.values = "step", [str(n) for n in range(1, len(load_tour(atlas)) + 1)]
        else:
            self.key, self.values = "place", [place.slug for place in atlas.places]

    def first(self, rng: random.Random) -> str:
        return f"{self.key}={rng.choice(self.values)}"

    def next(self, query: str, rng: random.Random) -> str:
        """Explore: another place at random. Tour: the next step, as a presenter's clicker goes."""
        current = query.partition("=")[2]
        if self.key == "step":
            return f"step={self.values[(self.values.index(current) + 1) % len(self.values)]}"
        return f"{self.key}={rng.choice([v for v in self.values if v != current])}"

    def sequence(self, n: int) -> list[str]:
        """n queries in a fixed order, each different from the one before (for the CPU measurement)."""
        return [f"{self.key}={self.values[i % len(self.values)]}" for i in range(n)]


@dataclass
class Target:
    """One server to load: where it is, which page, and which processes to measure (if known)."""

    name: str
    url: str
    page_path: str
    pids: Callable[[], list[int]] | None = None
    server: Server | None = None

    @property
    def page_url(self) -> str:
        return f"{self.url}/{self.page_path}".rstrip("/")

    def session(self, timeout: float) -> StreamlitSession:
        return StreamlitSession(self.url, self.page_path, timeout)

    def rss(self) -> float | None:
        pids = self.pids() if self.pids else []
        return rss_mb(*pids) if pids else None

    def cpu(self) -> float | None:
        pids = self.pids() if self.pids else []
        return cpu_seconds(*pids) if pids else None


# Results --------------------------------------------------------------------------------------


@dataclass
class SessionLog:
    """What one session went through."""

    join: Run | None = None
    drawn: Run | None = None  # the run the map's report once drawn starts, on a page whose map reports
    changes: list[Run] = field(default_factory=list)
    dropped: str | None = None  # why the session was given up, if it was
    lost_at: float | None = None  # when its socket closed unexpectedly (kill scenario)
    back_after: list[float] = field(default_factory=list)  # seconds from a lost socket to served again
    worker: str = ""  # the worker the proxy's sticky cookie named at the end ("" without a proxy)


@dataclass
class CpuResult:
    """Server CPU per rerun, from one session making changes one after the other on an otherwise idle server."""

    reruns: int
    cpu_s_per_rerun: float
    wall_median_s: float


@dataclass
class ChurnRound:
    rss_mb: float | None
    join_median_s: float | None
    dropped: int


@dataclass
class KillResult:
    """A worker killed under load, and how the deployment recovered."""

    worker_pid: int
    worker_port: int
    at_s: float  # seconds after the first session started
    sessions_lost: int  # sessions whose socket closed after the kill
    sessions_back: int  # of those, served again after reconnecting
    back_after_s: list[float]  # each one's time from losing its socket to being served again
    new_session_after_s: float | None  # from the kill to a new session's page, through the URL


@dataclass
class TargetResult:
    """Everything measured on one server; every list holds raw samples (seconds, bytes)."""

    name: str
    url: str
    sessions: int = 0
    joins_s: list[float] = field(default_factory=list)
    drawn_s: list[float] = field(default_factory=list)  # the runs after a join that maps' reports start
    changes_s: list[float] = field(default_factory=list)
    dropped: int = 0
    drop_reasons: dict[str, int] = field(default_factory=dict)
    exceptions: int = 0  # runs that showed an exception box, an st.error or "page not found"
    exception_samples: list[str] = field(default_factory=list)
    join_bytes: list[int] = field(default_factory=list)
    join_wire_bytes: list[int] = field(default_factory=list)
    change_bytes: list[int] = field(default_factory=list)
    change_wire_bytes: list[int] = field(default_factory=list)
    rss_start_mb: float | None = None
    rss_peak_mb: float | None = None
    rss_end_mb: float | None = None
    cold_join_s: float | None = None
    cpu: CpuResult | None = None
    churn: list[ChurnRound] = field(default_factory=list)
    kill: KillResult | None = None
    client_cpu_s: float = 0.0
    elapsed_s: float = 0.0
    per_worker: dict[str, int] = field(default_factory=dict)  # sessions by the worker their cookie names

    def add(self, logs: list[SessionLog]) -> None:
        """Fold session logs into the totals."""
        self.sessions += len(logs)
        for log in logs:
            if log.worker:
                self.per_worker[log.worker] = self.per_worker.get(log.worker, 0) + 1
            if log.join:
                self.joins_s.append(log.join.seconds)
                self.join_bytes.append(log.join.payload_bytes)
                self.join_wire_bytes.append(log.join.wire_bytes)
            if log.drawn:
                self.drawn_s.append(log.drawn.seconds)
            for run in log.changes:
                self.changes_s.append(run.seconds)
                self.change_bytes.append(run.payload_bytes)
                self.change_wire_bytes.append(run.wire_bytes)
            for run in [r for r in (log.join, log.drawn) if r] + log.changes:
                if run.problems:
                    self.exceptions += 1
                    for text in run.problems:
                        if text not in self.exception_samples and len(self.exception_samples) < 5:
                            self.exception_samples.append(text)
            if log.dropped:
                self.dropped += 1
                reason = log.dropped[:120]
                self.drop_reasons[reason] = self.drop_reasons.get(reason, 0) + 1


# Sessions -------------------------------------------------------------------------------------


async def sleep_until(moment: float) -> None:
    await asyncio.sleep(max(0.0, moment - time.monotonic()))


async def come_back(session: StreamlitSession, query: str, log: SessionLog, timeout: float) -> Run:
    """Reconnect as a browser does after losing its socket (new WebSocket, same URL) until served again."""
    lost_at = session.closed_at or time.monotonic()
    if log.lost_at is None:
        log.lost_at = lost_at
    give_up = lost_at + timeout
    last = "no attempt"
    while time.monotonic() < give_up:
        try:
            await session.open()
            run = await session.rerun(query)
        except (SessionClosed, RerunTimeout) as exc:
            last = str(exc)
            await asyncio.sleep(RETRY_EVERY)
            continue
        log.back_after.append(time.monotonic() - lost_at)
        return run
    raise SessionClosed(f"not served again within {timeout:.0f} s ({last})")


async def student(
    target: Target, plan: Plan, walk: Walk, rng: random.Random, start: float, end: float, reconnect: bool
) -> tuple[StreamlitSession, SessionLog]:
    """One session: join at `start`, then change place or step every think-time until `end`.

    The session stays open afterwards, as a student stays on the page, until the caller closes it.
    """
    log = SessionLog()
    await sleep_until(start)
    session = target.session(plan.timeout)
    query = walk.first(rng)
    try:
        try:
            await session.open()
            log.join = await session.rerun(query)
        except SessionClosed:
            if not reconnect:
                raise
            log.join = await come_back(session, query, log, plan.timeout)
        log.drawn = await session.report_drawn(DRAWN_REPORT)
        while True:
            pause = rng.uniform(*plan.think)
            if time.monotonic() + pause >= end:
                break
            query = walk.next(query, rng)
            if await session.wait_closed(pause):
                if not reconnect:
                    raise SessionClosed(f"closed between runs: {session.closed_reason()}")
                await come_back(session, query, log, plan.timeout)
                continue
            try:
                log.changes.append(await session.rerun(query))
            except SessionClosed:
                if not reconnect:
                    raise
                await come_back(session, query, log, plan.timeout)
    except (SessionClosed, RerunTimeout) as exc:
        log.dropped = f"{exc.__class__.__name__}: {exc}"
        await session.close()
    log.worker = session.worker
    return session, log


async def join_only(
    target: Target, plan: Plan, walk: Walk, rng: random.Random, start: float
) -> tuple[StreamlitSession, SessionLog]:
    """A session that joins at `start` and stays open (the churn scenario closes it later)."""
    log = SessionLog()
    await sleep_until(start)
    session = target.session(plan.timeout)
    try:
        await session.open()
        log.join = await session.rerun(walk.first(rng))
        log.drawn = await session.report_drawn(DRAWN_REPORT)
    except (SessionClosed, RerunTimeout) as exc:
        log.dropped = f"{exc.__class__.__name__}: {exc}"
    return session, log


def session_rng(plan: Plan, index: int, round_: int = 0) -> random.Random:
    """Each session's own random sequence, the same for every target, so they get the same load."""
    return random.Random(plan.seed * 1_000_003 + round_ * 10_007 + index)


# Measurements ---------------------------------------------------------------------------------


class RssSampler:
    """Samples the target's server memory in the background; keeps the peak."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.samples: list[float] = []
        self._task: asyncio.Task | None = None

    def sample(self) -> float | None:
        value = self.target.rss()
        if value is not None:
            self.samples.append(value)
        return value

    async def _loop(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(RSS_EVERY)

    def __enter__(self) -> RssSampler:
        if self.target.pids:
            self._task = asyncio.create_task(self._loop())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task:
            self._task.cancel()

    @property
    def peak(self) -> float | None:
        return max(self.samples) if self.samples else None


async def cold_join(target: Target, plan: Plan, walk: Walk) -> tuple[float, list[str]]:
    """One session's first run after the server started: it loads the data, so it is slow; it also warms the caches."""
    session = target.session(plan.timeout)
    try:
        await session.open()
        run = await session.rerun(walk.first(random.Random(plan.seed)))
    except (SessionClosed, RerunTimeout) as exc:
        raise BenchError(f"{target.name}: no page from {target.page_url}: {exc}") from exc
    finally:
        await session.close()
    return run.seconds, run.problems


async def cpu_per_rerun(target: Target, plan: Plan, walk: Walk) -> CpuResult | None:
    """Server CPU seconds per rerun: one session, `cpu_reruns` changes one after the other, /proc before and after."""
    if plan.cpu_reruns <= 0 or target.cpu() is None:
        return None
    session = target.session(plan.timeout)
    queries = walk.sequence(plan.cpu_reruns + 1)
    walls = []
    try:
        await session.open()
        await session.rerun(queries[0])
        await asyncio.sleep(0.5)  # let the join's last messages go out before counting
        before = target.cpu()
        for query in queries[1:]:
            walls.append((await session.rerun(query)).seconds)
        after = target.cpu()
    except (SessionClosed, RerunTimeout) as exc:
        raise BenchError(f"{target.name}: CPU measurement failed: {exc}") from exc
    finally:
        await session.close()
    assert before is not None and after is not None
    return CpuResult(len(walls), (after - before) / len(walls), statistics.median(walls))


async def classroom(target: Target, plan: Plan, walk: Walk, result: TargetResult) -> None:
    """The class: sessions join spread over the arrival window and change place or step until the end."""
    reconnect = plan.scenario == "kill"
    t0 = time.monotonic()
    end = t0 + plan.arrival + plan.duration
    with RssSampler(target) as rss:
        result.rss_start_mb = rss.sample()
        killer = asyncio.create_task(kill_and_probe(target, plan, walk, t0)) if reconnect else None
        tasks = [
            student(target, plan, walk, session_rng(plan, i), t0 + i * plan.arrival / plan.sessions, end, reconnect)
            for i in range(plan.sessions)
        ]
        opened = await asyncio.gather(*tasks)
        result.rss_end_mb = rss.sample()
        result.rss_peak_mb = rss.peak
        await asyncio.gather(*(session.close() for session, _ in opened))
        if killer:
            result.kill = await killer
    logs = [log for _, log in opened]
    result.add(logs)
    if result.kill:
        lost = [log for log in logs if log.lost_at is not None and log.lost_at >= t0 + result.kill.at_s]
        result.kill.sessions_lost = len(lost)
        result.kill.sessions_back = sum(1 for log in lost if log.back_after)
        result.kill.back_after_s = [log.back_after[0] for log in lost if log.back_after]


async def churn(target: Target, plan: Plan, walk: Walk, result: TargetResult) -> None:
    """Sessions join and all leave, `plan.churn` times; server memory after each round (sessions gone)."""
    result.rss_start_mb = target.rss()
    with RssSampler(target) as rss:
        for round_ in range(plan.churn):
            t0 = time.monotonic()
            opened = await asyncio.gather(
                *(
                    join_only(target, plan, walk, session_rng(plan, i, round_), t0 + i * plan.arrival / plan.sessions)
                    for i in range(plan.sessions)
                )
            )
            await asyncio.gather(*(session.close() for session, _ in opened))
            logs = [log for _, log in opened]
            result.add(logs)
            await asyncio.sleep(plan.churn_wait)
            joins = [log.join.seconds for log in logs if log.join]
            result.churn.append(
                ChurnRound(
                    rss.sample(), statistics.median(joins) if joins else None, sum(bool(g.dropped) for g in logs)
                )
            )
        result.rss_end_mb = rss.sample()
        result.rss_peak_mb = rss.peak


# Killing a worker -----------------------------------------------------------------------------


def read_workers(path: Path) -> list[tuple[int, int]]:
    """(pid, port) of each worker from the deployment's JSON file: [{"port": 8601, "pid": 1234}, ...]."""
    try:
        entries = json.loads(path.read_text())
        workers = [(int(entry["pid"]), int(entry["port"])) for entry in entries]
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise BenchError(f"cannot read the workers file {path}: {exc}") from exc
    if not workers:
        raise BenchError(f"the workers file {path} lists no worker")
    return workers


async def new_session_served(target: Target, plan: Plan, walk: Walk, since: float) -> float | None:
    """Open a new session every RETRY_EVERY seconds until one gets its page; seconds from `since` to that.

    At most MAX_PROBES wait at once, so that the probing does not become a load of its own.
    """
    served: list[float] = []
    done = asyncio.Event()

    async def probe() -> None:
        session = target.session(plan.timeout)
        try:
            await session.open()
            await session.rerun(walk.first(random.Random()))
            served.append(time.monotonic() - since)
            done.set()
        except (SessionClosed, RerunTimeout):
            pass
        finally:
            await session.close()

    probes: list[asyncio.Task] = []
    give_up = since + plan.timeout
    while not done.is_set() and time.monotonic() < give_up:
        if sum(not task.done() for task in probes) < MAX_PROBES:
            probes.append(asyncio.create_task(probe()))
        with suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), RETRY_EVERY)
    for task in probes:
        task.cancel()
    await asyncio.gather(*probes, return_exceptions=True)
    return min(served) if served else None


async def kill_and_probe(target: Target, plan: Plan, walk: Walk, t0: float) -> KillResult:
    """At plan.kill_at seconds, kill -9 the first worker in the workers file, then time a new session's page."""
    assert plan.kill_at is not None and plan.workers_file is not None
    await sleep_until(t0 + plan.kill_at)
    pid, port = read_workers(plan.workers_file)[0]
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError as exc:
        raise BenchError(f"worker pid {pid} (port {port}) from {plan.workers_file} is not running") from exc
    killed = time.monotonic()
    after = await new_session_served(target, plan, walk, killed)
    return KillResult(pid, port, killed - t0, 0, 0, [], after)


# Running it all -------------------------------------------------------------------------------


async def measure(targets: list[Target], plan: Plan) -> list[TargetResult]:
    """Warm every server, measure CPU per rerun on each while idle, then run the scenario on each in turn."""
    walk = Walk(plan.page)
    results = [TargetResult(t.name, t.page_url) for t in targets]
    for target, result in zip(targets, results, strict=True):
        result.cold_join_s, problems = await cold_join(target, plan, walk)
        if problems:
            print(f"warning: {target.name} shows errors on its first run: {problems[0]}", file=sys.stderr)
    for target, result in zip(targets, results, strict=True):
        result.cpu = await cpu_per_rerun(target, plan, walk)
    for target, result in zip(targets, results, strict=True):
        print(f"... loading {target.name} ({plan.scenario}, {plan.sessions} sessions)", file=sys.stderr, flush=True)
        started, cpu0 = time.monotonic(), time.process_time()
        if plan.scenario == "churn":
            await churn(target, plan, walk, result)
        else:
            await classroom(target, plan, walk, result)
        result.elapsed_s = time.monotonic() - started
        result.client_cpu_s = time.process_time() - cpu0
        if target.server and target.server.proc.poll() is not None:
            raise BenchError(f"{target.name} exited during the run.\n{target.server.log_tail()}")
    return results


def fixed_pid(pid: int) -> Callable[[], list[int]]:
    if not alive(pid):
        raise BenchError(f"--server-pid {pid} is not a running process")
    return lambda: [pid]


def worker_pids(path: Path) -> Callable[[], list[int]]:
    """The workers' pids, read again at each sample: a deployment restarts a killed worker under a new pid."""
    read_workers(path)  # fail now, not in the middle of the run

    def pids() -> list[int]:
        with suppress(BenchError):
            return [pid for pid, _ in read_workers(path) if alive(pid)]
        return []

    return pids


def external_target(plan: Plan) -> Target:
    """A server someone else started (--url), measured through --server-pid or the workers file if given."""
    assert plan.url is not None
    pids = None
    if plan.server_pid is not None:
        pids = fixed_pid(plan.server_pid)
    elif plan.workers_file is not None:
        pids = worker_pids(plan.workers_file)
    return Target("target", plan.url.rstrip("/"), PAGE_PATHS[plan.page], pids)


@contextmanager
def own_servers(plan: Plan) -> Iterator[list[Target]]:
    """Start app.py and the baseline as the README says, with the repository's config; always stop them."""
    with ExitStack() as stack:
        tmp = temp_folder()
        stack.callback(shutil.rmtree, tmp, True)
        app = start_streamlit(ROOT / "app.py", name="app", log=tmp / "app.log")
        stack.callback(stop_streamlit, app)
        base = start_streamlit(baseline_folder(tmp) / "baseline_app.py", name="baseline", log=tmp / "baseline.log")
        stack.callback(stop_streamlit, base)
        for server in (app, base):
            try:
                wait_healthy(server)
            except RuntimeError as exc:
                raise BenchError(str(exc)) from exc
        page_path = PAGE_PATHS[plan.page]
        targets = [Target("app", app.url, page_path, lambda: [app.pid], app)]
        if plan.deploy:
            try:
                deployment = start_deployment(tmp / "run", plan.deploy, {"ATLAS_ROOMS_DIR": str(tmp / "rooms")})
            except RuntimeError as exc:
                raise BenchError(str(exc)) from exc
            stack.callback(stop_deployment, deployment)
            targets.append(Target("deploy", deployment.url, page_path, worker_pids(deployment.workers_file)))
        # The baseline has one page: it gets the same query strings on its root.
        yield [*targets, Target("baseline", base.url, "", lambda: [base.pid], base)]


def run(plan: Plan) -> list[TargetResult]:
    if plan.url:
        return asyncio.run(measure([external_target(plan)], plan))
    with own_servers(plan) as targets:
        return asyncio.run(measure(targets, plan))


# Report ---------------------------------------------------------------------------------------


def fmt_kb(payload: list[int], wire: list[int]) -> str:
    if not payload:
        return "-"
    return f"{statistics.median(payload) / 1024:.0f} / {statistics.median(wire) / 1024:.0f} KB"


def fmt_mb(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def churn_growth(result: TargetResult) -> float | None:
    rounds = [r.rss_mb for r in result.churn if r.rss_mb is not None]
    return rounds[-1] / rounds[0] - 1 if len(rounds) >= 2 else None


def verdicts(result: TargetResult, plan: Plan, ratio: float | None) -> dict[str, bool | None]:
    """PASS (True) / FAIL (False) / not measured (None) for each goal."""
    join_p95 = percentile(result.joins_s, 95)
    change_p95 = percentile(result.changes_s, 95)
    growth = churn_growth(result)
    return {
        "join_p95_s": None if join_p95 is None else join_p95 < GOALS["join_p95_s"],
        "change_p95_s": None if change_p95 is None else change_p95 < GOALS["change_p95_s"],
        "dropped": result.dropped <= GOALS["dropped"],
        "exceptions": result.exceptions <= GOALS["exceptions"],
        "rss_mb": None if result.rss_peak_mb is None else result.rss_peak_mb < GOALS["rss_mb"],
        "cpu_ratio": None if ratio is None else ratio < GOALS["cpu_ratio"],
        "churn_growth": None if growth is None else growth <= GOALS["churn_growth"],
    }


def mark(ok: bool | None) -> str:
    return "" if ok is None else (" PASS" if ok else " FAIL")


def cpu_ratio(results: list[TargetResult]) -> float | None:
    by_name = {r.name: r for r in results}
    app, base = by_name.get("app"), by_name.get("baseline")
    if app and base and app.cpu and base.cpu and base.cpu.cpu_s_per_rerun > 0:
        return app.cpu.cpu_s_per_rerun / base.cpu.cpu_s_per_rerun
    return None


def header(plan: Plan, results: list[TargetResult]) -> list[str]:
    page = {
        "tour": "Classroom tour (?step=N, next step per change)",
        "article": "Article reader (?place=slug links; clicks on mentions never reach the server)",
    }.get(plan.page, "Explore (?place=slug)")
    lines = ["", f"Karabakh Atlas, classroom benchmark: {page}"]
    if plan.scenario == "churn":
        lines.append(
            f"{plan.sessions} sessions join over {plan.arrival:g} s and all leave, {plan.churn} times; "
            f"memory read {plan.churn_wait:g} s after each round"
        )
    else:
        lines.append(
            f"{plan.sessions} sessions join over {plan.arrival:g} s, then change every {plan.think[0]:g}-"
            f"{plan.think[1]:g} s until {plan.arrival + plan.duration:g} s; run timeout {plan.timeout:g} s; "
            f"seed {plan.seed}"
        )
    for r in results:
        lines.append(f"  {r.name:<9} {r.url}")
    return lines


def per_worker(counts: dict[str, int]) -> str:
    """w1: 25, w2: 25 (the cookie's names, never the workers' addresses); "-" when nothing was behind a proxy."""
    return ", ".join(f"{name}: {n}" for name, n in sorted(counts.items())) or "-"


def rows(plan: Plan, results: list[TargetResult], ratio: float | None) -> list[tuple[str, list[str], str]]:
    """(figure, one cell per target, goal) for the table."""
    checks = [verdicts(r, plan, ratio if r.name == "app" else None) for r in results]

    def row(label: str, cells: list[str], goal: str = "", key: str | None = None) -> tuple[str, list[str], str]:
        if key:
            cells = [cell + mark(check[key]) for cell, check in zip(cells, checks, strict=True)]
        return label, cells, goal

    out = [
        row("Sessions", [str(r.sessions) for r in results]),
    ]
    if any(r.per_worker for r in results):
        out.append(row("Sessions per worker (the proxy's cookie)", [per_worker(r.per_worker) for r in results]))
    out += [
        row("Join: median / p95 / max", [fmt_spread(r.joins_s) for r in results], "p95 < 3 s", "join_p95_s"),
        row("Map's report once drawn, its run: median / p95 / max", [fmt_spread(r.drawn_s) for r in results]),
    ]
    if plan.scenario != "churn":
        out += [
            row(
                "Change: median / p95 / max", [fmt_spread(r.changes_s) for r in results], "p95 < 500 ms", "change_p95_s"
            ),
            row("Changes made", [str(len(r.changes_s)) for r in results]),
        ]
    out += [
        row("Dropped sessions", [str(r.dropped) for r in results], "0", "dropped"),
        row("Runs showing an exception or error", [str(r.exceptions) for r in results], "0", "exceptions"),
        row("Per join, median (payload / on the wire)", [fmt_kb(r.join_bytes, r.join_wire_bytes) for r in results]),
    ]
    if plan.scenario != "churn":
        out.append(
            row(
                "Per change, median (payload / on the wire)",
                [fmt_kb(r.change_bytes, r.change_wire_bytes) for r in results],
            )
        )
    out += [
        row(
            "Server RSS MB: start / peak / end",
            [f"{fmt_mb(r.rss_start_mb)} / {fmt_mb(r.rss_peak_mb)} / {fmt_mb(r.rss_end_mb)}" for r in results],
            "peak < 600 MB",
            "rss_mb",
        ),
    ]
    if plan.scenario == "churn":
        for i in range(plan.churn):
            cells = []
            for r in results:
                rnd = r.churn[i] if i < len(r.churn) else None
                if rnd is None:
                    cells.append("-")
                    continue
                first = r.churn[0].rss_mb
                change = f" ({(rnd.rss_mb / first - 1) * 100:+.0f}%)" if i and rnd.rss_mb and first else ""
                cells.append(f"{fmt_mb(rnd.rss_mb)} MB{change}, join {fmt_s(rnd.join_median_s)}")
            out.append(row(f"  after round {i + 1}: RSS (vs round 1), join", cells))
        growth = [churn_growth(r) for r in results]
        out.append(
            row(
                "  last round vs first round",
                ["-" if g is None else f"{g * 100:+.0f}%" for g in growth],
                "within +20%",
                "churn_growth",
            )
        )
    if any(r.cpu for r in results):
        out.append(
            row(
                "CPU per rerun, 1 session (server / wall median)",
                [f"{fmt_s(r.cpu.cpu_s_per_rerun)} / {fmt_s(r.cpu.wall_median_s)}" if r.cpu else "-" for r in results],
            )
        )
        if ratio is not None:
            cells = [f"{ratio:.2f} x" if r.name == "app" else "" for r in results]
            out.append(row("  CPU per rerun, app / baseline", cells, "< 3 x", "cpu_ratio"))
    out += [
        row("First join after server start (cold)", [fmt_s(r.cold_join_s) for r in results]),
        row("Benchmark client CPU / elapsed", [f"{r.client_cpu_s:.2f} / {r.elapsed_s:.0f} s" for r in results]),
    ]
    return out


def kill_lines(result: TargetResult) -> list[str]:
    k = result.kill
    if k is None:
        return []
    back = k.back_after_s
    spread = fmt_spread(back) if back else "-"
    return [
        f"Worker killed: pid {k.worker_pid} (port {k.worker_port}) at {k.at_s:.1f} s",
        f"  sessions whose socket closed: {k.sessions_lost}; served again after reconnecting: {k.sessions_back}",
        f"  their time from losing the socket to served again, median / p95 / max: {spread}",
        f"  a new session through the URL got its page {fmt_s(k.new_session_after_s)} after the kill"
        if k.new_session_after_s is not None
        else "  no new session got its page within the run timeout after the kill",
    ]


def report(plan: Plan, results: list[TargetResult]) -> str:
    ratio = cpu_ratio(results)
    table = rows(plan, results, ratio)
    first = max(len(label) for label, _, _ in table) + 2
    width = max(30, *(len(cell) + 2 for _, cells, _ in table for cell in cells))
    rule = "=" * (first + width * len(results) + 16)
    lines = header(plan, results) + [rule]
    lines.append(f"{'Figure':<{first}}" + "".join(f"{r.name:<{width}}" for r in results) + "Goal")
    lines.append("-" * len(rule))
    for label, cells, goal in table:
        lines.append(f"{label:<{first}}" + "".join(f"{cell:<{width}}" for cell in cells) + goal)
    lines.append("-" * len(rule))
    for r in results:
        lines += kill_lines(r)
        for reason, count in r.drop_reasons.items():
            lines.append(f"{r.name}: {count} dropped: {reason}")
        for text in r.exception_samples:
            lines.append(f"{r.name}: shown: {text}")
    for r in results:
        failed = [key for key, ok in verdicts(r, plan, ratio if r.name == "app" else None).items() if ok is False]
        lines.append(f"Goals, {r.name}: " + ("PASS" if not failed else "FAIL (" + ", ".join(failed) + ")"))
    lines.append(rule)
    return "\n".join(lines)


def as_json(plan: Plan, results: list[TargetResult]) -> str:
    ratio = cpu_ratio(results)
    plan_dict = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(plan).items()}
    return json.dumps(
        {
            "plan": plan_dict,
            "goals": GOALS,
            "cpu_ratio": ratio,
            "results": [
                {**asdict(r), "verdicts": verdicts(r, plan, ratio if r.name == "app" else None)} for r in results
            ],
        },
        indent=2,
    )


# Command line ---------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, help="sessions at once (default 50; 10 with --quick)")
    parser.add_argument("--arrival", type=float, help="seconds over which sessions join (default 10; 5 with --quick)")
    parser.add_argument("--think", type=float, nargs=2, metavar=("MIN", "MAX"), help="seconds between changes (3 8)")
    parser.add_argument("--duration", type=float, help="seconds of changes after the arrival window (60; 20 quick)")
    parser.add_argument(
        "--page", choices=(*PAGE_PATHS, "follow"), default="explore", help="page to load (follow: the scenario)"
    )
    parser.add_argument(
        "--scenario",
        choices=("load", "follow", "quiz"),
        default="load",
        help="follow: a presenter and followers in a room; quiz: the class answers a question (bench/quiz.py)",
    )
    follow = parser.add_argument_group("follow scenario (bench/follow.py)")
    follow.add_argument("--next-every", type=float, default=4.0, help="seconds between the presenter's Nexts (4)")
    follow.add_argument("--quiet", type=float, default=10.0, help="seconds in the room before the first Next (10)")
    follow.add_argument("--workers", type=int, default=2, help="workers of the deployment it starts (2)")
    follow.add_argument("--store", choices=("sqlite", "redis"), default="sqlite", help="where rooms live (sqlite)")
    follow.add_argument(
        "--upstream",
        action="store_true",
        help="a second set of --workers workers (deploy/serve.py --workers-only) behind the proxy's --upstream, "
        "sharing rooms through Redis, as a second machine would",
    )
    follow.add_argument("--poll", type=float, help="the followers' polling interval, s (the app's default)")
    follow.add_argument("--fault", choices=FAULTS, help="a fault during the presses (see bench/README.md)")
    follow.add_argument("--fault-at", type=float, default=20.0, help="seconds after the first Next (20)")
    follow.add_argument("--offline", type=float, default=30.0, help="presenter-offline: seconds away (30)")
    follow.add_argument(
        "--answer-within", type=float, default=10.0, help="quiz: seconds within which every student taps (10)"
    )
    follow.add_argument("--store-down", type=float, default=5.0, help="restart-store, Redis: seconds down (5)")
    parser.add_argument("--url", help="load this running deployment instead of starting app.py and the baseline")
    parser.add_argument("--server-pid", type=int, help="with --url: server pid to read memory and CPU from")
    parser.add_argument("--quick", action="store_true", help="10 sessions, 20 s of changes: a rough check")
    parser.add_argument("--json", action="store_true", help="also print the results (with raw samples) as JSON")
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="seconds a run may take before the session is dropped"
    )
    parser.add_argument("--cpu-reruns", type=int, help="changes in the CPU-per-rerun measurement (40; 0 skips it)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the places, steps and think times")
    parser.add_argument(
        "--churn", type=int, default=0, metavar="ROUNDS", help="join-and-leave rounds instead of the load"
    )
    parser.add_argument(
        "--churn-wait", type=float, default=5.0, help="seconds after each churn round before reading RSS"
    )
    parser.add_argument(
        "--deploy",
        type=int,
        default=0,
        metavar="WORKERS",
        help="also load deploy/serve.py with this many workers, between the app and the baseline",
    )
    parser.add_argument("--kill-worker-at", type=float, metavar="SECONDS", help="kill -9 the first worker at this time")
    parser.add_argument(
        "--workers-file", type=Path, help='deployment\'s JSON list of workers: [{"port": .., "pid": ..}]'
    )
    return parser.parse_args(argv)


def make_plan(args: argparse.Namespace) -> Plan:
    preset = QUICK if args.quick else FULL
    plan = Plan(
        page=args.page,
        sessions=args.sessions or preset["sessions"],
        arrival=preset["arrival"] if args.arrival is None else args.arrival,
        think=tuple(args.think) if args.think else preset["think"],
        duration=preset["duration"] if args.duration is None else args.duration,
        timeout=args.timeout,
        cpu_reruns=preset["cpu_reruns"] if args.cpu_reruns is None else args.cpu_reruns,
        seed=args.seed,
        url=args.url,
        server_pid=args.server_pid,
        churn=args.churn,
        churn_wait=args.churn_wait,
        kill_at=args.kill_worker_at,
        workers_file=args.workers_file,
        deploy=args.deploy,
    )
    check(plan)
    return plan


def check(plan: Plan) -> None:
    """Refuse option combinations that cannot be measured, before starting anything."""
    if plan.sessions < 1 or plan.arrival < 0 or plan.duration < 0 or plan.timeout <= 0:
        raise BenchError("--sessions must be at least 1; --arrival, --duration and --timeout must not be negative")
    if not 0 <= plan.think[0] <= plan.think[1]:
        raise BenchError("--think MIN MAX needs 0 <= MIN <= MAX")
    if plan.churn < 0:
        raise BenchError("--churn needs a number of rounds")
    if plan.url and not is_http_link(plan.url):
        raise BenchError(f"--url needs an http:// or https:// address, not {plan.url!r}")
    if plan.deploy and (plan.url or plan.deploy < 1):
        raise BenchError("--deploy starts its own deployment of at least 1 worker (leave out --url)")
    if plan.server_pid is not None and not plan.url:
        raise BenchError("--server-pid is for a server given with --url")
    if plan.kill_at is not None:
        if not (plan.url and plan.workers_file):
            raise BenchError("--kill-worker-at needs --url (the proxy in front of the workers) and --workers-file")
        if plan.churn:
            raise BenchError("--kill-worker-at and --churn are separate scenarios; choose one")
        if not 0 <= plan.kill_at < plan.arrival + plan.duration:
            raise BenchError(f"--kill-worker-at must fall within the run (0 to {plan.arrival + plan.duration:g} s)")
    elif plan.workers_file is not None and not plan.url:
        raise BenchError("--workers-file is for a deployment given with --url")


def interrupt(signum: int, frame: object) -> None:
    """A plain `kill` of the benchmark stops the servers it started, as Ctrl-C does."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, interrupt)
    args = parse_args(argv)
    if args.scenario in ("follow", "quiz") or args.page == "follow":
        try:
            return quiz.run(args) if args.scenario == "quiz" else follow.run(args)
        except KeyboardInterrupt:
            print("bench_classroom: interrupted; the servers it started are stopped", file=sys.stderr)
            return 130
    try:
        plan = make_plan(args)
        results = run(plan)
    except BenchError as exc:
        print(f"bench_classroom: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench_classroom: interrupted; the servers it started are stopped", file=sys.stderr)
        return 130
    print(report(plan, results))
    if args.json:
        print(as_json(plan, results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
