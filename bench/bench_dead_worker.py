"""What a dead or unreachable worker costs a class behind the deployment's nginx, without Streamlit.

    python bench/bench_dead_worker.py [--down unreachable|refused] [--workers 2] [--browsers 40] [--duration 60]

Renders the proxy's configuration as deploy/serve.py does (deploy/nginx.py), with the stand-in workers
of bench/bench_split.py (small HTTP servers in this process), the last of which is down: `refused`,
nothing listens on its port (its process died on a machine that is up); `unreachable`, its port takes
no connection (a listening socket whose queue is full, so the machine never answers the SYN, as one
switched off or cut off the network). With `--remote` the proxy is told that worker is another
machine's (deploy/serve.py's --upstream), as an unreachable one would be; by default it is one of the
machine's own workers.

A class of `--browsers` browsers, placed on the workers in turn before the worker went down (each
holds a cookie naming its worker), asks every `--every` seconds, and a new browser (no cookie) arrives
as often; each keeps the cookie it is given, as a browser does. Reports the requests, how many took
over a second, the seconds they waited in all, the slowest, the requests that failed (must be 0), and
the browsers on each worker at the end.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

from bench.bench_split import STICKY, stand_in, wait_for
from bench.support import temp_folder
from deploy.nginx import ProxyConfig, find_nginx, nginx_command, write_config
from deploy.workers import stop_process
from geo.testing import free_ports, get

SLOW = 1.0  # seconds: a request slower than this is one a class notices
FIRST = 6.0  # seconds: the first moments, when the worker's own browsers find it down all at once


def unreachable(port: int) -> list[socket.socket]:
    """A port that takes no connection: a listening socket with a queue of one, filled, never accepted."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", port))
    listener.listen(0)
    held = socket.create_connection(("127.0.0.1", port), timeout=2)
    return [listener, held]


class Class:
    """The browsers: their cookies, and every request's time and outcome."""

    def __init__(self, url: str, cookies: list[str | None]) -> None:
        self.url = url
        self.cookies = cookies
        self.started = time.perf_counter()
        self.times: list[tuple[float, float]] = []  # (seconds into the class, seconds the request took)
        self.failed = 0
        self.lock = threading.Lock()

    def ask(self, index: int) -> None:
        start = time.perf_counter()
        try:
            status, headers, _ = get(f"{self.url}/_stcore/health", self.cookies[index], timeout=30)
        except OSError:
            status, headers = 0, {}
        took = time.perf_counter() - start
        found = STICKY.search(headers.get("set-cookie", ""))
        with self.lock:
            self.times.append((start - self.started, took))
            if status != 200:
                self.failed += 1
            if found:
                self.cookies[index] = found.group(1)


def run_class(url: str, workers: int, browsers: int, every: float, duration: float) -> Class:
    """Each browser asks every `every` s; a new browser arrives as often; for `duration` s."""
    placed: list[str | None] = [f"w{n % workers + 1}" for n in range(browsers)]
    group = Class(url, placed)
    end = time.monotonic() + duration

    def browser(index: int) -> None:
        time.sleep(every * index / max(1, browsers))  # spread over the interval, as a class is
        while time.monotonic() < end:
            tick = time.monotonic()
            group.ask(index)
            time.sleep(max(0.0, every - (time.monotonic() - tick)))

    def arrivals() -> None:
        while time.monotonic() < end:
            tick = time.monotonic()
            with group.lock:
                group.cookies.append(None)
                index = len(group.cookies) - 1
            group.ask(index)
            time.sleep(max(0.0, every - (time.monotonic() - tick)))

    with ThreadPoolExecutor(browsers + 1) as pool:
        futures = [pool.submit(browser, i) for i in range(browsers)] + [pool.submit(arrivals)]
        for future in futures:
            future.result()
    return group


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--down", choices=("unreachable", "refused"), default="unreachable")
    parser.add_argument("--workers", type=int, default=2, help="workers, the last of them down (default 2)")
    parser.add_argument("--browsers", type=int, default=40, help="browsers already placed (default 40)")
    parser.add_argument("--every", type=float, default=1.0, help="seconds between a browser's requests (1)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of the class (60)")
    parser.add_argument("--remote", action="store_true", help="the down worker is another machine's (--upstream)")
    args = parser.parse_args(argv)
    if args.workers < 2 or args.browsers < 1 or args.every <= 0 or args.duration <= 0:
        parser.error("at least 2 workers, 1 browser, and positive times")

    with ExitStack() as stack:
        tmp = temp_folder()
        stack.callback(shutil.rmtree, tmp, True)
        port, *ports = free_ports(args.workers + 1)
        for worker_port in ports[:-1]:
            server = stand_in(worker_port)
            stack.callback(server.server_close)
            stack.callback(server.shutdown)
        if args.down == "unreachable":
            for held in unreachable(ports[-1]):
                stack.callback(held.close)
        servers = tuple(f"127.0.0.1:{p}" for p in ports)
        remote = {"remote": servers[-1:]} if args.remote else {}
        config = ProxyConfig(run_dir=tmp / "run", servers=servers, listen=f"127.0.0.1:{port}", **remote)
        write_config(config)
        log = (tmp / "nginx.out").open("wb")
        stack.callback(log.close)
        proc = subprocess.Popen(nginx_command(find_nginx(), config.run_dir), stdout=log, stderr=subprocess.STDOUT)
        stack.callback(stop_process, proc)
        url = f"http://127.0.0.1:{port}"
        wait_for(url, proc)
        lines = [line.strip().rstrip(";") for line in (config.run_dir / "nginx.conf").read_text().splitlines()]
        settings = sorted({line for line in lines if line.startswith("proxy_connect_timeout")})
        servers_as = dict.fromkeys(line.removesuffix(" backup") for line in lines if line.startswith("server 127."))

        group = run_class(url, args.workers, args.browsers, args.every, args.duration)
        slow = [(at, took) for at, took in group.times if took > SLOW]
        first = [took for at, took in slow if at < FIRST]
        later = [took for at, took in slow if at >= FIRST]
        on = Counter(cookie or "none" for cookie in group.cookies)
        print(
            f"worker w{args.workers} of {args.workers} {args.down}; {args.browsers} browsers placed in turn before, "
            f"each asking every {args.every:g} s, and a new browser every {args.every:g} s, for {args.duration:g} s"
        )
        print(f"  proxy: {'; '.join(settings)}; {'; '.join(servers_as)}")
        print(
            f"  requests {len(group.times)}, failed {group.failed}; over {SLOW:g} s: {len(slow)}, "
            f"waiting {sum(took for _, took in slow):.1f} s in all, slowest {max(t for _, t in group.times):.2f} s"
        )
        print(
            f"  of these, in the first {FIRST:g} s (every browser of the worker finds it down): {len(first)}, "
            f"{sum(first):.1f} s; later (nginx trying it again): {len(later)}, {sum(later):.1f} s"
        )
        print(f"  browsers on each worker at the end: {', '.join(f'{k}: {v}' for k, v in sorted(on.items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
