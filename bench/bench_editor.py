"""Benchmark of the page Make a tour in Chromium: how long an edit takes to redraw.

Run from the repository root (needs Debian's Chromium, like the browser tests):

    python bench/bench_editor.py            # about a minute
    python bench/bench_editor.py --quick    # fewer edits, for trying changes

It starts `streamlit run app.py` on a free localhost port (every request to another host is
blocked), opens /Make_a_tour, starts from every place in the article's order (16 steps), and
times edits as a teacher makes them, each from the key press or click to the page showing its
result: typing the class's text (from leaving the field to the preview showing it), moving the
step down (Alt+Down, to the list in its new order), picking another step (to the preview's
counter), and undo (Alt+Z, to the list in its old order). The target is a median under 300 ms.

Then, in this process with Streamlit's AppTest, it compares a run of the Classroom tour page on
the built-in storyline with a run on the same steps saved as a teacher's own (`?tour=<slug>`):
what each rerun of each follower of a class costs. The target is the same cost, within 15 %.
Then the same for the followers of a room (`?room=CODE`, the presenter's Next made in the store
between runs): a room on the built-in storyline, and a room that carries the same steps as an
unsaved storyline's text (RoomStore.keep_storyline); it counts how often the text was parsed.
`--rooms` runs only these AppTest parts.
"""

from __future__ import annotations

import argparse
import statistics
import time

from geo.testing import block_outside, launch_chromium, running_streamlit

TARGET_MS = 300
TOUR_RATIO = 1.15  # a saved storyline's rerun against the built-in one's
TIMEOUT_MS = 60_000
PICK = "[class*='st-key-story-pick-'] button"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def wait_idle(page) -> None:
    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)


def timed(page, act, done_js: str, arg=None) -> float:
    """ms from `act()` to `done_js(arg)` holding in the page (polled every frame)."""
    wait_idle(page)
    page.wait_for_timeout(150)
    start = time.perf_counter()
    act()
    page.wait_for_function(done_js, arg=arg, timeout=TIMEOUT_MS, polling="raf")
    return (time.perf_counter() - start) * 1000


def labels(page) -> list[str]:
    return [b.inner_text().strip() for b in page.locator(PICK).all()]


LIST_IS = f"(want) => [...document.querySelectorAll(\"{PICK}\")].map(b => b.innerText.trim()).join('|') === want"
TEXT_IS = "(want) => document.querySelector('.tour-text')?.innerText === want"
COUNT_IS = "(want) => document.querySelector('.tour-count')?.innerText === want"


def measure(page, edits: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"text": [], "move": [], "pick": [], "undo": []}
    box = page.locator(".st-key-story-text textarea")
    for i in range(edits):
        index = 1 + (i % 12)
        pick = page.locator(f".st-key-story-pick-{index} button")
        times["pick"].append(timed(page, pick.click, COUNT_IS, f"{index + 1} / 16"))
        wanted = f"Question {i}: where is it?"
        wait_idle(page)
        box.fill(wanted)
        times["text"].append(timed(page, lambda: box.press("Tab"), TEXT_IS, wanted))
        before = "|".join(labels(page))
        after = labels(page)
        after[index], after[index + 1] = after[index + 1], after[index]
        after = [f"{n}. {label.split('. ', 1)[1]}" for n, label in enumerate(after, 1)]
        times["move"].append(timed(page, lambda: page.keyboard.press("Alt+ArrowDown"), LIST_IS, "|".join(after)))
        times["undo"].append(timed(page, lambda: page.keyboard.press("Alt+z"), LIST_IS, before))
    return times


