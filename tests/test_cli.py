"""`python -m geo places`, `check` and `export`, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo.atlas.events import load_events
from geo.atlas.tours import load_tour
from geo.cli import build_parser, figure_text, places_table
from geo.paths import ROOT
from geo.render.serialize import places_feature_collection

HEAVY = ("geopandas", "matplotlib", "streamlit", "folium")


def run(*args: str, check: bool = True, data_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}  # the CLI must not depend on the locale
    env.pop("ATLAS_DATA_DIR", None)
    if data_dir is not None:
        env["ATLAS_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "geo", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=check,
        timeout=60,
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


def test_geojson_prints_the_published_collection(collection, atlas):
    assert collection == json.loads(json.dumps(places_feature_collection(atlas)))


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
            "slug",
            "name",
            "kind",
            "description",
            "other_names",
            "sources",
            "indicative",
            "figure",
            "passages",
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
        "    main(['places']); main(['places', '--format', 'geojson']); main(['check'])\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_command_is_the_function_its_subparser_names(capsys):
    """The parsed arguments carry the command's function, and calling it runs the command."""
    args = build_parser().parse_args(["--data", str(ROOT / "data"), "places", "--format", "geojson"])
    assert args.func(args) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["type"] == "FeatureCollection" and printed["features"][0]["id"] == "armenia"
    args = build_parser().parse_args(["check"])
    assert args.data is None  # so that ATLAS_DATA_DIR can choose the folder
    assert args.func(args) == 0
    assert capsys.readouterr().out.startswith("OK: ")


def test_figure_text_and_table_in_process(atlas):
    assert figure_text(None) == "-"
    assert figure_text(atlas.figure(atlas.by_slug["lachin-corridor"])) == "55 km"
    assert places_table(atlas).splitlines()[-1].startswith(f"{len(atlas.places)} places")


# python -m geo check -----------------------------------------------------------------------


def summary_lines(stdout: str) -> dict[str, str]:
    """The check's summary keyed by file name."""
    first, *rest = stdout.splitlines()
    assert first.startswith("OK: every data file in ")
    return dict(line.strip().split(None, 1) for line in rest)


def test_check_prints_a_summary_of_every_file(atlas):
    result = run("check")
    assert result.returncode == 0 and result.stderr == ""
    lines = summary_lines(result.stdout)
    assert list(lines) == [
        "geometry.geojson", "places.yaml", "article.md", "article.yaml", "figures.yaml", "tour.yaml", "context.yaml",
        "water.geojson", "events.yaml", "tour-chronology.yaml",
    ]  # fmt: skip
    assert lines["places.yaml"] == f"{len(atlas.places)} places: 16 named in the article, 3 shown for context"
    assert lines["figures.yaml"] == "4 distances"
    assert lines["article.yaml"].endswith("openDemocracy, 28 September 2023")
    tour = load_tour(atlas)
    questions = sum(step.kind == "question" for step in tour.steps)
    assert lines["tour.yaml"] == f"{len(tour)} steps" + (f", {questions} question" if questions else "")
    assert questions == 1  # data/tour.yaml asks where Baku is
    assert lines["events.yaml"] == f"{len(load_events(atlas))} events"


def test_check_reads_the_folder_of_atlas_data_dir_including_the_tour(data_copy):
    (data_copy / "tour.yaml").write_text("steps: [baku, armenia]\n", encoding="utf-8")
    result = run("check", data_dir=data_copy)
    assert result.returncode == 0, result.stderr
    assert f"OK: every data file in {data_copy} is valid" in result.stdout
    assert summary_lines(result.stdout)["tour.yaml"] == "2 steps"


