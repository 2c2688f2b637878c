"""How the deployment's nginx splits a class over its workers: the placement alone, without Streamlit.

    python bench/bench_split.py [--sessions 250] [--workers 2] [--trials 10] [--parallel 8]

Renders the proxy's configuration exactly as deploy/serve.py does (deploy/nginx.py), with stand-in
workers: small HTTP servers in this process that answer every request with their own name. Each trial
sends `--sessions` new browsers (no cookie, `--parallel` at a time) to `/_stcore/health`, as the
front end's first request, keeps the cookie each gets, and asks again with it, as every later request
of a browser does. Reports the split of each trial (the busier worker sets a class's lag) and the
browsers whose second request reached another worker than their first (must be 0).
"""

from __future__ import annotations

import argparse
import http.server
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

from bench.support import temp_folder
from deploy.nginx import COOKIE, ProxyConfig, find_nginx, nginx_command, write_config
from deploy.workers import stop_process
from geo.testing import free_ports, get

STICKY = re.compile(rf"{COOKIE}=([^;]+)")


def stand_in(port: int) -> http.server.ThreadingHTTPServer:
    """A worker that answers every GET with its own port, so the benchmark sees who answered."""

    class Answer(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = str(port).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    class Server(http.server.ThreadingHTTPServer):
        request_queue_size = 128  # a Streamlit worker's (Tornado's); the default 5 drops a busy moment's SYNs

    server = Server(("127.0.0.1", port), Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def wait_for(url: str, proc: subprocess.Popen, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("nginx exited")
        try:
            if get(f"{url}/healthz", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"nginx did not answer on {url}")


def browser(url: str) -> tuple[str, str]:
    """A new browser's first request and one later request with its cookie: the workers that answered."""
    _, headers, body = get(f"{url}/_stcore/health")
    found = STICKY.search(headers.get("set-cookie", ""))
    if not found:
        raise RuntimeError(f"no sticky cookie in {headers}")
    _, _, again = get(f"{url}/_stcore/health", found.group(1))
    return body.decode(), again.decode()


def trial(url: str, sessions: int, parallel: int) -> tuple[Counter[str], int]:
    """The split of `sessions` new browsers, and how many of them a later request took elsewhere."""
    with ThreadPoolExecutor(parallel) as pool:
        answers = list(pool.map(lambda _: browser(url), range(sessions)))
    return Counter(first for first, _ in answers), sum(first != later for first, later in answers)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=250, help="new browsers per trial (default 250)")
    parser.add_argument("--workers", type=int, default=2, help="stand-in workers (default 2)")
    parser.add_argument("--trials", type=int, default=10, help="classes placed one after the other (default 10)")
    parser.add_argument("--parallel", type=int, default=8, help="browsers arriving at once (default 8)")
    args = parser.parse_args(argv)
    if min(args.sessions, args.workers, args.trials, args.parallel) < 1:
        parser.error("every count must be at least 1")

    with ExitStack() as stack:
        tmp = temp_folder()
        stack.callback(shutil.rmtree, tmp, True)
        port, *ports = free_ports(args.workers + 1)
        for worker_port in ports:
            server = stand_in(worker_port)
            stack.callback(server.server_close)
            stack.callback(server.shutdown)
        config = ProxyConfig(
            run_dir=tmp / "run", servers=tuple(f"127.0.0.1:{p}" for p in ports), listen=f"127.0.0.1:{port}"
        )
        write_config(config)
        log = (tmp / "nginx.out").open("wb")
        stack.callback(log.close)
        proc = subprocess.Popen(nginx_command(find_nginx(), config.run_dir), stdout=log, stderr=subprocess.STDOUT)
        stack.callback(stop_process, proc)
        url = f"http://127.0.0.1:{port}"
        wait_for(url, proc)

        print(
            f"{args.sessions} new browsers over {args.workers} workers, {args.trials} trials ({args.parallel} at once)"
        )
        busiest, moved = [], 0
        for n in range(1, args.trials + 1):
            split, elsewhere = trial(url, args.sessions, args.parallel)
            counts = [split.get(str(p), 0) for p in ports]
            busiest.append(max(counts))
            moved += elsewhere
            print(f"  trial {n:>2}: {' / '.join(map(str, counts))}")
        even = args.sessions / args.workers
        print(
            f"busiest worker: median {statistics.median(busiest):g}, max {max(busiest)} "
            f"(even: {even:g}; max {max(busiest) / even - 1:+.0%})"
        )
        print(f"later requests that reached another worker than the first: {moved}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
