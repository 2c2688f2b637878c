"""The atlas in Debian's Chromium through deploy/serve.py's nginx, with the internet blocked.

Over plain HTTP and over https (a certificate made for the test), every page keeps to the
Content-Security-Policy the proxy sends: no `securitypolicyviolation` event and no "Refused to"
console error in the page or any of its frames.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from deploy.nginx import COOKIE
from geo.atlas.loader import load_atlas
from geo.paths import ROOT
from geo.render.maps import OSM_LAYER
from geo.rooms.backends import open_store
from geo.rooms.store import presenter_link, settings_from_env
from geo.testing import Deployment, block_outside
from tests.browser.explore import LOAD, WAIT, download, open_page, passages, pick_place, wait_for_heading
from tests.browser.support import map_frame, watch_csp
from tests.deployment import running_deployment, self_signed_certificate

MENTION = ".atlas-article a.atlas-mention"
SAMPLE = ROOT / "tests" / "fixtures" / "geoparse" / "draft-sample.txt"
TILES = "https://tile.openstreetmap.org/"


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    with running_deployment(tmp_path_factory.mktemp("serve-browser") / "run", workers=2) as running:
        yield running


@pytest.fixture(scope="module")
def tls_deployment(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve-browser-tls")
    cert, key = self_signed_certificate(folder / "tls")
    with running_deployment(folder / "run", workers=1, extra=["--tls-cert", str(cert), "--tls-key", str(key)]) as run:
        yield run


def test_explore_through_the_proxy_draws_the_map_shows_a_passage_and_downloads(page, deployment, atlas):
    violations = watch_csp(page)
    compressed = []
    page.on(
        "response",
        lambda r: compressed.append(r.url) if "/static/js/" in r.url and r.headers.get("content-encoding") else None,
    )
    open_page(page, deployment.url, atlas)
    pick_place(page, atlas, "stepanakert")
    passages(page).first.wait_for(timeout=WAIT)
    assert passages(page).count() == len(atlas.passages["stepanakert"])
    assert "Stepanakert" in passages(page).first.locator("mark").first.inner_text()
    assert compressed, "Streamlit's JavaScript came uncompressed"
    page.wait_for_timeout(1000)  # let the rerun of the click settle, as the direct download test does
    made = download(page, "Download the data (CSV)")
    assert Path(made.path()).read_text(encoding="utf-8").startswith("slug,name,kind")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert re.fullmatch(r"w\d+", cookies[COOKIE]["value"]) and cookies[COOKIE]["httpOnly"]
    assert not cookies[COOKIE]["secure"]  # plain HTTP
    assert page.outside_requests == []
    assert page.dialogs == []
    assert violations == []


def open_on_a_worker(browser, url: str, deployment: Deployment) -> tuple[object, str, list[str]]:
    """A new browser (context) on `url` through the proxy, the worker its cookie leads to, its CSP violations."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.outside_requests = block_outside(page)
    violations = watch_csp(page)
    page.goto(url)
    page.wait_for_selector(".tour-passage", timeout=WAIT)
    dialog = page.locator("[role='dialog']")  # a fresh worker's first sessions may say "page not found"
    if dialog.count() and dialog.first.is_visible():
        page.keyboard.press("Escape")
    (cookie,) = [c["value"] for c in context.cookies() if c["name"] == COOKIE]
    return page, deployment.worker_of(cookie), violations


