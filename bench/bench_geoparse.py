"""Measure the geoparser (`python -m geo geoparse`) on the evaluation set in bench/geoparse/.

    python bench/bench_geoparse.py
    python bench/bench_geoparse.py --corpus lgl|trnews|gwn [--corpora DIR]

Prints, per text and in total: recall and precision by place, the share of found places
resolved correctly (the right GeoNames id or curated place, or within 25 km for points
and 100 km for areas), time per 1,000 words; then the gazetteer's start-up time and extra
memory in a fresh process, warm (its cache read) and cold (an empty cache folder: the file
parsed and the cache written), the time for a 1,500-word article, and how the draft of the
atlas's own article (data/article.md) compares with the curated data/places.yaml.
bench/README.md explains the set, the rules of annotation and the goals.

With --corpus, it scores a public corpus instead (bench/geoparse_corpora.py): precision,
recall, F1, the share resolved within 161 km, the exact GeoNames id and words per
second, for its dev and held-out documents apart.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

from bench.geoparse_corpora import CORPORA, Prediction, evaluate, read_corpus
from geo.geoparser import evaluation
from geo.geoparser.evaluation import AREA_KM, EVALUATION_SET
from geo.geoparser.gazetteer import Toponym, Toponyms, load_toponyms
from geo.geoparser.geoparse import NAMED, PLACE, distance_km, geoparse
from geo.paths import ROOT

REPEATS = 20


def score_text(entry: dict, places: dict, toponyms: Toponyms) -> dict:
    """The text's scores (geo/geoparser/evaluation.py), with the geoparser's speed on it: the median of REPEATS runs."""
    result = evaluation.score_text(entry, places, toponyms, EVALUATION_SET)
    text = (EVALUATION_SET / entry["file"]).read_text(encoding="utf-8")
    timings = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        geoparse(text, toponyms)
        timings.append(time.perf_counter() - start)
    return result | {"ms_per_1000_words": statistics.median(timings) * 1000 / result["words"] * 1000}


def row(*cells: object) -> str:
    """One line of the results table: the text's name, then right-aligned figures."""
    widths = (32, 5, 4, 5, 7, 9, 8, 11)
    first, *rest = cells
    return f"{first!s:{widths[0]}} " + " ".join(f"{c!s:>{w}}" for c, w in zip(rest, widths[1:], strict=True))


def totals_row(label: str, results: list[dict]) -> str:
    """One line of the table for one text or the sum of several (the median of their speeds)."""
    total = {k: sum(r[k] for r in results) for k in ("words", "gold", "found", "hit", "correct", "right")}
    return row(
        label,
        total["words"],
        total["gold"],
        total["found"],
        pct(total["hit"], total["gold"]),
        pct(total["correct"], total["found"]),
        pct(total["right"], total["hit"]),
        f"{statistics.median(r['ms_per_1000_words'] for r in results):.1f}",
    )


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "-"


STARTUP = """
import json, time, resource
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS'):
            return int(line.split()[1]) / 1024
before = rss(); start = time.perf_counter()
from geo.geoparser.gazetteer import load_toponyms
load_toponyms()
from geo.geoparser.geoparse import geoparse
geoparse('Baku said that Stepanakert and Zangezur are in the region.')
print(json.dumps({'seconds': time.perf_counter() - start, 'mb': rss() - before}))
"""


def startup(cold: bool = False) -> dict:
    """Median of three fresh processes; cold: each with an empty ATLAS_CACHE_DIR of its own."""
    runs = []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as empty:
            env = {**os.environ, "ATLAS_CACHE_DIR": empty} if cold else None
            done = subprocess.run(
                [sys.executable, "-c", STARTUP], cwd=ROOT, env=env, capture_output=True, text=True, check=True
            )
        runs.append(json.loads(done.stdout))
    return {"seconds": statistics.median(r["seconds"] for r in runs), "mb": statistics.median(r["mb"] for r in runs)}


def long_article(texts: list[str], words: int = 1500) -> str:
    out: list[str] = []
    while sum(len(t.split()) for t in out) < words:
        out.extend(texts)
    return " ".join("\n\n".join(out).split(" ")[:words])


def own_article(toponyms: Toponyms) -> tuple[int, int, int, list[str]]:
    """Curated places the article names, found by the geoparser as the same place.

    Returns how many are found, how many the article names, how many of those have a
    GeoNames id or an outline to compare with (descriptive entries such as "surrounding
    territories" have neither), and the differences.
    """
    from geo.atlas.loader import load_atlas

    atlas = load_atlas(ROOT / "data")
    found = geoparse((ROOT / "data" / "article.md").read_text(encoding="utf-8"), toponyms)
    named = [p for p in atlas.places if atlas.passages[p.slug]]
    comparable = sum(1 for p in named if p.sources.get("geonames") is not None or atlas.shape(p) is not None)
    same, differences = 0, []
    for place in named:
        gid = place.sources.get("geonames")
        forms = set(place.mentions) | set(place.adjectives)
        match = [f for f in found if forms & {m.text for m in f.mentions}]
        if gid is not None:
            ok = any(f.toponym.geonameid == gid for f in found)
            how = f"GeoNames {gid}"
        else:
            shape = atlas.shape(place)
            point = shape.geom.representative_point() if shape else None
            ok = (
                bool(match)
                and point is not None
                and any(
                    distance_km(f.toponym, Toponym("x", None, "x", "region", None, point.y, point.x)) <= AREA_KM
                    for f in match
                )
            )
            how = "outline" if shape else "no geometry"
        if ok:
            same += 1
        else:
            got = ", ".join(f"{f.toponym.name} ({f.toponym.ref})" for f in match) or "not found"
            differences.append(f"{place.slug} ({how}; forms {', '.join(sorted(forms))}): {got}")
    curated = {p.sources.get("geonames") for p in atlas.places}
    for f in found:
        if f.toponym.geonameid is not None and f.toponym.geonameid not in curated:
            differences.append(f"extra: {f.toponym.name} ({f.toponym.ref})")
    return same, len(named), comparable, differences


