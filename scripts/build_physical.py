"""Rebuild data/geoparse/physical.json: the world's named rivers, lakes, seas and ranges from Natural Earth.

A text pasted into "Map your own article" names the Nile, Lake Victoria or the Baltic Sea
as often as it names towns, and GeoNames' populated places and divisions (the compact
gazetteer) hold none of them. Natural Earth's physical layers do, each with a scale rank
(0 for the largest features). This script reads a folder of their GeoJSON files, keeps
each layer's named features at one scale up to a scale rank, and writes one small table:
each feature's names, the geoparser's kind for it, a representative point, its scale rank
and Wikidata id (where the files have one):

    python scripts/build_physical.py DIR [--take LAYER=SCALE:MAXRANK ...] [--commit SHA]

DIR holds Natural Earth's `ne_<scale>_<layer>.geojson` (or `.json`) files: the layers are
rivers_lake_centerlines, lakes, geography_marine_polys, geography_regions_polys (from
github.com/nvkelso/natural-earth-vector, folder geojson/, or a mirror such as
github.com/martynafford/natural-earth-geojson). Natural Earth is in the public domain.

Natural Earth cuts one river into several lines (the Yangtze is "Jinsha", "Chang Jiang" and
a short "Yangtze") and gives two features one name: the lines of one English name are read
as one river, its point the middle of its longest joined line, and of two areas with one
name the larger is kept.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shlex
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import linemerge, unary_union

from geo.paths import ROOT

OUT = ROOT / "data" / "geoparse" / "physical.json"
LAYERS = ("rivers_lake_centerlines", "lakes", "geography_marine_polys", "geography_regions_polys")
# each layer's scale and largest scale rank: the features a news reader names (the Nile, the
# Strait of Gibraltar, the Sahel), not every bay of the 1:10m tables
TAKE = {
    "rivers_lake_centerlines": ("10m", 3),  # 1:50m has the Amazon only as "Amazonas"
    "lakes": ("50m", 2),
    "geography_marine_polys": ("50m", 4),
    "geography_regions_polys": ("50m", 2),
}
# Natural Earth's feature class -> the geoparser's kind (geo/geoparser/gazetteer.py PHYSICAL_KINDS);
# a class not here (islands, continents, capes, reefs, a marine table's river mouths) is left out
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
    "pen/cape": "wider region",
    "basin": "wider region",
    "tundra": "wider region",
    "delta": "wider region",
    "geoarea": "wider region",
    "lowland": "wider region",
    "wetlands": "wider region",
    "valley": "wider region",
    "isthmus": "wider region",
}
BARE_RIVER_RANK = 2  # the Nile, the Danube, the Mekong: read bare after "the"; the Negro only as "Negro River"
GENERIC = re.compile(r"\b(?:River|Lake|Sea|Ocean|Gulf|Bay|Strait|Channel|Sound|Mountains|Range|Desert)\b")
# Natural Earth's abbreviations, written out as readers write them
ABBREVIATIONS = ((r"^L\. ", "Lake "), (r" L\.$", " Lake"), (r" Res\.$", " Reservoir"), (r"^Rés\. ", "Réservoir "))
ABBREVIATIONS += ((r" Mts\.$", " Mountains"), (r" Ra\.$", " Range"), (r" Pen\.$", " Peninsula"))


def clean(name: Any) -> str:
    """One name as readers write it: spaces as one ("Lake\\rBaikal"), no capitals, no abbreviations."""
    text = " ".join(str(name or "").split())
    if text.isupper():  # Natural Earth writes the regions in capitals ("SAHARA")
        text = re.sub(r"(?<=\w )(Of|Do|De|Al|The)\b", lambda m: m[1].lower(), text.title().replace("’S", "’s"))
    for pattern, repl in ABBREVIATIONS:
        text = re.sub(pattern, repl, text)
    return text


def weight(geom: BaseGeometry) -> float:
    """A line's length or an area's size, in degrees (an area's scaled by its latitude's cosine)."""
    if geom.geom_type in ("LineString", "MultiLineString"):
        return geom.length
    return geom.area * math.cos(math.radians(geom.representative_point().y))


def point_of(geoms: list[BaseGeometry]) -> tuple[float, float]:
    """A point on it: the middle of a river's longest joined line, else the largest area's representative point."""
    if all(g.geom_type in ("LineString", "MultiLineString") for g in geoms):
        union = unary_union(geoms)
        merged = linemerge(union) if union.geom_type == "MultiLineString" else union
        p = max(getattr(merged, "geoms", [merged]), key=lambda line: line.length).interpolate(0.5, normalized=True)
    else:
        parts = [part for g in geoms for part in getattr(g, "geoms", [g])]
        p = max(parts, key=weight).representative_point()
    return round(p.y, 3), round(p.x, 3)


def english_name(props: dict[str, Any]) -> str:
    """The feature's English name: a river's alternate name, else name_en, else its name.

    The rivers' name_en sometimes repeats the local name where name_alt has the English one
    ("Amazonas", alternate "Amazon"); the other tables' alternate names are other names
    ("Lake Nyasa", "East Sea"), not the English one.
    """
    if "name_en" in props and clean(props.get("name_alt")):
        return clean(props.get("name_alt"))
    return clean(props.get("name_en")) or clean(props.get("name"))


def names_of(props: list[dict[str, Any]], kind: str, group_names: set[str]) -> list[str]:
    """Its English name first, then Natural Earth's own and alternate names, with the generic word readers use.

    A river's local name ("Chang", "Amazonas") is kept only with the word River: bare, it is a
    person's or a state's name more often than the river's. So is any name of a river below
    the largest (scale rank above BARE_RIVER_RANK): "the Negro" or "the Huang" is more often
    a word of a name ("the Negro leagues", "the Huang dynasty") than the Rio Negro.
    """
    names: list[str] = []
    local: list[str] = []
    for p in props:
        for key in ("name_en", "name_alt", "namealt"):
            n = clean(p.get(key))
            if n and n not in group_names:
                names.append(n)
        local.append(clean(p.get("name")))
    names = [english_name(props[0]), *names]
    if kind != "river":
        names += local
    if kind == "river":
        bases = [n for n in dict.fromkeys([*names, *local]) if n and not GENERIC.search(n)]
        names += [form for n in bases for form in (f"{n} River", f"River {n}")]
        if min(int(p["scalerank"]) for p in props) > BARE_RIVER_RANK:
            names = [n for n in names if GENERIC.search(n)]
    if kind == "lake":
        bare = [re.sub(r"^(?:Lago|Lagoa|Lac) (?:de )?", "", n) for n in names]
        names += [f"Lake {n}" for n in bare if n and not GENERIC.search(n) and not re.search(r"Res|Lag|meer", n)]
    return list(dict.fromkeys(n for n in names if n))


def features(folder: Path, take: dict[str, tuple[str, int]]) -> Iterable[tuple[str, dict[str, Any]]]:
    """(layer, feature) for every feature of the chosen scale's files of each layer, in the order of LAYERS."""
    for layer in LAYERS:
        if layer not in take:
            continue
        scale, _ = take[layer]
        paths = [folder / f"ne_{scale}_{layer}{ext}" for ext in (".geojson", ".json")]
        for path in [p for p in paths if p.is_file()][:1]:
            for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
                yield layer, feature


