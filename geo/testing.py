"""Running the atlas for real, for the tests and the benchmarks alike: free ports, a `streamlit run`
server, the deployment (`deploy/serve.py`, over HTTP or https), a private Redis (with a password
when asked), the processes they leave, and a Chromium that cannot reach the internet.

Both suites start the same servers the same way, so a fix (a port taken, a server that dies
before answering, a child left behind) is made once. Nothing here imports Streamlit or
Playwright: the servers run in processes of their own, and a Playwright page or instance is
handed in by the caller.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from deploy.nginx import COOKIE
from deploy.workers import is_healthy, port_is_free
from geo.paths import ROOT

CHROMIUM = os.environ.get("ATLAS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
# What a page may load: this machine (over http or https), files and inline data. Anything else is the internet.
LOCAL_HOSTS = ("localhost", "127.0.0.1")
LOCAL_WEB = ("http", "https")
LOCAL_SCHEMES = ("file", "data", "blob", "about")
# Where a run of consecutive ports is looked for: below Linux's ephemeral range (32768 and up),
# so a port picked here is not handed to an outgoing connection meanwhile.
PORT_RANGE = (20_000, 32_000)
# The deployment's nginx over https has a certificate made for the test: what it sends is checked, not who signed it.
UNVERIFIED = ssl._create_unverified_context()
# Which worker nginx sent a request to, in its access log (deploy/nginx.conf.j2's format): every one it asked, in order.
UPSTREAM_FIELD = re.compile(r" upstream=(.+?) time=")


# Ports ------------------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port nobody listens on right now, so several servers can run side by side."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports(count: int, tries: int = 200) -> list[int]:
    """`count` consecutive free localhost ports (a deployment's workers take ports that follow each other).

    Free as deploy/serve.py judges a port before it starts anything on it.
    """
    for _ in range(tries):
        first = random.randint(*PORT_RANGE)
        ports = list(range(first, first + count))
        if all(port_is_free(port) for port in ports):
            return ports
    raise RuntimeError(f"no run of {count} free ports found in {tries} tries")


# Requests ---------------------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Show a redirect as it is sent (status and Location) instead of following it."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


OPENER = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=UNVERIFIED))


def get(
    url: str, cookie: str | None = None, gzip_ok: bool = False, method: str = "GET", timeout: float = 15
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names; repeated ones joined) and body, as a browser would see them:
    a redirect is not followed, an error status is returned, `cookie` is the proxy's sticky cookie."""
    headers = {"Accept-Encoding": "gzip"} if gzip_ok else {}
    if cookie:
        headers["Cookie"] = f"{COOKIE}={cookie}"
    request = urllib.request.Request(url, headers=headers, method=method)
    try:
        response = OPENER.open(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        found: dict[str, str] = {}
        for name, value in response.headers.items():
            found[name.lower()] = f"{found[name.lower()]}, {value}" if name.lower() in found else value
        return response.status, found, response.read()


# Processes --------------------------------------------------------------------------------------


def descendants(*pids: int) -> set[int]:
    """The pids and every process below them (each once), from /proc: what a server started."""
    found: set[int] = set()
    todo = list(pids)
    while todo:
        pid = todo.pop()
        if pid in found:
            continue
        found.add(pid)
        for task in Path(f"/proc/{pid}/task").glob("*/children"):
            with suppress(OSError, ValueError):
                todo.extend(int(c) for c in task.read_text().split())
    return found


def alive(pid: int) -> bool:
    """Running, not only waiting to be reaped (a killed child stays a zombie until its parent waits)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _env(extra: dict[str, str] | None) -> dict[str, str]:
    """The environment of a server started here: this checkout's code first, whatever is installed."""
    return {**os.environ, "PYTHONPATH": str(ROOT), **(extra or {})}


def _spawn(
    command: list[str],
    log: Path | None,
    env: dict[str, str] | None,
    cwd: Path = ROOT,
    before: Callable[[], None] | None = None,
) -> subprocess.Popen:
    """A server in a session of its own (so it can be stopped with all it starts), its output in `log`;
    `before` runs in the child before the command (a limit to set, say)."""
    with log.open("wb") if log else nullcontext(subprocess.DEVNULL) as out:
        return subprocess.Popen(
            command,
            cwd=cwd,
            env=_env(env),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=before,
        )


def limit_open_files(soft: int) -> Callable[[], None]:
    """What to run in a child before its command: a low soft limit of open files, as a login shell often sets."""

    def limit() -> None:
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, hard), hard))

    return limit


