"""Try a learned ranker of a name's candidates against the hand-weighted score, on the dev documents only.

For every gold toponym of the development documents of LGL, TR-News and GeoWebNews
(bench/geoparse_corpora.py; never the held-out ones) that the geoparser recognises with
more than one candidate, the candidates of the ranking that chose its place, each with
the terms of the hand score (geo/geoparser/geoparse.py SCORE_TERMS) as features of their
own, plus its kind and how the name stands for it (one-hot) and its rank by population
among the name's candidates. The right candidate is the gold GeoNames id, else the
likeliest candidate within 161 km of the gold point. A conditional logit (a softmax over
each name's candidates, numpy Newton steps, L2-regularised towards the hand weights: at
the strongest penalty it is the hand score) is compared with the hand score's choice by
5-fold cross-validation over the dev DOCUMENTS, per corpus, exact id and within 161 km:

    python scripts/build_ranker_weights.py --corpora DIR [--out FILE]

It prints the cross-validated figures; with --out it writes the weights fitted on all dev
documents at the penalty chosen by cross-validation (source and licence recorded).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.geoparse_corpora import GEONAMES_CORPORA, RESOLVED_KM, km, overlaps, read_corpus
from geo.geoparser import geoparse as gp
from geo.geoparser.confidence import KIND_GROUPS
from geo.geoparser.gazetteer import NameHit, load_toponyms

FOLDS = 5
HOWS = ("curated", "name", "alternate", "variant", "division")
FEATURES = (
    *gp.SCORE_TERMS,
    *(f"kind_{k}" for k in KIND_GROUPS),
    *(f"how_{h}" for h in HOWS),
    "population_rank",  # 1 for the name's most populous candidate, 1/2 for the next...
    "most_populous",
)
HAND = np.array([1.0 if f in gp.SCORE_TERMS else 0.0 for f in FEATURES])
PENALTIES = (1000.0, 100.0, 30.0, 10.0, 3.0, 1.0, 0.3)
TOPS = (0, 5, 3)  # every candidate, or a re-ranker of the hand score's top k


def candidate_features(hits: list[NameHit], terms: list[tuple[float, ...]]) -> np.ndarray:
    """One row per candidate, in the order of FEATURES."""
    order = sorted(range(len(hits)), key=lambda i: -hits[i].toponym.population)
    rank = {i: r for r, i in enumerate(order)}
    rows = []
    for i, (h, t) in enumerate(zip(hits, terms, strict=True)):
        kind = [1.0 if h.toponym.kind == k else 0.0 for k in KIND_GROUPS]
        how = [1.0 if h.how == k else 0.0 for k in HOWS]
        rows.append([*t, *kind, *how, 1.0 / (1 + rank[i]), 1.0 if rank[i] == 0 else 0.0])
    return np.array(rows, dtype=float)


@dataclass
class Example:
    """One recognised gold toponym: its candidates' features and whether each is right (exact id, within 161 km)."""

    corpus: str
    fold: int
    x: np.ndarray  # candidates x FEATURES; one row when the name has a single candidate
    exact: np.ndarray
    near: np.ndarray
    hand: int  # the candidate the hand score chose
    has_id: bool  # whether the gold toponym has a GeoNames id (the exact-id figure counts only those)

    def top(self, k: int) -> Example:
        """The same toponym with only the hand score's k likeliest candidates (a re-ranker of its top k)."""
        scores = self.x @ HAND
        keep = [self.hand, *(i for i in np.argsort(-scores, kind="stable") if i != self.hand)][:k]
        return Example(self.corpus, self.fold, self.x[keep], self.exact[keep], self.near[keep], 0, self.has_id)


def examples(corpora: str) -> list[Example]:
    """Every recognised gold toponym of the dev documents, with the candidates of the ranking that placed it."""
    toponyms = load_toponyms()
    original = gp._rank
    captured: dict[int, tuple[list[NameHit], list[tuple[float, ...]], list[gp.Candidate]]] = {}

    def rank(hits: list[NameHit], context: gp.Context, beside: gp.Beside | None = None) -> list[gp.Candidate]:
        if beside is None:  # a reading of the text's context, not a mention's final choice
            return original(hits, context)
        ranked = original(hits, context, beside)
        if len(ranked) > 1:  # FoundPlace keeps the runners-up: the first names the ranking
            captured[id(ranked[1])] = (hits, gp.score_terms(hits, context, beside), ranked)
        return ranked

    out: list[Example] = []
    gp._rank = rank
    try:
        for name in GEONAMES_CORPORA:
            for doc in read_corpus(name, corpora):
                if doc.split != "dev":
                    continue
                captured.clear()
                places = gp.geoparse(doc.text, toponyms, named=True)
                found = sorted(((m.start, m.end, p) for p in places for m in p.mentions), key=lambda x: x[0])
                fold = zlib.crc32(doc.docid.encode()) % FOLDS
                for gold in doc.gold:
                    match = next((p for start, end, p in found if overlaps(start, end, gold.start, gold.end)), None)
                    if match is None:
                        continue
                    if match.runners_up:
                        hits, terms, ranked = captured[id(match.runners_up[0])]
                        x = candidate_features(hits, terms)
                        chosen = next(i for i, h in enumerate(hits) if h.toponym is ranked[0].toponym)
                        tops = [h.toponym for h in hits]
                    else:
                        x, chosen, tops = np.zeros((1, len(FEATURES))), 0, [match.toponym]
                    exact = np.array([gold.geonameid is not None and t.geonameid == gold.geonameid for t in tops])
                    near = np.array([km(gold.lat, gold.lon, t.lat, t.lon) <= RESOLVED_KM for t in tops])
                    out.append(Example(name, fold, x, exact, near, chosen, gold.geonameid is not None))
    finally:
        gp._rank = original
    return out


