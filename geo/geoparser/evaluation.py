"""Scoring the geoparser against the hand-annotated evaluation set (bench/geoparse/, rules in bench/README.md).

Which gold places a text's geoparse finds (recall, precision by place) and whether it resolves
them to the right place: the benchmark prints these figures, and a test holds them to their goals,
so both score the same way.
"""

from __future__ import annotations

from pathlib import Path

from geo.atlas.article import FormFinder
from geo.geoparser.gazetteer import Toponym, Toponyms
from geo.geoparser.geoparse import FoundPlace, distance_km, geoparse
from geo.paths import ROOT

EVALUATION_SET = ROOT / "bench" / "geoparse"  # gold.yaml and the texts it annotates
# How far a resolved place may lie from the gold one and still be right: a town, an area.
POINT_KM, AREA_KM = 25.0, 100.0


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


def score_text(entry: dict, places: dict, toponyms: Toponyms, folder: Path = EVALUATION_SET) -> dict:
    """One text of gold.yaml: its gold places, what was found, hit, correct and resolved right, and each error."""
    text = (folder / entry["file"]).read_text(encoding="utf-8")
    spans = gold_spans(text, entry["mentions"], entry.get("exclude", []))
    empty = [k for k, v in spans.items() if not v]
    if empty:
        raise ValueError(f"{entry['file']}: gold forms not found in the text for {empty}")
    found = geoparse(text, toponyms)
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
    return {
        "file": entry["file"],
        "words": len(text.split()),
        "gold": len(spans),
        "found": len(found),
        "hit": hit,
        "correct": len(correct),
        "right": right,
        "errors": errors,
    }
