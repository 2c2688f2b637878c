"""Serve the atlas to a class: nginx in front of one Streamlit worker per core.

    python deploy/serve.py [--port 8080] [--workers N] [--first-worker-port 8601] [--run-dir DIR]
                           [--upstream HOST:PORT ...] [--no-local-workers] [--address 0.0.0.0]
                           [--tls-cert FILE --tls-key FILE [--http-port 80]] [--streams-per-address 300]
    python deploy/serve.py --workers-only --worker-address 10.0.0.12 [--workers N] [--first-worker-port 8601]

Starts the workers, waits until each answers, renders deploy/nginx.conf.j2 into the run
directory, starts nginx there (sticky sessions by cookie, WebSocket, gzip, cache headers,
passive health checks, security headers, per-address limits, TLS when given a certificate),
writes RUN_DIR/workers.json and prints the address to open. A worker that dies is started
again. Ctrl-C or SIGTERM stops everything. The workers share the rooms a class follows through
the store named by ATLAS_REDIS_URL or ATLAS_ROOMS_DIR (geo/rooms/), which they inherit from
this process's environment; a Redis on another machine without a password is refused.

--workers-only runs just the supervised workers, on a private address of this machine, for a
proxy on another machine (its --upstream): never on a public address, where anyone could reach
them without nginx's TLS, headers and limits.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import re
import resource
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import FrameType

from deploy.nginx import (
    STREAMS_PER_ADDRESS,
    WORKER_CONNECTIONS,
    WORKER_RLIMIT_NOFILE,
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
from geo.rooms.backends import open_store
from geo.rooms.store import StoreRefused, StoreUnavailable, settings_from_env

DEFAULT_RUN_ROOT = ROOT / "deploy" / "run"
UPSTREAM = re.compile(r"^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$")
CHECK_EVERY = 1.0
ANY = "0.0.0.0"
# Where a worker for another machine's proxy may listen: addresses no one on the internet can reach.
PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "10.0.0.0/8",  # RFC 1918
        "172.16.0.0/12",
        "192.168.0.0/16",
        "127.0.0.0/8",  # loopback
        "::1/128",
        "169.254.0.0/16",  # link-local
        "fe80::/10",
        "fc00::/7",  # IPv6 unique local (ULA)
    )
)
PRIVATE_HINT = "10.x, 172.16-31.x, 192.168.x, 127.x, 169.254.x, fc00::/7 or fe80::/10"
# Open files a worker may need: each session's WebSocket is one (Linux's default soft limit is 1024).
NOFILE_CEILING = 1 << 20


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


def public_reason(address: str) -> str | None:
    """Why a worker must not listen on, or be proxied to at, this IP address; None for a private one."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_unspecified:
        return f"{address} means every address of the machine, public ones included"
    if not any(ip in network for network in PRIVATE_NETWORKS if network.version == ip.version):
        return f"{address} is a public address"
    return None


def private_address(value: str) -> str:
    """--worker-address: an IP address of this machine on a private network, never 0.0.0.0 or a public one."""
    try:
        address = str(ipaddress.ip_address(value))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected an IP address, got {value!r}") from error
    if reason := public_reason(address):
        raise argparse.ArgumentTypeError(
            f"{reason}: a worker there could be reached from the internet without the proxy's TLS, headers and "
            f"limits. Give this machine's address on the school's private network ({PRIVATE_HINT})"
        )
    return address


def upstream_host(value: str) -> str:
    return value.rsplit(":", 1)[0].strip("[]")


def public_upstreams(upstreams: list[str]) -> list[str]:
    """The --upstream workers at a public address (a name is looked up): refused, as their traffic is unencrypted."""
    refused = []
    for upstream_address in upstreams:
        host = upstream_host(upstream_address)
        try:
            addresses = {str(ipaddress.ip_address(host))}
        except ValueError:
            try:
                addresses = {info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)}
            except OSError:
                continue  # nginx -t names a host it cannot find
        reasons = [reason for address in sorted(addresses) if (reason := public_reason(address))]
        if reasons:
            refused.append(f"{upstream_address} ({'; '.join(reasons)})")
    return refused