def test_check_data_option_wins_over_the_environment(data_copy, tmp_path):
    result = run("--data", str(data_copy), "check", data_dir=tmp_path / "nowhere")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("places.yaml", "    within: azerbaijan\n", "    withn: azerbaijan\n",
         "error: places.yaml: entry 'baku': field 'withn': unknown field; did you mean 'within'?"),
        ("figures.yaml", "    label: Stepanakert to Baku\n", "    label: Stepanakert to Baku\n    unit: km\n",
         "error: figures.yaml: entry '#1': field 'unit': unknown field"),
        ("article.yaml", "first_published: 2023-09-28", "first_published: 28 September 2023",
         "error: article.yaml: field 'first_published': must be a date written YYYY-MM-DD"),
        ("article.yaml", "url: https://", "url: ftp://",
         "error: article.yaml: field 'url': must be an http(s) link"),
        ("tour.yaml", "  - place: baku\n", "  - place: baku\n    pasage: 2\n",
         "error: tour.yaml: entry 'step 4': field 'pasage': unknown field; did you mean 'passage'?"),
    ],
)  # fmt: skip
def test_check_names_file_entry_and_field_in_one_line(data_copy, file, old, new, expected):
    path = data_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = run("check", data_dir=data_copy, check=False)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith(expected), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_events_table_lists_every_event_in_date_order(atlas):
    events = load_events(atlas)
    table = run("events").stdout
    assert table.splitlines()[0].split() == ["SLUG", "DATE", "TITLE", "PLACES"]
    rows = parse_table(table)
    assert list(rows) == [e.slug for e in events]
    assert rows["exodus"]["DATE"] == "week of 25 Sep 2023"
    assert rows["first-karabakh-war"]["DATE"] == "1988–94"
    assert table.rstrip().endswith(f"{len(events)} events, {sum(e.september for e in events)} of them in a September")


def test_events_json_and_csv(atlas):
    events = load_events(atlas)
    records = json.loads(run("events", "--format", "json").stdout)
    assert [r["slug"] for r in records] == [e.slug for e in events]
    for record in records:
        assert {"slug", "title", "start", "end", "quote", "places"} <= set(record)
    assert records[0]["end"] == "1994" and records[-1]["end"] is None
    lines = run("events", "--format", "csv").stdout.splitlines()
    assert lines[0].startswith("slug,title,start,end,") and len(lines) == len(events) + 1


def test_events_without_a_file_is_an_empty_list(data_copy):
    (data_copy / "events.yaml").unlink()
    assert json.loads(run("events", "--format", "json", data_dir=data_copy).stdout) == []


def test_geoparse_prints_json_with_offsets_into_the_text(tmp_path):
    text = "Baku said that Khankendi, which Armenian writers call Stepanakert, was calm. Yerevan disagreed.\n"
    path = tmp_path / "note.txt"
    path.write_text(text, encoding="utf-8")
    records = json.loads(run("geoparse", str(path), "--format", "json").stdout)
    by_id = {r["geonameid"]: r for r in records}
    assert [(r["name"], r["role"]) for r in records] == [
        ("Baku", "place"),
        ("Khankendi", "place"),
        ("Yerevan", "place"),
        ("Armenian", "named"),  # a people's adjective: its country, listed after the places, apart
    ]
    for mention in by_id[146970]["mentions"]:
        assert text[mention["start"] : mention["end"]] == mention["text"]
        assert mention["role"] == "place"
    assert by_id[174982]["mentions"] == [{"text": "Armenian", "start": 32, "end": 40, "role": "named"}]
    table = run("geoparse", str(path)).stdout
    places, _, named = table.partition("Also named: in an organisation's name or as an adjective")
    assert "Baku" in places and "3 places" in places and "Armenian" not in places
    assert "Armenian = Armenia (country" in named and "1 named" in named


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.txt", b""),
        ("binary.txt", bytes(range(256)) * 4),
        ("huge.txt", "5 MB"),
        ("scripts.html", b"<script>document.write('Baku')</script>"),
        ("armenian.txt", ("\u054d\u057f\u0565\u0583\u0561\u0576\u0561\u056f\u0565\u0580\u057f " * 40).encode()),
        ("missing.txt", None),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_geoparse_refuses_bad_input_in_one_line(tmp_path, name, data):
    path = tmp_path / name
    if data == "5 MB":
        data = b"The town of Goris and the road. " * 170_000
    if data is not None:
        path.write_bytes(data)
    result = run("geoparse", str(path), check=False)
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {name}: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
