"""Validation of data/places.yaml: every broken entry stops the load with a precise message."""

from __future__ import annotations

import pytest

from geo.atlas.geometry import load_geometry
from geo.atlas.loader import load_atlas
from geo.atlas.places import KINDS, REQUIRED, SLUG_RE, load_places
from geo.errors import DataError


def entry(data: dict, slug: str) -> dict:
    return next(p for p in data["places"] if p["slug"] == slug)


@pytest.fixture
def assert_names(assert_data_error):
    """`assert_names(exc, entry, field)`: the DataError points at that entry and field of places.yaml."""
    return lambda exc, entry_name, field: assert_data_error(exc, "places.yaml", entry_name, field)


# The real data ---------------------------------------------------------------------------


def test_real_data_loads_and_every_place_is_mentioned_or_says_why(atlas):
    assert len(atlas.places) == len({p.slug for p in atlas.places}) >= 16
    for place in atlas.places:
        assert SLUG_RE.match(place.slug)
        assert place.kind in KINDS
        assert atlas.passages[place.slug] or place.no_passage, place.slug
        assert not (atlas.passages[place.slug] and place.no_passage), place.slug


def test_every_geometry_reference_resolves_and_points_lie_in_their_region(atlas):
    for place in atlas.places:
        shape = atlas.shape(place)
        if place.geometry_ref is None:
            assert shape is None and place.geometry_note, place.slug
            continue
        assert shape is not None and not shape.geom.is_empty and shape.geom.is_valid, place.slug
        if place.within:
            region = atlas.shape(atlas.by_slug[place.within])
            assert region.geom.buffer(0.01).contains(shape.geom), place.slug
        if place.kind == "route":
            assert shape.geom.geom_type == "LineString" and place.indicative, place.slug
            assert len(shape.geom.coords) == len(place.route), place.slug


def test_points_carry_their_geonames_id(atlas):
    """A point's geometry is the GeoNames feature named in its sources, so the source can be checked."""
    for place in atlas.places:
        if place.geometry_ref and place.geometry_ref.startswith("geonames:"):
            assert place.sources.get("geonames") == int(place.geometry_ref.split(":")[1]), place.slug


def test_two_sets_of_names_are_recorded(atlas):
    by_slug = atlas.by_slug
    assert "Khankendi" in by_slug["stepanakert"].all_names
    assert by_slug["stepanakert"].all_names[0] == "Stepanakert"  # the article's own usage first
    assert "Syunik" in by_slug["southern-armenia"].all_names
    assert "Artsakh" in by_slug["nagorno-karabakh"].all_names


# Broken copies ---------------------------------------------------------------------------


def test_broken_yaml_names_file_and_line(data_copy):
    path = data_copy / "places.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines) if text.strip() == "name: Baku")
    lines[line] = "    name: Baku: capital"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert str(info.value).startswith("places.yaml: invalid YAML")
    assert f"line {line + 1}," in str(info.value)


@pytest.mark.parametrize("field", REQUIRED)
def test_missing_required_field(edit_yaml, data_copy, field, assert_names):
    position = []

    def drop(data):
        position.append(data["places"].index(entry(data, "baku")) + 1)
        entry(data, "baku").pop(field)

    edit_yaml("places.yaml", drop)
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    # Without a slug the entry is named by its position in the list.
    assert_names(info.value, "baku" if field != "slug" else f"#{position[0]}", field)
    assert "missing required field" in str(info.value)


def test_unknown_geometry_reference(edit_yaml, data_copy, assert_names):
    edit_yaml("places.yaml", lambda d: entry(d, "baku").update(geometry="geonames:999999999"))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, "baku", "geometry")
    assert "geonames:999999999" in str(info.value)


def test_point_outside_the_region_it_claims(edit_yaml, data_copy, assert_names):
    edit_yaml("places.yaml", lambda d: entry(d, "baku").update(within="armenia"))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, "baku", "geometry")
    assert "outside 'armenia'" in str(info.value)
    assert "(40.3777, 49.892" in str(info.value)  # the point, latitude first


def test_within_an_unknown_region(edit_yaml, data_copy, assert_names):
    edit_yaml("places.yaml", lambda d: entry(d, "baku").update(within="atlantis"))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, "baku", "within")


@pytest.mark.parametrize("slug", ["Bad Slug", "a/b", "Baku", "baku-", "-baku", "ba--ku", "bakı", "baku?x=1", ""])
def test_slug_must_be_url_safe(edit_yaml, data_copy, slug, assert_names):
    edit_yaml("places.yaml", lambda d: entry(d, "baku").update(slug=slug))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    if slug:
        assert_names(info.value, slug, "slug")
        assert "URL-safe" in str(info.value)
    else:  # an empty slug counts as missing a name: the entry is named by position
        assert "field 'slug'" in str(info.value) and "entry '#" in str(info.value)


def test_url_safe_slugs_are_accepted(edit_yaml, data_copy):
    edit_yaml("places.yaml", lambda d: entry(d, "london").update(slug="london-2"))
    assert "london-2" in load_atlas(data_copy).by_slug


def test_duplicate_slug(edit_yaml, data_copy, assert_names):
    edit_yaml("places.yaml", lambda d: entry(d, "london").update(slug="baku"))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, "baku", "slug")
    assert "duplicate slug" in str(info.value)


def test_duplicate_mention_form(edit_yaml, data_copy, assert_names):
    edit_yaml("places.yaml", lambda d: entry(d, "london").update(mentions=["London", "Baku"]))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, "london", "mentions")
    assert "'Baku' is already used by 'baku'" in str(info.value)


def test_adjective_may_not_repeat_another_place_s_form(edit_yaml, data_copy):
    edit_yaml("places.yaml", lambda d: entry(d, "russia").update(adjectives=["Hungarian"]))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert "'Hungarian' is already used by" in str(info.value)
    assert "field 'mentions'" in str(info.value)