def readable_file(value: str) -> Path:
    path = Path(value).expanduser().resolve()
    if not path.is_file() or not os.access(path, os.R_OK):
        raise argparse.ArgumentTypeError(f"cannot read {value}")
    return path


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
        help="a worker on another machine, at a private address "
        "(there: python deploy/serve.py --workers-only --worker-address ADDRESS); repeat",
    )
    parser.add_argument("--no-local-workers", action="store_true", help="only proxy to the --upstream workers")
    parser.add_argument("--tls-cert", type=readable_file, metavar="FILE", help="serve https with this certificate")
    parser.add_argument("--tls-key", type=readable_file, metavar="FILE", help="the certificate's private key")
    parser.add_argument(
        "--http-port",
        type=int,
        help="with TLS: also listen for plain HTTP on this port (such as 80), only to redirect to https",
    )
    parser.add_argument(
        "--streams-per-address",
        type=int,
        default=STREAMS_PER_ADDRESS,
        metavar="N",
        help=f"open pages (WebSockets) at once from one client address (default {STREAMS_PER_ADDRESS}: "
        "a school's phones often share one address)",
    )
    parser.add_argument(
        "--workers-only",
        action="store_true",
        help="run only the workers, for a proxy on another machine (needs --worker-address)",
    )
    parser.add_argument(
        "--worker-address",
        type=private_address,
        help="with --workers-only: this machine's private address the workers listen on",
    )
    args = parser.parse_args(argv)
    if args.no_local_workers and not args.upstream:
        parser.error("--no-local-workers needs at least one --upstream HOST:PORT")
    if not args.no_local_workers and args.workers < 1:
        parser.error("--workers must be at least 1")
    if (args.tls_cert is None) != (args.tls_key is None):
        parser.error("--tls-cert and --tls-key go together")
    if args.http_port is not None and args.tls_cert is None:
        parser.error("--http-port redirects to https: it needs --tls-cert and --tls-key")
    if args.http_port is not None and args.http_port == args.port:
        parser.error("--http-port must differ from --port (plain HTTP on --port is redirected already)")
    if args.streams_per_address < 1:
        parser.error("--streams-per-address must be at least 1")
    if args.workers_only and not args.worker_address:
        parser.error(
            "--workers-only needs --worker-address: this machine's private address that the proxy reaches "
            f"({PRIVATE_HINT}); workers never listen on every address"
        )
    if args.worker_address and not args.workers_only:
        parser.error("--worker-address is for --workers-only; local workers behind this proxy listen on 127.0.0.1")
    if args.workers_only and (args.upstream or args.no_local_workers or args.tls_cert):
        parser.error("--workers-only starts no proxy: --upstream, --no-local-workers and TLS belong to the proxy")
    return args