def build(folder: Path, take: dict[str, tuple[str, int]] | None = None) -> list[dict[str, Any]]:
    """The table's rows, largest features first; one row per kind and English name."""
    take = TAKE if take is None else take
    groups: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = {}
    for layer, feature in features(folder, take):
        props = feature.get("properties") or {}
        kind = KINDS.get(str(props.get("featurecla", "")).strip().lower())
        if kind == "river" and layer != "rivers_lake_centerlines":  # a marine table's river mouth, not the river
            kind = None
        rank = props.get("scalerank")
        if isinstance(rank, float) and rank.is_integer():
            rank = int(rank)
        if not feature.get("geometry") or kind is None or not isinstance(rank, int) or not english_name(props):
            continue
        if rank > take[layer][1]:
            continue
        groups.setdefault((kind, english_name(props)), []).append((layer, {**feature, "properties": {**props}}))
    # an alternate name several features share names their group ("Great Lakes"), not one of them
    alternates = Counter(clean(f["properties"].get("name_alt")) for members in groups.values() for _, f in members[:1])
    group_names = {n for n, count in alternates.items() if n and count > 1}
    rows: list[dict[str, Any]] = []
    for (kind, _name), members in groups.items():
        geoms = [shape(f["geometry"]) for _, f in members]
        if kind != "river":  # two areas with one name are two places ("Lake Onega"): the larger is the one meant
            ranks = [f["properties"]["scalerank"] for _, f in members]
            largest = max(range(len(geoms)), key=lambda i: (-ranks[i], weight(geoms[i])))
            members, geoms = [members[largest]], [geoms[largest]]
        props = [f["properties"] for _, f in members]
        lat, lon = point_of(geoms)
        rank = min(int(p["scalerank"]) for p in props)
        first = min(props, key=lambda p: int(p["scalerank"]))
        wikidata = next((p["wikidataid"] for p in props if p.get("wikidataid")), None)
        names = names_of([first, *[p for p in props if p is not first]], kind, group_names)
        scale = take[members[0][0]][0]
        rows.append(
            {
                "name": names[0],
                "names": names,
                "kind": kind,
                "class": str(first["featurecla"]).lower(),
                "scale": scale,
                "lat": lat,
                "lon": lon,
                "scalerank": rank,
                "wikidata": wikidata,
            }
        )
    return sorted(rows, key=lambda r: (r["scalerank"], r["kind"], r["name"]))


