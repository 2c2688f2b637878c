"""Resolution: the geoparser picks the right place among those of one name, with its GeoNames id and point."""

from __future__ import annotations

import json

import pytest

from geo.geoparser.gazetteer import GEOPARSE_DIR, load_toponyms
from geo.geoparser.geoparse import geoparse, place_record


@pytest.fixture(scope="module")
def toponyms():
    return load_toponyms()


def by_name(text: str, toponyms) -> dict[str, dict]:
    """Each place found, keyed by the name the text gives it."""
    return {r["name"]: r for r in map(place_record, geoparse(text, toponyms))}


def test_counties_and_provinces_carry_their_geonames_id(toponyms):
    county = by_name("Storms closed schools in Kanawha County on Monday.", toponyms)["Kanawha County"]
    assert county["kind"] == "county"
    assert county["geonameid"] == 4810630  # GeoNames' US.WV.039
    places = by_name("The heat wave reached Ontario and Manitoba, then Rajasthan.", toponyms)
    assert places["Ontario"]["kind"] == "region"
    assert places["Ontario"]["geonameid"] == 6093943  # GeoNames' CA.08
    assert places["Manitoba"]["geonameid"] == 6065171
    assert places["Rajasthan"]["geonameid"] == 1258899  # GeoNames' IN.24


def test_a_province_stands_at_geonames_point_for_it(toponyms):
    points = json.loads((GEOPARSE_DIR / "area_points.json").read_text())["points"]
    (alberta,) = [r for r in map(place_record, geoparse("Wildfires spread across Alberta.", toponyms))]
    assert alberta["geonameid"] == 5883102
    assert [alberta["lat"], alberta["lon"]] == points[str(alberta["geonameid"])]


def test_a_datelines_capitals_do_not_vote_for_their_own_name(toponyms):
    # "MONROE" and "Monroe" are one name: neither may count as evidence for the other's state (Louisiana),
    # so Walton County and Atlanta, both in Georgia, decide
    text = (
        "MONROE - Police in Monroe arrested a man on Tuesday after a chase through Walton County.\n"
        "Deputies said he had driven from Atlanta in a stolen truck."
    )
    places = {p.toponym.name: p for p in geoparse(text, toponyms)}
    assert places["Monroe"].toponym.geonameid == 4209884  # Monroe, Georgia
    assert {m.text for m in places["Monroe"].mentions} == {"MONROE", "Monroe"}
