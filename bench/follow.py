"""The follow scenario of bench_classroom.py: one presenter and a class of followers in one room.

    python bench/bench_classroom.py --scenario follow                   # deploy/serve.py, 2 workers, SQLite rooms
    python bench/bench_classroom.py --scenario follow --store redis     # the same with a private redis-server
    python bench/bench_classroom.py --scenario follow --fault kill-worker
    python bench/bench_classroom.py --scenario follow --upstream      # two sets of workers, rooms in Redis
    python bench/bench_classroom.py --scenario follow --url http://host:8080 --workers-file run/workers.json

The benchmark starts the deployment itself (nginx in front of --workers workers, rooms in a
temporary folder or a private Redis) unless --url names one. A presenter session opens the
tour, presses "Present to a class" and reads the room's code from the address the page sets;
the followers open `?room=CODE` through the proxy, spread over the arrival window and so over
the workers, and stay on the page as open tabs do: their polling fragment is rerun at its
interval and every message the server pushes is read. After a quiet spell with no move (the
polling's own cost), the presenter presses Next every --next-every seconds. A follower's lag
for a press is the time from sending the click to reading the new step's passage on that
follower's socket. bench/README.md explains every figure and fault.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import sys
import time
from contextlib import ExitStack, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.streamlit_client import RerunTimeout, SessionClosed, StreamlitSession
from bench.support import cpu_seconds, fmt_s, fmt_spread, percentile, temp_folder
from geo.rooms.presenting import follow_settings
from geo.testing import (
    RedisProcess,
    alive,
    descendants,
    free_port,
    start_deployment,
    start_worker_set,
    stop_deployment,
    upstreams_in,
)

TOUR_PATH = "Classroom_tour"  # geo/app/registry.py TOUR_PATH
FAULTS = ("presenter-reload", "presenter-offline", "kill-worker", "restart-store")
GOALS = {"lag_p95_s": 1.0, "next_p95_s": 0.3, "dropped": 0, "missed": 0, "not_on_last_step": 0, "exceptions": 0}
STEP = re.compile(r'class="tour-passage" data-step="(\d+)"')
ROOM = re.compile(r"(?:^|&)room=([A-Z0-9]+)")
KEEP = re.compile(r'data-name="(atlas_presenter_[A-Z0-9]+)" data-value="([A-Za-z0-9_-]*)"')
GONE = "No class is presenting"
NOT_MOVED = "did not move"
RETRY_EVERY = 0.5
SETTLE = 3.0  # seconds after the last follower joined before the quiet spell, and after the last press


class FollowError(Exception):
    """Something stopped the measurement itself."""


@dataclass
class FollowPlan:
    followers: int
    arrival: float
    next_every: float
    duration: float
    quiet: float
    timeout: float
    workers: int
    store: str
    url: str | None
    workers_file: Path | None
    fault: str | None
    fault_at: float
    offline: float
    store_down: float
    poll: float | None
    seed: int
    upstream: bool = False  # a second set of workers behind the proxy's --upstream, rooms in Redis
    other_workers_file: Path | None = None  # that set's workers.json

    @property
    def fault_pause(self) -> float:
        """Seconds of the run the fault takes out of the presses (the presenter is away)."""
        return self.offline if self.fault == "presenter-offline" else 0.0


# What a page shows ---------------------------------------------------------------------------


class Watcher:
    """A page's stream of messages reduced to what the scenario needs: each step shown and when."""

    def __init__(self) -> None:
        self.shown: list[tuple[float, int]] = []  # (monotonic time read, 1-based step) per passage drawn
        self.notices: list[str] = []
        self.problems: list[str] = []
        self.gone = False  # a "no class is presenting" notice was shown
        self.presenting = False  # the presenter's room panel was drawn (reset by the caller)
        self.cookie: tuple[str, str] | None = None  # what the page's script would store

    def __call__(self, msg: ForwardMsg, moment: float) -> None:
        if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
            return
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "markdown":
            body = element.markdown.body
            if found := STEP.search(body):
                self.shown.append((moment, int(found.group(1))))
            if 'class="room-panel"' in body:
                self.presenting = True
        elif kind == "alert":
            self.notices.append(element.alert.body)
            if GONE in element.alert.body:
                self.gone = True
        elif kind == "html" and (kept := KEEP.search(element.html.body)):
            self.cookie = (kept.group(1), kept.group(2))

    @property
    def current(self) -> int | None:
        return self.shown[-1][1] if self.shown else None

    def first_shown(self, step: int, since: float, before: float) -> float | None:
        return next((t for t, s in self.shown if s == step and since <= t < before), None)


@dataclass
class Press:
    sent: float  # monotonic time the click went out
    step: int  # the step the presenter's page showed after it (1-based)
    seconds: float  # click to the presenter's script_finished
    moved: bool  # False when the page said the class did not move (the store was out of reach)


