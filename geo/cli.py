"""Command line: `python -m geo COMMAND`.

    python -m geo places                   table of every place in the gazetteer
    python -m geo places --format geojson  the same places as one GeoJSON FeatureCollection
    python -m geo check                    validate every data file and summarise them
    python -m geo events                   table of the article's dated events, in date order
    python -m geo events --format json     the same as a JSON array (or --format csv)
    python -m geo export OUT_DIR           write the static site
    python -m geo geoparse FILE            every place a text (.txt, .md, .html, .docx) names, resolved
    python -m geo geoparse FILE --format json   the same as a JSON array, one object per place
    python -m geo new FILE --out DIR       a draft data folder for that text (see geo/geoparser/draft.py)
    python -m geo map-scripts              rewrite static/atlas/places.js and context.js from data/

`--data DIR` (or the ATLAS_DATA_DIR variable) reads another data folder. A broken data
file is reported as one line naming the file, the entry and the field (exit status 1),
not a traceback; so is a file `geoparse` cannot read (empty, binary, too large, not English).

This module only parses arguments and prints: the work is done in geo/ modules. To add
a command, write one function `def cmd_name(args) -> int` and register it in
`build_parser` with one subparser whose defaults set `func=cmd_name`.

It stays light: it imports no map, plotting or app library, so it starts fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from geo.atlas.check import check_data
from geo.atlas.datafile import is_http_link
from geo.atlas.events import Event, load_events
from geo.atlas.loader import Atlas, Figure, load_atlas, resolve_data_dir
from geo.atlas.places import Place
from geo.errors import DataError, InputError
from geo.render.serialize import events_csv_text, events_records, places_feature_collection

NO_VALUE = "-"


def figure_text(figure: Figure | None) -> str:
    """A computed figure as a table shows it: "4,419 km²", "204 km"."""
    return NO_VALUE if figure is None else figure.amount


def geometry_type(atlas: Atlas, place: Place) -> str:
    shape = atlas.shape(place)
    return NO_VALUE if shape is None else shape.geom.geom_type


def aligned(header: tuple[str, ...], rows: list[tuple[str, ...]], right: frozenset[int] = frozenset()) -> list[str]:
    """Rows of cells padded into columns (the `right` ones aligned right), with a rule under the header."""
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        cells = zip(row, widths, strict=True)
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(cells)).rstrip()

    return [line(header), line(tuple("-" * w for w in widths)), *map(line, rows)]


def places_table(atlas: Atlas) -> str:
    """An aligned plain-text table of the places, in the order the article introduces them."""
    header = ("SLUG", "NAME", "KIND", "GEOMETRY", "PASSAGES", "FIGURE")
    rows = [
        (
            place.slug,
            place.name,
            place.kind,
            geometry_type(atlas, place),
            str(len(atlas.passages[place.slug])),
            figure_text(atlas.figure(place)),
        )
        for place in atlas.places
    ]
    unnamed = sum(1 for p in atlas.places if not atlas.passages[p.slug])
    footer = f"{len(rows)} places, {len(rows) - unnamed} named in the article, {unnamed} shown for context"
    return "\n".join([*aligned(header, rows, frozenset({4, 5})), "", footer])  # numbers line up on the right


def events_table(events: tuple[Event, ...]) -> str:
    """An aligned plain-text table of the events, in date order, with the date as the article gives it."""
    header = ("SLUG", "DATE", "TITLE", "PLACES")
    rows = [(e.slug, e.when_short, e.title, ", ".join(e.places)) for e in events]
    september = sum(1 for e in events if e.september)
    footer = f"{len(rows)} events, {september} of them in a September"
    return "\n".join([*aligned(header, rows), "", footer])


def cmd_places(args: argparse.Namespace) -> int:
    atlas = load_atlas(args.data)
    if args.format == "geojson":
        print(json.dumps(places_feature_collection(atlas), ensure_ascii=False))
    else:
        print(places_table(atlas))
    return 0


def cmd_events(args: argparse.Namespace) -> int:
    events = load_events(load_atlas(args.data))
    if args.format == "json":
        print(json.dumps(events_records(events), ensure_ascii=False, indent=1))
    elif args.format == "csv":
        print(events_csv_text(events), end="")
    else:
        print(events_table(events))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    reports = check_data(args.data)
    width = max(len(r.file) for r in reports)
    print(f"OK: every data file in {resolve_data_dir(args.data)} is valid")
    for report in reports:
        print(f"  {report.file.ljust(width)}  {report.summary}")
    return 0


def cmd_map_scripts(args: argparse.Namespace) -> int:
    """The app's cached map scripts after an edit of data/places.yaml or data/context.yaml, without the
    geometry and water builds (which need GIS files and write these too)."""
    from geo.render.maps import write_places_script
    from geo.render.orientation import write_context_script

    print(f"wrote {write_places_script(load_atlas(resolve_data_dir(args.data)))}")
    print(f"wrote {write_context_script(args.data)}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    import time

    from geo.render import export  # imported here: it pulls in folium, which `places` does not need

    atlas = load_atlas(args.data)
    start = time.perf_counter()
    written = export.export_site(atlas, args.out_dir)
    print(export.describe_export(written, args.out_dir))
    print(f"exported in {time.perf_counter() - start:.1f} s; open {args.out_dir / 'index.html'}")
    return 0


def geoparse_table(records: list[dict]) -> str:
    """One line per place found: name, kind, GeoNames id, mentions, score, and whether to review it; the places
    named only inside other names (role "named") after them, apart, under NAMED_HEADING."""
    from geo.geoparser.geoparse import NAMED, NAMED_HEADING

    literal = [r for r in records if r.get("role") != NAMED]
    named = [r for r in records if r.get("role") == NAMED]
    lines = geoparse_lines(literal)
    lines.append(f"{len(literal)} places")
    if named:
        lines += ["", f"{NAMED_HEADING} (not drawn unless included):", *geoparse_lines(named)]
        lines.append(f"{len(named)} named")
    return "\n".join(lines)


def geoparse_lines(records: list[dict]) -> list[str]:
    """One line per place: name, kind, id, point, mentions, score, and whether to review it."""
    lines = []
    for r in records:
        ident = r["geonameid"] if r["geonameid"] is not None else r["ref"]
        review = "  review" if r["review"] else ""
        forms = ", ".join(sorted({m["text"] for m in r["mentions"]}))
        resolved = f" = {r['gazetteer_name']}" if r["gazetteer_name"] != r["name"] else ""
        lines.append(
            f"{r['name']}{resolved} ({r['kind']}, {ident}, {r['lat']:.3f} {r['lon']:.3f}): "
            f"{len(r['mentions'])} × {forms}; score {r['score']:.2f}{review}"
        )
    return lines


def cmd_geoparse(args: argparse.Namespace) -> int:
    from geo.geoparser.geoparse import by_role, geoparse, place_record
    from geo.geoparser.ingest import display_name, read_text_file
    from geo.geoparser.sandbox import run

    text = read_text_file(args.file)
    found = run(geoparse, text, None, True, name=display_name(args.file.name), doing="finding its places")
    literal, named = by_role(found)  # as the page "Map your own article" parts them
    records = [place_record(p) for p in [*literal, *named]]
    if args.format == "json":
        print(json.dumps(records, ensure_ascii=False, indent=1))
    else:
        print(geoparse_table(records))
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from geo.geoparser.draft import ArticleInfo, write_draft
    from geo.geoparser.ingest import read_text_file

    info = ArticleInfo(args.title, args.author, args.publisher, args.published, args.url)
    entries, notice = write_draft(read_text_file(args.file), args.out, info)
    review = sum(1 for e in entries if "review" in e)
    print(f"wrote {args.out}: {len(entries)} places, {review} marked for review")
    if notice:
        print(notice)
    print(f"next: ATLAS_DATA_DIR={args.out} python -m geo check, then streamlit run app.py")
    return 0


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date written YYYY-MM-DD") from exc


def _url(value: str) -> str:
    if not is_http_link(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not an http(s) link")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description="Karabakh Atlas data tools.")
    parser.add_argument(
        "--data", type=Path, default=None, metavar="DIR", help="data folder (default: $ATLAS_DATA_DIR, else data/)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    places = commands.add_parser("places", help="list every place of the gazetteer")
    places.add_argument("--format", choices=("table", "geojson"), default="table", help="output format")
    places.set_defaults(func=cmd_places)

    events = commands.add_parser("events", help="list the events the article dates, in date order")
    events.add_argument("--format", choices=("table", "json", "csv"), default="table", help="output format")
    events.set_defaults(func=cmd_events)

    check = commands.add_parser("check", help="validate every data file and print a summary")
    check.set_defaults(func=cmd_check)

    export = commands.add_parser("export", help="write the static site (pages, Leaflet, data) into OUT_DIR")
    export.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="folder to write (created if missing)")
    export.set_defaults(func=cmd_export)

    scripts = commands.add_parser("map-scripts", help="rewrite the app's cached map scripts from the data folder")
    scripts.set_defaults(func=cmd_map_scripts)

    geoparse = commands.add_parser("geoparse", help="find and resolve every place a text names")
    geoparse.add_argument("file", type=Path, metavar="FILE", help="the text: .txt, .md, .html or .docx")
    geoparse.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    geoparse.set_defaults(func=cmd_geoparse)

    new = commands.add_parser("new", help="write a draft data folder for a text (.txt, .md, .html, .docx)")
    new.add_argument("file", type=Path, metavar="FILE", help="the article")
    new.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write (created if missing)")
    new.add_argument("--title", help="the article's title (default: its first line)")
    new.add_argument("--author")
    new.add_argument("--publisher")
    new.add_argument("--published", type=_date, metavar="YYYY-MM-DD")
    new.add_argument("--url", type=_url, help="the original article, an http(s) link")
    new.set_defaults(func=cmd_new)

    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (DataError, InputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
