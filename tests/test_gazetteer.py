"""Validation of data/places.yaml: every broken entry stops the load with a precise message."""

from __future__ import annotations

import pytest

from geo.atlas import load_atlas
from geo.errors import DataError
from geo.gazetteer import KINDS, REQUIRED, SLUG_RE, load_places
from geo.geometry import load_geometry


def entry(data: dict, slug: str) -> dict:
    return next(p for p in data["places"] if p["slug"] == slug)


def assert_names(exc: DataError, entry_name: str, field: str, file: str = "places.yaml") -> None:
    """The message, not only the attributes, names the file, the entry and the field."""
    message = str(exc)
    assert message.startswith(f"{file}: "), message
    assert f"entry '{entry_name}'" in message, message
    assert f"field '{field}'" in message, message
    assert (exc.file, exc.entry, exc.field) == (file, entry_name, field)


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


def test_broken_yaml_in_another_file_names_that_file(data_copy):
    (data_copy / "figures.yaml").write_text("distances:\n  - from: baku\n   to: london\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"^figures\.yaml: invalid YAML at line 3"):
        load_atlas(data_copy)


@pytest.mark.parametrize("field", REQUIRED)
def test_missing_required_field(edit_yaml, data_copy, field):
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


def test_unknown_geometry_reference(edit_yaml, data_copy):
    edit_yaml("places.yaml", lambda d: entry(d, "baku").update(geometry="geonames:999999999"))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, "baku", "geometry")
    assert "geonames:999999999" in str(info.value)


def test_point_outside_the_region_it_claims(edit_yaml, data_copy):
    edit_yaml("places.yaml", lambda d: entry(d, "baku").update(within="armenia"))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, "baku", "geometry")
    assert "outside 'armenia'" in str(info.value)
    assert "(40.3777, 49.892" in str(info.value)  # the point, latitude first


def test_within_an_unknown_region(edit_yaml, data_copy):
    edit_yaml("places.yaml", lambda d: entry(d, "baku").update(within="atlantis"))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, "baku", "within")


@pytest.mark.parametrize("slug", ["Bad Slug", "a/b", "Baku", "baku-", "-baku", "ba--ku", "bakı", "baku?x=1", ""])
def test_slug_must_be_url_safe(edit_yaml, data_copy, slug):
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


def test_duplicate_slug(edit_yaml, data_copy):
    edit_yaml("places.yaml", lambda d: entry(d, "london").update(slug="baku"))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, "baku", "slug")
    assert "duplicate slug" in str(info.value)


def test_duplicate_mention_form(edit_yaml, data_copy):
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


def test_place_with_no_passage_and_no_reason(edit_yaml, data_copy):
    edit_yaml("places.yaml", lambda d: entry(d, "nakhchivan-city").pop("no_passage"))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, "nakhchivan-city", "mentions")
    assert "no passage" in str(info.value)


def test_form_the_article_never_uses_needs_a_reason(edit_yaml, data_copy):
    edit_yaml("places.yaml", lambda d: entry(d, "london").update(mentions=["Londres"]))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, "london", "mentions")


def test_no_passage_on_a_mentioned_place(edit_yaml, data_copy):
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
def test_bad_field_values(edit_yaml, data_copy, change, field):
    edit_yaml("places.yaml", lambda d: entry(d, "baku").update(change))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, "baku", field)


def test_route_needs_two_stops(edit_yaml, data_copy):
    one_stop = [{"geonames": 174895, "name": "Goris"}]
    edit_yaml("places.yaml", lambda d: entry(d, "lachin-corridor").update(route=one_stop))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, "lachin-corridor", "route")


def test_load_places_directly(data_copy):
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


def test_unknown_place_in_figures(edit_yaml, data_copy):
    edit_yaml("figures.yaml", lambda d: d["distances"][0].update(to="atlantis"))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_names(info.value, "#1", "to", file="figures.yaml")
