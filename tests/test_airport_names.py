"""The names the gazetteer build gives an airport (scripts/airport_names.py): full, short, and when bare."""

from __future__ import annotations

from scripts.airport_names import airports, fold, names

KNOWN = frozenset(fold(w) for w in ("Kennedy", "Dulles", "city", "liberty", "Atatürk"))  # the word list, folded
COMMON = frozenset({"city", "liberty"})


def airport(name: str, city: str, iata: str = "XXX") -> dict:
    return {"name": name, "city": city, "iata": iata, "lat": 51.47, "lon": -0.46, "country": "GB"}


def big_city(name: str, km: float) -> list[tuple[str, int]]:
    """London, Chicago and Washington are big cities near their airports; nothing else is near."""
    return [("city", 8_000_000)] if name in ("London", "Chicago", "Washington") else []


def test_a_major_city_airport_gets_its_short_forms():
    name, others = names(airport("London Heathrow Airport", "London", "LHR"), KNOWN, COMMON, big_city)
    assert name == "London Heathrow Airport"
    assert {"Heathrow Airport", "London Heathrow", "Heathrow", "LHR Airport", "London Airport"} <= set(others)


def test_a_person_the_word_list_knows_needs_the_word_airport():
    _, others = names(airport("Washington Dulles International Airport", "Washington"), KNOWN, COMMON, big_city)
    assert "Dulles Airport" in others and "Dulles International Airport" in others
    assert "Dulles" not in others and "Washington Dulles" not in others
    _, others = names(airport("Charles de Gaulle International Airport", "Paris"), KNOWN, COMMON, big_city)
    assert "Charles de Gaulle Airport" in others
    assert "Charles de Gaulle" not in others  # several words: a person's name


def test_a_generic_word_makes_no_short_form():
    _, others = names(airport("London City Airport", "London"), KNOWN, COMMON, big_city)
    assert "City Airport" not in others and "London City" not in others and "City" not in others


def test_a_bare_short_form_needs_a_major_city_and_no_town_of_its_name():
    _, others = names(airport("Gatwick Airport", "Crawley"), KNOWN, COMMON, big_city)
    assert "Gatwick" not in others and "Gatwick Airport" not in others  # the full name already, no bare form

    def town_too(name: str, km: float) -> list[tuple[str, int]]:
        return [("town", 90_000)] if name == "Domodedovo" else big_city(name, km)

    _, others = names(airport("Domodedovo International Airport", "London"), KNOWN, COMMON, town_too)
    assert "Domodedovo Airport" in others and "Domodedovo" not in others


def test_only_airports_with_an_iata_code_and_no_heliports_are_kept():
    rows = [
        airport("London Heathrow Airport", "London", "LHR"),
        airport("Battersea Heliport", "London", "JLQ"),
        airport("Some Farm Airstrip", "London", ""),
    ]
    assert [a["iata"] for a, _, _ in airports(rows, KNOWN, COMMON, lambda n, lat, lon, km: big_city(n, km))] == ["LHR"]