@dataclass
class FollowerLog:
    index: int
    watcher: Watcher = field(default_factory=Watcher)
    join_s: float | None = None
    upstream: str = ""
    dropped: str | None = None
    lost: list[float] = field(default_factory=list)  # monotonic times its socket closed
    back: list[float] = field(default_factory=list)  # monotonic times it was served again
    fragment_runs: int = 0
    session: StreamlitSession | None = None


@dataclass
class FaultResult:
    name: str
    at_s: float = 0.0  # seconds after the first press
    detail: dict[str, object] = field(default_factory=dict)
    window: tuple[float, float] = (0.0, 0.0)  # monotonic start and end of the fault and its presses


@dataclass
class FollowResult:
    url: str
    store: str
    followers: int = 0
    joins_s: list[float] = field(default_factory=list)
    lags_s: list[float] = field(default_factory=list)
    nexts_s: list[float] = field(default_factory=list)
    presses: int = 0
    missed: int = 0  # a step a follower never showed although the room stayed on it long enough
    skipped: int = 0  # a step superseded by the next Next before the follower was due to show it
    not_on_last_step: int = 0  # connected followers not showing the room's last step at the end
    dropped: int = 0
    drop_reasons: dict[str, int] = field(default_factory=dict)
    exceptions: int = 0
    exception_samples: list[str] = field(default_factory=list)
    per_worker: dict[str, int] = field(default_factory=dict)
    lags_by_worker: dict[str, list[float]] = field(default_factory=dict)  # the busier worker sets the class's lag
    quiet_polls_per_s: float | None = None
    quiet_cpu_ms_per_poll: float | None = None
    quiet_cpu_core_share: float | None = None
    busy_cpu_core_share: float | None = None
    busy_seconds: float = 0.0  # how long the presses went on
    # CPU seconds per Next while the presses went on: the workers, nginx, this benchmark's client
    next_cpu_s: dict[str, float] = field(default_factory=dict)
    fault: FaultResult | None = None
    client_cpu_s: float = 0.0
    client_delay_s: list[float] = field(default_factory=list)  # how late the client's own loop woke, during the presses
    elapsed_s: float = 0.0
    load_average: tuple[float, float] = (0.0, 0.0)  # the machine's 1-minute load at the start and the end


# Sessions ------------------------------------------------------------------------------------


async def loop_delay(samples: list[float], every: float = 0.01) -> None:
    """How late this client's event loop wakes, every `every` seconds until cancelled: a frame that
    reaches a busy client waits as long before it is stamped, so this bounds what the client adds to
    the followers' lag."""
    while True:
        start = time.monotonic()
        await asyncio.sleep(every)
        samples.append(max(0.0, time.monotonic() - start - every))


async def sleep_until(moment: float) -> None:
    await asyncio.sleep(max(0.0, moment - time.monotonic()))


async def reconnect(session: StreamlitSession, watcher: Watcher, query: str, give_up: float) -> None:
    """As a browser does after losing its socket: a new WebSocket (same session id and cookies) and a
    rerun of the address it shows, every RETRY_EVERY seconds until served."""
    last = "no attempt"
    while time.monotonic() < give_up:
        try:
            await session.open()
            run = await session.rerun(session.query or query, watcher)
            watcher.problems += run.problems
            return
        except (SessionClosed, RerunTimeout) as exc:
            last = str(exc)
            await asyncio.sleep(RETRY_EVERY)
    raise SessionClosed(f"not served again in time ({last})")


@dataclass
class Deadline:
    """When the followers leave: moved later when a fault holds up the presses."""

    at: float


async def follower(url: str, code: str, plan: FollowPlan, start: float, end: Deadline, log: FollowerLog) -> None:
    """Open the class's link at `start` and stay on the page until `end`, coming back if the socket is lost."""
    await sleep_until(start)
    session = log.session = StreamlitSession(url, TOUR_PATH, plan.timeout)
    watcher = log.watcher
    try:
        await session.open()
        run = await session.rerun(f"room={code}", watcher)
        log.join_s = run.seconds
        watcher.problems += run.problems
        while time.monotonic() < end.at:
            try:
                # In slices, so that a later deadline is seen; the fragments' timers run on between them.
                watcher.problems += await session.listen(min(end.at, time.monotonic() + 1.0), watcher)
            except SessionClosed:
                lost = session.closed_at or time.monotonic()
                log.lost.append(lost)
                await reconnect(session, watcher, f"room={code}", lost + plan.timeout)
                log.back.append(time.monotonic())
    except (SessionClosed, RerunTimeout) as exc:
        log.dropped = f"{exc.__class__.__name__}: {exc}"
    finally:
        log.fragment_runs = session.fragment_runs


