"""`python -m geo places`, run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo.cli import build_parser, figure_text, places_table

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("geopandas", "matplotlib", "streamlit", "folium")


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}  # the CLI must not depend on the locale
    return subprocess.run(
        [sys.executable, "-m", "geo", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        encoding="utf-8", check=check, timeout=60,
    )


@pytest.fixture(scope="module")
def table() -> str:
    return run("places").stdout


@pytest.fixture(scope="module")
def collection() -> dict:
    return json.loads(run("places", "--format", "geojson").stdout)


def parse_table(table: str) -> dict[str, dict[str, str]]:
    """Rows of the table keyed by slug, cut at the header's column boundaries."""
    header, rule, *rest = table.splitlines()
    bounds = [i for i in range(len(rule)) if rule[i] == "-" and (i == 0 or rule[i - 1] == " ")] + [None]
    names = header.split()
    rows = {}
    for line in rest:
        if not line.strip():
            break
        cells = [line[bounds[i] : bounds[i + 1]].strip() for i in range(len(names))]
        rows[cells[0]] = dict(zip(names, cells, strict=True))
    return rows


def test_table_lists_every_place_with_its_columns(table, atlas):
    assert table.splitlines()[0].split() == ["SLUG", "NAME", "KIND", "GEOMETRY", "PASSAGES", "FIGURE"]
    rows = parse_table(table)
    assert list(rows) == [p.slug for p in atlas.places]
    for place in atlas.places:
        row = rows[place.slug]
        assert row["NAME"] == place.name and row["KIND"] == place.kind, row
        assert row["PASSAGES"] == str(len(atlas.passages[place.slug])), row
        shape = atlas.shape(place)
        assert row["GEOMETRY"] == (shape.geom.geom_type if shape else "-"), row
    assert rows["southern-armenia"]["FIGURE"] == "4,419 km²"
    assert rows["zangezur-corridor"]["FIGURE"] == "204 km"
    assert rows["baku"]["FIGURE"] == "-"
    assert rows["azerbaijan"]["PASSAGES"] == "23"


def test_table_columns_line_up(table):
    lines = [line for line in table.splitlines()[:-2] if line]
    header = lines[0]
    for column in ("NAME", "KIND", "GEOMETRY"):
        start = header.index(column)
        for line in lines[1:]:
            assert line[start - 2 : start] == "  " and line[start] != " ", (column, line)
    # Right-aligned numbers end in the same column.
    figure_end = len(header)
    assert all(len(line) == figure_end for line in lines)


def test_geojson_is_one_collection_of_every_place(collection, atlas):
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) == len(atlas.places)
    assert [f["properties"]["slug"] for f in features] == [p.slug for p in atlas.places]
    for feature in features:
        props = feature["properties"]
        place = atlas.by_slug[props["slug"]]
        assert feature["type"] == "Feature"
        assert set(props) >= {
            "slug", "name", "kind", "description", "other_names", "sources", "indicative", "figure", "passages",
        }
        assert props["other_names"] == [{"name": o.name, "usage": o.usage} for o in place.other_names]
        assert props["sources"] == place.sources
        assert props["indicative"] is place.indicative
        assert len(props["passages"]) == len(atlas.passages[place.slug])
        if place.geometry_ref is None:
            assert feature["geometry"] is None
        else:
            assert feature["geometry"]["type"] == atlas.shape(place).geom.geom_type


def test_geojson_keeps_names_and_figures(collection):
    by_slug = {f["properties"]["slug"]: f for f in collection["features"]}
    stepanakert = by_slug["stepanakert"]["properties"]
    assert {"name": "Khankendi", "usage": "Azerbaijani"} in stepanakert["other_names"]
    assert stepanakert["figure"] is None
    assert by_slug["stepanakert"]["geometry"]["coordinates"] == pytest.approx([46.7528, 39.8177])
    syunik = by_slug["southern-armenia"]["properties"]["figure"]
    assert syunik["unit"] == "km²" and syunik["text"] == "4,419 km²" and syunik["published"]["value"] == 4506
    assert by_slug["zangezur-corridor"]["properties"]["indicative"] is True
    assert by_slug["russian-peacekeepers-zone"]["geometry"] is None


def test_geojson_spans_slice_the_mention_out_of_the_sentence(collection):
    count = 0
    for feature in collection["features"]:
        for passage in feature["properties"]["passages"]:
            assert isinstance(passage["paragraph_index"], int)
            assert len(passage["spans"]) == len(passage["mentions"]) >= 1
            for (start, end), mention in zip(passage["spans"], passage["mentions"], strict=True):
                assert passage["sentence"][start:end] == mention
                count += 1
    assert count >= 60
    hungary = next(f for f in collection["features"] if f["id"] == "hungary")["properties"]["passages"]
    assert hungary[0]["mentions"] == ["Hungarian"]


def test_broken_data_is_one_line_on_stderr(data_copy):
    (data_copy / "places.yaml").write_text("places: [\n", encoding="utf-8")
    result = run("--data", str(data_copy), "places", check=False)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: places.yaml: invalid YAML at line 2")
    assert "Traceback" not in result.stderr


def test_unknown_command_and_format_are_usage_errors():
    assert run("nonsense", check=False).returncode == 2
    assert run("places", "--format", "csv", check=False).returncode == 2
    assert "places" in run("--help").stdout


def test_cli_does_not_import_heavy_libraries():
    code = (
        "import sys, io, contextlib\n"
        "from geo.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['places']); main(['places', '--format', 'geojson'])\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_command_is_one_function_and_one_subparser():
    parser = build_parser()
    args = parser.parse_args(["places", "--format", "geojson"])
    assert args.command == "places" and args.format == "geojson" and callable(args.func)


def test_figure_text_and_table_in_process(atlas):
    assert figure_text(None) == "-"
    assert figure_text(atlas.figure(atlas.by_slug["lachin-corridor"])) == "55 km"
    assert places_table(atlas).splitlines()[-1].startswith(f"{len(atlas.places)} places")