def target(e: Example) -> int | None:
    """The candidate to learn: the gold id, else the hand score's likeliest within 161 km; None when none is right."""
    for right in (e.exact, e.near):
        if right.any():
            scores = e.x @ HAND
            return int(max(np.flatnonzero(right), key=lambda i: scores[i]))
    return None


def fit(train: list[Example], penalty: float, steps: int = 30) -> np.ndarray:
    """Conditional logit by Newton's method, L2 towards the hand weights."""
    data = [(e.x, t) for e in train if len(e.x) > 1 and (t := target(e)) is not None]
    w = HAND.copy()
    d = len(FEATURES)
    for _ in range(steps):
        gradient = penalty * (w - HAND)
        hessian = penalty * np.eye(d)
        for x, t in data:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            mean = p @ x
            gradient += mean - x[t]
            centred = x - mean
            hessian += (centred * p[:, None]).T @ centred
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w


def choose(e: Example, w: np.ndarray) -> int:
    """The candidate the weights rank first (ties: the hand score's order)."""
    if len(e.x) == 1:
        return 0
    s = e.x @ w
    best = s.max()
    return e.hand if s[e.hand] >= best - 1e-9 else int(np.argmax(s))


def figures(chosen: dict[int, int], data: list[Example]) -> dict[str, tuple[float, float, int]]:
    """Per corpus: the share of the recognised gold toponyms placed at the exact id and within 161 km."""
    out = {}
    for name in GEONAMES_CORPORA:
        idx = [i for i, e in enumerate(data) if e.corpus == name]
        with_id = [i for i in idx if data[i].has_id]
        exact = sum(bool(data[i].exact[chosen[i]]) for i in with_id) / len(with_id)
        near = sum(bool(data[i].near[chosen[i]]) for i in idx) / len(idx)
        out[name] = (round(exact, 4), round(near, 4), len(idx))
    return out


def changes(chosen: dict[int, int], data: list[Example]) -> tuple[int, int, int]:
    """How many choices differ from the hand score's, and of those how many become right and wrong (161 km)."""
    changed = [i for i, c in chosen.items() if c != data[i].hand]
    better = sum(bool(data[i].near[chosen[i]]) and not data[i].near[data[i].hand] for i in changed)
    worse = sum(bool(data[i].near[data[i].hand]) and not data[i].near[chosen[i]] for i in changed)
    return len(changed), better, worse


def oracle(data: list[Example]) -> dict[str, tuple[float, float, int]]:
    """The figures of a ranker that always picked a right candidate when there is one: the most ranking can give."""
    best = {}
    for i, e in enumerate(data):
        right = np.flatnonzero(e.exact) if e.exact.any() else np.flatnonzero(e.near)
        best[i] = int(right[0]) if len(right) else e.hand
    return figures(best, data)


def cross_validate(data: list[Example], penalty: float) -> dict[int, int]:
    """Each example's choice by weights fitted on the other folds' documents."""
    chosen: dict[int, int] = {}
    for fold in range(FOLDS):
        w = fit([e for e in data if e.fold != fold], penalty)
        for i, e in enumerate(data):
            if e.fold == fold:
                chosen[i] = choose(e, w)
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", required=True, help="folder of the public corpora (bench/README.md)")
    parser.add_argument("--out", type=Path, help="write the weights fitted on all dev documents here")
    args = parser.parse_args(argv)
    data = examples(args.corpora)
    hand = figures({i: e.hand for i, e in enumerate(data)}, data)
    ambiguous = sum(len(e.x) > 1 for e in data)
    print(f"{len(data)} recognised gold toponyms of the dev documents, {ambiguous} with several candidates")
    print("corpus: exact id, within 161 km, toponyms")
    print(f"hand score: {hand}")
    results = {}
    for k in TOPS:
        some = [e.top(k) for e in data] if k else data
        print(f"{'every candidate' if not k else f'the hand score top {k}'}: at best {oracle(some)}")
        for penalty in PENALTIES:
            chosen = cross_validate(some, penalty)
            results[k, penalty] = figures(chosen, some)
            changed, better, worse = changes(chosen, some)
            print(f"  learned, L2 {penalty:g}: {results[k, penalty]}; {changed} choices changed,", end=" ")
            print(f"{better} to right, {worse} to wrong (161 km)")
    k, best = max(results, key=lambda kp: sum(e + n for e, n, _ in results[kp].values()))
    data = [e.top(k) for e in data] if k else data
    if args.out:
        w = fit(data, best)
        record = {
            "generated_by": "scripts/build_ranker_weights.py (do not edit by hand)",
            "trained_on": "the development documents of LGL, TR-News and GeoWebNews (bench/geoparse_corpora.py), "
            "from milangritta/Pragmatic-Guide-to-Geoparsing-Evaluation; their licences are not stated: "
            "only these weights and figures are kept",
            "penalty": best,
            "top": k,
            "features": list(FEATURES),
            "weights": [round(float(v), 4) for v in w],
            "cross_validated": {"hand": hand, "learned": results[k, best]},
        }
        args.out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
        print({f: round(float(v), 3) for f, v in zip(FEATURES, w, strict=True) if not math.isclose(v, 0.0)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
