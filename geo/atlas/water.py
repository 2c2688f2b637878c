"""The atlas's water (data/water.geojson) and orientation data, read and checked."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shapely.geometry import shape

from geo.atlas.context import CONTEXT_FILE_NAME, Context, load_context
from geo.atlas.loader import Atlas
from geo.errors import DataError

WATER_FILE_NAME = "water.geojson"


@dataclass(frozen=True)
class Waters:
    """data/water.geojson: drawn lakes, the sea's shore (for its name only) and the rivers."""

    lakes: tuple[dict[str, Any], ...]
    seas: tuple[dict[str, Any], ...]
    rivers: tuple[dict[str, Any], ...]


def load_water(path: Path) -> Waters:
    """Read the generated water file; a broken one is a DataError naming it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        features = data["features"]
        layers: dict[str, list[dict[str, Any]]] = {"lake": [], "sea": [], "river": []}
        for feat in features:
            layers[feat["properties"]["layer"]].append(feat)
            shape(feat["geometry"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(path.name, f"cannot read the water file: {exc}; rerun scripts/build_water.py") from exc
    return Waters(tuple(layers["lake"]), tuple(layers["sea"]), tuple(layers["river"]))


def load_context_layers(atlas: Atlas) -> tuple[Context, Waters]:
    """context.yaml and water.geojson beside the atlas's other data files."""
    context = load_context(atlas.data_dir / CONTEXT_FILE_NAME, atlas.shapes, atlas.places)
    return context, load_water(atlas.data_dir / WATER_FILE_NAME)


def has_layers(context: Context, waters: Waters) -> bool:
    """Whether an atlas has orientation layers of its own: a draft's context.yaml and water.geojson are empty."""
    return bool(context.towns or context.waters or context.rivers or waters.lakes or waters.seas or waters.rivers)
