"""Serve the atlas to a class: nginx in front of one Streamlit worker per core.

    python deploy/serve.py [--port 8080] [--workers N] [--first-worker-port 8601] [--run-dir DIR]
                           [--upstream HOST:PORT ...] [--no-local-workers] [--address 0.0.0.0]

Starts the workers, waits until each answers, renders deploy/nginx.conf.j2 into the run
directory, starts nginx there (sticky sessions by cookie, WebSocket, gzip, cache headers,
passive health checks), writes RUN_DIR/workers.json and prints the address to open. A worker
that dies is started again. Ctrl-C or SIGTERM stops everything. The workers share the rooms a
class follows through the store named by ATLAS_REDIS_URL or ATLAS_ROOMS_DIR (geo/rooms/),
which they inherit from this process's environment.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import FrameType

from deploy.nginx import (
    NginxError,
    ProxyConfig,
    check_config,
    find_nginx,
    nginx_command,
    streamlit_static_dir,
    worker_user,
    write_config,
)
from deploy.workers import WorkerPool, is_healthy, log_tail, port_is_free, spawn, stop_process
from geo.paths import ROOT
from geo.rooms.store import settings_from_env

DEFAULT_RUN_ROOT = ROOT / "deploy" / "run"
UPSTREAM = re.compile(r"^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$")
CHECK_EVERY = 1.0
ANY = "0.0.0.0"


class Stop(Exception):
    """Ctrl-C or SIGTERM: leave the serving loop and stop everything."""


def core_count() -> int:
    """Cores this process may use (a container's limit, not the host's)."""
    with contextlib.suppress(AttributeError):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def upstream(value: str) -> str:
    if not UPSTREAM.match(value) or not 0 < int(value.rsplit(":", 1)[1]) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {value!r}")
    return value


def ipv4(value: str) -> str:
    try:
        return str(ipaddress.IPv4Address(value))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected an IPv4 address, got {value!r}") from error


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080, help="port the class opens (default 8080)")
    parser.add_argument("--address", type=ipv4, default=ANY, help="address nginx listens on (default: all)")
    parser.add_argument("--workers", type=int, default=core_count(), help="local workers (default: one per core)")
    parser.add_argument("--first-worker-port", type=int, default=8601, help="port of the first local worker")
    parser.add_argument("--run-dir", type=Path, help="configuration, logs and workers.json (default deploy/run/PORT)")
    parser.add_argument(
        "--upstream",
        type=upstream,
        action="append",
        default=[],
        metavar="HOST:PORT",
        help="a worker on another machine (streamlit run app.py --server.address 0.0.0.0 --server.port PORT); repeat",
    )
    parser.add_argument("--no-local-workers", action="store_true", help="only proxy to the --upstream workers")
    args = parser.parse_args(argv)
    if args.no_local_workers and not args.upstream:
        parser.error("--no-local-workers needs at least one --upstream HOST:PORT")
    if not args.no_local_workers and args.workers < 1:
        parser.error("--workers must be at least 1")
    return args


def lan_address() -> str | None:
    """This machine's address on the local network, for the URL the class types (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def wait_for_proxy(url: str, nginx: subprocess.Popen, log: Path, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if nginx.poll() is not None:
            raise NginxError(f"nginx exited:\n{log_tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise NginxError(f"nginx did not answer on {url} within {timeout:.0f} s")


def announce(args: argparse.Namespace, pool: WorkerPool | None, run_dir: Path) -> None:
    local = "localhost" if args.address == ANY else args.address
    lines = [f"Karabakh Atlas is served at http://{local}:{args.port}/"]
    if args.address == ANY and (lan := lan_address()):
        lines.append(f"  for the class: http://{lan}:{args.port}/")
    if pool:
        lines.append(f"  {len(pool.workers)} local worker(s) on ports {', '.join(str(w.port) for w in pool.workers)}")
    if args.upstream:
        lines.append(f"  remote workers: {', '.join(args.upstream)}")
    rooms = settings_from_env(os.environ)
    lines.append(f"  rooms a class follows: {rooms.describe()}")
    if args.upstream and not rooms.redis_url:
        lines.append("  warning: workers on other machines see these rooms only through Redis: set ATLAS_REDIS_URL")
    lines.append(f"  logs{' and workers.json' if pool else ''} in {run_dir}; Ctrl-C stops")
    print("\n".join(lines), flush=True)


def serve(args: argparse.Namespace) -> None:
    nginx_path = find_nginx()
    run_dir = (args.run_dir or DEFAULT_RUN_ROOT / str(args.port)).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    if not port_is_free(args.port, "" if args.address == ANY else args.address):
        raise RuntimeError(f"port {args.port} is already in use; choose another with --port")

    pool = None
    if not args.no_local_workers:
        ports = range(args.first_worker_port, args.first_worker_port + args.workers)
        pool = WorkerPool(ports, run_dir)
    nginx = None
    try:
        if pool:
            print(f"Starting {len(pool.workers)} worker(s)...", flush=True)
            pool.start()
        for address in args.upstream:
            if not is_healthy(address, timeout=3.0):
                print(f"warning: {address} does not answer yet; nginx will use it once it does", flush=True)

        config = ProxyConfig(
            run_dir=run_dir,
            servers=tuple((pool.addresses if pool else []) + args.upstream),
            listen=f"{args.address}:{args.port}",
            streamlit_static=streamlit_static_dir(),
            app_static=ROOT / "static",
            user=worker_user(),
        )
        write_config(config)
        check_config(nginx_path, run_dir)
        nginx_log = run_dir / "logs" / "nginx.out"
        nginx = spawn(nginx_command(nginx_path, run_dir), nginx_log, cwd=run_dir)
        probe = "127.0.0.1" if args.address == ANY else args.address
        wait_for_proxy(f"http://{probe}:{args.port}", nginx, run_dir / "logs" / "error.log")
        announce(args, pool, run_dir)

        while True:
            time.sleep(CHECK_EVERY)
            if nginx.poll() is not None:
                raise NginxError(f"nginx exited:\n{log_tail(run_dir / 'logs' / 'error.log')}")
            if pool:
                for worker in pool.check():
                    print(
                        f"worker on port {worker.port} had stopped; started again (pid {worker.proc.pid})", flush=True
                    )
    finally:
        # Stop taking requests first, then the workers; later signals must not cut this short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if nginx is not None:
            stop_process(nginx)
        if pool:
            pool.stop()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise Stop(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        serve(args)
    except Stop:
        print("Stopped.", flush=True)
        return 0
    except (NginxError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
