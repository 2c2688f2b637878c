"""The towns, seas, lakes and rivers drawn only to orient a reader (geo/atlas/context.py, data/context.yaml)."""

from __future__ import annotations

import pytest

from geo.atlas.context import load_context, read_waters_and_rivers
from geo.errors import DataError

REQUIRED_TOWNS = {"Yerevan", "Tbilisi", "Ganja", "Goris", "Kapan", "Meghri", "Lachin", "Shusha"}


@pytest.fixture(scope="module")
def context(atlas):
    return load_context(atlas.data_dir / "context.yaml", atlas.shapes, atlas.places)


def load(data_copy, atlas):
    return load_context(data_copy / "context.yaml", atlas.shapes, atlas.places)


def test_the_towns_a_newcomer_needs_are_there(context):
    assert {t.name for t in context.towns} >= REQUIRED_TOWNS


def test_contested_towns_carry_both_names(context):
    labels = {t.name: t.label for t in context.towns}
    assert labels["Lachin"] == "Lachin / Berdzor"
    assert labels["Shusha"] == "Shusha / Shushi"
    assert labels["Yerevan"] == "Yerevan"


def test_every_town_is_a_geonames_point_and_no_place_of_the_article(context, atlas):
    place_refs = {p.geometry_ref for p in atlas.places}
    for town in context.towns:
        assert atlas.shapes[town.ref].geom.geom_type == "Point", town.name
        assert town.ref not in place_refs, town.name
        assert town.note


def test_rivers_and_waters_are_named_with_a_source(context):
    assert {r.label for r in context.rivers} == {"Araks / Aras", "Kura / Mtkvari"}
    assert {w.name for w in context.waters} >= {"Caspian Sea", "Lake Sevan"}
    assert all(r.source and w.source for r in context.rivers for w in context.waters)


def test_the_water_build_reads_no_town_point(data_copy):
    waters, rivers = read_waters_and_rivers(data_copy / "context.yaml")
    assert [r.slug for r in rivers] == ["araks", "kura"]
    assert waters[0].kind == "sea"


@pytest.mark.parametrize(
    ("change", "entry", "field"),
    [
        (lambda d: d["towns"][0].update(nmae="x"), "Yerevan", "nmae"),
        (lambda d: d["towns"][0].update(geonames="616052"), "Yerevan", "geonames"),
        (lambda d: d["towns"][0].update(capital="yes"), "Yerevan", "capital"),
        (lambda d: d["towns"][0].pop("note"), "Yerevan", "note"),
        (lambda d: d["towns"][2].update(other_names=[{"name": "Gence", "usag": "x"}]), "Ganja", "other_names[1].usag"),
        (lambda d: d["waters"][0].update(kind="ocean"), "caspian-sea", "kind"),
        (lambda d: d["waters"][1].update(slug="caspian-sea"), "caspian-sea", "slug"),
        (lambda d: d["rivers"][0].update(through=[148251, "Meghri"]), "araks", "through"),
        (lambda d: d["rivers"][1].pop("to"), "kura", "to"),
        (lambda d: d.update(lakes=[]), None, "lakes"),
    ],
)
def test_a_broken_entry_is_named(data_copy, edit_yaml, atlas, assert_data_error, change, entry, field):
    edit_yaml("context.yaml", change)
    with pytest.raises(DataError) as info:
        load(data_copy, atlas)
    assert_data_error(info.value, "context.yaml", entry, field)


def test_a_town_without_its_point_asks_for_the_geometry_build(data_copy, edit_yaml, atlas, assert_data_error):
    edit_yaml("context.yaml", lambda d: d["towns"].append({"geonames": 585187, "name": "Sabirabad", "note": "x"}))
    with pytest.raises(DataError, match="build_geometry.py") as info:
        load(data_copy, atlas)
    assert_data_error(info.value, "context.yaml", "Sabirabad", "geonames")


def test_a_place_of_the_article_is_never_a_context_town(data_copy, edit_yaml, atlas, assert_data_error):
    edit_yaml("context.yaml", lambda d: d["towns"].append({"geonames": 146970, "name": "Khankendi", "note": "x"}))
    with pytest.raises(DataError, match="'stepanakert'") as info:
        load(data_copy, atlas)
    assert_data_error(info.value, "context.yaml", "Khankendi", "geonames")


def test_a_town_listed_twice_is_an_error(data_copy, edit_yaml, atlas, assert_data_error):
    edit_yaml("context.yaml", lambda d: d["towns"].append(dict(d["towns"][0])))
    with pytest.raises(DataError) as info:
        load(data_copy, atlas)
    assert_data_error(info.value, "context.yaml", "Yerevan", "geonames")
