"""The places and events as data for re-use: the one schema of each that the atlas publishes.

`python -m geo places --format geojson`, `python -m geo events`, the app's "Download"
buttons and the static export's `data/` folder all write these, so a field is added or
renamed here once.

- `places_feature_collection(atlas)` is the GeoJSON FeatureCollection as a dict;
- `places_geojson_text(atlas)` is the same as a file's text, safe inside HTML too;
- `places_csv_text(atlas)` is one row per place;
- every CSV goes through `csv_text`, which writes a text cell a spreadsheet would run as a formula
  (`=`, `+`, `-`, `@`, a tab or a carriage return first) with a leading `'`;
- `events_records(events)` is the chronology as a list of dicts, `events_json_text` and
  `events_csv_text` the same as files (data/events.json, data/events.csv).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from shapely.geometry import mapping

from geo.atlas.article import Passage
from geo.atlas.events import Dating, Event, OutsideFact, When
from geo.atlas.loader import Atlas, Figure
from geo.atlas.places import Place

COORD_DIGITS = 5  # about one metre, for the CSV's points; the shapes are far coarser
CSV_COLUMNS = (
    "slug",
    "name",
    "kind",
    "other_names",
    "latitude",
    "longitude",
    "geometry_type",
    "geonames_id",
    "figure",
    "passages",
    "first_passage",
    "description",
    "page",
)
EVENT_CSV_COLUMNS = (
    "slug",
    "title",
    "start",
    "end",
    "precision",
    "when",
    "quote",
    "resolved",
    "sentence",
    "paragraph_index",
    "places",
    "september",
    "outside",
    "outside_sources",
)


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...) from a pasted
# article); OWASP's advice is a leading apostrophe, which shows the text as it is.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Columns the atlas computes itself (numbers written by this module, ISO dates): never text from an
# article or a person, so left as they are; a negative coordinate stays a number.
NUMERIC_COLUMNS = frozenset({"latitude", "longitude", "geonames_id", "passages", "start", "end", "paragraph_index"})


def csv_cell(value: object) -> object:
    """A cell as it is, or, if it is text a spreadsheet would run as a formula, with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(columns: tuple[str, ...], rows: Iterable[Sequence[object]]) -> str:
    """A CSV file, one row per line: every text cell neutralised against formulas except NUMERIC_COLUMNS."""
    keep = [name in NUMERIC_COLUMNS for name in columns]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([value if numeric else csv_cell(value) for value, numeric in zip(row, keep, strict=True)])
    return out.getvalue()


def json_for_html(text: str) -> str:
    """JSON text with `&`, `<` and `>` as \\u escapes: still the same JSON, and inert inside HTML."""
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _figure_json(figure: Figure | None) -> dict[str, Any] | None:
    if figure is None:
        return None
    published = figure.published
    return {
        "label": figure.label,
        "value": round(figure.value, 1),
        "unit": figure.unit,
        "text": figure.amount,
        "published": None if published is None else {"value": published.value, "source": published.source},
    }


def place_feature(atlas: Atlas, place: Place) -> dict[str, Any]:
    """One place as a GeoJSON Feature with its names, sources, figure and passages;
    `geometry` is null where the place is not drawn."""
    shape = atlas.shape(place)
    passages = [
        {
            "sentence": p.sentence,
            "paragraph_index": p.block,
            "spans": [list(span) for span in p.sentence_spans],
            "mentions": list(p.mentions),
        }
        for p in atlas.passages[place.slug]
    ]
    return {
        "type": "Feature",
        "id": place.slug,
        "geometry": None if shape is None else mapping(shape.geom),
        "properties": {
            "slug": place.slug,
            "name": place.name,
            "kind": place.kind,
            "description": place.description,
            "other_names": [{"name": o.name, "usage": o.usage} for o in place.other_names],
            "sources": place.sources,
            "indicative": place.indicative,
            "figure": _figure_json(atlas.figure(place)),
            "passages": passages,
            "geometry_note": place.geometry_note,
            "no_passage": place.no_passage,
        },
    }


def places_feature_collection(atlas: Atlas) -> dict[str, Any]:
    """Every place, in the order the article introduces them, as one FeatureCollection."""
    return {
        "type": "FeatureCollection",
        "features": [place_feature(atlas, place) for place in atlas.places],
    }