def test_a_student_on_the_other_worker_follows_the_teacher(browser, deployment):
    teacher, teacher_worker, seen = open_on_a_worker(browser, f"{deployment.url}/Classroom_tour?step=2", deployment)
    contexts = [teacher.context]
    try:
        teacher.get_by_role("button", name="Present to a class").click()
        teacher.locator(".room-code").wait_for(timeout=WAIT)
        code = teacher.locator(".room-code").get_attribute("data-room")
        for _ in range(3):  # new browsers take the workers in turn: the next one lands on the other worker
            student, student_worker, student_seen = open_on_a_worker(
                browser, f"{deployment.url}/Classroom_tour?room={code}", deployment
            )
            contexts.append(student.context)
            if student_worker != teacher_worker:
                break
        assert student_worker != teacher_worker, "no browser landed on the other worker"
        assert student.locator(".tour-passage").get_attribute("data-step") == "2"
        teacher.get_by_role("button", name="Next").click()
        # (A selector, not wait_for_function: Playwright evaluates that as a string, which the policy forbids.)
        student.wait_for_selector(".tour-passage[data-step='3']", timeout=2_000)
        assert student.outside_requests == [] and teacher.outside_requests == []
        assert seen == [] and student_seen == []
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def tls_page(browser):
    """A browser that accepts the test's own certificate, with the internet blocked and CSP watched."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, ignore_https_errors=True)
    page = context.new_page()
    page.outside_requests = block_outside(page)
    page.violations = watch_csp(page)
    page.sockets = []
    page.on("websocket", lambda socket: page.sockets.append(socket.url))
    yield page
    context.close()


def test_over_https_explore_the_tour_the_reader_and_an_upload_keep_to_the_policy(tls_page, tls_deployment, atlas):
    page, url = tls_page, tls_deployment.url

    # Explore, with the street tiles turned on: the policy lets them load (the test blocks them).
    frame = open_page(page, f"{url}/?place=stepanakert", atlas, selected=True)
    wait_for_heading(page, "Stepanakert")
    frame.locator(".leaflet-control-layers").hover()  # the layer control opens
    frame.locator(".leaflet-control-layers-base label", has_text=OSM_LAYER).click()
    deadline_ms = WAIT
    while not any(u.startswith(TILES) for u in page.outside_requests) and deadline_ms > 0:
        page.wait_for_timeout(200)
        deadline_ms -= 200
    assert any(u.startswith(TILES) for u in page.outside_requests), "no street tile was asked for"

    # The Classroom tour: the map's frame evaluates its layers; Next moves the step.
    page.goto(f"{url}/Classroom_tour?step=1", timeout=LOAD)
    page.wait_for_selector(".tour-passage[data-step='1']", timeout=LOAD)
    map_frame(page, timeout=LOAD).wait_for_selector("path.leaflet-interactive", timeout=LOAD)
    page.get_by_role("button", name="Next").click()
    page.wait_for_selector(".tour-passage[data-step='2']", timeout=WAIT)

    # The article reader: a mention moves the map.
    page.goto(f"{url}/Article", timeout=LOAD)
    page.locator(MENTION).first.wait_for(timeout=LOAD)
    map_frame(page, timeout=LOAD)
    page.locator(f"{MENTION}[data-slug='stepanakert']").first.click()
    page.wait_for_url(re.compile(r"/Article\?place=stepanakert$"), timeout=WAIT)
    assert page.violations == []

    # The witness works, in the page and in the map's frame: an image from a host the policy does not
    # name is refused before it reaches the network, and reported.
    probe = "() => { const i = new Image(); i.src = 'https://example.org/probe.png'; document.body.append(i); }"
    page.evaluate(probe)
    map_frame(page).evaluate(probe)
    page.wait_for_timeout(1000)
    assert page.violations and all("example.org" in v for v in page.violations), page.violations
    assert sum("Content Security Policy" in v for v in page.violations) == 2  # Chromium's, page and frame
    assert any(v.startswith("csp-violation ") for v in page.violations)  # the event
    assert not any("example.org" in u for u in page.outside_requests)
    page.violations.clear()

    # Map your own article: an upload goes through the proxy's upload limit and size cap.
    page.goto(f"{url}/Map_your_own_article", timeout=LOAD)
    page.get_by_text("Upload a file").click()
    with page.expect_response(lambda r: "/_stcore/upload_file/" in r.url, timeout=WAIT) as uploaded:
        page.locator("input[type='file']").set_input_files(str(SAMPLE))
    assert uploaded.value.status == 204
    page.wait_for_timeout(1500)  # the rerun that hands the file to the page
    page.get_by_role("button", name="Find places").click()
    page.locator(".mapany-text mark.mapany-mention", has_text="Goris").first.wait_for(timeout=LOAD)

    assert page.locator("[data-testid='stException']").count() == 0
    assert [u for u in page.outside_requests if not u.startswith(TILES)] == []
    assert page.sockets and all(s.startswith("wss://127.0.0.1:") for s in page.sockets)
    assert page.violations == []


def test_over_https_a_presenter_link_keeps_a_secure_cookie_and_no_log_holds_its_secret(tls_page, tls_deployment):
    """The presenter link carries its secret after "#": the server never receives it, the page's script
    hands it to a Secure cookie, and the screen presents the room."""
    page = tls_page
    store = open_store(settings_from_env(os.environ))  # the SQLite folder the deployment's workers share
    try:
        room, token = store.create(step=1)
    finally:
        store.shutdown()
    link = presenter_link(f"{tls_deployment.url}/Classroom_tour", room.code, token)
    assert link.endswith(f"/app/static/atlas/presenter.html#room={room.code}&presenter={token}")
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))
    page.goto(link, timeout=LOAD)
    page.locator(".room-code").wait_for(timeout=LOAD)
    # The class's link (and its QR code) is the https address: no phone is sent to plain HTTP.
    assert page.locator(".room-link a").get_attribute("href").startswith(f"{tls_deployment.url}/Classroom_tour?")
    for _ in range(100):  # the page drops the secret from the address bar (polled: the policy forbids eval)
        if "presenter" not in page.evaluate("location.href"):
            break
        page.wait_for_timeout(100)
    assert "presenter" not in page.evaluate("location.href")
    assert not [url for url in sent if token in url]  # no request carried it, the page's own included
    page.get_by_role("button", name="Next").click()
    page.wait_for_selector(".tour-passage[data-step='3']", timeout=WAIT)
    cookies = {c["name"]: c for c in page.context.cookies()}
    kept = cookies[f"atlas_presenter_{room.code}"]
    assert kept["value"] == token and kept["secure"] and kept["sameSite"] == "Strict"
    assert cookies[COOKIE]["secure"]
    assert page.violations == []
    page.context.close()  # its WebSocket's log line is written as it closes

    logs = [*tls_deployment.run_dir.rglob("*.log"), *tls_deployment.run_dir.rglob("*.out")]
    assert sum(log.name.startswith("worker-") for log in logs) == 1
    for log in logs:
        assert token not in log.read_text(errors="replace"), log
    assert f"/Classroom_tour?room={room.code} " in tls_deployment.access_log()
    assert "presenter=" not in tls_deployment.access_log()  # only the page the link opens is named
