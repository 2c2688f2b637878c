"""The geoparser's resolution errors on the public corpora's development documents, by category.

    python bench/geoparse_errors.py --corpus lgl|trnews|gwn [--corpora DIR] [--top 15]

Only `dev` documents are read (bench/geoparse_corpora.py `split`): the held-out ones are
scored by bench_geoparse.py and never looked at. Mentions of both roles count, as in the corpus
tables ("the Turkish army" is a toponym there). Each recognised gold toponym that is not
placed right (within 161 km and, where the gold has one, its GeoNames id) falls in one
category, so the largest can be worked on first:

- wrong candidate: a candidate of the same name is the gold place (its id, or within
  161 km), but another was chosen;
- no candidate: no candidate of the name is the gold place (a name or a place missing
  from the gazetteer, or a mention that is part of a longer name);
- far point: the right place (its id), but its point lies more than 161 km from gold's;
- no id: within 161 km, but the place chosen has no GeoNames id (a county, a division);
- other id: within 161 km, with another GeoNames id (a city for its division, or the reverse).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from bench.geoparse_corpora import CORPORA, RESOLVED_KM, GoldToponym, km, overlaps, read_corpus
from geo.geoparser.gazetteer import Toponym, Toponyms, load_toponyms
from geo.geoparser.geoparse import FoundPlace, Span, geoparse, resolution_hits

CATEGORIES = ("wrong candidate", "no candidate", "far point", "no id", "other id")


def is_gold(t: Toponym, gold: GoldToponym) -> bool:
    """Whether a gazetteer entry is the gold place: its id, else (gold without one) its point within 161 km."""
    if gold.geonameid is not None and t.geonameid is not None:
        return t.geonameid == gold.geonameid
    return km(gold.lat, gold.lon, t.lat, t.lon) <= RESOLVED_KM


def category(place: FoundPlace, mention: Span, gold: GoldToponym, toponyms: Toponyms) -> str | None:
    """The category of one recognised gold toponym's error, or None when it is placed right."""
    t = place.toponym
    within = km(gold.lat, gold.lon, t.lat, t.lon) <= RESOLVED_KM
    same_id = gold.geonameid is None or t.geonameid == gold.geonameid
    if within and same_id:
        return None
    if gold.geonameid is not None and t.geonameid == gold.geonameid:
        return "far point"
    if within:
        return "no id" if t.geonameid is None else "other id"
    candidates = [h.toponym for h in resolution_hits(mention.text, toponyms)]
    return "wrong candidate" if any(is_gold(c, gold) for c in candidates) else "no candidate"


def errors(name: str, root: str | None, toponyms: Toponyms) -> tuple[int, list[tuple[str, str, str]]]:
    """The number of recognised dev toponyms and, for each error, its category, the name and what was chosen."""
    recognised = 0
    out = []
    for doc in read_corpus(name, root):
        if doc.split != "dev":
            continue
        found = [(p, m) for p in geoparse(doc.text, toponyms, named=True) for m in p.mentions]
        found.sort(key=lambda pm: pm[1].start)
        for gold in doc.gold:
            match = next(((p, m) for p, m in found if overlaps(m.start, m.end, gold.start, gold.end)), None)
            if match is None:
                continue
            recognised += 1
            if (cat := category(*match, gold, toponyms)) is not None:
                t = match[0].toponym
                chosen = f"{t.name} ({t.kind}, {t.country}, {t.ref})"
                out.append((cat, match[1].text, f"{chosen}; gold {gold.geonameid} {gold.lat:.2f},{gold.lon:.2f}"))
    return recognised, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), required=True)
    parser.add_argument("--corpora", help="folder of the public corpora (default: $GEOPARSE_CORPORA)")
    parser.add_argument("--top", type=int, default=15, help="names shown per category")
    args = parser.parse_args(argv)
    recognised, found = errors(args.corpus, args.corpora, load_toponyms())
    print(f"{args.corpus} dev: {recognised} recognised toponyms, {len(found)} not placed right")
    for cat in CATEGORIES:
        rows = [(n, detail) for c, n, detail in found if c == cat]
        print(f"\n{cat}: {len(rows)} ({len(rows) / max(recognised, 1):.1%} of recognised)")
        for (n, detail), count in Counter(rows).most_common(args.top):
            print(f"  {count:>3}  {n}: {detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