def test_place_with_no_passage_and_no_reason(edit_yaml, data_copy, assert_names):
    edit_yaml("places.yaml", lambda d: entry(d, "nakhchivan-city").pop("no_passage"))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, "nakhchivan-city", "mentions")
    assert "no passage" in str(info.value)


def test_form_the_article_never_uses_needs_a_reason(edit_yaml, data_copy, assert_names):
    edit_yaml("places.yaml", lambda d: entry(d, "london").update(mentions=["Londres"]))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, "london", "mentions")


def test_no_passage_on_a_mentioned_place(edit_yaml, data_copy, assert_names):
    edit_yaml("places.yaml", lambda d: entry(d, "baku").update(no_passage="Not named."))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, "baku", "no_passage")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "village"}, "kind"),
        ({"name": "  "}, "name"),
        ({"mentions": "Baku"}, "mentions"),
        ({"sources": {}}, "sources"),
        ({"other_names": [{"name": "Bakı"}]}, "other_names"),
        ({"geometry": None}, "geometry_note"),
        ({"published_area_km2": {"value": -1, "source": "x"}}, "published_area_km2"),
        ({"published_area_km2": {"value": 2000}}, "published_area_km2"),
    ],
)
def test_bad_field_values(edit_yaml, data_copy, change, field, assert_names):
    edit_yaml("places.yaml", lambda d: entry(d, "baku").update(change))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, "baku", field)


def test_route_needs_two_stops(edit_yaml, data_copy, assert_names):
    one_stop = [{"geonames": 174895, "name": "Goris"}]
    edit_yaml("places.yaml", lambda d: entry(d, "lachin-corridor").update(route=one_stop))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, "lachin-corridor", "route")


def test_load_places_directly(data_copy, assert_names):
    shapes = load_geometry(data_copy / "geometry.geojson")
    places = load_places(data_copy / "places.yaml", shapes)
    assert {"nagorno-karabakh", "azerbaijan", "armenia", "nakhchivan-city"} <= {p.slug for p in places}
    # The same file against a geometry file that lacks a referenced feature.
    del shapes["ne:syunik"]
    with pytest.raises(DataError) as info:
        load_places(data_copy / "places.yaml", shapes)
    assert_names(info.value, "southern-armenia", "geometry")


def test_empty_gazetteer(data_copy):
    (data_copy / "places.yaml").write_text("places: []\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"^places\.yaml: field 'places'"):
        load_atlas(data_copy)


# Unknown keys: a typo never passes silently ----------------------------------------------


def test_a_misspelt_within_is_rejected_not_skipped(edit_yaml, data_copy, assert_names):
    """`withn:` used to be ignored, which switched the within-region check off for that place."""
    edit_yaml("places.yaml", lambda d: entry(d, "baku").update(withn=entry(d, "baku").pop("within")))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, "baku", "withn")
    assert "did you mean 'within'?" in str(info.value)


def test_unknown_top_level_key(edit_yaml, data_copy, assert_data_error):
    edit_yaml("places.yaml", lambda d: d.update(placez=[]))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_data_error(info.value, "places.yaml", None, "placez")


@pytest.mark.parametrize(
    ("slug", "change", "field"),
    [
        ("baku", lambda e: e.update(colour="red"), "colour"),
        ("baku", lambda e: e["other_names"][1].update(script="Latin"), "other_names[2].script"),
        ("baku", lambda e: e["sources"].update(wikidata="Q9248"), "sources.wikidata"),
        ("armenia", lambda e: e["sources"]["natural_earth"].update(layr="countries"), "sources.natural_earth.layr"),
        ("armenia", lambda e: e["published_area_km2"].update(year=2020), "published_area_km2.year"),
        ("lachin-corridor", lambda e: e["route"][0].update(lat=39.5), "route[1].lat"),
    ],
)
def test_unknown_keys_in_an_entry_and_its_nested_mappings(edit_yaml, data_copy, assert_names, slug, change, field):
    edit_yaml("places.yaml", lambda d: change(entry(d, slug)))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, slug, field)
    assert "unknown field" in str(info.value)


@pytest.mark.parametrize(
    ("slug", "change", "field"),
    [
        ("baku", lambda e: e.update(indicative="no"), "indicative"),
        ("baku", lambda e: e["sources"].update(geonames="587084"), "sources.geonames"),
        ("baku", lambda e: e["sources"].update(note=""), "sources.note"),
        ("armenia", lambda e: e["sources"].update(natural_earth="countries"), "sources.natural_earth"),
        ("armenia", lambda e: e["sources"]["natural_earth"].pop("feature"), "sources.natural_earth.feature"),
        ("baku", lambda e: e.update(other_names=[["Bakı", "Azerbaijani"]]), "other_names"),
        ("baku", lambda e: e.update(other_names="Bakı"), "other_names"),
        ("lachin-corridor", lambda e: e["route"][0].update(geonames=True), "route"),
    ],
)
def test_nested_values_of_the_wrong_type(edit_yaml, data_copy, assert_names, slug, change, field):
    edit_yaml("places.yaml", lambda d: change(entry(d, slug)))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, slug, field)


def test_a_comma_inside_an_unquoted_flow_mapping_is_caught(data_copy, assert_names):
    """`{name: Türkiye, usage: Turkish, official since 2022}` is three keys, not two: quote the usage."""
    path = data_copy / "places.yaml"
    text = path.read_text(encoding="utf-8")
    quoted = '{name: Türkiye, usage: "Turkish, official since 2022"}'
    assert quoted in text
    path.write_text(text.replace(quoted, quoted.replace('"', "")), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, "turkey", "other_names[1].official since 2022")
