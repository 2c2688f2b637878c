"""Read the generated geometry file into shapely shapes keyed by reference."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.errors import DataError


@dataclass(frozen=True)
class Shape:
    """One feature of data/geometry.geojson: its reference, layer, shape and properties."""

    ref: str
    layer: str
    geom: BaseGeometry
    properties: dict[str, Any]


def load_geometry(path: Path) -> dict[str, Shape]:
    name = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(name, f"cannot read GeoJSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise DataError(name, "expected a FeatureCollection with a 'features' list", field="features")
    shapes: dict[str, Shape] = {}
    for i, feat in enumerate(data["features"]):
        ref = feat.get("id") if isinstance(feat, dict) else None
        if not isinstance(ref, str) or not ref:
            raise DataError(name, "feature has no string id", entry=f"#{i + 1}", field="id")
        if ref in shapes:
            raise DataError(name, "duplicate feature id", entry=ref, field="id")
        try:
            geom = shape(feat["geometry"])
        except Exception as exc:  # shapely raises several types for bad geometry
            raise DataError(name, f"invalid geometry: {exc}", entry=ref, field="geometry") from exc
        props = feat.get("properties") or {}
        shapes[ref] = Shape(ref=ref, layer=str(props.get("layer", "")), geom=geom, properties=props)
    return shapes
