"""Measure the geoparser (`python -m geo geoparse`) on the evaluation set in bench/geoparse/.

    python bench/bench_geoparse.py

Prints, per text and in total: recall and precision by place, the share of found places
resolved correctly (the right GeoNames id or curated place, or within 25 km for points
and 100 km for areas), time per 1,000 words; then the gazetteer's start-up time and extra
memory in a fresh process, the time for a 1,500-word article, and how the draft of the
atlas's own article (data/article.md) compares with the curated data/places.yaml.
bench/README.md explains the set, the rules of annotation and the goals.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

import yaml

from geo.atlas.article import FormFinder
from geo.geoparser.gazetteer import Toponym, Toponyms, load_toponyms
from geo.geoparser.geoparse import FoundPlace, distance_km, geoparse
from geo.paths import ROOT

SET = ROOT / "bench" / "geoparse"
POINT_KM, AREA_KM = 25.0, 100.0
REPEATS = 20


@dataclass(frozen=True)
class Gold:
    key: str
    spans: tuple[tuple[int, int], ...]
    place: dict


def gold_spans(text: str, mentions: dict[str, list[str]], exclude: list[str]) -> dict[str, list[tuple[int, int]]]:
    """Each gold place's spans: every occurrence of its forms (longest first), or only the nth ("Julfa#2")."""
    owner: dict[str, list[tuple[str, int | None]]] = {}
    for key, forms in mentions.items():
        for form in forms:
            name, _, nth = form.partition("#")
            owner.setdefault(name, []).append((key, int(nth) if nth else None))
    blocked = [(m.start, m.end) for phrase in exclude for m in FormFinder([phrase]).finditer(text)]
    spans: dict[str, list[tuple[int, int]]] = {key: [] for key in mentions}
    seen: dict[str, int] = {}
    for match in FormFinder(owner).finditer(text):
        start, end = match.start, match.end
        if any(s <= start and end <= e for s, e in blocked):
            continue
        form = match.form
        seen[form] = seen.get(form, 0) + 1
        for key, nth in owner[form]:
            if nth is None or nth == seen[form]:
                spans[key].append((start, end))
                break
    return spans


def gold_point(place: dict, toponyms: Toponyms) -> Toponym | None:
    if "geonames" in place:
        return toponyms.by_ref[f"geonames:{place['geonames']}"]
    if "lat" in place:
        return Toponym("gold", None, "gold", "region", None, place["lat"], place["lon"])
    return None


def resolved_right(found: FoundPlace, place: dict, toponyms: Toponyms) -> bool:
    t = found.toponym
    if "ref" in place:
        return t.ref == f"curated:{place['ref']}"
    if "geonames" in place and t.geonameid == place["geonames"]:
        return True
    point = gold_point(place, toponyms)
    return distance_km(t, point) <= (AREA_KM if place.get("area") else POINT_KM)


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_text(entry: dict, places: dict, toponyms: Toponyms) -> dict:
    text = (SET / entry["file"]).read_text(encoding="utf-8")
    spans = gold_spans(text, entry["mentions"], entry.get("exclude", []))
    empty = [k for k, v in spans.items() if not v]
    assert not empty, f"{entry['file']}: gold forms not found in the text for {empty}"
    found = geoparse(text, toponyms)
    timings = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        geoparse(text, toponyms)
        timings.append(time.perf_counter() - start)
    all_gold = [s for v in spans.values() for s in v]
    correct = [p for p in found if any(overlaps((m.start, m.end), g) for m in p.mentions for g in all_gold)]
    errors: list[str] = []
    hit = right = 0
    for key, gspans in spans.items():
        covering = [(sum(overlaps((m.start, m.end), g) for m in p.mentions for g in gspans), p) for p in found]
        covering = [(n, p) for n, p in covering if n]
        if not covering:
            errors.append(f"missed {key} ({', '.join(sorted({text[s:e] for s, e in gspans}))})")
            continue
        hit += 1
        best = max(covering, key=lambda np: np[0])[1]
        if resolved_right(best, places[key], toponyms):
            right += 1
        else:
            errors.append(f"wrong {key}: resolved to {best.toponym.name} ({best.toponym.ref})")
    for p in found:
        if p not in correct:
            errors.append(f"spurious {p.toponym.name} ({p.toponym.ref}) from {', '.join({m.text for m in p.mentions})}")
    words = len(text.split())
    return {
        "file": entry["file"],
        "words": words,
        "gold": len(spans),
        "found": len(found),
        "hit": hit,
        "correct": len(correct),
        "right": right,
        "ms_per_1000_words": statistics.median(timings) * 1000 / words * 1000,
        "errors": errors,
    }


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


def startup() -> dict:
    runs = [
        json.loads(
            subprocess.run([sys.executable, "-c", STARTUP], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        )
        for _ in range(3)
    ]
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


def main() -> int:
    gold = yaml.safe_load((SET / "gold.yaml").read_text(encoding="utf-8"))
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
    article = long_article([(SET / e["file"]).read_text(encoding="utf-8") for e in gold["texts"]])
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        geoparse(article, toponyms)
        times.append(time.perf_counter() - t0)
    cold = startup()
    print(f"\n1,500-word article, warm: {statistics.median(times) * 1000:.0f} ms (goal < 2,000 ms)")
    print(
        f"gazetteer start-up in a fresh process (import, load, first parse): {cold['seconds']:.2f} s "
        f"(goal < 3 s); extra memory {cold['mb']:.0f} MB (goal < 300 MB); in this process {warm_load:.2f} s"
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
