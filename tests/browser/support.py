"""Helpers of the browser tests: a real `streamlit run`, Debian's Chromium, and the map's frame.

Every request to a host other than localhost is blocked and recorded (`block_outside`), so a
test can assert that nothing was fetched from outside.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("ATLAS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
LOCAL_PREFIXES = ("http://localhost", "http://127.0.0.1", "file://", "data:", "blob:", "about:")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_streamlit(script: str = "app.py", port: int | None = None) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run` on a free port and wait until it answers its health check."""
    port = port or free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("streamlit did not start within 60 s")


def block_outside(page) -> list[str]:
    """Abort every request that leaves the machine; return the list they are recorded in."""
    outside: list[str] = []

    def handle(route):
        url = route.request.url
        if url.startswith(LOCAL_PREFIXES):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", handle)
    return outside


def map_frame(page, timeout: float = 30_000):
    """The iframe streamlit-folium draws into, once Leaflet has drawn in it."""
    page.wait_for_selector("iframe[title*='st_folium'], iframe[title*='streamlit_folium']", timeout=timeout)
    for frame in page.frames:
        if "streamlit_folium" in frame.url or "st_folium" in frame.url:
            frame.wait_for_selector(".leaflet-container", timeout=timeout)
            return frame
    raise AssertionError("no streamlit-folium frame found")
