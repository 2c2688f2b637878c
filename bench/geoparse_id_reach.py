"""Which exact-id misses on a public corpus's documents a text could settle at all.

    python bench/geoparse_id_reach.py --corpus lgl|trnews|gwn [--corpora DIR] [--top 10] [--held-out]

The dev documents are shown with the names of each kind; `--held-out` counts the held-out
documents' kinds and shows no name, so that the ceiling can be checked where the figures are
reported without anything of those documents to tune on.

The exact GeoNames id is the strictest of the corpus figures: a toponym counts only when the
chosen entry is the very one the annotator picked. Before aiming a rule at the misses it helps
to know how many a rule could reach. Each recognised gold toponym with an id that is missed
falls in the first kind that fits:

- gold id in no offline source: no entry of the gazetteer carries the id (a neighbourhood, a
  New England town's township entry, an airport, a feature Natural Earth draws without one);
- another name's place: the gold entry is in the gazetteer but is no reading of the name ("EU"
  annotated as Europe, "Orange County" as the city of Orange);
- the text leans to the chosen / to the gold: both are readings of the name, and more of the
  text's other places lie in the chosen's (or the gold's) first-level division, else country;
- nothing in the text tells them apart: both are readings and the text's places favour
  neither (a local paper's "Athens" that never names its state).

The last kind needs what the text does not say (the paper's home); only the leaning kinds are
work for the resolver.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict

from bench.geoparse_corpora import CORPORA, overlaps, read_corpus
from bench.geoparse_errors import is_gold
from geo.geoparser.gazetteer import Toponym, Toponyms, load_toponyms
from geo.geoparser.geoparse import geoparse, resolution_hits

KINDS = (
    "gold id in no offline source",
    "another name's place",
    "the text leans to the chosen",
    "the text leans to the gold",
    "nothing in the text tells them apart",
)


def support(t: Toponym, others: list[Toponym]) -> tuple[int, int]:
    """How many of the text's other places lie in (or are) the entry's first-level division, and in its country."""
    division = t.admin1 or t.ref
    in_division = sum(1 for o in others if o.ref == division or (o.admin1 is not None and o.admin1 == division))
    return in_division, sum(1 for o in others if o.country is not None and o.country == t.country)


def kind(chosen: Toponym, gold: Toponym | None, known_ids: set[int], gold_id: int, others: list[Toponym]) -> str:
    """The kind of one exact-id miss (KINDS)."""
    if gold_id not in known_ids:
        return KINDS[0]
    if gold is None:
        return KINDS[1]
    for_chosen, for_gold = support(chosen, others), support(gold, others)
    if for_chosen == for_gold:
        return KINDS[4]
    return KINDS[2] if for_chosen > for_gold else KINDS[3]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), required=True)
    parser.add_argument("--corpora", help="folder of the public corpora (default: $GEOPARSE_CORPORA)")
    parser.add_argument("--top", type=int, default=10, help="names shown per kind (dev only)")
    parser.add_argument("--held-out", action="store_true", help="count the held-out documents, names not shown")
    args = parser.parse_args(argv)
    part = "held-out" if args.held_out else "dev"
    toponyms: Toponyms = load_toponyms()
    known_ids = {t.geonameid for t in toponyms.by_ref.values() if t.geonameid is not None}
    with_id = right = 0
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in read_corpus(args.corpus, args.corpora):
        if doc.split != part:
            continue
        found = sorted(
            ((p, m) for p in geoparse(doc.text, toponyms, named=True) for m in p.mentions), key=lambda pm: pm[1].start
        )
        for g in doc.gold:
            match = next(((p, m) for p, m in found if overlaps(m.start, m.end, g.start, g.end)), None)
            if match is None or g.geonameid is None:
                continue
            with_id += 1
            place, mention = match
            if place.toponym.geonameid == g.geonameid:
                right += 1
                continue
            readings = [h.toponym for h in resolution_hits(mention.text, toponyms)]
            gold = next((t for t in readings if is_gold(t, g)), None)
            others = [p.toponym for p, _ in found if p.toponym.ref != place.toponym.ref]
            kinds[kind(place.toponym, gold, known_ids, g.geonameid, others)][mention.text] += 1
    share = right / max(with_id, 1)
    print(f"{args.corpus} {part}: {with_id} recognised toponyms with a GeoNames id, {right} ({share:.1%}) right")
    for k in KINDS:
        counts = kinds.get(k, Counter())
        n = sum(counts.values())
        top = "" if args.held_out else ", ".join(f"{name} {c}" for name, c in counts.most_common(args.top))
        print(f"  {k}: {n} ({n / max(with_id, 1):.1%}){': ' + top if top else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