class Presenter:
    """The teacher's page: opens the room, presses Next, and goes through the faults."""

    def __init__(self, url: str, plan: FollowPlan, n_steps: int) -> None:
        self.url, self.plan, self.n_steps = url, plan, n_steps
        self.session = StreamlitSession(url, TOUR_PATH, plan.timeout)
        self.watcher = Watcher()
        self.code = ""
        self.presses: list[Press] = []

    async def open_room(self) -> str:
        await self.session.open()
        await self.session.rerun("step=1", self.watcher)
        await self.session.click("room-start", self.watcher)
        found = ROOM.search(self.session.query)
        if not found or not self.watcher.presenting:
            raise FollowError(f"no room was opened; the page said: {self.watcher.notices[-1:]}")
        self.code = found.group(1)
        self.keep_cookie()
        return self.code

    def keep_cookie(self) -> None:
        """What static/atlas/present-keep.js does in a browser: store the presenter cookie."""
        if self.watcher.cookie:
            name, value = self.watcher.cookie
            if value:
                self.session.cookies[name] = value
            self.watcher.cookie = None

    async def wait(self, until: float) -> None:
        """Stay on the page (its own fragment polls too) until `until`, coming back if the socket is lost."""
        while time.monotonic() < until:
            try:
                await self.session.listen(until, self.watcher)
            except SessionClosed:
                await self.come_back()

    async def come_back(self) -> float:
        """Reconnect after a lost socket; seconds until the page presents again."""
        started = time.monotonic()
        self.watcher.presenting = False
        await reconnect(self.session, self.watcher, f"room={self.code}", started + self.plan.timeout)
        self.keep_cookie()
        return time.monotonic() - started

    async def press(self) -> Press:
        key = "tour-first" if self.watcher.current == self.n_steps else "tour-next"
        notices = len(self.watcher.notices)
        while True:
            sent = time.monotonic()
            try:
                run = await self.session.click(key, self.watcher)
                break
            except SessionClosed:
                await self.come_back()
        moved = not any(NOT_MOVED in n for n in self.watcher.notices[notices:])
        press = Press(sent, self.watcher.current or 0, run.seconds, moved)
        self.presses.append(press)
        return press

    def step_at(self, moment: float) -> int | None:
        """The room's step at a moment: the last press that moved it and had finished by then."""
        done = [p.step for p in self.presses if p.moved and p.sent + p.seconds <= moment]
        return done[-1] if done else None


# Faults --------------------------------------------------------------------------------------


def read_workers(path: Path) -> list[tuple[int, int]]:
    try:
        return [(int(e["pid"]), int(e["port"])) for e in json.loads(path.read_text())]
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise FollowError(f"cannot read the workers file {path}: {exc}") from exc


def recovery_after(logs: list[FollowerLog], presenter: Presenter, since: float) -> list[float]:
    """For each follower that lost its socket after `since`: seconds until it showed the room's step again."""
    times = []
    for log in logs:
        lost = next((t for t in log.lost if t >= since), None)
        if lost is None:
            continue
        for moment, step in log.watcher.shown:
            if moment >= lost and step == presenter.step_at(moment):
                times.append(moment - lost)
                break
    return times


async def run_fault(
    plan: FollowPlan, presenter: Presenter, logs: list[FollowerLog], redis: RedisProcess | None, first_press: float
) -> FaultResult:
    """Bring about plan.fault now; return what was measured of the recovery (followers are read at the end)."""
    result = FaultResult(plan.fault or "", time.monotonic() - first_press)
    if plan.fault == "presenter-reload":
        # A reload: the same browser (cookies) opens a new session (no session id).
        await presenter.session.close()
        presenter.session.session_id = ""
        back = await presenter.come_back()
        result.detail = {"presenting_again_after_s": back, "presenting": presenter.watcher.presenting}
    elif plan.fault == "presenter-offline":
        before = presenter.session.session_id
        await presenter.session.close()
        await asyncio.sleep(plan.offline)
        back = await presenter.come_back()
        result.detail = {
            "offline_s": plan.offline,
            "presenting_again_after_s": back,
            "presenting": presenter.watcher.presenting,
            "same_session": presenter.session.session_id == before,
        }
    elif plan.fault == "kill-worker":
        assert plan.workers_file is not None
        pid, port = read_workers(plan.workers_file)[0]
        os.kill(pid, signal.SIGKILL)
        result.detail = {"worker_pid": pid, "worker_port": port, "killed_at": time.monotonic()}
    elif plan.fault == "restart-store":
        down = time.monotonic()
        if redis is not None:
            redis.stop()  # SIGTERM: Redis writes out its append-only file, as a service restart does
            await presenter.wait(time.monotonic() + plan.store_down)
            refused = await presenter.press()  # the class cannot move while the store is away
            redis.start()
            up = time.monotonic()
            result.detail = {"store": "redis", "down_s": up - down, "press_while_down_moved": refused.moved}
        else:
            # The SQLite file lives with the workers: kill every one of them at once.
            assert plan.workers_file is not None
            for pid, _ in read_workers(plan.workers_file):
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            up = down
            result.detail = {"store": "sqlite: every worker killed at once", "killed_at": down}
        press = await presenter.press()
        result.detail |= {
            "first_press_after_s": press.sent - up,
            "first_press_moved": press.moved,
            "press_step": press.step,
            "store_up_at": up,
        }
        result.detail["_pending_press"] = (press.sent, press.step)
    return result