def raise_open_files_limit() -> tuple[int, int]:
    """Lift this process's soft RLIMIT_NOFILE to its hard limit, for the workers and nginx it starts.

    Each session's WebSocket is an open file in its worker and two in nginx; the usual soft limit
    of 1024 would turn a big class away. Returns the (soft, hard) limits now in force.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = NOFILE_CEILING if hard == resource.RLIM_INFINITY else hard
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return soft, hard
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    except (ValueError, OSError):
        return soft, hard
    return wanted, hard


def nginx_file_limits(hard: int) -> tuple[int, int]:
    """(worker_connections, worker_rlimit_nofile) for nginx: the defaults, or what the hard limit allows
    when nginx runs unprivileged and cannot go past it."""
    if os.geteuid() == 0 or hard == resource.RLIM_INFINITY or hard >= WORKER_RLIMIT_NOFILE:
        return WORKER_CONNECTIONS, WORKER_RLIMIT_NOFILE
    return max(256, (hard - 64) // 2), hard


def check_rooms_store() -> str | None:
    """Open the rooms store as the workers will: a refused one (no password on another machine, wrong
    credentials) stops serve.py with its reason; an unreachable one is only a warning."""
    settings = settings_from_env(os.environ)
    if not settings.redis_url:
        return None
    store = None
    try:
        store = open_store(settings)
        store.get("AAAAA")
    except StoreRefused as error:
        raise RuntimeError(str(error)) from None
    except StoreUnavailable as error:
        return f"warning: {error}"
    finally:
        if store is not None:
            store.shutdown()
    return None


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
    # Our own nginx on this machine: its certificate may be self-signed or name another host.
    context = ssl._create_unverified_context() if url.startswith("https:") else None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if nginx.poll() is not None:
            raise NginxError(f"nginx exited:\n{log_tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2, context=context) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise NginxError(f"nginx did not answer on {url} within {timeout:.0f} s")


def announce(args: argparse.Namespace, pool: WorkerPool | None, run_dir: Path) -> None:
    scheme = "https" if args.tls_cert else "http"
    local = "localhost" if args.address == ANY else args.address
    lines = [f"Karabakh Atlas is served at {scheme}://{local}:{args.port}/"]
    if args.address == ANY and (lan := lan_address()):
        lines.append(f"  for the class: {scheme}://{lan}:{args.port}/")
    if args.http_port:
        lines.append(f"  plain http on port {args.http_port} (and on {args.port}) redirects to https")
    if pool:
        lines.append(f"  {len(pool.workers)} local worker(s) on ports {', '.join(str(w.port) for w in pool.workers)}")
    if args.upstream:
        lines.append(f"  remote workers: {', '.join(args.upstream)}")
    lines += rooms_lines(args)
    lines.append(f"  logs{' and workers.json' if pool else ''} in {run_dir}; Ctrl-C stops")
    print("\n".join(lines), flush=True)


def rooms_lines(args: argparse.Namespace) -> list[str]:
    rooms = settings_from_env(os.environ)
    lines = [f"  rooms a class follows: {rooms.describe()}"]
    if (args.upstream or args.workers_only) and not rooms.redis_url:
        lines.append("  warning: workers on other machines see these rooms only through Redis: set ATLAS_REDIS_URL")
    return lines


def supervise(pool: WorkerPool | None, nginx: subprocess.Popen | None, run_dir: Path) -> None:
    """Until a signal: restart a worker that dies; stop when nginx does."""
    while True:
        time.sleep(CHECK_EVERY)
        if nginx is not None and nginx.poll() is not None:
            raise NginxError(f"nginx exited:\n{log_tail(run_dir / 'logs' / 'error.log')}")
        for worker in pool.check() if pool else []:
            print(f"worker on port {worker.port} had stopped; started again (pid {worker.proc.pid})", flush=True)


def serve_workers(args: argparse.Namespace) -> None:
    """--workers-only: the supervised workers on this machine's private address, for another machine's proxy."""
    run_dir = (args.run_dir or DEFAULT_RUN_ROOT / f"workers-{args.first_worker_port}").resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    raise_open_files_limit()
    if warning := check_rooms_store():
        print(warning, flush=True)
    ports = range(args.first_worker_port, args.first_worker_port + args.workers)
    pool = WorkerPool(ports, run_dir, host=args.worker_address)
    try:
        print(f"Starting {len(pool.workers)} worker(s) on {args.worker_address}...", flush=True)
        pool.start()
        upstreams = " ".join(f"--upstream {w.address}" for w in pool.workers)
        lines = [f"{len(pool.workers)} worker(s) listening on {', '.join(pool.addresses)}"]
        lines.append(f"  on the proxy's machine: python deploy/serve.py {upstreams}")
        lines += rooms_lines(args)
        lines.append(f"  logs and workers.json in {run_dir}; Ctrl-C stops")
        print("\n".join(lines), flush=True)
        supervise(pool, None, run_dir)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        pool.stop()


def serve(args: argparse.Namespace) -> None:
    if args.workers_only:
        serve_workers(args)
        return
    nginx_path = find_nginx()
    run_dir = (args.run_dir or DEFAULT_RUN_ROOT / str(args.port)).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    listen_host = "" if args.address == ANY else args.address
    for port, option in ((args.port, "--port"), (args.http_port, "--http-port")):
        if port is not None and not port_is_free(port, listen_host):
            raise RuntimeError(f"port {port} is already in use; choose another with {option}")
    if refused := public_upstreams(args.upstream):
        raise RuntimeError(
            f"refusing workers at public addresses: {', '.join(refused)}. Run them on a private network "
            f"({PRIVATE_HINT}) with: python deploy/serve.py --workers-only --worker-address PRIVATE-ADDRESS"
        )
    _, hard = raise_open_files_limit()
    connections, nofile = nginx_file_limits(hard)
    if connections < WORKER_CONNECTIONS:
        print(f"warning: the open-files limit ({hard}) allows nginx {connections} connections per process", flush=True)
    if warning := check_rooms_store():
        print(warning, flush=True)

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
            remote=tuple(args.upstream),
            listen=f"{args.address}:{args.port}",
            streamlit_static=streamlit_static_dir(),
            app_static=ROOT / "static",
            user=worker_user(),
            tls_cert=args.tls_cert,
            tls_key=args.tls_key,
            redirect_listen=f"{args.address}:{args.http_port}" if args.http_port else None,
            streams_per_address=args.streams_per_address,
            worker_connections=connections,
            worker_rlimit_nofile=nofile,
        )
        write_config(config)
        check_config(nginx_path, run_dir)
        nginx_log = run_dir / "logs" / "nginx.out"
        nginx = spawn(nginx_command(nginx_path, run_dir), nginx_log, cwd=run_dir)
        probe = "127.0.0.1" if args.address == ANY else args.address
        scheme = "https" if args.tls_cert else "http"
        wait_for_proxy(f"{scheme}://{probe}:{args.port}", nginx, run_dir / "logs" / "error.log")
        announce(args, pool, run_dir)
        supervise(pool, nginx, run_dir)
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
