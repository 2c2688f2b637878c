"""The orientation layers' cached script (geo/render/orientation.py, static/atlas/context.js)."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString, Point, box

from geo.atlas.water import load_context_layers
from geo.errors import DataError
from geo.paths import STATIC_DIR
from geo.render.orientation import CONTEXT_SCRIPT, area_candidates, context_script, line_candidates
from geo.render.packed import read_script_value

COUNTRIES = ("Armenia", "Azerbaijan", "Iran", "Turkey", "Georgia", "Russia")
WATERS = ("Caspian Sea", "Lake Sevan", "Araks / Aras", "Kura / Mtkvari")


def script_data(text: str) -> dict:
    return read_script_value(text, "ATLAS_CONTEXT")


@pytest.fixture(scope="module")
def data(atlas) -> dict:
    return script_data(context_script(atlas))


def test_the_served_script_is_in_step_with_the_data(atlas):
    served = (STATIC_DIR / CONTEXT_SCRIPT).read_text(encoding="utf-8")
    assert served == context_script(atlas), "rerun scripts/build_water.py (or scripts/build_geometry.py)"


def test_every_name_a_newcomer_needs_is_in_the_script(data):
    texts = {label["text"] for label in data["labels"]}
    assert set(COUNTRIES) | set(WATERS) <= texts
    assert {"Yerevan", "Tbilisi", "Lachin / Berdzor", "Shusha / Shushi"} <= texts


def test_names_come_most_important_first_and_thin_out_when_zoomed_out(data):
    priorities = [label["priority"] for label in data["labels"]]
    assert priorities == sorted(priorities)
    kinds = {label["text"]: label for label in data["labels"]}
    assert kinds["Armenia"]["minZoom"] < kinds["Goris"]["minZoom"]
    assert kinds["Goris"]["beside"] is True and "beside" not in kinds["Armenia"]


def test_the_article_places_are_not_context(data, atlas):
    """Context towns are drawn and named apart from the places: none is a place, none counts."""
    towns = {town["name"] for town in data["towns"]}
    assert not towns & {p.name for p in atlas.places}
    assert "Stepanakert" not in {label["text"] for label in data["labels"]}


def test_every_candidate_lies_inside_its_country(data, atlas):
    countries = {s.properties["name"]: s.geom for s in atlas.shapes.values() if s.layer == "country"}
    for label in data["labels"]:
        if label["kind"] == "country":
            for lat, lon in label["at"]:
                assert countries[label["text"]].contains(Point(lon, lat)), (label["text"], lat, lon)


def test_area_candidates_start_inland_and_stay_inside():
    square = box(44, 39, 48, 41)
    at = area_candidates(square)
    assert at[0][0] == 40.0 and 45.0 <= at[0][1] <= 47.0  # on the middle line, as far from the edges as can be
    assert all(square.buffer(-0.05).contains(Point(lon, lat)) for lat, lon in at[1:])
    # Close to Karabakh the grid is an eighth of a degree, so even a strip of a country has a spot.
    near = [(lat, lon) for lat, lon in at if abs(lat - 40.06) < 0.01 and 46.0 < lon < 46.2]
    assert len(near) == 2, near
    far = area_candidates(box(36.0, 42.0, 40.0, 46.0))
    assert len(far) < 20  # a degree apart where the map is only seen from afar
    assert area_candidates(box(0, 0, 1, 1)) == []  # outside the frame names are placed in


def test_line_candidates_follow_the_river():
    at = line_candidates(LineString([(44, 40), (47, 40)]))
    assert [lon for _lat, lon in at] == [44.3, 44.9, 45.5, 46.1, 46.7]


def test_the_script_is_light(atlas):
    assert len(context_script(atlas).encode("utf-8")) < 60_000


def test_a_broken_water_file_names_it(data_copy):
    from geo.atlas.loader import load_atlas

    (data_copy / "water.geojson").write_text("{}", encoding="utf-8")
    with pytest.raises(DataError, match=r"^water.geojson: "):
        load_context_layers(load_atlas(data_copy))


# An atlas other than the default one ---------------------------------------------------------


def test_a_draft_has_no_orientation_layers_and_its_script_is_made_without_its_folder(atlas, draft_sample_files):
    from geo.atlas.water import has_layers
    from geo.geoparser.draft import load_draft_atlas
    from geo.render.orientation import orientation_data

    assert has_layers(*load_context_layers(atlas))
    assert orientation_data(atlas, *load_context_layers(atlas))["towns"]
    draft = load_draft_atlas(draft_sample_files)
    assert not draft.atlas.data_dir.exists()  # the folder is gone: the layers come with the draft
    assert not has_layers(draft.context, draft.waters)
    assert orientation_data(draft.atlas, draft.context, draft.waters) is None
    data = script_data(context_script(draft.atlas, (draft.context, draft.waters)))
    assert data["towns"] == [] and data["rivers"]["features"] == []