def recovery_line(result: FaultResult) -> str:
    """The fault's outcome in one line, with the time it took to recover."""
    d = result.detail

    def worst(key: str) -> str:
        times = d.get(key) or []
        return f"median {fmt_s(percentile(times, 50))}, max {fmt_s(max(times))}" if times else "none measured"

    if result.name == "presenter-reload":
        ok = "presents the room again" if d.get("presenting") else "does NOT present the room again"
        return f"Recovery: after a reload the teacher's page {ok} {fmt_s(d['presenting_again_after_s'])} later"
    if result.name == "presenter-offline":
        ok = "presents it again" if d.get("presenting") else "does NOT present it again"
        session = "same session" if d.get("same_session") else "a new session"
        return (
            f"Recovery: the room outlived {d['offline_s']:g} s with the teacher offline; the teacher {ok} "
            f"{fmt_s(d['presenting_again_after_s'])} after reconnecting ({session}); "
            f"rooms lost: {d.get('rooms_lost', 0)}"
        )
    if result.name == "kill-worker":
        return (
            f"Recovery: {d['followers_lost_socket']} followers lost their worker; "
            f"{d['followers_back_on_current_step']} back on the current step through the proxy, "
            f"{worst('back_on_current_step_s')} after losing it"
        )
    lost, store = d.get("rooms_lost", 0), d.get("store", "")
    reached = d.get("followers_reached_by_first_press", 0)
    return (
        f"Recovery: store restarted ({store}); rooms lost: {lost}; {reached} followers on the first step moved "
        f"after it, {worst('store_up_to_followers_on_it_s')} after the store was back"
    )


def finish_fault(result: FaultResult, presenter: Presenter, logs: list[FollowerLog]) -> None:
    """Read what the followers went through once the run is over."""
    detail = result.detail
    since = detail.pop("killed_at", None)
    if isinstance(since, float):
        lost = [log for log in logs if any(t >= since for t in log.lost)]
        back = recovery_after(logs, presenter, since)
        detail |= {
            "followers_lost_socket": len(lost),
            "followers_back_on_current_step": len(back),
            "back_on_current_step_s": back,
        }
    pending = detail.pop("_pending_press", None)
    if pending:
        sent, step = pending
        up = detail.pop("store_up_at")
        # Showing the step from `up` on counts, whether a reconnection or the press brought it.
        seen = [log.watcher.first_shown(step, min(sent, up), float("inf")) for log in logs if not log.dropped]
        reached = [t - up for t in seen if t is not None]
        detail |= {
            "followers_reached_by_first_press": len(reached),
            "store_up_to_followers_on_it_s": reached,
        }
    else:
        detail.pop("store_up_at", None)
    detail["rooms_lost"] = sum(log.watcher.gone for log in logs)  # followers told the room is gone


# The run -------------------------------------------------------------------------------------


def n_steps() -> int:
    from geo.atlas.loader import load_atlas
    from geo.atlas.tours import load_tour

    return len(load_tour(load_atlas()))


async def warm(url: str, plan: FollowPlan) -> None:
    """A first session on every worker (directly when the workers are known): it loads the data, and
    a worker's first sessions may be told "page not found" while it registers its pages."""
    targets = [f"http://127.0.0.1:{port}" for _, port in read_workers(plan.workers_file)] if plan.workers_file else []
    for target in targets or [url] * 3:
        for _ in range(2):
            session = StreamlitSession(target, TOUR_PATH, plan.timeout)
            try:
                await session.open()
                await session.rerun("step=1")
            except (SessionClosed, RerunTimeout) as exc:
                raise FollowError(f"no page from {target}: {exc}") from exc
            finally:
                await session.close()


CpuReading = tuple[frozenset[int], float] | None  # the workers' pids and their CPU seconds so far


def worker_cpu(plan: FollowPlan) -> CpuReading:
    """The workers' pids and their CPU seconds so far (None without a workers file)."""
    if not plan.workers_file:
        return None
    files = [f for f in (plan.workers_file, plan.other_workers_file) if f]
    pids = frozenset(pid for f in files for pid, _ in read_workers(f) if alive(pid))
    return (pids, cpu_seconds(*pids)) if pids else None