def _stop_group(proc: subprocess.Popen, timeout: float, *, whole_group: bool) -> None:
    """SIGTERM a process started in its own session (or its whole group), then SIGKILL the group if it lingers."""
    if proc.poll() is not None:
        return
    with suppress(ProcessLookupError):
        if whole_group:
            os.killpg(proc.pid, signal.SIGTERM)
        else:
            proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


# A Streamlit server -----------------------------------------------------------------------------


@dataclass
class Server:
    """A `streamlit run` process, and where to reach it."""

    name: str
    proc: subprocess.Popen
    port: int
    log: Path | None = None

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def log_tail(self, lines: int = 20) -> str:
        """The end of the server's output, to explain why it failed."""
        if self.log is None or not self.log.exists():
            return "(no log)"
        text = self.log.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:]) or "(empty log)"


def start_streamlit(
    script: str | Path = "app.py",
    *,
    name: str = "app",
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
    log: Path | None = None,
) -> Server:
    """Start `streamlit run script` on a free port, as the README says, in its own process group.

    cwd is the repository root by default, so the server reads the repository's
    .streamlit/config.toml; its own group lets `stop_streamlit` end it with anything it started.
    """
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)]
    proc = _spawn([*command, "--server.headless", "true"], log, env, cwd)
    return Server(name, proc, port, log)


def wait_healthy(server: Server, timeout: float = 90) -> None:
    """Wait until the server answers its health check; fail early, with its output, if it exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(
                f"{server.name}: streamlit exited with code {server.proc.returncode} before answering.\n"
                f"Its last output:\n{server.log_tail()}"
            )
        if is_healthy(f"localhost:{server.port}"):
            return
        time.sleep(0.3)
    raise RuntimeError(f"{server.name}: streamlit did not answer within {timeout:.0f} s.\n{server.log_tail()}")


def stop_streamlit(server: Server) -> None:
    """End the server's process group: politely first, then for good."""
    _stop_group(server.proc, timeout=10, whole_group=True)


@contextmanager
def running_streamlit(script: str | Path = "app.py", **options: Any) -> Iterator[Server]:
    """A started server that answers (`start_streamlit`'s options), stopped afterwards whatever happens."""
    server = start_streamlit(script, **options)
    try:
        wait_healthy(server)
        yield server
    finally:
        stop_streamlit(server)


# The deployment -------------------------------------------------------------------------------


def upstreams_in(line: str) -> list[str]:
    """The workers nginx asked, in order, for the request of one line of its access log (["-"]: nginx answered
    it itself; []: no such field in the line).

    No response names the worker (deploy/serve.py sends no X-Upstream); its access log does, as an operator reads it.
    """
    found = UPSTREAM_FIELD.search(line)
    return found.group(1).split(", ") if found else []


@dataclass
class Deployment:
    """`python deploy/serve.py` started here: nginx in front of its workers, on free localhost ports."""

    proc: subprocess.Popen
    url: str
    run_dir: Path
    worker_ports: list[int]
    seen: set[int] = field(default_factory=set)  # every worker pid workers.json has named

    @property
    def workers_file(self) -> Path:
        return self.run_dir / "workers.json"

    @property
    def output(self) -> Path:
        return self.run_dir / "serve.out"

    def workers(self) -> list[dict]:
        """workers.json as serve.py wrote it last."""
        state = json.loads(self.workers_file.read_text(encoding="utf-8"))
        self.seen.update(entry["pid"] for entry in state)
        return state

    def log(self) -> str:
        return self.output.read_text(errors="replace") if self.output.exists() else ""

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log().splitlines()[-lines:]) or "(no output)"

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def access_log(self) -> str:
        path = self.run_dir / "logs" / "access.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def upstreams_of(self, marker: str, timeout: float = 10.0) -> list[str]:
        """The workers nginx asked, in order, for the request whose target holds `marker`, from its access
        log (a WebSocket's line is written when it closes)."""
        deadline = time.monotonic() + timeout
        while True:
            for line in self.access_log().splitlines():
                if marker in line and (upstreams := upstreams_in(line)):
                    return upstreams
            if time.monotonic() > deadline:
                raise AssertionError(f"no access log line holds {marker}:\n{self.access_log()[-2000:]}")
            time.sleep(0.05)

    def worker_of(self, cookie: str) -> str:
        """The worker a browser with this sticky cookie is sent to: a health check marked for the log."""
        marker = uuid.uuid4().hex
        status, _, _ = get(f"{self.url}/_stcore/health?probe={marker}", cookie)
        if status != 200:
            raise AssertionError(f"the marked health check answered {status}")
        return self.upstreams_of(marker)[-1]


