"""Retake the README's screenshots of the pages one link opens: `python scripts/docs_screenshots.py`.

Starts the README's `streamlit run app.py` on a free port, opens each view in headless Chromium
(geo/testing.py), waits until the map has drawn, and writes `docs/<name>.png`. The screenshots
of a presented room, a quiz and the editor need a class's clicks and are taken by hand; the
draft of a French news item is saved by its browser test with ATLAS_DOCS_SCREENSHOTS=1.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from geo.paths import ROOT
from geo.testing import block_outside, launch_chromium, running_streamlit

DOCS = ROOT / "docs"
MAP_FRAME = "iframe[title*='st_folium'], iframe[title*='streamlit_folium']"
WAIT_MS = 60_000
SETTLE_MS = 1_500


@dataclass(frozen=True)
class Shot:
    name: str
    path: str  # the page's address after the site's root, query included
    ready: str  # a selector on the page that says its content has arrived
    width: int = 1440
    height: int = 900
    full_height: int | None = None  # taller than the window, to show what lies under the map


SHOTS = (
    Shot("explore", "/?place=zangezur-corridor", "h2"),
    Shot("timeline", "/?event=escalation-2022", ".atlas-timeline", full_height=1300),
    Shot("tour", "/Classroom_tour?step=10", ".tour-passage", width=1600),
    Shot("article", "/Article?place=stepanakert", ".atlas-article"),
)


def take(page: object, url: str, shot: Shot, out: Path) -> None:
    """One view at its size, once its map's frame has drawn Leaflet's container and settled."""
    page.set_viewport_size({"width": shot.width, "height": shot.full_height or shot.height})
    page.goto(url + shot.path, timeout=WAIT_MS)
    page.wait_for_selector(shot.ready, timeout=WAIT_MS)
    page.frame_locator(MAP_FRAME).last.locator("#map_div.leaflet-container").wait_for(timeout=WAIT_MS)
    page.wait_for_timeout(SETTLE_MS)
    page.screenshot(path=str(out))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only these (explore, timeline, tour, article)")
    args = parser.parse_args(argv)
    shots = [s for s in SHOTS if not args.names or s.name in args.names]
    unknown = set(args.names) - {s.name for s in SHOTS}
    if unknown:
        parser.error(f"no screenshot named {', '.join(sorted(unknown))}")
    from playwright.sync_api import sync_playwright

    with running_streamlit() as server, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page()
        outside = block_outside(page)
        for shot in shots:
            out = DOCS / f"{shot.name}.png"
            take(page, server.url, shot, out)
            print(f"{out.relative_to(ROOT)}  {shot.width}x{shot.full_height or shot.height}  {shot.path}")
        browser.close()
    if outside:
        print(f"requests that left the machine (blocked): {outside}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