def nginx_cpu(plan: FollowPlan) -> CpuReading:
    """The deployment's nginx processes and their CPU seconds so far: the children of the process that
    started the workers (deploy/serve.py) named nginx (None without a workers file)."""
    if not plan.workers_file:
        return None
    workers = [pid for pid, _ in read_workers(plan.workers_file) if alive(pid)]
    if not workers:
        return None
    try:
        stat = Path(f"/proc/{workers[0]}/stat").read_text()
    except OSError:
        return None
    serve = int(stat[stat.rindex(")") + 2 :].split()[1])  # the worker's parent: deploy/serve.py
    pids = frozenset(p for p in descendants(serve) if process_name(p) == "nginx")
    return (pids, cpu_seconds(*pids, children=False)) if pids else None


def process_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def cpu_share(before: CpuReading, after: CpuReading, seconds: float) -> float | None:
    """Share of one core the workers used in between; None if a worker was replaced (its CPU went with it)."""
    if before is None or after is None or before[0] != after[0] or seconds <= 0:
        return None
    return (after[1] - before[1]) / seconds


def per_next_cpu(
    workers: tuple[CpuReading, CpuReading], nginx: tuple[CpuReading, CpuReading], client_s: float, presses: int
) -> dict[str, float]:
    """CPU seconds per Next over the presses, by process: where the cores went while a class followed
    (a part whose processes changed in between, a worker killed, is left out)."""
    spent = {"client": client_s}
    for part, (before, after) in (("workers", workers), ("nginx", nginx)):
        if before is not None and after is not None and before[0] == after[0]:
            spent[part] = after[1] - before[1]
    return {part: seconds / presses for part, seconds in spent.items()}


def fmt_next_cpu(per_next: dict[str, float]) -> str:
    """Each part's CPU per Next and its share of their sum."""
    total = sum(per_next.values())
    if not total:
        return "-"
    parts = [(p, per_next[p]) for p in ("workers", "nginx", "client") if p in per_next]
    return ", ".join(f"{part} {fmt_s(s)} ({s / total:.0%})" for part, s in parts)


async def follow_run(url: str, plan: FollowPlan, redis: RedisProcess | None) -> FollowResult:
    result = FollowResult(url, plan.store)
    load0, client0 = os.getloadavg()[0], time.process_time()
    await warm(url, plan)
    steps = n_steps()
    presenter = Presenter(url, plan, steps)
    code = await presenter.open_room()
    started = time.monotonic()
    joined_by = started + plan.arrival + SETTLE
    quiet_end = joined_by + plan.quiet
    press_end = quiet_end + plan.duration + plan.fault_pause
    end = Deadline(press_end + SETTLE)
    logs = [FollowerLog(i) for i in range(plan.followers)]
    tasks = [
        asyncio.create_task(follower(url, code, plan, started + i * plan.arrival / plan.followers, end, log))
        for i, log in enumerate(logs)
    ]

    # The quiet spell: everyone is in the room and nobody moves; what the polling costs.
    await presenter.wait(joined_by)
    runs0, cpu0, t0 = sum(log.session.fragment_runs for log in logs if log.session), worker_cpu(plan), time.monotonic()
    await presenter.wait(quiet_end)
    runs1, cpu1, t1 = sum(log.session.fragment_runs for log in logs if log.session), worker_cpu(plan), time.monotonic()
    polls = runs1 - runs0
    result.quiet_polls_per_s = polls / (t1 - t0)
    result.quiet_cpu_core_share = cpu_share(cpu0, cpu1, t1 - t0)
    if result.quiet_cpu_core_share is not None and polls:
        result.quiet_cpu_ms_per_poll = result.quiet_cpu_core_share * (t1 - t0) / polls * 1000

    # The presses, one every next_every seconds; the fault once, at fault_at.
    first_press = time.monotonic()
    fault_due = first_press + plan.fault_at if plan.fault else None
    next_at = first_press
    cpu_busy0, nginx0, client_busy0 = worker_cpu(plan), nginx_cpu(plan), time.process_time()
    delays = asyncio.create_task(loop_delay(result.client_delay_s))
    while next_at < press_end:
        if fault_due is not None and next_at >= fault_due:
            await presenter.wait(fault_due)
            began = time.monotonic()
            result.fault = await run_fault(plan, presenter, logs, redis, first_press)
            # The fault's own presses, and the one right after it, are the fault's figures.
            result.fault.window = (began, time.monotonic() + plan.next_every + 1.0)
            fault_due = None
            # The presses the fault held up still happen, after it: the run grows by its length.
            held = max(0.0, time.monotonic() - began - plan.fault_pause)
            press_end += held
            end.at = press_end + SETTLE
            next_at = max(next_at, time.monotonic() + 1.0)
        await presenter.wait(next_at)
        await presenter.press()
        next_at += plan.next_every
    result.busy_seconds = time.monotonic() - first_press
    delays.cancel()
    cpu_busy1, nginx1, client_busy1 = worker_cpu(plan), nginx_cpu(plan), time.process_time()
    result.busy_cpu_core_share = cpu_share(cpu_busy0, cpu_busy1, result.busy_seconds)
    if presenter.presses:
        result.next_cpu_s = per_next_cpu(
            (cpu_busy0, cpu_busy1), (nginx0, nginx1), client_busy1 - client_busy0, len(presenter.presses)
        )
    await presenter.wait(end.at)
    await asyncio.gather(*tasks)
    for log in logs:
        if log.session:
            await log.session.close()
    await presenter.session.close()
    if result.fault:
        finish_fault(result.fault, presenter, logs)
    if plan.workers_file:
        joined_on(logs, plan.workers_file.parent / "logs" / "access.log")
    fold(result, presenter, logs, end.at)
    result.elapsed_s = time.monotonic() - started
    result.client_cpu_s = time.process_time() - client0
    result.load_average = (load0, os.getloadavg()[0])
    return result