def tour_reruns(runs: int) -> dict[str, tuple[float, float]]:
    """Median wall-clock and CPU ms of a Classroom tour run, on the built-in storyline and on the same
    steps saved as a teacher's own, each on every step in turn after a first run."""
    import os
    import tempfile
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from geo.atlas.loader import load_atlas
    from geo.atlas.storyline import Draft, from_tour, storyline_yaml
    from geo.atlas.tours import load_tour
    from geo.geoparser.saved_tours import save_tour
    from geo.paths import PAGES_DIR

    root = Path(tempfile.mkdtemp(prefix="atlas-bench-"))
    os.environ["ATLAS_SAVED_DIR"] = str(root)
    story = load_tour(load_atlas())
    slug, _ = save_tour(root, storyline_yaml(Draft().replaced(*from_tour(story))), story.title, None)
    figures = {}
    for name, params in (("built-in", {}), ("saved", {"tour": slug})):
        at = AppTest.from_file(str(PAGES_DIR / "1_Classroom_tour.py"), default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        wall, cpu = [], []
        for i in range(runs):
            at.query_params["step"] = str(i % len(story) + 1)
            start, start_cpu = time.perf_counter(), time.process_time()
            at.run()
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            assert not at.exception, at.exception
        figures[name] = (statistics.median(wall), statistics.median(cpu))
    return figures


def room_reruns(runs: int, followers: int = 5) -> tuple[dict[str, tuple[float, float]], int]:
    """Median wall-clock and CPU ms of a follower's run of the Classroom tour in a room, on the built-in
    storyline and on the same steps carried by the room as text, the room moved one step between
    rounds; and how many times the carried text was parsed, over all followers and runs."""
    import os
    import tempfile

    from streamlit.testing.v1 import AppTest

    from geo.app import own_tours
    from geo.atlas.loader import load_atlas
    from geo.atlas.storyline import Draft, from_tour, storyline_yaml
    from geo.atlas.tours import load_tour
    from geo.paths import PAGES_DIR
    from geo.rooms.backends import open_store
    from geo.rooms.store import settings_from_env

    os.environ["ATLAS_ROOMS_DIR"] = tempfile.mkdtemp(prefix="atlas-bench-rooms-")
    story = load_tour(load_atlas())
    text = storyline_yaml(Draft().replaced(*from_tour(story)))
    parses = 0
    strict = own_tours.read_storyline

    def counted(*args, **kwargs):
        nonlocal parses
        parses += 1
        return strict(*args, **kwargs)

    own_tours.read_storyline = counted
    store = open_store(settings_from_env(os.environ))
    figures = {}
    try:
        for name in ("built-in room", "carried text"):
            room, token = store.create()
            if name == "carried text":
                store.keep_storyline(room.code, token, text)
            pages = []
            for _ in range(followers):
                at = AppTest.from_file(str(PAGES_DIR / "1_Classroom_tour.py"), default_timeout=60)
                at.query_params["room"] = room.code
                at.run()
                pages.append(at)
            wall, cpu = [], []
            for i in range(runs // followers):
                store.move(room.code, token, (i + 1) % len(story))
                for at in pages:
                    start, start_cpu = time.perf_counter(), time.process_time()
                    at.run()
                    wall.append((time.perf_counter() - start) * 1000)
                    cpu.append((time.process_time() - start_cpu) * 1000)
                    assert not at.exception, at.exception
                    assert f"{(i + 1) % len(story) + 1} / {len(story)}" in "".join(m.value for m in at.markdown), (
                        "followed"
                    )
            figures[name] = (statistics.median(wall), statistics.median(cpu))
    finally:
        own_tours.read_storyline = strict
        store.shutdown()
    return figures, parses


def print_tour(figures: dict[str, tuple[float, float]], other: str, base: str) -> None:
    for name, (wall, cpu) in figures.items():
        print(f"  {name:<13} {wall:6.1f} ms / {cpu:6.1f} ms")
    ratio = figures[other][1] / figures[base][1]
    verdict = "PASS" if ratio <= TOUR_RATIO else "FAIL"
    print(f"  {other} / {base} CPU: {ratio:.2f} (target at most {TOUR_RATIO}): {verdict}")


def rooms_part(quick: bool) -> None:
    followers = 5
    figures, parses = room_reruns(20 if quick else 60, followers)
    print(
        f"Classroom tour in a room, one follower's rerun ({followers} followers, AppTest, this process):"
        " median wall / CPU"
    )
    print_tour(figures, "carried text", "built-in room")
    runs = 1 + (20 if quick else 60) // followers
    print(f"  the carried text was parsed {parses} time(s) in {followers} followers' {runs} runs each (target: 1)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 rounds of edits instead of 12")
    parser.add_argument("--rooms", action="store_true", help="only the followers of a room (AppTest)")
    args = parser.parse_args()
    if args.rooms:
        rooms_part(args.quick)
        return
    edits = 4 if args.quick else 12
    from playwright.sync_api import sync_playwright

    with running_streamlit() as server, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
        outside = block_outside(page)
        page.goto(f"{server.url}/Make_a_tour", timeout=TIMEOUT_MS)
        page.locator(".st-key-story-start [role=combobox]").click(timeout=TIMEOUT_MS)
        page.keyboard.type("Every place")
        page.keyboard.press("Enter")
        wait_idle(page)
        page.get_by_role("button", name="Start").click()
        page.locator(PICK).nth(15).wait_for(timeout=TIMEOUT_MS)
        page.locator(".tour-passage").wait_for(timeout=TIMEOUT_MS)
        page.wait_for_timeout(1_500)  # the preview map's first drawing
        times = measure(page, edits)
        browser.close()
        assert not outside, outside
    every = [t for values in times.values() for t in values]
    print(f"Make a tour, {edits} rounds of 4 edits on a 16-step storyline (Chromium, one session):")
    for name, values in times.items():
        print(f"  {name:<6} median {statistics.median(values):6.0f} ms   max {max(values):6.0f} ms   n={len(values)}")
    median = statistics.median(every)
    verdict = "PASS" if median < TARGET_MS else "FAIL"
    print(f"  every edit: median {median:.0f} ms (target under {TARGET_MS} ms): {verdict}")
    figures = tour_reruns(20 if args.quick else 60)
    print("Classroom tour, one rerun (AppTest, this process): median wall / CPU")
    print_tour(figures, "saved", "built-in")
    rooms_part(args.quick)


if __name__ == "__main__":
    main()
