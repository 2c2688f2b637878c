"""Rebuild data/geoparse/review_weights.json: the model that says which places to flag for review.

Trains a logistic regression (geo/geoparser/confidence.py FEATURES; L2-regularised,
Newton's method in numpy) on the development documents of the public corpora LGL,
TR-News and GeoWebNews (bench/geoparse_corpora.py; never the held-out ones): one example
per gold toponym the geoparser recognises with the associative mentions included (the
corpora count "the Turkish army" and "the Ohio Department of Development" as toponyms,
and the page lists them for review too), labelled right when its place lies within
161 km of the gold point. Then picks the lowest threshold at which the places left
unflagged are right at least TARGET of the time in each corpus, both with the associative
mentions and with the literal ones alone (the places a reader sees drawn), so that as many
places as possible go unflagged:

    python scripts/build_review_weights.py --corpora DIR

Only the weights, the threshold and the figures on the development documents are kept.
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from pathlib import Path

import numpy as np

from bench.geoparse_corpora import GEONAMES_CORPORA, RESOLVED_KM, km, overlaps, read_corpus
from geo.geoparser.confidence import FEATURES, Model, probability
from geo.geoparser.gazetteer import load_toponyms
from geo.geoparser.geoparse import geoparse
from geo.paths import ROOT

OUT = ROOT / "data" / "geoparse" / "review_weights.json"
TARGET = 0.95  # the goal: 95 % of the places left unflagged are right (see BOOTSTRAP for unseen texts)
L2 = 1.0


Examples = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
FOLDS = 5  # the threshold is chosen on probabilities from models that did not see the document
# A text's places are right or wrong together (one misread story names its town ten times), so a group's
# accuracy is judged on resamples of its documents: the threshold must reach TARGET in all but the
# unluckiest LOWER share of BOOTSTRAP resamples, not only on the documents at hand.
BOOTSTRAP, LOWER = 200, 0.1


def examples(corpora: str, named: bool = True) -> Examples:
    """The features, labels (1: within 161 km), corpus, and the flag of the places the model does not judge
    (FoundPlace.judged_by_model; None for the others) of every recognised gold toponym of the dev documents, with
    the associative mentions (`named`) or the literal ones alone, and the fold of its document."""
    toponyms = load_toponyms()
    rows, labels, groups, curated, folds, docs = [], [], [], [], [], []
    for name in GEONAMES_CORPORA:
        for doc in read_corpus(name, corpora):
            if doc.split != "dev":
                continue
            places = geoparse(doc.text, toponyms, named=named)
            found = sorted(((m.start, m.end, p) for p in places for m in p.mentions), key=lambda x: x[0])
            for gold in doc.gold:
                match = next((p for start, end, p in found if overlaps(start, end, gold.start, gold.end)), None)
                if match is None:
                    continue
                rows.append(match.features())
                labels.append(km(gold.lat, gold.lon, match.toponym.lat, match.toponym.lon) <= RESOLVED_KM)
                groups.append(name if named else f"{name} lit")
                curated.append(None if match.judged_by_model else match.review)
                folds.append(zlib.crc32(doc.docid.encode()) % FOLDS)
                docs.append(doc.docid)
    arrays = (np.array(rows, dtype=float), np.array(labels, dtype=float), np.array(groups), np.array(curated))
    return (*arrays, np.array(folds), np.array(docs))


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2, steps: int = 50) -> np.ndarray:
    """Logistic regression by Newton's method, the bias unpenalised."""
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + penalty * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def kept_at(p: np.ndarray, curated: np.ndarray, threshold: float) -> np.ndarray:
    """The places left unflagged at a threshold, as FoundPlace.review decides: some curated names by their own rule."""
    model = np.array([c is None for c in curated])
    return np.where(model, p >= threshold, [c is False for c in curated])


def resamples(docs: np.ndarray, groups: np.ndarray, seed: int = 0) -> dict[str, np.ndarray]:
    """For each group, BOOTSTRAP resamples of its documents: how many times each example is drawn (fixed seed)."""
    rng = np.random.default_rng(seed)
    out = {}
    for g in np.unique(groups):
        names, index = np.unique(docs[groups == g], return_inverse=True)
        draws = rng.integers(0, len(names), size=(BOOTSTRAP, len(names)))
        counts = np.stack([np.bincount(d, minlength=len(names)) for d in draws])
        out[str(g)] = counts[:, index]  # resample x example of the group
    return out


def holds(kept: np.ndarray, y: np.ndarray, draws: np.ndarray, target: float) -> bool:
    """Whether the unflagged places of one group are right `target` of the time in all but LOWER of the resamples."""
    if not kept.any():
        return False
    unflagged = draws @ kept.astype(float)
    right = draws @ (kept & (y == 1)).astype(float)
    accuracy = np.divide(right, unflagged, out=np.ones_like(right), where=unflagged > 0)
    return float(np.quantile(accuracy, LOWER)) >= target


def calibrate(
    p: np.ndarray, y: np.ndarray, groups: np.ndarray, curated: np.ndarray, docs: np.ndarray, target: float = TARGET
) -> float:
    """The lowest threshold whose unflagged places are right `target` of the time.

    In each group apart (US local news, world news, web news; with and without the associative
    mentions), not only over all: the review should hold for every kind of text, not on average;
    and on resampled documents (`holds`), not only on these.
    """
    draws = resamples(docs, groups)
    for threshold in np.round(np.arange(0.0, 1.0, 0.005), 3):
        kept = kept_at(p, curated, threshold)
        if all(holds(kept[groups == g], y[groups == g], draws[str(g)], target) for g in np.unique(groups)):
            return float(threshold)
    return 1.0


def summary(kept: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """The review's figures on some examples: how many go unflagged, how often those are right, the wrong caught."""
    return {
        "examples": len(y),
        "right": round(float(y.mean()), 4),
        "unflagged": round(float(kept.mean()), 4),
        "unflagged_right": round(float(y[kept].mean()), 4),
        "wrong_flagged": round(float((~kept & (y == 0)).sum() / max(1, (y == 0).sum())), 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", required=True, help="folder of the public corpora (bench/README.md)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    both, literal = examples(args.corpora), examples(args.corpora, named=False)
    x, y, groups, curated, folds, docs = (np.concatenate([a, b]) for a, b in zip(both, literal, strict=True))
    model = np.array([c is None for c in both[3]])  # the curated names the model does not judge
    weights = [round(float(v), 4) for v in fit(both[0][model], both[1][model])]
    # The threshold from out-of-fold probabilities: a model's figures on its own training texts flatter it.
    unseen = np.zeros(len(y))
    for fold in range(FOLDS):
        train = model & (both[4] != fold)
        w = fit(both[0][train], both[1][train])
        unseen[folds == fold] = 1 / (1 + np.exp(-(x[folds == fold] @ w)))
    threshold = calibrate(unseen, y, groups, curated, docs)
    p = np.array([probability(Model(tuple(weights), 0.0), row) for row in x])
    kept = kept_at(p, curated, threshold)
    figures = {str(g): summary(kept[groups == g], y[groups == g]) for g in sorted(set(groups))}
    data = {
        "generated_by": "scripts/build_review_weights.py (do not edit by hand)",
        "trained_on": "the development documents of LGL, TR-News and GeoWebNews (bench/geoparse_corpora.py)",
        "features": list(FEATURES),
        "weights": weights,
        "threshold": threshold,
        "target": TARGET,
        "development_figures": figures,
    }
    args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: threshold {threshold}, {figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