def joined_on(logs: list[FollowerLog], access_log: Path) -> None:
    """Each follower's worker when it joined: its first marked health check in the proxy's access log
    (deploy/serve.py's nginx writes upstream=; no response names the worker)."""
    if not access_log.exists():
        return
    first: dict[str, str] = {}
    for line in access_log.read_text(errors="replace").splitlines():
        probe, upstreams = re.search(r"[?&]probe=([0-9a-f]{32})\b", line), upstreams_in(line)
        if probe and upstreams:  # the worker that answered: the last one nginx asked
            first.setdefault(probe.group(1), upstreams[-1])
    for log in logs:
        if log.session:
            log.upstream = first.get(log.session.marker, "")


def fold(result: FollowResult, presenter: Presenter, logs: list[FollowerLog], end: float) -> None:
    """Lags of every follower for every press, missed steps, drops and errors."""
    result.followers = len(logs)
    result.presses = len(presenter.presses)
    window = result.fault.window if result.fault else (0.0, 0.0)
    in_fault = [p for p in presenter.presses if window[0] <= p.sent <= window[1]]
    result.nexts_s = [p.seconds for p in presenter.presses if p.moved and p not in in_fault]
    if result.fault:
        result.fault.detail["teachers_next_in_and_right_after_the_fault_s"] = [p.seconds for p in in_fault]
    moved = [p for p in presenter.presses if p.moved]
    for log in logs:
        if log.join_s is not None:
            result.joins_s.append(log.join_s)
        if log.upstream:
            result.per_worker[log.upstream] = result.per_worker.get(log.upstream, 0) + 1
        if log.dropped:
            result.dropped += 1
            reason = log.dropped[:120]
            result.drop_reasons[reason] = result.drop_reasons.get(reason, 0) + 1
        problems = log.watcher.problems
        result.exceptions += len(problems)
        for text in problems:
            if text not in result.exception_samples and len(result.exception_samples) < 5:
                result.exception_samples.append(text)
        away = list(zip(log.lost, log.back + [end] * (len(log.lost) - len(log.back)), strict=True))
        for i, press in enumerate(moved):
            if any(lost - 1.0 <= press.sent <= back for lost, back in away):
                continue  # the follower was reconnecting: counted by the fault's figures
            # The room stays on this step until the next move is written, at the end of that press's run.
            until = moved[i + 1].sent + moved[i + 1].seconds if i + 1 < len(moved) else end
            seen = log.watcher.first_shown(press.step, press.sent, until)
            if seen is not None:
                result.lags_s.append(seen - press.sent)
                if log.upstream:
                    result.lags_by_worker.setdefault(log.upstream, []).append(seen - press.sent)
            elif log.dropped:
                pass
            elif until - press.sent < GOALS["lag_p95_s"]:
                result.skipped += 1  # fast clicking: the follower goes straight to a later step
            else:
                result.missed += 1
        last = presenter.step_at(end)
        if not log.dropped and last is not None and log.watcher.current != last:
            result.not_on_last_step += 1
    result.exceptions += len(presenter.watcher.problems)


# Report --------------------------------------------------------------------------------------


def wake_cpu_s(result: FollowResult) -> float | None:
    """CPU seconds of one follower's run after a Next: the presses' CPU above the quiet spell's,
    shared over every follower shown a step. It does not depend on the machine's load as the
    times do, so runs on a busy machine compare."""
    if result.busy_cpu_core_share is None or result.quiet_cpu_core_share is None or not result.lags_s:
        return None
    return (result.busy_cpu_core_share - result.quiet_cpu_core_share) * result.busy_seconds / len(result.lags_s)


