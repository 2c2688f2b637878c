"""Explore in Debian's Chromium through deploy/serve.py's nginx, with the internet blocked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deploy.nginx import COOKIE
from geo.atlas import load_atlas
from tests.browser.explore import WAIT, open_page, passages, place_button, wait_for_heading
from tests.deployment import running_deployment

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


@pytest.fixture(scope="module")
def proxy_url(tmp_path_factory):
    with running_deployment(tmp_path_factory.mktemp("serve-browser") / "run", workers=2) as running:
        yield running.url


def test_explore_through_the_proxy_draws_the_map_shows_a_passage_and_downloads(page, proxy_url, atlas):
    compressed = []
    page.on(
        "response",
        lambda r: compressed.append(r.url) if "/static/js/" in r.url and r.headers.get("content-encoding") else None,
    )
    open_page(page, proxy_url, atlas)
    place_button(page, atlas, "stepanakert").click()
    page.wait_for_url(re.compile(r"[?&]place=stepanakert$"), timeout=WAIT)
    wait_for_heading(page, "Stepanakert")
    passages(page).first.wait_for(timeout=WAIT)
    assert passages(page).count() == len(atlas.passages["stepanakert"])
    assert "Stepanakert" in passages(page).first.locator("mark").first.inner_text()
    assert compressed, "Streamlit's JavaScript came uncompressed"
    page.wait_for_timeout(1000)  # let the rerun of the click settle, as the direct download test does
    with page.expect_download(timeout=WAIT) as download:
        page.get_by_role("button", name="Download the data (CSV)").click()
    assert Path(download.value.path()).read_text(encoding="utf-8").startswith("slug,name,kind")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert re.fullmatch(r"[0-9a-f]{32}", cookies[COOKIE]["value"]) and cookies[COOKIE]["httpOnly"]
    assert page.outside_requests == []
    assert page.dialogs == []
