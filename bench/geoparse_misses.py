"""What the geoparser misses and finds wrongly on a public corpus's dev documents, by kind (never the held-out).

    python bench/geoparse_misses.py --corpus lgl|trnews|gwn [--corpora DIR] [--top 15]

A miss is a gold toponym no mention overlaps; a false positive a mention that overlaps no
gold toponym (bench/geoparse_corpora.py scores them so). Each is put in the first kind
that fits it, and each kind is printed with its count and its most frequent phrases, so a
rule can be aimed at the largest kinds. Only `dev` documents are read: tuning on what the
held-out ones miss would make their figures mean nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict

from bench.geoparse_corpora import CORPORA, Document, overlaps, read_corpus
from geo.geoparser.gazetteer import Toponyms, load_toponyms
from geo.geoparser.geoparse import NAMED, PLACE, Span, gazetteer_name, geoparse

NEXT_WORD = re.compile(r"[ ]+([A-Z][\w&.-]*)")


def miss_kind(doc: Document, start: int, end: int, toponyms: Toponyms) -> str:
    """Why a gold toponym may have been missed, from its phrase and what follows it."""
    phrase = doc.text[start:end]
    if phrase in toponyms.demonyms or phrase.rstrip("s") in toponyms.demonyms:
        return "demonym"
    if not phrase[:1].isupper():
        return "lower case"
    if "." in phrase or (len(phrase) <= 4 and phrase.isupper()):
        return "abbreviation"
    after = NEXT_WORD.match(doc.text, end)
    if not gazetteer_name(phrase, toponyms):
        if re.search(r"(?:an|ese|ish|i)$", phrase):
            return "adjective, not in the list"
        return "not a gazetteer name"
    if after and after.group(1) in toponyms.organisation_words:
        return "before an organisation word"
    if after:
        return "before another capitalised word"
    return "a gazetteer name, dropped"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), required=True)
    parser.add_argument("--corpora", help="folder of the public corpora (default: $GEOPARSE_CORPORA)")
    parser.add_argument("--top", type=int, default=15, help="phrases shown per kind")
    args = parser.parse_args(argv)
    toponyms = load_toponyms()
    misses: dict[str, Counter[str]] = defaultdict(Counter)
    false: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in read_corpus(args.corpus, args.corpora):
        if doc.split != "dev":
            continue
        spans: list[Span] = [m for p in geoparse(doc.text, toponyms, named=True) for m in p.mentions]
        for g in doc.gold:
            if not any(overlaps(s.start, s.end, g.start, g.end) for s in spans):
                misses[miss_kind(doc, g.start, g.end, toponyms)][doc.text[g.start : g.end]] += 1
        for s in spans:
            if not any(overlaps(s.start, s.end, g.start, g.end) for g in doc.gold):
                after = NEXT_WORD.match(doc.text, s.end)
                label = f"{s.role}" + (" before a capitalised word" if after and s.role == PLACE else "")
                false[label][s.text + (f" {after.group(1)}" if after and s.role == NAMED else "")] += 1
    for title, table in (("misses", misses), ("false positives", false)):
        print(f"{args.corpus} dev {title}: {sum(sum(c.values()) for c in table.values())}")
        for kind, counts in sorted(table.items(), key=lambda kc: -sum(kc[1].values())):
            top = ", ".join(f"{p} {n}" for p, n in counts.most_common(args.top))
            print(f"  {kind}: {sum(counts.values())}: {top}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
