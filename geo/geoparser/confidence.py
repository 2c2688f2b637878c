"""How likely a resolved place is right: a logistic model over what the geoparser knows of its choice.

A place is flagged for review when this probability is below the threshold the model
was calibrated with (data/geoparse/review_weights.json, made by
scripts/build_review_weights.py from the development documents of the public corpora:
the threshold is the lowest at which the places left unflagged there are right at
least the target share of the time). The features are the choice's share of the
evidence and its runner-up's, the number of candidates, the kind of place, whether
GeoNames gives its point, its population, how often the text names it and whether only
in a dateline's capitals, the share of the text's other mentions that lie in the same
country and in the same first-level division (Baku in a text about Azerbaijan, not Paris
in one about Texas), whether the text names that country or division itself, whether a
capital stands in a text whose other places lie in its country (Baku among Azerbaijan's
towns: the capitals the corpora's texts misread are "Paris" and "Moscow" in texts about
the US), whether the name is a curated one (data/geoparse/aliases.yaml: checked by hand, with its source),
and whether another place the text names lies near it (a town far from all the others is more often a
namesake: Lafayette, Louisiana in a story about New Orleans read as Indiana's).
Plain Python arithmetic: a dozen products per place.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from geo.errors import DataError
from geo.geoparser.gazetteer import GEOPARSE_DIR, Toponym

WEIGHTS_FILE = "review_weights.json"
# Kinds with a feature of their own; every other kind (seas, rivers, routes...) shares the last.
KIND_GROUPS = ("country", "capital", "city", "town", "village", "region", "county", "continent")
FEATURES = (
    "bias",
    "share",
    "runner_up_share",
    "candidates",
    *(f"kind_{k}" for k in KIND_GROUPS),
    "kind_other",
    "geonames_point",
    "population",
    "mentions",
    "dateline_only",
    "country_support",
    "division_support",
    "country_named",
    "division_named",
    "curated_name",
    "capital_in_its_country",
    "named_inside_name",
    "named_demonym",
    "near_other",
)
# How a place the text names only associatively is named (FoundPlace.associative): the last two features.
INSIDE_NAME, DEMONYM = "inside_name", "demonym"


@dataclass(frozen=True)
class Model:
    weights: tuple[float, ...]
    threshold: float  # a probability below it flags the place for review


def features(
    toponym: Toponym,
    mention_texts: Sequence[str],
    share: float,
    runner_up_shares: Sequence[float],
    support: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0),
    how: str = "",
    associative: str = "",
    near_other: float = 0.0,
) -> list[float]:
    """The model's inputs for one place, in the order of FEATURES; `associative` is "" for a literal place,
    `near_other` how near the text's other literal places lie (FoundPlace.near_other)."""
    kind = toponym.kind if toponym.kind in KIND_GROUPS else None
    datelines = [t for t in mention_texts if len(t) >= 4 and t.isupper()]
    return [
        1.0,
        share,
        runner_up_shares[0] if runner_up_shares else 0.0,
        math.log1p(len(runner_up_shares)),
        *(1.0 if kind == k else 0.0 for k in KIND_GROUPS),
        1.0 if kind is None else 0.0,
        1.0 if toponym.geonameid is not None else 0.0,
        math.log10(toponym.population + 1) / 7,
        math.log1p(len(mention_texts)),
        1.0 if mention_texts and len(datelines) == len(mention_texts) else 0.0,
        *support,
        1.0 if how == "curated" else 0.0,
        1.0 if kind == "capital" and (support[0] > 0 or support[2] > 0) else 0.0,
        1.0 if associative == INSIDE_NAME else 0.0,
        1.0 if associative == DEMONYM else 0.0,
        near_other,
    ]


def probability(model: Model, inputs: Sequence[float]) -> float:
    z = sum(w * x for w, x in zip(model.weights, inputs, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def parse_model(data: object, file: str = WEIGHTS_FILE) -> Model:
    """The model of the weights file's JSON; raise DataError when it does not fit FEATURES."""
    if not isinstance(data, dict) or data.get("features") != list(FEATURES):
        raise DataError(file, "its features are not the geoparser's: rerun scripts/build_review_weights.py")
    weights, threshold = data.get("weights"), data.get("threshold")
    if not isinstance(weights, list) or len(weights) != len(FEATURES) or not isinstance(threshold, float):
        raise DataError(file, "expected a weight per feature and a threshold")
    return Model(tuple(float(w) for w in weights), threshold)


@cache
def load_model(path: Path = GEOPARSE_DIR / WEIGHTS_FILE) -> Model:
    """The review model, read once per process."""
    try:
        return parse_model(json.loads(path.read_text(encoding="utf-8")), path.name)
    except (OSError, ValueError) as exc:
        raise DataError(path.name, f"cannot read the review model ({exc})") from exc
