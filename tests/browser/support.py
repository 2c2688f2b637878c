"""Helpers of the browser tests: the map's frame, the accessibility audit, the names on the map and the
Content-Security-Policy violations a page meets.

The server, Chromium and the blocking of every request that leaves the machine are geo/testing.py's
(`running_streamlit`, `launch_chromium`, `block_outside`), shared with the benchmarks.
"""

from __future__ import annotations

import time

from playwright.sync_api import Error as PlaywrightError

from geo.paths import ROOT

AXE = ROOT / "tests" / "fixtures" / "axe" / "axe.min.js"
# The impacts an audit fails on.
AXE_FAILING = ("serious", "critical")


# Reports each Content-Security-Policy violation in a frame to the console, where the test collects it.
CSP_REPORT_JS = """document.addEventListener('securitypolicyviolation', e => console.warn('csp-violation ' +
    JSON.stringify({directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile,
                    line: e.lineNumber, document: e.documentURI})), true);"""


def watch_csp(page) -> list[str]:
    """Every Content-Security-Policy violation in the page and its frames, from the page's start on.

    Two witnesses: Chromium's own console messages and page errors that name the policy, in the
    page and every frame, and the `securitypolicyviolation` event, reported by a script added to
    every document (a frame that rewrites its document with document.open loses that listener;
    Chromium's message still comes).
    """
    found: list[str] = []
    page.context.add_init_script(CSP_REPORT_JS)

    def console(message) -> None:
        if message.text.startswith("csp-violation ") or "Content Security Policy" in message.text:
            found.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: found.append(str(error)) if "Content Security Policy" in str(error) else None)
    return found


def map_frame(page, timeout: float = 30_000):
    """The iframe streamlit-folium draws into, once Leaflet has drawn in it.

    A page switch can replace the iframe while it loads (the old one is then detached):
    the search starts again on the frame that took its place, within the same timeout.
    """
    deadline = time.monotonic() + timeout / 1000
    while True:
        left = max(1.0, (deadline - time.monotonic()) * 1000)
        page.wait_for_selector("iframe[title*='st_folium'], iframe[title*='streamlit_folium']", timeout=left)
        maps = ("streamlit_folium", "st_folium")
        frames = [f for f in page.frames if not f.is_detached() and any(m in f.url for m in maps)]
        try:
            if not frames:
                raise AssertionError("no streamlit-folium frame found")
            frames[-1].wait_for_selector("#map_div.leaflet-container", timeout=left)
            return frames[-1]
        except (PlaywrightError, AssertionError):
            if time.monotonic() >= deadline:
                raise
            page.wait_for_timeout(200)


def axe_violations(page, impacts: tuple[str, ...] = AXE_FAILING) -> list[dict]:
    """Run axe-core (tests/fixtures/axe) on the page and every frame in it; the violations of these impacts.

    axe audits a frame only where it is loaded, so it is injected into each frame first.
    Each violation keeps its id, impact, help and the elements it names, for the message.
    """
    for frame in page.frames:
        if frame.url.startswith(("http", "file")):
            frame.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations'], iframes: true})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [(n["target"], n.get("failureSummary", "")) for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]


# The map's orientation: names, overview and key (static/atlas/context-map.js, overview.js) -----

NAMES_SHOWN_JS = """() => [...document.querySelectorAll('.atlas-name')]
    .filter(el => !el.hidden && el.offsetWidth).map(el => el.textContent)"""
NAME_BOXES_JS = """() => [...document.querySelectorAll('.atlas-name, .leaflet-tooltip.atlas-label')]
    .filter(el => !el.hidden && el.offsetWidth)
    .map(el => { const r = el.getBoundingClientRect(); return [el.textContent, r.left, r.top, r.right, r.bottom]; })"""


def names_shown(frame, wanted: tuple[str, ...] = (), timeout: float = 20_000) -> list[str]:
    """The names written on the map (as text in the page), once every wanted one is there."""
    frame.wait_for_function(
        f"wanted => {{ const shown = ({NAMES_SHOWN_JS})(); return wanted.every(w => shown.includes(w)); }}",
        arg=list(wanted),
        timeout=timeout,
    )
    return frame.evaluate(NAMES_SHOWN_JS)


def overlapping_names(frame) -> list[tuple[str, str]]:
    """Pairs of names (and place labels) whose boxes overlap on screen: there should be none."""
    boxes = frame.evaluate(NAME_BOXES_JS)
    pairs = []
    for i, (a, *ra) in enumerate(boxes):
        for b, *rb in boxes[i + 1 :]:
            if ra[0] < rb[2] and rb[0] < ra[2] and ra[1] < rb[3] and rb[1] < ra[3]:
                pairs.append((a, b))
    return pairs
