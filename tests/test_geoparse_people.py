"""People's names read as places: towns abroad that are common given names, and given names before towns."""

from __future__ import annotations

import gzip

import pytest

from geo.geoparser.gazetteer import GEOPARSE_DIR, GIVEN_NAMES_FILE, load_toponyms
from geo.geoparser.geoparse import geoparse
from scripts.build_given_names import given_names


@pytest.fixture(scope="module")
def toponyms():
    return load_toponyms()


def places(text: str, toponyms) -> dict[str, tuple[str, str | None]]:
    """Each place found, literal or named, by its name: its country and first-level division."""
    return {p.name: (p.toponym.country, p.toponym.admin1) for p in geoparse(text, toponyms, named=True)}


def test_the_list_keeps_common_given_names_only():
    lines = ["MARY           2.629  2.629      1", "LEVI           0.025 82.670    416", "OZRO  0.001 90.0  1219", ""]
    assert given_names(lines) == {"Mary", "Levi"}
    with pytest.raises(ValueError, match="line 1"):
        given_names(["Mary 2.6 2.6 1"])


def test_the_gazetteer_loads_the_given_names(toponyms):
    on_disk = set(gzip.decompress((GEOPARSE_DIR / GIVEN_NAMES_FILE).read_bytes()).decode("utf-8").split("\n"))
    assert toponyms.given_names == on_disk
    assert {"Mary", "Paul", "Julia", "Levi"} <= toponyms.given_names
    assert not {"Police", "Mayor", "Springfield", "Azerbaijan"} & toponyms.given_names


@pytest.mark.parametrize(
    "text",
    [
        "Levi thanked the crowd after the final whistle.",
        "Miranda wrote that her cold was nearly gone.",  # a Venezuelan state bears the name too
        "After the concert Julia signed autographs for an hour.",
    ],
)
def test_a_town_abroad_named_like_a_person_needs_evidence(toponyms, text):
    assert places(text, toponyms) == {}


def test_a_town_named_like_a_person_is_found_where_the_text_places_it(toponyms):
    assert places("The ski race was held in Levi, Finland, on Sunday.", toponyms)["Levi"][0] == "FI"
    assert places("Cotton from Mary, Turkmenistan, is sold across Central Asia.", toponyms)["Mary"][0] == "TM"
    # the country named elsewhere in the text places the division that bears the name
    assert places("Trains reach Mary from Ashgabat twice a day.", toponyms)["Mary"][0] == "TM"


def test_a_large_city_or_a_state_named_like_a_person_stays_a_place(toponyms):
    assert places("Prices rose in Regina last month.", toponyms)["Regina"][0] == "CA"
    assert places("Alberta is cutting its fuel tax.", toponyms)["Alberta"] == ("CA", None)
    assert places("Lincoln saw prices rise.", toponyms)["Lincoln"][0] == "US"


def test_a_given_name_before_a_town_makes_a_person(toponyms):
    # Mary is a Turkmen city and Moore an Oklahoman one: together they are a woman
    assert places("Mary Moore opened a bakery on Tuesday.", toponyms) == {}
    assert places("The bakery belongs to Julia Barry and Paul Milton.", toponyms) == {}
    assert places("Mary Moore opened a bakery. Moore said it would stay open.", toponyms) == {}
    # the same town elsewhere in the text, where the text places it, is still the town
    found = places("Paul Milton opened a shop. He grew up in Milton, Ontario.", toponyms)
    assert set(found) == {"Milton", "Ontario"}
    assert found["Milton"][0] == "CA"


def test_a_given_name_before_a_common_noun_or_a_strong_name_leaves_the_place(toponyms):
    # not a person: "Mary" before a word that is no surname, a town before a country
    assert "Mary" in places("Officials in Mary Province counted the cotton harvest.", toponyms)
    assert "Azerbaijan" in places("Mary Azerbaijan trade grew this year.", toponyms)


def test_a_town_named_like_a_person_is_placed_by_the_division_the_text_names(toponyms):
    found = places("Farmers across Ontario sold corn. Milton saw prices rise.", toponyms)
    assert found["Milton"][:1] == ("CA",)
    assert "Milton" not in places("Farmers sold corn. Milton saw prices rise.", toponyms)


def test_lincoln_nebraska_stays_the_city(toponyms):
    # a city of a quarter of a million people is known by its name, alone or with its state
    nebraska = ("US", "ne:admin1:US31")
    assert places("The council in Lincoln, Neb., voted on Tuesday.", toponyms)["Lincoln"] == nebraska
    assert places("Farmers across Nebraska sold corn. Lincoln saw prices rise.", toponyms)["Lincoln"] == nebraska


@pytest.mark.parametrize(
    "text",
    [
        "Jessica Reed, 31, of Milton was charged on Monday.",  # where a person named with an age is from
        "Storms flooded Milton, 20 miles west of Guelph, on Monday.",  # a distance from another place
        "About 300 Milton residents signed the letter.",
    ],
)
def test_a_town_named_like_a_person_is_found_where_the_text_speaks_of_it_as_a_town(toponyms, text):
    assert "Milton" in places(text, toponyms)
    # the same words about a person leave no place
    assert places("Milton thanked the 300 people who signed the letter.", toponyms) == {}


def test_a_name_that_speaks_more_often_than_it_is_placed_is_a_person(toponyms):
    # "Trapani" is an Italian province and town; here it is a producer who once came to a town
    text = (
        "Andrew Trapani makes films. Trapani said the first one was hard. Trapani said he would go on. "
        "The idea came to Trapani after a trip."
    )
    assert "Trapani" not in places(text, toponyms)
    # placed as often as it speaks, it is the place
    assert places("Ferries to Trapani, Sicily, are full. Trapani says no to new ones.", toponyms)["Trapani"][0] == "IT"


def test_a_surname_named_like_a_division_abroad_is_a_person_more_often_than_placed(toponyms):
    # "Carlos Flores, 41," is read twice as a man and placed once ("in Flores' honour"): a man
    assert places("Carlos Flores, 41, runs the bakery. A plaque in Flores' honour hangs by the door.", toponyms) == {}
    # the department of Uruguay, where the text places it as often as it names the man
    found = places("Carlos Flores runs the bakery. Cattle from Flores, Uruguay, are sold in Montevideo.", toponyms)
    assert found["Flores"][0] == "UY"


@pytest.mark.parametrize(
    "text",
    [
        "The ski race starts 20 km northeast of Levi.",
        "Resorts southeast of Levi filled up.",
        "The camp lies north-west of Levi.",
        "The camp lies just outside Levi.",
    ],
)
def test_a_compass_point_of_a_place_is_a_preposition_of_place(toponyms, text):
    assert "Levi" in places(text, toponyms)


def test_a_compass_word_without_of_places_nothing(toponyms):
    assert places("A southwest wind blew all day, Levi said.", toponyms) == {}
    assert places("Northwest Levi thanked the crowd.", toponyms) == {}
