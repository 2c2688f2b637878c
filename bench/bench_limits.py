"""Measure what the largest input allowed costs: a draft of MAX_DRAFT_PLACES places, and a full rooms store.

    python bench/bench_limits.py            # about a minute
    python bench/bench_limits.py --repeats 1 --paste-names 1000

A paste of the largest size the page takes (about 186,000 characters) naming `--paste-names`
real places of the gazetteer (geo/geoparser/many_places.py: outlined countries and provinces first,
the heaviest for every later step) goes through "Map your own article" on the library side:
finding its places (the draft keeps the first MAX_DRAFT_PLACES), the review (every row, and
one page of 25), the draft's files, opening it as an atlas, the static site zip, the tour's
handout (a step and a locator map per place), saving it, opening the saved atlas and what a
first visit of its link makes (the pages' views and the map). Each is
the median of `--repeats` runs, with the peak of Python memory one more run adds (tracemalloc;
matplotlib's and zlib's own buffers are not counted) and the size of what it makes. Then a
new room in a SQLite store holding ATLAS_MAX_ROOMS live rooms less one, and the refusal of one
more. Ratios matter more than the absolute numbers: the machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.support import measure_step
from geo.atlas.loader import Atlas
from geo.geoparser.draft import (
    MAX_DRAFT_PLACES,
    ArticleInfo,
    draft_files,
    find_places,
    load_draft_atlas,
    site_zip,
)
from geo.geoparser.gazetteer import load_toponyms
from geo.geoparser.many_places import article_naming, gazetteer_names
from geo.geoparser.review import review_view
from geo.geoparser.saved import load_saved, save_atlas
from geo.render.handout import handout_html
from geo.render.maps import build_map
from geo.render.view_models import article_view, atlas_view
from geo.rooms.sqlite_store import SqliteRoomStore
from geo.rooms.store import DEFAULT_MAX_ROOMS, RoomLimit

PER_PAGE = 25


def size_of(result: object) -> str:
    if isinstance(result, bytes | str):
        return f"{len(result) / 1e6:6.1f} MB"
    return ""


def first_visit(atlas: Atlas) -> str:
    """What the app makes once per atlas and process before a link of it shows: the views and the map."""
    atlas_view(atlas)
    article_view(atlas)
    return build_map(atlas, basemap_from_script=True).get_root().render()


def rooms_at_the_cap(folder: Path, repeats: int) -> None:
    """A new room with the store one short of its cap (the purge is an index lookup), then the refusal."""
    store = SqliteRoomStore(folder, 3600.0)
    try:
        for n in range(DEFAULT_MAX_ROOMS - 1):
            store.create(client=f"10.0.{n // 250}.{n % 250}")
        times = []
        for n in range(repeats * 20):
            start = time.perf_counter()
            room, token = store.create(client=f"192.0.2.{n}")
            times.append(time.perf_counter() - start)
            store.close(room.code, token)
        store.create(client="192.0.2.250")
        start = time.perf_counter()
        try:
            store.create(client="192.0.2.251")
            raise SystemExit("the room past the cap was not refused")
        except RoomLimit as refusal:
            refused = time.perf_counter() - start
            message = str(refusal)
    finally:
        store.shutdown()
    times.sort()
    median = times[len(times) // 2] * 1e3
    print(f"\nrooms: a new room with {DEFAULT_MAX_ROOMS - 1} live rooms in SQLite (the cap: {DEFAULT_MAX_ROOMS})")
    print(f"  median {median:.2f} ms over {len(times)}; the next one refused in {refused * 1e3:.2f} ms:")
    print(f"  {message}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of each step (the median is shown)")
    parser.add_argument("--paste-names", type=int, default=4000, help="places the pasted text names")
    args = parser.parse_args()
    load_toponyms()  # warm, as in a running app

    text = article_naming(gazetteer_names(args.paste_names))
    print(f"paste: {len(text):,} characters naming {args.paste_names:,} gazetteer places; {args.repeats} runs each")
    seconds, cpu, peak, found = measure_step(lambda: find_places(text, None), args.repeats)
    print(f"{'step':44} {'median':>9} {'CPU':>9} {'peak mem':>9} {'made':>9}")
    print(f"{'find the places (find_places)':44} {seconds:7.2f} s {cpu:7.2f} s {peak:6.1f} MB")
    print(f"  kept {len(found.places)} (MAX_DRAFT_PLACES {MAX_DRAFT_PLACES}), left out {found.left_out:,}\n")

    markdown, places = found
    files = draft_files(markdown, places, ArticleInfo())
    draft = load_draft_atlas(files)
    with tempfile.TemporaryDirectory(prefix="bench-limits-") as tmp:
        saved_root = Path(tmp) / "saved"
        slug = save_atlas(saved_root, files, draft.atlas.meta.title)
        steps = [
            ("the review, every row (review_view)", lambda: review_view(markdown, places, {})),
            (f"the review, one page of {PER_PAGE}", lambda: review_view(markdown, places, {}, per_page=PER_PAGE)),
            ("the draft's files (draft_files)", lambda: draft_files(markdown, places, ArticleInfo())),
            ("open it as an atlas (load_draft_atlas)", lambda: load_draft_atlas(files)),
            ("the static site zip (site_zip)", lambda: site_zip(files)),
            ("the tour's handout (handout_html)", lambda: handout_html(draft.atlas, draft.tour)),
            ("save it again: the same files (save_atlas)", lambda: save_atlas(saved_root, files, "again")),
            ("open the saved atlas (load_saved)", lambda: load_saved(saved_root, slug)),
            ("its pages' views and map (a first visit)", lambda: first_visit(draft.atlas)),
        ]
        print(f"the largest draft: {len(places)} places, data files {sum(map(len, files.values())) / 1e6:.2f} MB")
        for label, step in steps:
            seconds, cpu, peak, result = measure_step(step, args.repeats)
            print(f"{label:44} {seconds:7.2f} s {cpu:7.2f} s {peak:6.1f} MB {size_of(result)}")
        rooms_at_the_cap(Path(tmp) / "rooms", args.repeats)


if __name__ == "__main__":
    main()
