"""Reading and geoparsing what a user gives, in worker processes with limits.

A paste or an upload is hostile input. In the server's own process, a parser or the
geoparser that took minutes on it would hold Python's lock and stall every session of the
class. So the app and the command line hand that work to a small pool of worker processes,
each started once with the gazetteer loaded, and wait for the answer without holding the
lock (`run`). Every task runs under three limits, named here and read once per process
from the environment:

- CPU time, ATLAS_INPUT_CPU_SECONDS (default 5): RLIMIT_CPU; past it the kernel stops the
  worker (SIGXCPU). Any input the caps accept takes under 2 s (bench/bench_hostile.py);
- memory, ATLAS_INPUT_MEMORY_MB (default 512): RLIMIT_AS, the address space a task may
  add to what the warm worker holds; past it allocation fails (MemoryError);
- wall-clock time, ATLAS_INPUT_WALL_SECONDS (default 30): past it the worker is killed.
  It also bounds the wait for a free worker when every one is busy.

A task that breaks a limit raises InputError with one line naming the input, and its
worker is replaced by a fresh one. ATLAS_INPUT_WORKERS (default 2) workers are kept warm;
they run at a lower priority (nice 10) than the server, so reading gives way to clicks.

The workers are started with subprocess, not multiprocessing's spawn or forkserver: those
re-run the parent's `__main__` in each child, and in a Streamlit server `__main__` is the
page script being run. Tasks and results travel as pickles over a socket pair
(multiprocessing.connection), so a task is a module-level function and its arguments.
"""

from __future__ import annotations

import atexit
import gc
import math
import os
import pickle
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from geo.errors import InputError

T = TypeVar("T")


def _setting(name: str, default: float) -> float:
    """A positive number from the environment, or the default; a bad value stops the process with its name."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ValueError(f"{name} must be a positive number, not {raw!r}")
    return value


CPU_SECONDS = _setting("ATLAS_INPUT_CPU_SECONDS", 5.0)
MEMORY_MB = int(_setting("ATLAS_INPUT_MEMORY_MB", 512))
WALL_SECONDS = _setting("ATLAS_INPUT_WALL_SECONDS", 30.0)
WORKERS = int(_setting("ATLAS_INPUT_WORKERS", 2))
START_SECONDS = 60.0  # a new worker imports the geoparser and loads the gazetteer: about a second, more when busy
NICE = 10
# What a worker loads before it says it is ready, so that no task pays for it.
WARM_MODULES = ("geo.geoparser.draft", "geo.geoparser.ingest", "geo.geoparser.geoparse")
# Numerical libraries start a thread pool per core; a worker needs none (and each reserves address space).
WORKER_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
GEO_ROOT = str(Path(__file__).resolve().parents[2])  # the folder that holds geo/: workers import the same code

_in_worker = False  # True in a worker: run() then calls the function directly


@dataclass(frozen=True)
class Limits:
    """What one task may use: CPU seconds, MB of memory above the warm worker's, wall-clock seconds."""

    cpu_seconds: float = CPU_SECONDS
    memory_mb: int = MEMORY_MB
    wall_seconds: float = WALL_SECONDS


class _Worker:
    """One worker process and the parent's end of its socket."""

    def __init__(self, limits: Limits) -> None:
        ours, theirs = socket.socketpair()
        env = {**os.environ, **WORKER_ENV}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (GEO_ROOT, env.get("PYTHONPATH", "")) if p)
        code = f"from geo.geoparser.sandbox import serve; serve({theirs.fileno()})"
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", code],
                pass_fds=(theirs.fileno(),),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,  # the command line's output is the parent's alone
            )
        finally:
            theirs.close()
        self.connection = Connection(ours.detach())
        self.connection.send(limits)
        self.ready = False

    def wait_ready(self, timeout: float) -> bool:
        """Whether the worker has loaded what it needs (it says so once, first)."""
        if not self.ready:
            try:
                self.ready = self.connection.poll(timeout) and self.connection.recv() == "ready"
            except (EOFError, OSError):
                return False
        return self.ready

    def stop(self) -> int | None:
        """Kill the worker if it still runs and reap it; its exit status (negative: the signal that ended it)."""
        self.connection.close()
        if self.process.poll() is None:
            self.process.kill()
        try:
            return self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            return None