def parse_take(values: list[str]) -> dict[str, tuple[str, int]]:
    """`--take lakes=50m:2` options over the defaults; a layer given `none` is left out."""
    take = dict(TAKE)
    for value in values:
        match = re.fullmatch(r"(\w+)=(?:(10m|50m|110m):(\d+)|(none))", value)
        if match is None or match[1] not in LAYERS:
            raise SystemExit(f"--take {value}: expected LAYER=SCALE:MAXRANK (scale 10m, 50m or 110m) or LAYER=none")
        if match[4]:
            take.pop(match[1], None)
        else:
            take[match[1]] = (match[2], int(match[3]))
    return take


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder of Natural Earth GeoJSON files")
    parser.add_argument("--take", action="append", default=[], help="LAYER=SCALE:MAXRANK, e.g. lakes=50m:2")
    parser.add_argument("--source", default="github.com/nvkelso/natural-earth-vector, folder geojson/")
    parser.add_argument("--commit", default="unknown", help="the source repository's commit the files come from")
    parser.add_argument("--version", dest="ne_version", default="unknown", help="Natural Earth's release of the files")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    take = parse_take(args.take)
    rows = build(args.folder, take)
    if not rows:
        print(f"no Natural Earth physical features in {args.folder}", file=sys.stderr)
        return 1
    shown = [a for a in (argv if argv is not None else sys.argv[1:]) if a not in ("--out", str(args.out))]
    table = {
        "source": f"Natural Earth physical vectors, {args.source}",
        "natural_earth": args.ne_version,
        "licence": "public domain (naturalearthdata.com/about/terms-of-use)",
        "commit": args.commit,
        "built_by": "python scripts/build_physical.py " + shlex.join(shown),
        "layers": {layer: f"1:{scale} up to scale rank {rank}" for layer, (scale, rank) in take.items()},
        "features": rows,
    }
    text = json.dumps(table, ensure_ascii=False, indent=None, separators=(",", ":"))
    args.out.write_text(text.replace(',{"name"', ',\n{"name"') + "\n", encoding="utf-8")
    print(f"{args.out}: {len(rows)} features")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
