"""First load of Explore, on the wire: bytes and time to map, for running servers side by side.

Run from the repository root against one or more running servers, for example the README's
`streamlit run app.py` and the deployment `python deploy/serve.py`:

    python bench/bench_wire.py http://localhost:8501 http://localhost:8080
    python bench/bench_wire.py --deploy          # starts them itself, measures, stops them

With --deploy it measures four targets: the README's `streamlit run app.py`, the atlas through
deploy/serve.py, and the one-marker page (bench/baseline_app.py) both on its own and through a
deployment of its own (deploy/serve.py proxying only to it, `--upstream`): the same nginx, its
compression and its caching headers, so "what the atlas adds beyond the one-marker page" is the
difference of the two deployments' figures, measured in one run.

Each load opens a fresh browser context (empty cache), so every file is fetched again, as
on a student's phone the first time. Bytes are counted as bench_explore.py counts them:
HTTP responses as they travel (compressed when the server compresses), plus the WebSocket
frames. The loads of all targets are interleaved, so they see the same machine noise.
"""

from __future__ import annotations

import argparse
import shutil
from contextlib import ExitStack, contextmanager

from bench.bench_explore import EXPLORE_COMPLETE, cold_load, drawn_count, med
from bench.support import baseline_folder, temp_folder
from geo.atlas.loader import load_atlas
from geo.testing import launch_chromium, running_deployment, running_streamlit, start_deployment, stop_deployment


@contextmanager
def deployment(workers: int = 2):
    """`python deploy/serve.py` on free ports, its files in a temporary folder; stopped afterwards."""
    tmp = temp_folder()
    try:
        with running_deployment(tmp / "run", workers) as running:
            yield running.url
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def direct():
    with running_streamlit(name="app") as server:
        yield server.url


@contextmanager
def baseline(deployed: bool):
    """The one-marker page, `streamlit run baseline_app.py` (the same static/ and config); with `deployed`,
    behind a deploy/serve.py of its own that proxies only to it."""
    tmp = temp_folder()
    try:
        with running_streamlit(baseline_folder(tmp) / "baseline_app.py", name="baseline") as server:
            if not deployed:
                yield server.url
                return
            proxy = start_deployment(tmp / "run", 0, extra=["--upstream", f"127.0.0.1:{server.port}"])
            try:
                yield proxy.url
            finally:
                stop_deployment(proxy)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*", help="servers to measure (Explore at their root)")
    parser.add_argument(
        "--deploy",
        action="store_true",
        help="start the app, the deployment and the one-marker page (alone and deployed) itself",
    )
    parser.add_argument("--loads", type=int, default=3, help="cold loads per target (3)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    expected = drawn_count(load_atlas())
    with ExitStack() as stack:
        targets = {url: url for url in args.urls}
        if args.deploy:
            targets["streamlit run app.py"] = stack.enter_context(direct())
            targets["deploy/serve.py (nginx)"] = stack.enter_context(deployment())
            targets["one-marker page"] = stack.enter_context(baseline(deployed=False))
            targets["one-marker page through deploy/serve.py"] = stack.enter_context(baseline(deployed=True))
        if not targets:
            parser.error("give a URL, or --deploy")
        with sync_playwright() as p:
            browser = launch_chromium(p)
            shapes = {name: 1 if name.startswith("one-marker") else expected for name in targets}
            for name, url in targets.items():
                cold_load(browser, url, shapes[name])  # warm the servers' caches
            results: dict[str, list] = {name: [] for name in targets}
            for _ in range(args.loads):
                for name, url in targets.items():
                    complete = None if name.startswith("one-marker") else EXPLORE_COMPLETE
                    results[name].append(cold_load(browser, url, shapes[name], complete))
            browser.close()

    for name, loads in results.items():
        kb = med(traffic.total for _, traffic in loads) / 1024
        print(f"{name}: first load {kb:,.0f} KB on the wire, map drawn in {med(t for t, _ in loads):,.0f} ms")
        for part, size in sorted(loads[-1][1].parts.items(), key=lambda kv: -kv[1]):
            print(f"    {size / 1024:8,.0f} KB  {part}")
        ws = loads[-1][1]
        print(f"    {ws.ws / 1024:8,.0f} KB  WebSocket (inflated; deflated ~{ws.ws_deflated / 1024:,.0f})")
    pairs = (
        ("streamlit run app.py", "one-marker page", "one process"),
        ("deploy/serve.py (nginx)", "one-marker page through deploy/serve.py", "through the deployment"),
    )
    for atlas, bare, where in pairs:
        if atlas in results and bare in results:
            added = (med(t.total for _, t in results[atlas]) - med(t.total for _, t in results[bare])) / 1024
            ratio = med(t for t, _ in results[atlas]) / med(t for t, _ in results[bare])
            print(f"what the atlas adds beyond the one-marker page, {where}: {added:,.0f} KB; time to map {ratio:.2f}x")


if __name__ == "__main__":
    main()
