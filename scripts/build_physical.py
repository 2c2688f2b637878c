"""Rebuild data/geoparse/physical.json: the world's named rivers, lakes, seas and ranges from Natural Earth.

A text pasted into "Map your own article" names the Nile, Lake Victoria or the Baltic Sea
as often as it names towns, and GeoNames' populated places and divisions (the compact
gazetteer) hold none of them. Natural Earth's physical layers do, each with a scale rank
(0 for the largest features) and usually a Wikidata id. This script reads a folder of
their GeoJSON files, keeps the named features up to a scale rank, and writes one small
table: each feature's names, the geoparser's kind for it, a representative point (the
polygon's `representative_point()`, the middle of a river's longest line), its scale rank
and Wikidata id:

    python scripts/build_physical.py DIR [--max-scalerank 2] [--commit SHA]

DIR holds any of `ne_*_rivers_lake_centerlines.geojson`, `ne_*_lakes.geojson`,
`ne_*_geography_marine_polys.geojson`, `ne_*_geography_regions_polys.geojson` and
`ne_*_geography_regions_points.geojson` (github.com/nvkelso/natural-earth-vector,
folder geojson/). Natural Earth is in the public domain.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from shapely.geometry import LineString, shape

from geo.paths import ROOT

OUT = ROOT / "data" / "geoparse" / "physical.json"
LAYERS = ("rivers_lake_centerlines", "lakes", "geography_marine_polys", "geography_regions_polys")
LAYERS += ("geography_regions_points",)
# Natural Earth's feature class -> the geoparser's kind (geo/geoparser/gazetteer.py PHYSICAL_KINDS)
KINDS = {
    "river": "river",
    "lake": "lake",
    "alkaline lake": "lake",
    "reservoir": "lake",
    "ocean": "sea",
    "sea": "sea",
    "gulf": "sea",
    "bay": "sea",
    "sound": "sea",
    "strait": "sea",
    "channel": "sea",
    "inlet": "sea",
    "fjord": "sea",
    "lagoon": "sea",
    "range/mtn": "mountains",
    "desert": "wider region",
    "plain": "wider region",
    "plateau": "wider region",
    "peninsula": "wider region",
    "basin": "wider region",
    "tundra": "wider region",
    "delta": "wider region",
    "geoarea": "wider region",
    "lowland": "wider region",
    "wetlands": "wider region",
}
GENERIC = re.compile(r"\b(?:River|Lake|Sea|Ocean|Gulf|Bay|Strait|Channel|Sound|Mountains|Range|Desert)\b")


def title(name: str) -> str:
    """Natural Earth writes the regions in capitals ("SAHARA"): "Sahara"."""
    return name.title() if name.isupper() else name


def point_of(geometry: dict[str, Any]) -> tuple[float, float]:
    """A point on the feature: a polygon's representative point, the middle of a river's longest line."""
    geom = shape(geometry)
    if geom.geom_type in ("LineString", "MultiLineString"):
        lines = list(getattr(geom, "geoms", [geom]))
        longest: LineString = max(lines, key=lambda line: line.length)
        p = longest.interpolate(0.5, normalized=True)
    else:
        p = geom.representative_point()
    return round(p.y, 3), round(p.x, 3)


def names_of(props: dict[str, Any], kind: str, group_names: set[str]) -> list[str]:
    """Its English name first, then Natural Earth's own and alternate names, with the generic word readers use.

    A river's local name ("Chang", "Amazonas") is kept only with the word River: bare, it is a
    person's or a state's name more often than the river's.
    """
    english = [props.get("name_en"), props.get("name_alt") or props.get("namealt")]
    names = [title(n.strip()) for n in english if isinstance(n, str) and n.strip() and n.strip() not in group_names]
    local = title(str(props.get("name") or "").strip())
    if kind != "river" and local:
        names.append(local)
    if kind == "river":
        bases = [n for n in [*names, local] if n and not GENERIC.search(n)]
        names += [form for n in bases for form in (f"{n} River", f"River {n}")]
    if kind == "lake":
        names += [f"Lake {n}" for n in names if not GENERIC.search(n) and not n.startswith("Lag")]
    return list(dict.fromkeys(n for n in names if n))


def features(folder: Path) -> Iterable[tuple[str, dict[str, Any]]]:
    """(layer, feature) for every feature of the Natural Earth files found in the folder."""
    for path in sorted(folder.glob("ne_*.geojson")):
        layer = next((layer for layer in LAYERS if path.name.endswith(f"_{layer}.geojson")), None)
        if layer is not None:
            for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
                yield layer, feature


def build(folder: Path, max_scalerank: int) -> list[dict[str, Any]]:
    """The table's rows, largest features first; one row per Wikidata id (or name and kind)."""
    found = [(layer, f) for layer, f in features(folder) if f.get("geometry")]
    # an alternate name several features share names their group ("Great Lakes"), not one of them
    alternates = Counter(str(f["properties"].get("name_alt")) for _, f in found if f["properties"].get("name_alt"))
    group_names = {n for n, count in alternates.items() if count > 1}
    rows: dict[str, dict[str, Any]] = {}
    for _layer, feature in found:
        props = feature["properties"]
        kind = KINDS.get(str(props.get("featurecla", "")).strip().lower())
        rank = props.get("scalerank")
        if kind is None or not isinstance(rank, int) or rank > max_scalerank or not props.get("name"):
            continue
        names = names_of(props, kind, group_names)
        lat, lon = point_of(feature["geometry"])
        key = props.get("wikidataid") or f"{kind}:{names[0]}"
        if key in rows:  # the same feature in two layers or scales: the first kept
            continue
        rows[key] = {
            "name": names[0],
            "names": names,
            "kind": kind,
            "class": str(props["featurecla"]).lower(),
            "lat": lat,
            "lon": lon,
            "scalerank": rank,
            "wikidata": props.get("wikidataid"),
        }
    return sorted(rows.values(), key=lambda r: (r["scalerank"], r["kind"], r["name"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder of Natural Earth GeoJSON files")
    parser.add_argument("--max-scalerank", type=int, default=2, help="keep features up to this rank (0: largest)")
    parser.add_argument("--commit", default="unknown", help="the natural-earth-vector commit the files come from")
    parser.add_argument("--note", help="how the files were obtained, kept in the table's header")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    rows = build(args.folder, args.max_scalerank)
    if not rows:
        print(f"no Natural Earth physical features in {args.folder}", file=sys.stderr)
        return 1
    table = {
        "source": "Natural Earth physical vectors, github.com/nvkelso/natural-earth-vector, folder geojson/",
        "licence": "public domain (naturalearthdata.com/about/terms-of-use)",
        "commit": args.commit,
        "built_by": "scripts/build_physical.py",
        **({"note": args.note} if args.note else {}),
        "features": rows,
    }
    text = json.dumps(table, ensure_ascii=False, indent=None, separators=(",", ":"))
    args.out.write_text(text.replace(',{"name"', ',\n{"name"') + "\n", encoding="utf-8")
    print(f"{args.out}: {len(rows)} features")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