def predictions(text: str, toponyms: Toponyms, roles: tuple[str, ...] = (PLACE, NAMED)) -> list[Prediction]:
    """Every mention of these roles the geoparser finds, with the point and GeoNames id of the place it resolves
    it to. The corpora count both roles as toponyms ("Turkish army", "Ohio Department of Development")."""
    return [
        Prediction(m.start, m.end, p.toponym.lat, p.toponym.lon, p.toponym.geonameid, p.review)
        for p in geoparse(text, toponyms, named=NAMED in roles)
        for m in p.mentions
        if m.role in roles
    ]


def corpus_report(name: str, root: str | None, toponyms: Toponyms) -> None:
    """Print the EUPEG figures of one public corpus, dev and held-out apart: both roles, then literal mentions only."""
    docs = read_corpus(name, root)
    for label, roles in (("", (PLACE, NAMED)), (" lit", (PLACE,))):
        parts = evaluate(docs, lambda text, r=roles: predictions(text, toponyms, r), time.perf_counter)
        corpus_table(name + label, docs, parts, header=not label)
    print("lit: literal mentions only (role place), the places a reader sees drawn")


def corpus_table(name: str, docs: list, parts: dict, header: bool) -> None:
    """The figures of one scoring of a corpus, its dev and held-out parts apart."""
    columns = ("docs", 5), ("gold", 6), ("P", 6), ("R", 6), ("F1", 6), ("<=161km", 8), ("id", 6), ("words/s", 8)
    columns += ("unflag", 7), ("acc", 6), ("caught", 7)
    if header:
        print(f"{'corpus':18} " + " ".join(f"{c:>{w}}" for c, w in columns))
    for part, tally in parts.items():
        f = tally.figures()
        n = sum(1 for d in docs if d.split == part)
        print(
            f"{name + ' ' + part:18} {n:>5} {f['gold']:>6} {f['P']:>6.3f} {f['R']:>6.3f} {f['F1']:>6.3f} "
            f"{f['161km']:>8.3f} {f['id']:>6.3f} {f['words/s']:>8.0f} "
            f"{f['unflagged']:>7.3f} {f['unflagged_acc']:>6.3f} {f['caught']:>7.3f}"
        )
    if not header:
        print(
            "unflag: share of recognised toponyms whose place is not flagged for review; acc: the share of those "
            "within 161 km; caught: the share of the ones placed farther that the flag marks"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), help="score a public corpus instead of bench/geoparse/")
    parser.add_argument("--corpora", help="folder of the public corpora (default: $GEOPARSE_CORPORA)")
    args = parser.parse_args(argv)
    if args.corpus:
        corpus_report(args.corpus, args.corpora, load_toponyms())
        return 0
    gold = yaml.safe_load((EVALUATION_SET / "gold.yaml").read_text(encoding="utf-8"))
    start = time.perf_counter()
    toponyms = load_toponyms()
    warm_load = time.perf_counter() - start
    results = [score_text(entry, gold["places"], toponyms) for entry in gold["texts"]]
    header = row("text", "words", "gold", "found", "recall", "precision", "resolved", "ms/1k words")
    print(header)
    for use in ("development", "held-out", "late held-out"):
        part = [r for r, e in zip(results, gold["texts"], strict=True) if e.get("use") == use]
        print("-" * len(header) + f"\n{use}:")
        for r in part:
            print(totals_row(r["file"], [r]))
        print(totals_row(f"  {use} total", part))
    print("-" * len(header))
    print(totals_row("total", results))
    print("\nerrors:")
    for r in results:
        for e in r["errors"]:
            print(f"  {r['file']}: {e}")
    article = long_article([(EVALUATION_SET / e["file"]).read_text(encoding="utf-8") for e in gold["texts"]])
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        geoparse(article, toponyms)
        times.append(time.perf_counter() - t0)
    fresh, cold = startup(), startup(cold=True)
    print(f"\n1,500-word article, warm: {statistics.median(times) * 1000:.0f} ms (goal < 2,000 ms)")
    print(
        f"gazetteer start-up in a fresh process (import, load, first parse): {fresh['seconds']:.2f} s "
        f"(goal < 1 s); extra memory {fresh['mb']:.0f} MB (goal < 300 MB); in this process {warm_load:.2f} s"
    )
    print(
        f"the same with an empty cache folder (the file parsed, the cache written): {cold['seconds']:.2f} s "
        f"(goal < 3 s); extra memory {cold['mb']:.0f} MB (goal < 300 MB)"
    )
    same, named, comparable, differences = own_article(toponyms)
    print(
        f"\natlas article (data/article.md): {same} of the {comparable} curated places it names that have a GeoNames "
        f"id or an outline found as the same place ({pct(same, comparable)}; goal 90%); {same} of all {named} "
        f"({pct(same, named)}), counting descriptive entries that have neither"
    )
    for d in differences:
        print(f"  {d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