def verdicts(result: FollowResult) -> dict[str, bool | None]:
    lag = percentile(result.lags_s, 95)
    nxt = percentile(result.nexts_s, 95)
    return {
        "lag_p95_s": None if lag is None else lag < GOALS["lag_p95_s"],
        "next_p95_s": None if nxt is None else nxt < GOALS["next_p95_s"],
        "dropped": result.dropped <= GOALS["dropped"],
        "missed": result.missed <= GOALS["missed"],
        "not_on_last_step": result.not_on_last_step <= GOALS["not_on_last_step"],
        "exceptions": result.exceptions <= GOALS["exceptions"],
    }


def mark(ok: bool | None) -> str:
    return "" if ok is None else (" PASS" if ok else " FAIL")


def fmt_detail(value: object) -> str:
    if isinstance(value, list):
        return fmt_spread(value) + f" (n={len(value)})" if value else "-"
    if isinstance(value, float):
        return fmt_s(value) if value < 100 else f"{value:.0f}"
    return str(value)


def report(plan: FollowPlan, result: FollowResult) -> str:
    v = verdicts(result)
    mode = follow_settings(os.environ).mode
    poll = f"{mode}, every {plan.poll:g} s" if plan.poll else f"{mode}, at the app's interval"
    lines = [
        "",
        "Karabakh Atlas, classroom benchmark: follow the presenter",
        f"1 presenter and {plan.followers} followers joining over {plan.arrival:g} s through {result.url}; "
        f"rooms in {result.store}; {plan.quiet:g} s quiet, then Next every {plan.next_every:g} s for "
        f"{plan.duration:g} s; following: {poll}"
        + (f"; two sets of {plan.workers} workers (--upstream)" if plan.upstream else "")
        + (f"; fault: {plan.fault} at {plan.fault_at:g} s" if plan.fault else ""),
    ]
    rows = [
        ("Followers / presses", f"{result.followers} / {result.presses}", ""),
        ("Followers per worker", ", ".join(f"{k}: {n}" for k, n in sorted(result.per_worker.items())) or "-", ""),
        ("Join: median / p95 / max", fmt_spread(result.joins_s), ""),
        ("Follower lag: median / p95 / max", fmt_spread(result.lags_s) + mark(v["lag_p95_s"]), "p95 < 1 s"),
        ("  lag samples (followers x presses)", str(len(result.lags_s)), ""),
        (
            "  lag p95 by worker",
            ", ".join(f"{k}: {fmt_s(percentile(v, 95))}" for k, v in sorted(result.lags_by_worker.items())) or "-",
            "",
        ),
        ("Teacher's Next: median / p95 / max", fmt_spread(result.nexts_s) + mark(v["next_p95_s"]), "p95 < 300 ms"),
        ("Steps a follower missed (room on it >= 1 s)", str(result.missed) + mark(v["missed"]), "0"),
        ("  steps skipped (next Next within 1 s)", str(result.skipped), ""),
        (
            "Followers not on the room's last step at the end",
            str(result.not_on_last_step) + mark(v["not_on_last_step"]),
            "0",
        ),
        ("Dropped followers", str(result.dropped) + mark(v["dropped"]), "0"),
        ("Runs showing an exception or error", str(result.exceptions) + mark(v["exceptions"]), "0"),
        (
            "Quiet: fragment requests / s, CPU per request, CPU of all workers",
            f"{result.quiet_polls_per_s or 0:.0f}, {fmt_s((result.quiet_cpu_ms_per_poll or 0) / 1000)}, "
            f"{(result.quiet_cpu_core_share or 0) * 100:.0f}% of a core"
            if result.quiet_cpu_core_share is not None
            else f"{result.quiet_polls_per_s or 0:.0f} requests/s (no worker pids)",
            "",
        ),
        (
            "Presses: CPU of all workers",
            "- (a worker was replaced)"
            if result.busy_cpu_core_share is None
            else f"{result.busy_cpu_core_share * 100:.0f}% of a core",
            "",
        ),
        (
            "CPU of a follower's run after a Next (estimate)",
            "-" if (wake := wake_cpu_s(result)) is None else fmt_s(wake),
            "",
        ),
        ("CPU per Next during the presses: workers, nginx, this client", fmt_next_cpu(result.next_cpu_s), ""),
        ("Benchmark client CPU / elapsed", f"{result.client_cpu_s:.1f} / {result.elapsed_s:.0f} s", ""),
        ("  its event loop's delay during the presses: median / p95 / max", fmt_spread(result.client_delay_s), ""),
        (
            "Machine load average (1 min), start / end",
            f"{result.load_average[0]:.1f} / {result.load_average[1]:.1f} on {os.cpu_count()} cores",
            "",
        ),
    ]
    first = max(len(r[0]) for r in rows) + 2
    width = max(len(r[1]) for r in rows) + 2
    rule = "=" * (first + width + 14)
    lines += [rule, f"{'Figure':<{first}}{'':<{width}}Goal", "-" * len(rule)]
    lines += [f"{label:<{first}}{cell:<{width}}{goal}" for label, cell, goal in rows]
    lines.append("-" * len(rule))
    if result.fault:
        lines.append(f"Fault: {result.fault.name} at {result.fault.at_s:.1f} s after the first press")
        lines.append(recovery_line(result.fault))
        for key, value in result.fault.detail.items():
            lines.append(f"  {key.replace('_', ' ')}: {fmt_detail(value)}")
    for reason, count in result.drop_reasons.items():
        lines.append(f"{count} dropped: {reason}")
    for text in result.exception_samples:
        lines.append(f"shown: {text}")
    failed = [key for key, ok in v.items() if ok is False]
    lines.append("Goals: " + ("PASS" if not failed else "FAIL (" + ", ".join(failed) + ")"))
    lines.append(rule)
    return "\n".join(lines)