def start_deployment(
    run_dir: Path,
    workers: int = 2,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    extra: Sequence[str] = (),
    soft_open_files: int | None = None,
) -> Deployment:
    """deploy/serve.py on free localhost ports with `workers` workers and `extra` options (https when they
    name a certificate), started with a low limit of open files when given one; returns once it serves.
    With no workers, it proxies only to the `--upstream` workers `extra` names (--no-local-workers)."""
    port, *worker_ports = free_ports(workers + 1)
    run_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "deploy/serve.py", "--port", str(port), "--address", "127.0.0.1"]
    if workers:
        command += ["--workers", str(workers), "--first-worker-port", str(worker_ports[0])]
    else:
        command += ["--no-local-workers"]
    command += ["--run-dir", str(run_dir)]
    before = limit_open_files(soft_open_files) if soft_open_files else None
    proc = _spawn([*command, *extra], run_dir / "serve.out", env, before=before)
    scheme = "https" if "--tls-cert" in extra else "http"
    deployment = Deployment(proc, f"{scheme}://127.0.0.1:{port}", run_dir, worker_ports)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"deploy/serve.py exited with {proc.returncode}:\n{deployment.log_tail()}")
        with suppress(OSError, ValueError):
            status, _, _ = get(f"{deployment.url}/healthz", timeout=2)
            # serve.py's start-up lines come once nginx answers: they end with how to stop it.
            local = len(deployment.workers()) if workers else 0  # without local workers, no workers.json
            if status == 200 and local == workers and "Ctrl-C stops" in deployment.log():
                return deployment
        time.sleep(0.3)
    stop_deployment(deployment)
    raise RuntimeError(f"deploy/serve.py was not serving within {timeout:.0f} s:\n{deployment.log_tail()}")


def start_worker_set(
    run_dir: Path, workers: int = 2, env: dict[str, str] | None = None, timeout: float = 120
) -> Deployment:
    """`deploy/serve.py --workers-only` on 127.0.0.1: the workers of a second machine, for a proxy started
    with `--upstream 127.0.0.1:PORT` for each of `worker_ports` (no proxy of its own: `url` is "").
    Returns once every worker answers; `stop_deployment` stops it."""
    worker_ports = free_ports(workers)
    run_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "deploy/serve.py", "--workers-only", "--worker-address", "127.0.0.1"]
    command += ["--workers", str(workers), "--first-worker-port", str(worker_ports[0]), "--run-dir", str(run_dir)]
    proc = _spawn(command, run_dir / "serve.out", env)
    started = Deployment(proc, "", run_dir, worker_ports)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"deploy/serve.py --workers-only exited with {proc.returncode}:\n{started.log_tail()}")
        with suppress(OSError, ValueError):
            if len(started.workers()) == workers and all(is_healthy(f"127.0.0.1:{port}") for port in worker_ports):
                return started
        time.sleep(0.3)
    stop_deployment(started)
    raise RuntimeError(f"deploy/serve.py --workers-only was not serving within {timeout:.0f} s:\n{started.log_tail()}")


def stop_deployment(deployment: Deployment) -> list[int]:
    """SIGTERM serve.py, as a teacher's Ctrl-C would (it stops nginx and its workers); kill and
    return whatever it started that outlived it."""
    started = (descendants(deployment.proc.pid) | deployment.seen) - {deployment.proc.pid}
    _stop_group(deployment.proc, timeout=30, whole_group=False)
    left = sorted(pid for pid in started if alive(pid))
    for pid in left:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return left