def places_geojson_text(atlas: Atlas) -> str:
    """The FeatureCollection as a file: one place per line, compact within it, UTF-8, ending in a newline.

    A line per place keeps a diff readable; compact lines keep the outlines' thousands of
    coordinates from filling a page each. `<`, `>` and `&` are written as \\u escapes, so the
    text is also safe inside HTML.
    """
    collection = places_feature_collection(atlas)
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]]
    return json_for_html('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}") + "\n"


def _geonames_id(place: Place) -> int | None:
    value = place.sources.get("geonames")
    return value if isinstance(value, int) else None


def places_csv_text(atlas: Atlas) -> str:
    """One row per place, in article order. Latitude/longitude: the point itself, or a point
    inside the outline (or on the route) for areas and routes; empty for undrawn places.
    `page` is the place's page in the static export. Text cells are neutralised (csv_text)."""
    return csv_text(CSV_COLUMNS, (_place_row(atlas, place) for place in atlas.places))


def _place_row(atlas: Atlas, place: Place) -> tuple[object, ...]:
    shape, figure, first = atlas.shape(place), atlas.figure(place), atlas.first_passage(place)
    lat = lon = geom_type = ""
    if shape is not None:
        point = shape.geom if shape.geom.geom_type == "Point" else shape.geom.representative_point()
        lat, lon, geom_type = f"{point.y:.{COORD_DIGITS}f}", f"{point.x:.{COORD_DIGITS}f}", shape.geom.geom_type
    return (
        place.slug,
        place.name,
        place.kind,
        "; ".join(f"{o.name} ({o.usage})" for o in place.other_names),
        lat,
        lon,
        geom_type,
        _geonames_id(place) or "",
        "" if figure is None else figure.amount,
        len(atlas.passages[place.slug]),
        "" if first is None else first.sentence,
        place.description,
        f"place/{place.slug}.html",
    )


def _iso(when: When | None) -> str | None:
    return None if when is None else when.iso


def _passage_json(passage: Passage) -> dict[str, Any]:
    return {
        "sentence": passage.sentence,
        "paragraph_index": passage.block,
        "spans": [list(span) for span in passage.sentence_spans],
    }


def _dating_json(dating: Dating) -> dict[str, Any]:
    return {"quote": dating.quote, "resolved": dating.resolved, **_passage_json(dating.passage)}


def _outside_json(fact: OutsideFact) -> dict[str, Any]:
    return {
        "fact": fact.fact,
        "start": _iso(fact.start),
        "end": _iso(fact.end),
        "when": fact.when,
        "source": fact.source,
        "url": fact.url,
    }


def event_record(event: Event) -> dict[str, Any]:
    """One event: its dates as written (ISO 8601 at the text's precision), the dating quote and its
    sentence (`spans` are offsets into `sentence`), the places, and the facts from outside the article."""
    return {
        "slug": event.slug,
        "title": event.title,
        "start": event.start.iso,
        "end": _iso(event.end),
        "when": event.when,
        "precision": event.start.precision,
        "quote": event.quote.quote,
        "resolved": event.quote.resolved,
        "passage": _passage_json(event.quote.passage),
        "also": [_dating_json(d) for d in event.dating[1:]],
        "places": list(event.places),
        "september": event.september,
        "outside": [_outside_json(f) for f in event.outside],
    }


def events_records(events: tuple[Event, ...]) -> list[dict[str, Any]]:
    """Every event, in date order."""
    return [event_record(event) for event in events]


def events_json_text(events: tuple[Event, ...]) -> str:
    """The events as a JSON array: indented, UTF-8, ending in a newline, safe inside HTML."""
    return json_for_html(json.dumps(events_records(events), ensure_ascii=False, indent=1)) + "\n"


def events_csv_text(events: tuple[Event, ...]) -> str:
    """One row per event, in date order; places and outside facts joined with "; ". Text cells are
    neutralised (csv_text)."""
    return csv_text(EVENT_CSV_COLUMNS, (_event_row(event) for event in events))


def _event_row(event: Event) -> tuple[object, ...]:
    return (
        event.slug,
        event.title,
        event.start.iso,
        _iso(event.end) or "",
        event.start.precision,
        event.when,
        event.quote.quote,
        event.quote.resolved or "",
        event.quote.passage.sentence,
        event.quote.passage.block,
        "; ".join(event.places),
        "yes" if event.september else "no",
        "; ".join(f.fact for f in event.outside),
        "; ".join(f"{f.source} <{f.url}>" if f.url else f.source for f in event.outside),
    )