# Command line --------------------------------------------------------------------------------


def plan_from(args) -> FollowPlan:
    quick = args.quick
    plan = FollowPlan(
        followers=args.sessions or (10 if quick else 50),
        arrival=(5.0 if quick else 10.0) if args.arrival is None else args.arrival,
        next_every=args.next_every,
        duration=(20.0 if quick else 60.0) if args.duration is None else args.duration,
        quiet=args.quiet,
        timeout=args.timeout,
        workers=args.workers,
        store=args.store,
        url=args.url,
        workers_file=args.workers_file,
        fault=args.fault,
        fault_at=args.fault_at,
        offline=args.offline,
        store_down=args.store_down,
        poll=args.poll,
        seed=args.seed,
        upstream=args.upstream,
    )
    if plan.upstream:
        if plan.url:
            raise FollowError("--upstream starts its own two sets of workers (leave out --url)")
        plan.store = "redis"  # what machines share rooms through
    if plan.followers < 1 or plan.next_every <= 0 or plan.duration <= 0:
        raise FollowError("--sessions, --next-every and --duration must be positive")
    if plan.fault and not 0 <= plan.fault_at < plan.duration:
        raise FollowError(f"--fault-at must fall within the presses (0 to {plan.duration:g} s)")
    if plan.url and plan.fault == "restart-store":
        raise FollowError("--fault restart-store needs the benchmark's own deployment (leave out --url)")
    if plan.url and plan.fault == "kill-worker" and not plan.workers_file:
        raise FollowError("--fault kill-worker with --url needs --workers-file")
    return plan


def run(args) -> int:
    try:
        plan = plan_from(args)
    except FollowError as exc:
        print(f"bench_classroom: {exc}", file=sys.stderr)
        return 2
    with ExitStack() as stack:
        try:
            url, redis = deploy(plan, stack)
            print(f"... following ({plan.followers} followers through {url})", file=sys.stderr, flush=True)
            result = asyncio.run(follow_run(url, plan, redis))
        except (FollowError, RuntimeError) as exc:
            print(f"bench_classroom: {exc}", file=sys.stderr)
            return 2
    print(report(plan, result))
    if args.json:
        plan_dict = asdict(plan) | {"workers_file": str(plan.workers_file)}
        output = {"plan": plan_dict, "goals": GOALS, "result": asdict(result), "verdicts": verdicts(result)}
        print(json.dumps(output, indent=2, default=str))
    return 0


def deploy(plan: FollowPlan, stack: ExitStack) -> tuple[str, RedisProcess | None]:
    """The deployment to load: the one at --url, or deploy/serve.py started here with its own store."""
    if plan.url:
        return plan.url.rstrip("/"), None
    tmp = temp_folder()
    stack.callback(shutil.rmtree, tmp, True)
    env = {"ATLAS_ROOMS_DIR": str(tmp / "rooms")}
    if plan.poll:
        env["ATLAS_FOLLOW_POLL_SECONDS"] = str(plan.poll)
    redis = None
    if plan.store == "redis":
        redis = RedisProcess(tmp / "redis", free_port())
        redis.start()
        stack.callback(redis.stop)
        env["ATLAS_REDIS_URL"] = redis.url
    extra: list[str] = []
    if plan.upstream:  # the second machine's workers first, so the proxy finds them answering
        other = start_worker_set(tmp / "other", plan.workers, env)
        stack.callback(stop_deployment, other)
        plan.other_workers_file = other.workers_file
        extra = [arg for port in other.worker_ports for arg in ("--upstream", f"127.0.0.1:{port}")]
    deployment = start_deployment(tmp / "run", plan.workers, env, extra=extra)
    stack.callback(stop_deployment, deployment)
    plan.workers_file = deployment.workers_file
    return deployment.url, redis
