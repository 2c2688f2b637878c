"""Fixtures for browser tests: a real `streamlit run app.py` and Debian's Chromium (geo/testing.py).

Every test under tests/browser is marked `browser`, so `pytest -m "not browser"` leaves them all out.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.testing import block_outside, chromium_installed, launch_chromium, running_streamlit

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of this folder `browser` (a conftest's `pytestmark` would mark nothing)."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    with running_streamlit() as server:
        yield server.url


@pytest.fixture(scope="session")
def browser():
    if not chromium_installed():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    pg = context.new_page()
    pg.outside_requests = block_outside(pg)
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()
