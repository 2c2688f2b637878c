"""The network waterfall of a first load: what the time to map waits for, Explore beside the one-marker page.

Run from the repository root (needs Debian's Chromium, like the browser tests):

    python bench/waterfall.py                 # starts Explore and the one-marker page, one load each
    python bench/waterfall.py --deploy        # both behind deploy/serve.py (gzip, cache headers)
    python bench/waterfall.py --loads 6       # only the milestones' medians over six loads of each
    python bench/waterfall.py URL [URL ...]   # servers already running (Explore's shapes expected)

For each page it prints every request in the order it started: when it started and ended (ms from
navigation), its size on the wire, whether it came from the map's frame, and the milestones: the
map's frame created, Leaflet's map made, the first shape drawn and every place drawn. Streamlit's
own files are named by the element kinds whose code they hold, so a chunk that only Explore loads
says which element pulls it in.
"""

from __future__ import annotations

import argparse
import base64
import re
import statistics
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import streamlit

from bench.bench_explore import TIMEOUT_MS, drawn_count
from bench.bench_wire import baseline, deployment, direct
from geo.atlas.loader import load_atlas
from geo.testing import block_outside, launch_chromium

STREAMLIT_JS = Path(streamlit.__file__).parent / "static" / "static" / "js"
# Test ids of Streamlit's elements, as their code names them: the element a chunk draws.
TEST_ID = re.compile(r'"data-testid":[`"](st[A-Z][A-Za-z]+)[`"]')

# Milestones, recorded in the page from its first script on (an init script runs in every frame).
MILESTONES_JS = """
(() => {
  if (window !== window.top) return;
  const marks = {};
  const mark = (name) => { if (!(name in marks)) marks[name] = performance.timeOrigin + performance.now(); };
  window.__atlasMarks = marks;
  const poll = setInterval(() => {
    // React shows a skeleton for each element whose code is still loading, and reveals what has loaded
    // in batches: when the page's skeletons show and go says how long the reveal waited.
    const skeletons = document.querySelectorAll('[data-testid="stSkeleton"]').length;
    if (skeletons) mark('first element skeleton shown');
    if (skeletons === 0 && 'first element skeleton shown' in marks) mark('every element skeleton gone');
    if (document.querySelector('[data-testid="stHtml"]')) mark('first HTML block drawn');
    const f = document.querySelector('iframe[title*="st_folium"], iframe[title*="streamlit_folium"]');
    if (!f) return;
    mark('map frame created');
    const w = f.contentWindow;
    const d = w && w.document;
    if (!d) return;
    if (w.L) mark('Leaflet loaded in the frame');
    if (w.map_div && w.map_div._loaded) mark('Leaflet map made');
    const n = d.querySelectorAll('.leaflet-interactive').length;
    if (n >= 1) mark('first shape drawn');
    if (n >= window.__atlasExpected) { mark('every shape drawn'); clearInterval(poll); }
  }, 5);
})();
"""


@dataclass
class Request:
    url: str
    start: float
    end: float | None = None
    size: int = 0
    frame: str = ""


@dataclass
class Load:
    requests: dict[str, Request] = field(default_factory=dict)
    ws_bytes: int = 0
    ws_first: float | None = None
    messages: list[tuple[float, int, str]] = field(default_factory=list)  # received: when, bytes, what


def message_kind(payload: bytes) -> str:
    """What a ForwardMsg from the server carries: a delta's element kind (with markdown's HTML flag), or its type."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    try:
        msg.ParseFromString(payload)
    except Exception:  # noqa: BLE001 - a frame that is not a ForwardMsg is only listed
        return "?"
    kind = msg.WhichOneof("type") or "?"
    if kind == "ref_hash":
        return "ref_hash (an element the browser has)"
    if kind != "delta":
        return kind
    delta = msg.delta
    which = delta.WhichOneof("type")
    if which == "new_element":
        element = delta.new_element
        name = element.WhichOneof("type")
        if name == "markdown" and element.markdown.allow_html:
            name += " (unsafe_allow_html)"
        if name == "component_instance":
            name += f" {element.component_instance.component_name}"
        return f"{name} at {list(msg.metadata.delta_path)}"
    return f"{which} at {list(msg.metadata.delta_path)}"


@cache
def elements_of(name: str) -> str:
    """The Streamlit element kinds whose test ids a front-end chunk holds (the first few)."""
    path = STREAMLIT_JS / name
    if not path.is_file():
        return ""
    ids = list(dict.fromkeys(TEST_ID.findall(path.read_text(errors="replace"))))
    return ", ".join(ids[:4]) + (" ..." if len(ids) > 4 else "")


def record(browser, url: str, expected: int) -> tuple[Load, dict[str, float], float]:
    """One cold load of `url`: its requests, its milestones (epoch ms) and its navigation start (epoch ms)."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, bypass_csp=True)
    context.add_init_script(f"window.__atlasExpected = {expected};\n{MILESTONES_JS}")
    page = context.new_page()
    block_outside(page)
    load = Load()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    offset: list[float] = []  # wall time minus the DevTools monotonic clock, from the first request

    def on_request(event):
        if not offset:
            offset.append(event["wallTime"] * 1000 - event["timestamp"] * 1000)
        load.requests[event["requestId"]] = Request(
            event["request"]["url"], event["timestamp"] * 1000, frame=event.get("frameId", "")
        )

    def on_finished(event):
        request = load.requests.get(event["requestId"])
        if request:
            request.end = event["timestamp"] * 1000
            request.size = int(event.get("encodedDataLength", 0))

    def on_frame(event):
        response = event["response"]
        payload = base64.b64decode(response.get("payloadData", "")) if response.get("opcode") == 2 else b""
        load.ws_bytes += len(payload)
        load.messages.append((event["timestamp"] * 1000, len(payload), message_kind(payload)))
        if load.ws_first is None:
            load.ws_first = event["timestamp"] * 1000

    cdp.on("Network.requestWillBeSent", on_request)
    cdp.on("Network.loadingFinished", on_finished)
    cdp.on("Network.webSocketFrameReceived", on_frame)
    page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    main_frame = page.main_frame
    drawn = (
        'n => { const f = document.querySelector(\'iframe[title*="st_folium"], iframe[title*="streamlit_folium"]\');'
        " const d = f && f.contentWindow && f.contentWindow.document;"
        " return d && d.querySelectorAll('.leaflet-interactive').length >= n; }"
    )
    page.wait_for_function(drawn, arg=expected, timeout=TIMEOUT_MS, polling=10)
    page.wait_for_timeout(800)
    marks = dict(main_frame.evaluate("() => window.__atlasMarks"))
    top_frame = next(iter(load.requests.values())).frame
    for request in load.requests.values():
        request.frame = "" if request.frame == top_frame else "map frame"
    context.close()
    # Requests are on DevTools' monotonic clock; move them to wall time like the milestones.
    for request in load.requests.values():
        request.start += offset[0]
        request.end = request.end + offset[0] if request.end else None
    if load.ws_first is not None:
        load.ws_first += offset[0]
    load.messages = [(at + offset[0], size, kind) for at, size, kind in load.messages]
    return load, marks, min(r.start for r in load.requests.values())


