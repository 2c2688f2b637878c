"""Rebuild data/geoparse/physical.json: the world's named rivers, lakes, seas, ranges and islands from Natural Earth.

A text pasted into "Map your own article" names the Nile, Lake Victoria or the Baltic Sea
as often as it names towns, and GeoNames' populated places and divisions (the compact
gazetteer) hold none of them. Natural Earth's physical layers do, each with a scale rank
(0 for the largest features). This script reads a folder of their GeoJSON files, keeps
each layer's named features at one scale up to a scale rank, and writes one small table:
each feature's names, the geoparser's kind for it, a representative point, its scale rank
and Wikidata id (where the files have one):

    python scripts/build_physical.py DIR [--take LAYER=SCALE:MAXRANK ...] [--commit SHA] [--gazetteer FILE]

The table in the repository was made from the files of github.com/martynafford/natural-earth-geojson,
commit 0b9a6ceb0a7032713abd9460ac1e995a9c60cd1e (its `.7z` files extracted with py7zr), by the command
its header's `built_by` gives; the same files and gazetteer give the same bytes.

The regions layer is read at 1:10m: its islands, island groups, deserts, peninsulas, plateaus,
deltas and basins go deeper than its other classes (CLASS_RANK: Java, Crete, Long Island, the
Negev, the Nile Delta). An island is written as English news writes it (Natural Earth's "Unimak
I." is Unimak Island, "I. Clarión" Clarión Island, "Sicilia" Sicily) and carries the country
its coast's nearest places in the compact gazetteer (`--gazetteer`, data/geoparse/gazetteer.json.gz)
lie in, when three in four of them agree.

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
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import linemerge, unary_union

from geo.geoparser.gazetteer import GAZETTEER_FILE, GEOPARSE_DIR, read_table
from geo.paths import ROOT

OUT = ROOT / "data" / "geoparse" / "physical.json"
GAZETTEER = GEOPARSE_DIR / GAZETTEER_FILE
LAYERS = ("rivers_lake_centerlines", "lakes", "geography_marine_polys", "geography_regions_polys")
# each layer's scale and largest scale rank: the features a news reader names (the Nile, the
# Strait of Gibraltar, the Sahel), not every bay of the 1:10m tables
TAKE = {
    "rivers_lake_centerlines": ("10m", 6),  # 1:50m has the Amazon only as "Amazonas"; rank 6: the Thames, the Rhône
    "lakes": ("50m", 2),
    "geography_marine_polys": ("50m", 4),
    "geography_regions_polys": ("10m", 2),
}
# Classes of geography_regions_polys read deeper than the layer's rank: the islands, deserts, peninsulas,
# plateaus, deltas and basins world news names (Java, Crete, Long Island, the Negev, the Nile Delta, the
# Tarim Basin) lie at ranks 3 to 5; rank 6 and 7 are atolls and the Azores' and Cape Verde's small islands
# (Flores, Pico, Sal), whose names are more often towns' and people's
CLASS_RANK = {
    "island": 5,
    "island group": 4,
    "desert": 5,
    "pen/cape": 5,
    "peninsula": 4,
    "plateau": 4,
    "delta": 4,
    "basin": 4,
}
# Antarctica's smaller islands bear the names of people and places elsewhere (Roosevelt Island, Mill Island)
# and are named in news far less than their namesakes
ANTARCTIC_RANK = 4
COAST_SAMPLES = 24  # points of each part of an island's coast whose nearest place says which country it is in
SAME_COUNTRY = 0.75
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
    "island": "island",
    "island group": "island",
    "geoarea": "wider region",
    "lowland": "wider region",
    "wetlands": "wider region",
    "valley": "wider region",
    "isthmus": "wider region",
}
BARE_RIVER_RANK = 2  # the Nile, the Danube, the Mekong: read bare after "the"; the Negro only as "Negro River"
GENERIC = re.compile(r"\b(?:River|Lake|Sea|Ocean|Gulf|Bay|Strait|Channel|Sound|Mountains|Range|Desert)\b")
ISLAND_WORDS = re.compile(r"\b(?:Islands?|Isles?|Archipelago|Group|Chain)\b")
# Natural Earth's abbreviations, written out as readers write them
ABBREVIATIONS = ((r"^L\. ", "Lake "), (r" L\.$", " Lake"), (r" Res\.$", " Reservoir"), (r"^Rés\. ", "Réservoir "))
ABBREVIATIONS += ((r" Mts\.$", " Mountains"), (r" Ra\.$", " Range"), (r" Pen\.$", " Peninsula"))
ABBREVIATIONS += (
    (r" Isands$", " Islands"),
    (r" I\.$", " Island"),
    (r" Is\.$", " Islands"),
    (r" Arch\.$", " Archipelago"),
)
ABBREVIATIONS += (
    (r"^I\. ", "Isla "),
    (r"^Is\. ", "Islas "),
    (r"^î\. ", "Île "),
    (r"^S\. ", "South "),
    (r"^N\. ", "North "),
)
ABBREVIATIONS += (
    (r" Plat\.$", " Plateau"),
    (r"^Plat\. ", "Plateau "),
    (r"^Pen\. ", "Península "),
    (r"^Pén\. ", "Péninsule "),
)
ABBREVIATIONS += ((r"^N\.I\. ", "North Island "),)
# A local name's generic words, turned into the English form readers write: "Isla Clarión" is Clarión Island,
# "Península de Yucatán" the Yucatán Peninsula, "Desierto de Atacama" the Atacama Desert
ENGLISH_FORMS = (
    (r"^(?:Isla|Île|Ilha|Isola) (?:de la |del |de |d’)?(.+)$", r"\1 Island"),
    (
        r"^(?:Islas|Îles|Ilhas|Archipel des|Archipiélago de|Arquipélago dos) (?:de la |de |des |dos |du )?(.+)$",
        r"\1 Islands",
    ),
    (r"^(?:Península|Péninsule) (?:de la |de |d’)?(.+)$", r"\1 Peninsula"),
    (r"^Desierto de (.+)$", r"\1 Desert"),
    (r"^Plateau du (.+)$", r"\1 Plateau"),
)
# Features whose name news gives to a better-known place the gazetteer lacks: California's Channel Islands
# (the Channel Islands of British news are Jersey and Guernsey)
LEFT_OUT = frozenset({"Channel Islands"})
# Land forms' generic words, often written in lower case ("the Mekong delta", "the Kola peninsula")
LOWER_GENERIC = re.compile(r"(?<= )(?:Desert|Peninsula|Delta|Plateau|Basin|Islands|Island|Archipelago)$")
# Natural Earth writes a macron as an umlaut (Honshü, Hokkaidö, Idhän Murzuq): its name is then shown unmarked
UMLAUT_FOR_MACRON = re.compile("[äöüïÄÖÜ]")
# English names for the few islands Natural Earth writes only in the local language
EXONYMS = {
    "Corse": "Corsica",
    "Península Ibérica": "Iberian Peninsula",
    "Sardegna": "Sardinia",
    "Sicilia": "Sicily",
    "Pelopónnisos": "Peloponnese",
    "Açores": "Azores",
    "Ilhas de Cabo Verde": "Cape Verde Islands",
    "Islas Canarias": "Canary Islands",
    "Nouvelle-Calédonie": "New Caledonia",
    "Cheju Island": "Jeju Island",
    "Ceram": "Seram",
}


def clean(name: Any) -> str:
    """One name as readers write it: spaces as one ("Lake\\rBaikal"), no capitals, no abbreviations."""
    text = " ".join(str(name or "").split())
    if text.isupper():  # Natural Earth writes the regions in capitals ("SAHARA")
        text = re.sub(
            r"(?<=[\w.] )(Of|Do|De|Des|Del|Du|Dos|La|Al|The)\b",
            lambda m: m[1].lower(),
            text.title().replace("’S", "’s"),
        )
        text = re.sub(r"\bD’(?=\w)", "d’", text)
    for pattern, repl in ABBREVIATIONS:
        text = re.sub(pattern, repl, text)
    return text


def weight(geom: BaseGeometry) -> float:
    """A line's length or an area's size, in degrees (an area's scaled by its latitude's cosine)."""
    if geom.geom_type in ("LineString", "MultiLineString"):
        return geom.length
    return geom.area * math.cos(math.radians(geom.representative_point().y))


class Countries:
    """The country of GeoNames' nearest place (the compact gazetteer), looked up in cells of one degree."""

    def __init__(self, lat: Iterable[float], lon: Iterable[float], country: Iterable[str | None]) -> None:
        self._cells: dict[tuple[int, int], list[tuple[float, float, str]]] = {}
        for y, x, code in zip(lat, lon, country, strict=True):
            if code:
                self._cells.setdefault((math.floor(y), math.floor(x)), []).append((y, x, code))

    def nearest(self, y: float, x: float) -> str | None:
        """The country of the nearest place within about a degree, or None (open sea, an empty island)."""
        cy, cx = math.floor(y), math.floor(x)
        near = [p for dy in (-1, 0, 1) for dx in (-1, 0, 1) for p in self._cells.get((cy + dy, cx + dx), ())]
        scale = math.cos(math.radians(y))
        best = min(near, key=lambda p: (p[0] - y) ** 2 + ((p[1] - x) * scale) ** 2, default=None)
        return best[2] if best is not None else None

    def of(self, geom: BaseGeometry) -> str | None:
        """The country an island lies in: the one of the nearest places of its point and of three in four
        points of its coast (a coast's end faces a neighbour's shore: Corsica's faces Sardinia's), else None
        (Borneo, Hispaniola, Timor and the groups of several countries have none)."""
        p = geom.representative_point()
        points = [(p.y, p.x)]
        for part in getattr(geom, "geoms", [geom]):
            coords = list(part.exterior.coords) if part.geom_type == "Polygon" else []
            step = max(1, len(coords) // COAST_SAMPLES)
            points += [(y, x) for x, y in coords[::step]]
        found = Counter(code for y, x in points if (code := self.nearest(y, x)) is not None)
        if not found:
            return None
        code, count = found.most_common(1)[0]
        return code if count >= SAME_COUNTRY * sum(found.values()) else None


def point_of(geoms: list[BaseGeometry], centre: bool = False) -> tuple[float, float]:
    """A point on it: the middle of a river's longest joined line, else the largest area's representative point.

    With `centre` (islands and the land forms of CLASS_RANK, which readers place by their middle), an
    island group's centre, among its islands (the Aleutians', across the 180th meridian, too), and an
    area's centre where it lies inside it (Greenland's, not a point by its east coast).
    """
    if all(g.geom_type in ("LineString", "MultiLineString") for g in geoms):
        union = unary_union(geoms)
        merged = linemerge(union) if union.geom_type == "MultiLineString" else union
        p = max(getattr(merged, "geoms", [merged]), key=lambda line: line.length).interpolate(0.5, normalized=True)
        return round(p.y, 3), round(p.x, 3)
    parts = [part for g in geoms for part in getattr(g, "geoms", [g])]
    largest = max(parts, key=weight)
    p = largest.representative_point()
    if centre and len(parts) > 1:
        lons = [x for part in parts for x, _ in part.exterior.coords]
        shift = 360.0 if max(lons) - min(lons) > 180 else 0.0  # across the 180th meridian: east of it as 180-360
        moved = unary_union([affinity_shift(part, shift) for part in parts])
        c = moved.centroid
        return round(c.y, 3), round(c.x - 360.0 if c.x > 180 else c.x, 3)
    if centre and largest.contains(largest.centroid):
        p = largest.centroid
    return round(p.y, 3), round(p.x, 3)


COURSE_POINTS = 9  # points along a river's longest joined line, its ends included: where along it a text is


def course_of(geoms: list[BaseGeometry]) -> list[list[float]]:
    """Points evenly along a river's longest joined line, source to mouth or the reverse: the geoparser marks
    the river at the one nearest the text's other places (the Chattahoochee by Atlanta, not its middle)."""
    union = unary_union(geoms)
    merged = linemerge(union) if union.geom_type == "MultiLineString" else union
    line = max(getattr(merged, "geoms", [merged]), key=lambda part: part.length)
    points = (line.interpolate(i / (COURSE_POINTS - 1), normalized=True) for i in range(COURSE_POINTS))
    return [[round(p.y, 3), round(p.x, 3)] for p in points]


def affinity_shift(part: BaseGeometry, shift: float) -> BaseGeometry:
    """The part with the longitudes west of 0 moved `shift` degrees east (nothing moves with a shift of 0)."""
    if not shift:
        return part
    return shapely.transform(part, lambda xy: xy + [[shift, 0.0]] * (xy[:, :1] < 0))


def english_name(props: dict[str, Any]) -> str:
    """The feature's English name: a river's alternate name, else name_en, else its name.

    The rivers' name_en sometimes repeats the local name where name_alt has the English one
    ("Amazonas", alternate "Amazon"); the other tables' alternate names are other names
    ("Lake Nyasa", "East Sea"), not the English one.
    """
    if "name_en" in props and clean(props.get("name_alt")):
        return clean(props.get("name_alt"))
    return clean(props.get("name_en")) or clean(props.get("name"))


def english_forms(name: str) -> list[str]:
    """How English readers write a name: the English name ("Sicily" for Sicilia, not the local name), the generic
    word in English after it ("Clarión Island" for Isla Clarión) and the letters without their marks
    ("Honshu" for Natural Earth's Honshü, "Kauai" for Kaua‘i)."""
    forms = [EXONYMS.get(name, name)]  # "Sicilia" in an English text is more often a person's name
    for pattern, repl in ENGLISH_FORMS:
        forms += [re.sub(pattern, repl, f) for f in forms if re.match(pattern, f)]
    forms += [folded(f) for f in forms]
    return list(dict.fromkeys(forms))


def folded(name: str) -> str:
    """The name's letters without their marks and without the okina: what a reader types."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return plain.replace("‘", "").replace("ʻ", "")


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
    names = [form for n in names for form in english_forms(n)]
    if kind == "river":
        bases = [n for n in dict.fromkeys([*names, *local]) if n and not GENERIC.search(n)]
        names += [form for n in bases for form in (f"{n} River", f"River {n}")]
        if min(int(p["scalerank"]) for p in props) > BARE_RIVER_RANK:
            names = [n for n in names if GENERIC.search(n)]
    if kind == "lake":
        bare = [re.sub(r"^(?:Lago|Lagoa|Lac) (?:de )?", "", n) for n in names]
        names += [f"Lake {n}" for n in bare if n and not GENERIC.search(n) and not re.search(r"Res|Lag|meer", n)]
    names += [LOWER_GENERIC.sub(lambda m: m[0].lower(), n) for n in names if LOWER_GENERIC.search(n)]
    if UMLAUT_FOR_MACRON.search(names[0]):  # Natural Earth's "Honshü" is Honshū, written Honshu in English
        names.insert(0, folded(names[0]))
    return list(dict.fromkeys(n for n in names if n))


def first_class(members: list[tuple[str, dict[str, Any]]]) -> str:
    """The Natural Earth class of a group's first feature, in lower case."""
    return str(members[0][1]["properties"].get("featurecla", "")).strip().lower()


def kept_class(props: dict[str, Any], rank: int) -> bool:
    """Whether a region of a class read deeper than its layer (CLASS_RANK) is kept at this rank."""
    cla = str(props.get("featurecla", "")).strip().lower()
    if cla in ("island", "island group") and props.get("region") == "Antarctica" and rank > ANTARCTIC_RANK:
        return False
    return rank <= CLASS_RANK.get(cla, -1)


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


def build(
    folder: Path, take: dict[str, tuple[str, int]] | None = None, countries: Countries | None = None
) -> list[dict[str, Any]]:
    """The table's rows, largest features first; one row per kind and English name; an island's with the
    country it lies in when `countries` is given."""
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
        if english_name(props) in LEFT_OUT:
            continue
        if rank > take[layer][1] and not (layer == "geography_regions_polys" and kept_class(props, rank)):
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
        lat, lon = point_of(geoms, centre=kind == "island" or first_class(members) in CLASS_RANK)
        rank = min(int(p["scalerank"]) for p in props)
        first = min(props, key=lambda p: int(p["scalerank"]))
        wikidata = next((p["wikidataid"] for p in props if p.get("wikidataid")), None)
        names = names_of([first, *[p for p in props if p is not first]], kind, group_names)
        scale = take[members[0][0]][0]
        country = countries.of(geoms[0]) if countries is not None and kind == "island" else None
        rows.append(
            {
                "name": names[0],
                "names": names,
                "kind": kind,
                **({"country": country} if country else {}),
                "class": str(first["featurecla"]).lower(),
                "scale": scale,
                "lat": lat,
                "lon": lon,
                "scalerank": rank,
                "wikidata": wikidata,
                **({"course": course_of(geoms)} if kind == "river" else {}),
            }
        )
    return sorted(rows, key=lambda r: (r["scalerank"], r["kind"], r["name"]))


def describe_take(layer: str, scale: str, rank: int) -> str:
    """What the header says was taken of a layer: its scale and rank, and the classes read deeper."""
    text = f"1:{scale} up to scale rank {rank}"
    if layer == "geography_regions_polys":
        deeper = [f"{cla} {r}" for cla, r in CLASS_RANK.items() if r > rank]
        text += f"; these classes up to: {', '.join(deeper)} (Antarctic islands {ANTARCTIC_RANK})" if deeper else ""
    return text


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
    parser.add_argument("--gazetteer", type=Path, default=GAZETTEER, help="the compact gazetteer: islands' countries")
    args = parser.parse_args(argv)
    take = parse_take(args.take)
    table = read_table(args.gazetteer)
    rows = build(args.folder, take, Countries(table.lat, table.lon, table.country))
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
        "layers": {layer: describe_take(layer, scale, rank) for layer, (scale, rank) in take.items()},
        "features": rows,
    }
    text = json.dumps(table, ensure_ascii=False, indent=None, separators=(",", ":"))
    args.out.write_text(text.replace(',{"name"', ',\n{"name"') + "\n", encoding="utf-8")
    print(f"{args.out}: {len(rows)} features")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
