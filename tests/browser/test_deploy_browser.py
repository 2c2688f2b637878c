"""Explore in Debian's Chromium through deploy/serve.py's nginx, with the internet blocked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deploy.nginx import COOKIE
from geo.atlas.loader import load_atlas
from geo.testing import block_outside
from tests.browser.explore import WAIT, open_page, passages, pick_place
from tests.deployment import running_deployment


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
    pick_place(page, atlas, "stepanakert")
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


def open_on_a_worker(browser, url: str) -> tuple[object, str]:
    """A new browser (context) on `url` through the proxy, and the worker its page came from."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.outside_requests = block_outside(page)
    response = page.goto(url)
    page.wait_for_selector(".tour-passage", timeout=WAIT)
    dialog = page.locator("[role='dialog']")  # a fresh worker's first sessions may say "page not found"
    if dialog.count() and dialog.first.is_visible():
        page.keyboard.press("Escape")
    return page, response.headers.get("x-upstream", "")


def test_a_student_on_the_other_worker_follows_the_teacher(browser, proxy_url):
    teacher, teacher_worker = open_on_a_worker(browser, f"{proxy_url}/Classroom_tour?step=2")
    contexts = [teacher.context]
    try:
        teacher.get_by_role("button", name="Present to a class").click()
        teacher.locator(".room-code").wait_for(timeout=WAIT)
        code = teacher.locator(".room-code").get_attribute("data-room")
        for _ in range(12):  # each new browser gets its own sticky cookie: one lands on the other worker
            student, student_worker = open_on_a_worker(browser, f"{proxy_url}/Classroom_tour?room={code}")
            contexts.append(student.context)
            if student_worker != teacher_worker:
                break
        assert student_worker != teacher_worker, "no browser landed on the other worker"
        assert student.locator(".tour-passage").get_attribute("data-step") == "2"
        teacher.get_by_role("button", name="Next").click()
        student.wait_for_function("document.querySelector('.tour-passage').dataset.step === '3'", timeout=2_000)
        assert student.outside_requests == [] and teacher.outside_requests == []
    finally:
        for context in contexts:
            context.close()