def label(url: str) -> str:
    path = re.sub(r"^https?://[^/]+", "", url)
    if path.startswith("/static/js/"):
        name = path.rsplit("/", 1)[-1]
        kinds = elements_of(name)
        return f"{path}  [{kinds}]" if kinds else path
    return path[:110]


def report(name: str, load: Load, marks: dict[str, float], t0: float, messages: bool = True) -> list[str]:
    lines = [f"== {name}", f"{'start':>7} {'end':>7} {'KB':>7}  {'':10} request"]
    total = 0
    for request in sorted(load.requests.values(), key=lambda r: r.start):
        total += request.size
        end = f"{request.end - t0:7.0f}" if request.end else "      -"
        size = request.size / 1024
        lines.append(f"{request.start - t0:7.0f} {end} {size:7.1f}  {request.frame:10} {label(request.url)}")
    lines.append(f"  HTTP {total / 1024:,.0f} KB; WebSocket received {load.ws_bytes / 1024:,.0f} KB (inflated)")
    if messages:
        lines.append("  WebSocket messages received (ms, KB, what):")
        for at, size, kind in load.messages:
            lines.append(f"    {at - t0:7.0f} {size / 1024:6.1f}  {kind}")
    for mark, at in sorted(marks.items(), key=lambda kv: kv[1]):
        lines.append(f"  {mark:<25} {at - t0:7.0f} ms")
    return lines


def moments(load: Load, marks: dict[str, float], t0: float) -> dict[str, float]:
    """A load's milestones and the moments they wait on (ms from navigation): the page's script finished
    and the component's chunk arrived, besides the marks made in the page."""
    found = {mark: at - t0 for mark, at in marks.items()}
    finished = [at for at, _, kind in load.messages if kind == "script_finished"]
    if finished:
        found["page's script finished"] = finished[0] - t0
    component = [r.end for r in load.requests.values() if "/ComponentInstance." in r.url and r.end]
    if component:
        found["component's chunk loaded"] = component[0] - t0
    return found


def medians(name: str, loads: list[dict[str, float]]) -> list[str]:
    """The median moment of each milestone over several loads, in order, and how many loads had it."""
    names = sorted({m for load in loads for m in load}, key=lambda m: statistics.median(x[m] for x in loads if m in x))
    lines = [f"== {name}: medians of {len(loads)} cold loads"]
    for mark in names:
        values = [load[mark] for load in loads if mark in load]
        lines.append(f"  {mark:<32} {statistics.median(values):7.0f} ms  ({len(values)} loads)")
    return lines


@contextmanager
def explore(deployed: bool):
    """Explore from `streamlit run app.py`, or through a deployment of its own."""
    with deployment() if deployed else direct() as url:
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*", help="running servers to record (Explore at their root)")
    parser.add_argument("--deploy", action="store_true", help="both pages behind deploy/serve.py")
    parser.add_argument(
        "--loads", type=int, default=1, help="with more than one, only the median milestones of that many loads each"
    )
    args = parser.parse_args()
    if not 1 <= args.loads <= 50:
        parser.error("--loads must be between 1 and 50")
    from playwright.sync_api import sync_playwright

    expected = drawn_count(load_atlas())
    with ExitStack() as stack:
        targets = {url: (url, expected) for url in args.urls}
        if not targets:
            targets["Explore"] = (stack.enter_context(explore(args.deploy)), expected)
            targets["one-marker page"] = (stack.enter_context(baseline(args.deploy)), 1)
        with sync_playwright() as p:
            browser = launch_chromium(p)
            for url, shapes in targets.values():
                record(browser, url, shapes)  # warm the servers' caches
            lines = []
            if args.loads == 1:
                for name, (url, shapes) in targets.items():
                    lines += report(name, *record(browser, url, shapes))
            else:
                seen: dict[str, list[dict[str, float]]] = {name: [] for name in targets}
                for _ in range(args.loads):  # in turn, so every page sees the same machine
                    for name, (url, shapes) in targets.items():
                        seen[name].append(moments(*record(browser, url, shapes)))
                for name, loads in seen.items():
                    lines += medians(name, loads)
            browser.close()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