class Sandbox:
    """A pool of warm worker processes that run tasks under `limits`; thread-safe."""

    def __init__(self, size: int = WORKERS, limits: Limits | None = None) -> None:
        self.size = max(1, size)
        self.limits = limits or Limits()
        self._lock = threading.Condition()
        self._idle: list[_Worker] = []
        self._alive = 0  # workers idle, busy or starting
        self._closed = False

    def run(self, function: Callable[..., T], *args: Any, name: str, doing: str = "reading it") -> T:
        """function(*args) in a worker; its result, or its exception, or InputError when a limit stops it.

        `name` is the input as messages quote it ("story.html"), `doing` what the task does
        to it ("reading it"): "story.html: reading it took too long …".
        """
        for attempt in (1, 2):
            worker = self._take(name)
            try:
                worker.connection.send((function, args))
            except (OSError, EOFError):  # it died while idle: the task never reached it
                self._replace(worker)
                if attempt == 2:
                    raise InputError(f"{name}: {doing} could not start (the reader stopped); try again") from None
                continue
            except BaseException:  # the task cannot be pickled: the worker is still fine
                self._give_back(worker)
                raise
            return self._result(worker, name, doing)
        raise AssertionError("unreachable")

    def _result(self, worker: _Worker, name: str, doing: str) -> Any:
        limits = self.limits
        try:
            if not worker.connection.poll(limits.wall_seconds):
                self._replace(worker)
                raise InputError(
                    f"{name}: {doing} did not finish within {limits.wall_seconds:g} s (the server is busy); "
                    "try again in a minute"
                )
            status, value = worker.connection.recv()
        except (EOFError, OSError):
            code = self._replace(worker)
            if code == -signal.SIGXCPU:
                raise InputError(
                    f"{name}: {doing} took too long (more than {limits.cpu_seconds:g} s of computing); refused"
                ) from None
            raise InputError(f"{name}: {doing} stopped unexpectedly (exit status {code}); refused") from None
        if status == "memory":
            self._replace(worker)
            raise InputError(f"{name}: {doing} needed more than {limits.memory_mb:,} MB of memory; refused")
        self._give_back(worker)
        if status == "raise":
            raise value
        return value

    def _take(self, name: str) -> _Worker:
        """An idle worker, starting the pool on first use; waits for one while all are busy."""
        deadline = time.monotonic() + self.limits.wall_seconds
        with self._lock:
            if self._closed:
                raise RuntimeError("the sandbox is closed")
            if not self._idle and self._alive < self.size:  # the pool grows as tasks overlap
                self._alive += 1
                self._idle.append(self._start())
            while not self._idle:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise InputError(f"{name}: the server is busy reading other texts; try again in a minute")
                self._lock.wait(remaining)
            worker = self._idle.pop(0)
        if not worker.wait_ready(START_SECONDS):
            self._replace(worker)
            raise InputError(f"{name}: the server could not start a reader; try again in a minute")
        return worker

    def _start(self) -> _Worker:
        try:
            return _Worker(self.limits)
        except BaseException:
            self._alive -= 1
            raise

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            if self._closed:
                worker.stop()
                return
            self._idle.append(worker)
            self._lock.notify()

    def _replace(self, worker: _Worker) -> int | None:
        """Stop a worker that broke a limit or died, and start a fresh one in its place; the old one's exit status."""
        code = worker.stop()
        with self._lock:
            self._alive -= 1
            if not self._closed:
                self._alive += 1
                self._idle.append(self._start())
                self._lock.notify()
        return code

    def close(self) -> None:
        """Stop every worker (idle ones now; busy ones when they give their answer)."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop()


_default: Sandbox | None = None
_default_lock = threading.Lock()


def run(function: Callable[..., T], *args: Any, name: str, doing: str = "reading it") -> T:
    """function(*args) in this process's pool of workers (see Sandbox.run); directly, inside a worker."""
    global _default
    if _in_worker:
        return function(*args)
    with _default_lock:
        if _default is None:
            _default = Sandbox()
            atexit.register(_default.close)
    return _default.run(function, *args, name=name, doing=doing)


# The worker's side ----------------------------------------------------------------------------


def _address_space() -> int:
    """This process's virtual memory size in bytes (VmSize), which RLIMIT_AS bounds."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def _set_limits(limits: Limits | None) -> None:
    """Limit the next task (CPU time from now, memory above the present size), or lift the limits (None)."""
    infinity = resource.RLIM_INFINITY
    cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    as_hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    if limits is None:
        resource.setrlimit(resource.RLIMIT_AS, (as_hard, as_hard))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_hard, cpu_hard))
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = math.ceil(usage.ru_utime + usage.ru_stime + limits.cpu_seconds)
    memory = _address_space() + limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_CPU, (cpu if cpu_hard == infinity else min(cpu, cpu_hard), cpu_hard))
    resource.setrlimit(resource.RLIMIT_AS, (memory if as_hard == infinity else min(memory, as_hard), as_hard))


def _portable(exc: BaseException) -> BaseException:
    """The exception as the parent can receive it: itself if it pickles, else a RuntimeError with its text."""
    if not isinstance(exc, (InputError, ValueError)):
        exc.add_note("in the input worker:\n" + "".join(traceback.format_exception(exc)))
    try:
        pickle.dumps(exc)
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def serve(fd: int) -> None:
    """A worker's life: read its limits, load the geoparser, then run tasks until the parent goes away."""
    global _in_worker
    _in_worker = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; the worker ends with it
    os.nice(NICE)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a worker stopped by its CPU limit leaves no core file
    connection = Connection(fd)
    limits: Limits = connection.recv()
    import importlib

    for module in WARM_MODULES:
        importlib.import_module(module)
    from geo.geoparser.gazetteer import load_toponyms

    load_toponyms()
    # What the worker now holds (the gazetteer's table, the modules) stays for its life: set aside from
    # the collector, whose full collections would otherwise walk it again and again during a long text
    # (a sixth of the time of the longest paste of place names).
    gc.freeze()
    connection.send("ready")
    while True:
        try:
            task = connection.recv_bytes()
        except (EOFError, OSError):
            return
        try:
            function, args = pickle.loads(task)  # a function this worker cannot import fails here, not the worker
            _set_limits(limits)
            try:
                answer: tuple[str, Any] = ("ok", function(*args))
            finally:
                _set_limits(None)
        except MemoryError:
            _set_limits(None)
            connection.send(("memory", None))
            return  # a worker that ran out of memory is not trusted with another task
        except BaseException as exc:
            answer = ("raise", _portable(exc))
        connection.send(answer)