@contextmanager
def running_deployment(
    run_dir: Path,
    workers: int = 2,
    env: dict[str, str] | None = None,
    extra: Sequence[str] = (),
    soft_open_files: int | None = None,
) -> Iterator[Deployment]:
    """A serving deployment (`start_deployment`'s options), stopped afterwards; raises if it left a process running."""
    deployment = start_deployment(run_dir, workers, env, extra=extra, soft_open_files=soft_open_files)
    try:
        yield deployment
    finally:
        left = stop_deployment(deployment)
        if left:
            raise AssertionError(f"serve.py left processes running (now killed): {left}\n{deployment.log()}")


# A Redis ----------------------------------------------------------------------------------------


@dataclass
class RedisProcess:
    """A private redis-server (Debian's), with the append-only file on: its data survives a restart."""

    folder: Path
    port: int
    proc: subprocess.Popen | None = None
    fsync: str = "everysec"  # "always" for tests that check nothing written is ever lost
    password: str | None = None  # requirepass: every client must give it

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 15) -> None:
        if shutil.which("redis-server") is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)]
            + ["--appendonly", "yes", "--appendfsync", self.fsync, "--save", "", "--daemonize", "no"]
            + ["--logfile", str(self.folder / "redis.log")]
            + (["--requirepass", self.password] if self.password else []),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited:\n{(self.folder / 'redis.log').read_text(errors='replace')}")
            if self.ping():
                return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer within {timeout:.0f} s")

    def ping(self) -> bool:
        with suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith((b"+PONG", b"-NOAUTH"))  # a server with a password answers too
        return False

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """SIGTERM, as a service stop: Redis writes its append-only file out first."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def restart(self) -> None:
        """Stopped and started on the same port and folder: its data comes back."""
        self.stop()
        self.start()


# A slow network ---------------------------------------------------------------------------------


async def _late(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    """Copy one direction of a connection, each chunk `delay` seconds after it came, in order."""
    loop = asyncio.get_running_loop()
    chunks: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def read() -> None:
        while True:
            data = await reader.read(65_536)
            await chunks.put((loop.time() + delay, data))
            if not data:
                return

    async def write() -> None:
        while True:
            due, data = await chunks.get()
            await asyncio.sleep(max(0.0, due - loop.time()))
            if not data:
                writer.close()
                return
            writer.write(data)
            await writer.drain()

    try:
        await asyncio.gather(read(), write(), return_exceptions=True)
    finally:
        writer.close()


@contextmanager
def slow_link(port: int, delay: float) -> Iterator[int]:
    """A port on this machine that reaches `port` with every byte `delay` seconds late each way (a school's
    Wi-Fi, a server far away: a round trip of twice `delay`); its own thread, closed afterwards."""
    loop = asyncio.new_event_loop()
    started: list[asyncio.Server] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            far_reader, far_writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(_late(reader, far_writer, delay), _late(far_reader, writer, delay))

    async def serve() -> None:
        started.append(await asyncio.start_server(handle, "127.0.0.1", 0))

    thread = threading.Thread(target=loop.run_forever, name="slow-link", daemon=True)
    thread.start()  # the loop runs in its own thread: the caller's may be running one (Playwright's)
    asyncio.run_coroutine_threadsafe(serve(), loop).result(timeout=10)
    try:
        yield started[0].sockets[0].getsockname()[1]
    finally:

        async def stop() -> None:
            started[0].close()
            tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.close()


# A browser that stays on this machine ---------------------------------------------------------


def chromium_installed() -> bool:
    return shutil.which(CHROMIUM) is not None or Path(CHROMIUM).exists()


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium (or $ATLAS_CHROMIUM) through a started Playwright, headless."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def is_local(url: str) -> bool:
    """Whether a page may load this address: this machine over http or https, a file or inline data."""
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or (parts.scheme in LOCAL_WEB and parts.hostname in LOCAL_HOSTS)


def block_outside(page: Any) -> list[str]:
    """Abort every request of a Playwright page that leaves the machine; return the list they are recorded in."""
    outside: list[str] = []

    def handle(route: Any) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", handle)
    return outside


class Clock:
    """A clock a test moves by hand (`clock.now += 60`), so expiry needs no waiting."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now
