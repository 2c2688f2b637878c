"""Resolution: the geoparser picks the right place among those of one name, with its GeoNames id and point."""

from __future__ import annotations

import json

import pytest

from geo.geoparser.gazetteer import GEOPARSE_DIR, load_toponyms
from geo.geoparser.geoparse import (
    SCORE_TERMS,
    Anchors,
    Beside,
    Context,
    Tally,
    _qualified,
    _rank,
    _seats,
    find_spans,
    geoparse,
    place_record,
    resolution_hits,
    score_terms,
)


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


def test_a_curated_region_with_a_geonames_entry_carries_its_id_and_point(toponyms):
    # GeoNames has an entry for the Middle East (6269133): a curated region it knows is that entry, at its point
    places = by_name("Oil prices rose as tension grew across the Middle East and the Caucasus.", toponyms)
    middle_east = places["Middle East"]
    assert middle_east["kind"] == "wider region" and middle_east["geonameid"] == 6269133
    assert (round(middle_east["lat"], 2), round(middle_east["lon"], 2)) == (33.14, 35.86)
    assert places["Caucasus"]["geonameid"] == 573081
    assert by_name("Ministers of the EU met in Brussels.", toponyms)["EU"]["geonameid"] == 6695072


def test_a_town_and_its_county_settle_each_other(toponyms):
    # neither name says its state; Huntsville, Texas lies in Walker County, Texas, while Alabama's larger
    # Huntsville lies far from every Walker County
    text = (
        "Firefighters from Huntsville joined crews from across Walker County on Saturday to clear "
        "fallen trees after the storm."
    )
    places = places_of(text, toponyms)
    assert places["Huntsville"].geonameid == 4699540  # Huntsville, Texas
    assert places["Walker County"].admin1 == places["Huntsville"].admin1
    # the same town with no county beside it stays the larger one
    assert places_of("Firefighters from Huntsville cleared fallen trees.", toponyms)["Huntsville"].geonameid == 4068590


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


def places_of(text: str, toponyms) -> dict[str, object]:
    """Each place found, keyed by the name the text gives it (the Toponym chosen)."""
    return {p.name: p.toponym for p in geoparse(text, toponyms)}


def test_a_saint_spelt_another_way_is_still_a_candidate(toponyms):
    # GeoNames spells Russia's city "Saint Petersburg" and Florida's "St. Petersburg"
    places = places_of("Tourists flew from St. Petersburg to Moscow for the summit.", toponyms)
    assert places["St. Petersburg"].geonameid == 498817
    assert places["Moscow"].geonameid == 524901  # and Moscow is not talked into Idaho by Florida
    florida = places_of("Tourists flew from St. Petersburg to Tampa and Orlando.", toponyms)
    assert florida["St. Petersburg"].geonameid == 4171563


def test_small_towns_of_one_corner_settle_together(toponyms):
    # no state is named: Montgomery, Delano, Hutchinson and Scott County each have a place in one corner of
    # Minnesota, which outweighs the larger Montgomery of Alabama and Delano of California
    text = "Wrestlers from Montgomery, Delano and Hutchinson met on Saturday for the tournament in Scott County."
    places = places_of(text, toponyms)
    assert {t.admin1 for t in places.values()} == {"ne:admin1:US27"}  # Minnesota
    assert places["Montgomery"].geonameid == 5038035


def test_three_names_that_meet_in_one_corner_outweigh_their_larger_namesakes(toponyms):
    # no state is named, and each town is likelier elsewhere on its own (Lexington, Massachusetts or Kentucky):
    # Lexington, Gaston and Swansea all have a place within 100 km of the others only in South Carolina
    text = "The school board in Lexington will raise taxes; parents from Gaston and Swansea spoke against the cuts."
    places = places_of(text, toponyms)
    assert {t.admin1 for t in places.values()} == {"ne:admin1:US45"}  # South Carolina
    assert places["Lexington"].geonameid == 4585000


def test_a_city_council_named_like_an_irish_county_is_the_towns_of_the_text(toponyms):
    # "Dublin City" is an other name of the Irish county; in a story about Ohio the council is Dublin, Ohio's
    ohio = "Members of the Dublin City Council met on Monday; the firm from Columbus and Cuyahoga Falls won the bid."
    places = {p.name: p.toponym for p in geoparse(ohio, toponyms, named=True)}
    assert places["Dublin City"].geonameid == 5152333
    (irish,) = geoparse("Dublin City Council will close three libraries.", toponyms, named=True)
    assert irish.toponym.country == "IE"


@pytest.mark.parametrize(
    ("text", "london", "paris"),
    [
        # the text's only tie to London, Ohio and Paris, Texas is the United States: the capitals
        ("Her paintings hang in London, Paris and New York.", 2643743, 2988507),
        # the namesake's own state, written beside it or sharing the text's other places, still makes it the namesake
        ("He was born in London, Ohio, and moved to Paris to study; Dallas and Tyler sent flowers.", 4517009, 4717560),
    ],
)
def test_a_capitals_small_namesake_needs_more_than_the_texts_country(toponyms, text, london, paris):
    places = places_of(text, toponyms)
    assert places["London"].geonameid == london
    assert places["Paris"].geonameid == paris


def test_two_ambiguous_names_do_not_talk_each_other_into_a_province(toponyms):
    # London and Paris both have a town in Ontario; each may only lend the other what it likely is
    places = places_of("The Eurostar runs between London and Paris several times a day.", toponyms)
    assert places["London"].geonameid == 2643743
    assert places["Paris"].geonameid == 2988507


@pytest.mark.parametrize(
    ("text", "springfield"),
    [
        ("He left Springfield for Boston and then Worcester.", 4951788),  # Massachusetts
        ("He left Springfield for Chicago and then Peoria.", 4250542),  # Illinois
    ],
)
def test_the_well_known_places_a_text_names_decide_a_shared_town_name(toponyms, text, springfield):
    assert places_of(text, toponyms)["Springfield"].geonameid == springfield


def test_a_county_named_with_a_city_decides_its_state(toponyms):
    places = places_of("Richmond police and Henrico County deputies closed the road near Norfolk.", toponyms)
    assert places["Richmond"].geonameid == 4781708  # Richmond, Virginia
    assert places["Norfolk"].geonameid == 4776222


def test_the_uks_nations_are_places_with_their_geonames_ids(toponyms):
    # Natural Earth's units in the UK are counties; England, Scotland and Wales are GeoNames' divisions
    places = places_of("She grew up in Wales, studied in Scotland and now teaches in England.", toponyms)
    assert (places["Wales"].geonameid, places["Scotland"].geonameid) == (2634895, 2638360)
    assert places["England"].geonameid == 6269131
    assert places["England"].kind == "region"


def test_the_eu_stands_at_its_geographic_centre_not_at_brussels(toponyms):
    # a marker for the union stands for its area, as a country's does: IGN's centre of the 27, in Bavaria
    places = by_name("Ministers of the EU met in Brussels on Monday.", toponyms)
    eu, brussels = places["EU"], places["Brussels"]
    assert eu["geonameid"] == 6695072 and brussels["geonameid"] == 2800866
    assert 49.5 < eu["lat"] < 50.2 and 9.5 < eu["lon"] < 10.3  # Lower Franconia, not Belgium
    assert abs(eu["lon"] - brussels["lon"]) > 4


@pytest.mark.parametrize("written", ["Washington, D.C.", "Washington D.C.", "Washington, DC", "Washington DC"])
def test_washington_with_the_districts_abbreviation_is_the_capital_city_the_whole_span(toponyms, written):
    (place,) = by_name(f"The senator flew to {written} on Monday.", toponyms).values()
    assert place["geonameid"] == 4140963  # GeoNames' Washington, D.C., the city
    assert place["mentions"][0]["text"] == written


def test_the_districts_abbreviation_alone_names_the_district_of_columbia(toponyms):
    assert by_name("The D.C. Council met.", toponyms) == {}  # inside an organisation's name: not drawn
    (flights,) = by_name("Flights to D.C. were delayed.", toponyms).values()
    assert flights["geonameid"] == 4138106 and flights["mentions"][0]["text"] == "D.C."
    # the city's own name stays the city
    assert by_name("Talks in Washington resumed on Tuesday.", toponyms)["Washington"]["geonameid"] == 4140963


def test_the_holy_see_and_the_vatican_name_the_state_and_vatican_city_the_city(toponyms):
    text = "The Holy See answered; the Vatican said the pope met pilgrims in Vatican City."
    places = {r["geonameid"]: r for r in map(place_record, geoparse(text, toponyms))}
    assert sorted(places) == [3164670, 6691831]
    state, city = places[3164670], places[6691831]
    assert [m["text"] for m in state["mentions"]] == ["Holy See", "Vatican"]
    assert state["kind"] == "country" and state["country"] == "VA"
    assert [m["text"] for m in city["mentions"]] == ["Vatican City"] and city["kind"] == "capital"


def test_a_town_named_like_a_division_abroad_still_pairs_with_its_county(toponyms):
    # Paris is also a French department: that says nothing of which Paris sits in a Henry County. Paris,
    # Tennessee, is the seat of Henry County, Tennessee; Illinois has a Paris, a Henry County far from it
    # and a Watson, which alone would pull both there
    text = "A Paris man was arrested on Sunday and booked into the Henry County jail. Deputies from Watson helped."
    places = places_of(text, toponyms)
    assert places["Paris"].geonameid == 4647963  # Paris, Tennessee
    assert places["Henry County"].admin1 == places["Paris"].admin1 == "ne:admin1:US47"


def seat_pairs(names: list[str], toponyms) -> set[tuple[str, str | None]]:
    """The candidates (name, state) that _seats pairs among these names' places."""
    hits = {name: resolution_hits(name, toponyms) for name in names}
    paired = _seats(hits, {name: tuple(h.toponym.ref for h in found) for name, found in hits.items()})
    return {(h.toponym.name, h.toponym.admin1) for found in hits.values() for h in found if h.toponym.ref in paired}


def test_two_names_that_pair_in_many_states_say_nothing_of_which(toponyms):
    # Madison and a Madison County lie together in several states: the pair does not pick one
    assert seat_pairs(["Madison", "Madison County"], toponyms) == set()
    # the trap: a pair found in two states still counts for both (Springfield in Greene County, Missouri and Ohio)
    states = {state for _, state in seat_pairs(["Springfield", "Greene County"], toponyms)}
    assert states == {"ne:admin1:US29", "ne:admin1:US39"}
    texas = "ne:admin1:US48"  # and one pair of one state (Huntsville, Texas, in Walker County)
    assert seat_pairs(["Huntsville", "Walker County"], toponyms) == {("Huntsville", texas), ("Walker County", texas)}


def test_each_name_of_a_list_of_counties_is_a_county(toponyms):
    # "County" is written once for the list; the counties then say which Gainesville: Texas's, in Cooke County
    text = "Girls from Cooke, Grayson and Love counties will compete at the rodeo in Gainesville on Saturday."
    places = {p.name: p for p in geoparse(text, toponyms)}
    assert [(name, p.toponym.kind) for name, p in places.items()][:3] == [
        ("Cooke", "county"),
        ("Grayson", "county"),
        ("Love", "county"),
    ]
    assert [m.text for m in places["Cooke"].mentions] == ["Cooke"]  # the mention as written
    assert places["Cooke"].toponym.name == "Cooke County" and places["Cooke"].toponym.admin1 == "ne:admin1:US48"
    assert places["Gainesville"].toponym.admin1 == "ne:admin1:US48"  # not Florida's larger Gainesville
    # a run of capitalised words before the last name: its last word; parishes too; "or" and a serial comma
    places = places_of("Small Hitchcock and Hayes counties, and Orleans, Jefferson, or Plaquemines parishes.", toponyms)
    assert sorted(places) == ["Hayes", "Hitchcock", "Jefferson", "Orleans", "Plaquemines"]
    assert places["Jefferson"].name == "Jefferson Parish" and places["Hitchcock"].admin1 == "ne:admin1:US31"
    # a town's name alone stays the town
    assert places_of("The rodeo in Gainesville drew crowds.", toponyms)["Gainesville"].kind != "county"


def test_state_after_a_city_names_a_university_not_the_citys_state(toponyms):
    text = "Fans headed to San Diego to watch the team take on San Diego State on Friday."
    places = {r["geonameid"]: r for r in map(place_record, geoparse(text, toponyms, named=True))}
    assert list(places) == [5391811]  # San Diego, both times; California is not named
    # a first-level word after a city's name still names its division
    (donetsk,) = geoparse("Fighting spread across the Donetsk region.", toponyms)
    assert donetsk.toponym.kind == "region"


def test_a_story_priced_in_pounds_is_read_as_british(toponyms):
    # Richmond alone is Virginia's city; the same story priced in pounds is London's borough
    story = "A {} scheme to get more people cycling in Richmond was launched today."
    assert places_of(story.format("$4.2m"), toponyms)["Richmond"].admin1 == "ne:admin1:US51"
    assert places_of(story.format("£4.2m"), toponyms)["Richmond"].country == "GB"
    # both currencies: no hint either way
    assert places_of(story.format("£4.2m ($5.5m)"), toponyms)["Richmond"].admin1 == "ne:admin1:US51"


def test_a_country_merely_near_a_name_does_not_qualify_it(toponyms):
    # the US follows Moscow in the sentence but says nothing of which Moscow
    text = "The ministry voiced Moscow's concern over the US attempts to stay in Syria."
    assert places_of(text, toponyms)["Moscow"].country == "RU"


def test_a_state_after_a_town_and_a_comma_is_the_towns_state(toponyms):
    # "Washington" alone is the capital; after "Tacoma, " it says which state Tacoma is in
    places = by_name("A baker in Tacoma, Washington and one in Boston shared tips.", toponyms)
    assert places["Washington"]["geonameid"] == 5815135 and places["Washington"]["kind"] == "region"
    assert places["Tacoma"]["country"] == "US"
    assert by_name("Talks in Washington resumed on Tuesday.", toponyms)["Washington"]["geonameid"] == 4140963


def test_a_division_after_in_or_a_bracket_is_the_towns_division(toponyms):
    # London and Rome alone make Paris the capital; "in Texas" says which Paris
    assert places_of("She grew up in Paris and later studied in London and Rome.", toponyms)["Paris"].country == "FR"
    paris = places_of("She grew up in Paris in Texas and later studied in London and Rome.", toponyms)["Paris"]
    assert (paris.country, paris.admin1) == ("US", "ne:admin1:US48")
    # a county too, and "located in": Ohio and Columbus around it speak for Ohio's Crawford County
    text = "Ducks were found in Crawford County located in Pennsylvania, and more in Ohio and Columbus."
    assert places_of(text, toponyms)["Crawford County"].admin1 == "ne:admin1:US42"
    text = "He was born in Springfield (Illinois), then lived in Boston and Hartford."
    assert places_of(text, toponyms)["Springfield"].admin1 == "ne:admin1:US17"


def test_only_a_division_a_town_lies_in_qualifies_it_and_never_a_division(toponyms):
    # a month is no division; and a state's own name is the state whatever follows it: Washington the capital,
    # not the town of Washington in Pennsylvania
    assert places_of("A summit in Paris in June.", toponyms)["Paris"].kind == "capital"
    places = places_of("Officials in Washington in Pennsylvania and New York disagreed.", toponyms)
    assert places["Washington"].geonameid == 4140963 and places["Pennsylvania"].kind == "region"
    places = places_of("He flew from Georgia in Atlanta.", toponyms)
    assert places["Georgia"].kind == "region" and places["Atlanta"].admin1 == "ne:admin1:US13"


def placed(text: str, toponyms) -> list[tuple[str, object]]:
    """Each mention as written and its place, in the text's order (one name may have two places)."""
    mentions = [(m.start, m.text, p.toponym) for p in geoparse(text, toponyms) for m in p.mentions]
    return [(name, place) for _, name, place in sorted(mentions, key=lambda m: m[0])]


@pytest.mark.parametrize(
    ("text", "town", "division"),
    [
        # a story set in Ohio: its Toronto and its Ontario are Ohio's villages, but not in the pair
        (
            "Officials in Columbus, Ohio, said a plant in Toronto, Ontario, would close. Dayton and Akron lost jobs.",
            ("Toronto", "CA", "ne:admin1:CA08"),
            ("Ontario", "region", "CA"),
        ),
        (
            "The minister in Paris met Lyon's mayor; her cousin in Paris, Texas, wrote to Marseille and Bordeaux.",
            ("Paris", "US", "ne:admin1:US48"),
            ("Texas", "region", "US"),
        ),
        (
            "Voters in London and Manchester were joined by a Briton living in London, Ontario, and one in Leeds.",
            ("London", "CA", "ne:admin1:CA08"),
            ("Ontario", "region", "CA"),
        ),
        (
            "The mayor spoke in Brooklyn, Albany and Buffalo; a cousin in Kingston, Jamaica, called him.",
            ("Kingston", "JM", None),
            ("Jamaica", "country", "JM"),
        ),
        (
            "Protests in Athens and Thessaloniki reached Patras; a student from Athens, Georgia, joined them in Crete.",
            ("Athens", "US", "ne:admin1:US13"),
            ("Georgia", "region", "US"),
        ),
    ],
)
def test_a_place_and_the_division_or_country_it_lies_in_decide_each_other(toponyms, text, town, division):
    places = placed(text, toponyms)
    at = next(i for i, (name, _) in enumerate(places) if name == division[0])  # the qualifier
    (name, place), (_, qualifier) = places[at - 1], places[at]
    assert (name, place.country) == town[:2] and town[2] in (None, place.admin1)
    assert (qualifier.kind, qualifier.country) == division[1:]
    # the text's leaning still reads a bare mention of the same name: Paris alone is the capital
    assert all(p.country != place.country for n, p in places[: at - 1] if n == name)


@pytest.mark.parametrize(
    ("text", "countries"),
    [
        ("Leaders met in Paris, London and Berlin on Tuesday.", {"Paris": "FR", "London": "GB", "Berlin": "DE"}),
        ("Talks between Georgia, Armenia and Azerbaijan resumed.", {"Georgia": "GE", "Armenia": "AM"}),
        ("Refugees from Jordan, Syria, crossed the border near Amman.", {"Jordan": "JO", "Syria": "SY"}),
        # a village named China lies in Japan: the last two of a list of countries are no pair either
        ("Health agencies in China, Japan, and the Philippines warned travellers.", {"China": "CN", "Japan": "JP"}),
        ("Health agencies in Vietnam, China, Japan warned travellers.", {"China": "CN", "Japan": "JP"}),
    ],
)
def test_a_list_or_two_countries_make_no_pair(toponyms, text, countries):
    places = places_of(text, toponyms)
    assert {name: places[name].country for name in countries} == countries
    assert all(places[name].kind in ("capital", "country") for name in countries)


def qualified(text: str, toponyms) -> dict[int, frozenset[str]]:
    found = find_spans(text, toponyms)
    return _qualified(text, found, {form: resolution_hits(form, toponyms) for form in found})


def test_a_list_of_countries_is_no_qualifier_even_where_a_village_would_fit(toponyms):
    # a village named Texas lies in Mexico, but "Mexico and Canada" go on a list: Mexico qualifies nothing
    assert qualified("Storms hit Texas, Mexico and Canada this week.", toponyms) == {}
    assert qualified("Storms hit Texas, Mexico, Canada and Cuba.", toponyms) == {}
    assert qualified("A hamlet in Texas, Mexico flooded.", toponyms)  # the same two names alone: a pair
    # nor does a country on a list stand for the name before it: Texas stays the state
    assert places_of("Storms hit Texas, Mexico and Canada this week.", toponyms)["Texas"].kind == "region"


def test_a_datelines_state_places_its_town_or_leaves_it_unplaced(toponyms):
    # the state after a dateline's town is the town's, whatever the capital's fame
    places = placed("WASHINGTON, Pa. - The council met in Pittsburgh on Monday.\n", toponyms)
    assert places[0][0] == "WASHINGTON" and places[0][1].admin1 == "ne:admin1:US42"
    # no Murray lies in Washington (the gazetteer has no Camp Murray): not placed in Utah or Kentucky instead
    places = placed("CAMP MURRAY, Wash. - The Guard said troops left for Iraq on Tuesday.\n", toponyms)
    assert [name for name, _ in places] == ["Wash.", "Iraq"]
    # traps: a state that holds the town places it; a state written out in a list unplaces nothing
    places = placed("MURRAY, Ky. - The council met on Monday.\n", toponyms)
    assert places[0][0] == "MURRAY" and places[0][1].admin1 == "ne:admin1:US21"
    assert places_of("Visitors from Texas, Ohio and Florida came.", toponyms)["Texas"].kind == "region"
    assert places_of("Officials from Texas, Calif. and Ore. met.", toponyms)["Texas"].kind == "region"


def mention_places(text: str, toponyms) -> dict[str, object]:
    """Each mention's place, keyed by the mention as written (a bare name may share its county's place)."""
    return {m.text: p.toponym for p in geoparse(text, toponyms) for m in p.mentions}


def test_a_bare_name_beside_its_county_is_that_county_or_of_its_state(toponyms):
    # no Suffolk of New York but the county: the bare name is the county, not Suffolk, Virginia
    text = "The Suffolk County police chief spoke on Monday. Crime in Suffolk fell by a tenth."
    places = mention_places(text, toponyms)
    assert places["Suffolk"] == places["Suffolk County"] and places["Suffolk"].admin1 == "ne:admin1:US36"
    assert mention_places("Crime in Suffolk fell by a tenth.", toponyms)["Suffolk"].admin1 != "ne:admin1:US36"
    text = "Deputies in Hall County arrested two men on Friday. Two stores in Hall were robbed this year."
    assert mention_places(text, toponyms)["Hall"].admin1 == "ne:admin1:US13"  # Georgia's, not Schwäbisch Hall


def test_a_bare_name_beside_its_county_keeps_a_town_of_its_state_and_its_own_reading(toponyms):
    # Madison, Alabama lies in Madison County's state: the town, not the county
    places = mention_places("Schools in Madison County reopened. Madison reported two cases.", toponyms)
    assert places["Madison"].kind == "town" and places["Madison"].admin1 == places["Madison County"].admin1
    # a state's own name is the state, whatever county the text names: not Missouri's Texas County
    text = "Texas County deputies closed the road, and lawmakers in Texas passed a new budget."
    places = mention_places(text, toponyms)
    assert places["Texas"].kind == "region" and places["Texas County"].admin1 == "ne:admin1:US29"
    text = "Washington County approved the budget, and Washington sent more money for roads."
    assert mention_places(text, toponyms)["Washington"].geonameid == 4140963


def test_an_ocean_is_the_ocean_even_in_a_story_set_in_its_villages_country(toponyms):
    # Atlantic, Iowa and Pacific, Missouri are villages; a US story about hurricanes means the oceans
    text = "Forecasters in Colorado and Florida expect warm water in the Atlantic and a cool eastern Pacific."
    places = by_name(text, toponyms)
    assert places["Atlantic"]["geonameid"] == 3373405 and places["Atlantic"]["kind"] == "sea"
    assert places["Pacific"]["geonameid"] == 2363254
    # the longer name is the part of the ocean GeoNames has
    assert by_name("Storms crossed the North Atlantic.", toponyms)["North Atlantic"]["geonameid"] == 3411923
    sea = by_name("Ships reached the Red Sea port of Jeddah.", toponyms)["Red Sea"]
    assert sea["kind"] == "sea" and sea["geonameid"] == 235615  # not Sudan's state of that name


def test_a_governor_names_the_division_not_the_city(toponyms):
    # a governor governs the oblast; the same name alone is the city
    text = "Murmansk Governor Ivan Petrov resigned on Monday. Crowds gathered in the streets of Murmansk."
    places = {(r["geonameid"], r["kind"]) for r in map(place_record, geoparse(text, toponyms, named=True))}
    assert places == {(524304, "region"), (524305, "city")}
    deputy = by_name("Olga Ivanova, a former Kherson deputy governor, spoke.", toponyms)["Kherson"]
    assert deputy["kind"] == "region"


def test_a_part_of_a_continent_is_that_region_not_the_continent(toponyms):
    # "North Africa" stands 3,000 km from Africa's point: it is GeoNames' region, as is its people's adjective
    text = "France shifted its approach to North Africa while Central American migrants crossed Mexico."
    places = {r["name"]: r for r in map(place_record, geoparse(text, toponyms, named=True))}
    assert places["North Africa"]["geonameid"] == 7729887 and places["North Africa"]["kind"] == "wider region"
    assert places["Central American"]["geonameid"] == 7729892
    assert by_name("Banks lend in Northern Europe and in Africa.", toponyms)["Africa"]["geonameid"] == 6255146


def test_a_village_bearing_another_states_name_needs_that_written_beside_it(toponyms):
    # Florida, New York is a village by Warwick; in a New York story "Florida" alone is still the state
    text = "The ticket was sold in Warwick, New York, by Goshen. The last jackpot went to a man in Florida."
    assert by_name(text, toponyms)["Florida"]["kind"] == "region"
    village = by_name("He was born in Florida, N.Y., and lives in Goshen.", toponyms)["Florida"]
    assert village["kind"] == "village" and village["geonameid"] == 5117451
    # a town inside the division of its name is still weighed by the text (Hounslow, the borough's town)
    hounslow = by_name("Police in Hounslow arrested a man in Feltham and Brentford.", toponyms)["Hounslow"]
    assert hounslow["geonameid"] == 2646517 and hounslow["kind"] == "town"


def test_a_dateline_names_the_city_the_story_was_filed_from(toponyms):
    # "New York" alone is the state; opening a dateline in capitals it is the city
    text = "NEW YORK (AP) - A fighter was charged on Friday. Fans came from all over New York."
    places = {(r["geonameid"], r["kind"]) for r in map(place_record, geoparse(text, toponyms))}
    assert places == {(5128581, "city"), (5128638, "region")}
    # capitals inside a line are no dateline, and a dateline of a county stays the county
    assert by_name("He said NEW YORK (AP) was wrong.", toponyms)["New York"]["kind"] == "region"
    county = by_name("LAUREL COUNTY, Ky. (WKYT) - A man is dead.", toponyms)["Laurel County"]
    assert county["kind"] == "county"


@pytest.mark.parametrize("between", [". ", ".\n"])
def test_a_small_towns_dateline_after_its_headline_places_the_story(toponyms, between):
    # Quechee, a village of 600, is no place on its name alone; as the dateline after the headline (on the same line,
    # as pasted stories often run, or on its own) it is, and it says which Woodstock and Hartford: Vermont's
    text = (
        f"Library reopens{between}QUECHEE — The library reopened on Monday; readers from Woodstock and Hartford came."
    )
    places = places_of(text, toponyms)
    assert places["Quechee"].geonameid == 5240108
    assert {t.admin1 for t in places.values()} == {"ne:admin1:US50"}  # Vermont


@pytest.mark.parametrize(
    "text",
    [
        # no dash after the capitals: no dateline
        "Library reopens. QUECHEE was quiet on Monday; readers from Woodstock and Hartford came.",
        # a second sentence before the capitals: no headline
        "Library reopens. It is new. QUECHEE — The library reopened; readers from Woodstock and Hartford came.",
        # no story starting after the dash
        "Library reopens. QUECHEE — which lies nearby — was quiet; readers from Woodstock and Hartford came.",
    ],
)
def test_capitals_after_a_sentence_are_a_dateline_only_after_a_headline_and_before_a_story(toponyms, text):
    places = places_of(text, toponyms)
    assert "Quechee" not in places and "QUECHEE" not in places
    assert places["Hartford"].admin1 == "ne:admin1:US09"  # Connecticut's, the larger, with nothing to say otherwise


def test_a_divisions_other_name_is_the_town_that_bears_it_as_its_own(toponyms):
    # "Tipperary" is also an other name of South Tipperary: alone, it is the town in it
    text = "Three men appeared in court over a fight on Main Street, Tipperary, on Saturday."
    town = by_name(text, toponyms)["Tipperary"]
    assert town["geonameid"] == 2961192 and town["kind"] in ("village", "town")
    # the division's own name still names it
    assert by_name("Flooding hit North Tipperary.", toponyms)["North Tipperary"]["kind"] == "region"


def airports_of(text: str, toponyms) -> dict[str, tuple[str, str]]:
    """Each place found, by the text it was found from: its kind and ref (airport:<IATA code> for an airport)."""
    return {
        text[m.start : m.end]: (p.toponym.kind, p.toponym.ref) for p in geoparse(text, toponyms) for m in p.mentions
    }


@pytest.mark.parametrize(
    ("text", "written", "code"),
    [
        ("Flights from Heathrow were cancelled after the fog.", "Heathrow", "LHR"),
        ("The queue at Heathrow Airport stretched outside the terminal.", "Heathrow Airport", "LHR"),
        ("Delays at London Heathrow grew through the afternoon.", "London Heathrow", "LHR"),
        ("Passengers slept at O'Hare after the snowstorm.", "O'Hare", "ORD"),
        ("Chicago O'Hare International Airport reopened one runway.", "Chicago O'Hare International Airport", "ORD"),
        ("Her plane landed at Ben Gurion Airport before dawn.", "Ben Gurion Airport", "TLV"),
        ("He flew into Zvartnots International Airport on Tuesday.", "Zvartnots International Airport", "EVN"),
        ("Delegates arrived at Heydar Aliyev International Airport.", "Heydar Aliyev International Airport", "GYD"),
        ("Crowds gathered at Dulles Airport to meet the soldiers.", "Dulles Airport", "IAD"),
        ("Travellers were stranded at JFK Airport overnight.", "JFK Airport", "JFK"),
    ],
)
def test_an_airport_is_found_by_its_full_name_and_its_distinctive_short_forms(toponyms, text, written, code):
    assert airports_of(text, toponyms)[written] == ("airport", f"airport:{code}")


def test_heathrow_is_the_airport_not_the_village_in_florida(toponyms):
    (heathrow,) = geoparse("Thousands of flights from Heathrow were cancelled.", toponyms)
    assert heathrow.toponym.ref == "airport:LHR"
    assert "geonames:4158296" in {c.toponym.ref for c in heathrow.runners_up}  # Heathrow, Florida, still a candidate
    assert abs(heathrow.toponym.lat - 51.47) < 0.05 and abs(heathrow.toponym.lon + 0.46) < 0.05


@pytest.mark.parametrize(
    "text",
    [
        "Passengers at Schiphol waited for hours.",
        "The flight from Dulles International Airport to Chicago was cancelled.",
        "Delays at London Heathrow grew through the afternoon.",
    ],
)
def test_an_airport_named_without_rival_is_not_flagged(toponyms, text):
    # the review model knows no airport (no population, no GeoNames id): an airport is flagged, like a curated
    # name, only when another place of its name comes close
    (airport,) = [p for p in geoparse(text, toponyms) if p.toponym.kind == "airport"]
    assert not airport.judged_by_model
    assert airport.review is False


def test_an_airport_with_a_close_rival_is_still_flagged(toponyms):
    # a bare "Heathrow" is also a village in Florida, which keeps a share of the evidence: the reader checks it
    (heathrow,) = geoparse("Thousands of flights from Heathrow were cancelled.", toponyms)
    assert heathrow.runners_up[0].share > 0.2
    assert heathrow.review is True


def test_a_city_before_airport_names_the_airport_and_the_whole_name_is_the_mention(toponyms):
    for text, written, code in [
        ("Protesters gathered outside Baku Airport on Sunday.", "Baku Airport", "GYD"),
        ("Flights resumed at Yerevan International Airport.", "Yerevan International Airport", "EVN"),
    ]:
        found = airports_of(text, toponyms)
        assert found == {written: ("airport", f"airport:{code}")}  # not the city, and the span covers the whole name


@pytest.mark.parametrize(
    "text",
    [
        "Kennedy said the talks would go on.",
        "Dulles said the treaty would hold.",
        "Reagan's policies shaped the decade.",
        "Charles de Gaulle wrote his memoirs in old age.",
        "John Lennon sang for the crowd.",
        "Atatürk founded the republic.",
        "O'Hare said he would run again.",  # a bare short form before a verb of speech is a person
        "Heathrow's third runway is still only a plan.",  # a bare short form with nothing around it says no place
    ],
)
def test_a_person_named_like_an_airport_is_no_place(toponyms, text):
    assert [p.toponym.kind for p in geoparse(text, toponyms) if p.toponym.kind == "airport"] == []
    assert all(p.toponym.kind != "airport" for p in geoparse(text, toponyms, named=True))


def test_the_score_is_the_sum_of_its_terms_and_each_term_names_its_evidence(toponyms):
    # "Paris, Texas": the state beside the name is a term of its own (scripts/build_ranker_weights.py weighs each)
    hits = resolution_hits("Paris", toponyms)
    texas = next(h.toponym for h in hits if h.toponym.ref == "geonames:4717560")
    context = Context(Tally.of({}), Tally.of({}), Anchors())
    beside = Beside(division=texas.admin1)
    terms = {h.toponym.ref: t for h, t in zip(hits, score_terms(hits, context, beside), strict=True)}
    ranked = _rank(hits, context, beside)
    assert ranked[0].toponym.ref == "geonames:4717560"
    assert all(c.score == round(sum(terms[c.toponym.ref]), 2) for c in ranked)
    assert terms["geonames:4717560"][SCORE_TERMS.index("beside_division")] > 0
    assert terms["geonames:2988507"][SCORE_TERMS.index("beside_division")] == 0  # the capital of France
    assert _rank(hits, context)[0].toponym.ref == "geonames:2988507"  # a bare "Paris" is the capital


def test_countries_are_found_by_the_names_english_news_gives_them(toponyms):
    # GeoNames writes "The Netherlands" and "Ivory Coast"; news writes these too
    text = (
        "Cases rose in the Netherlands, Côte d'Ivoire and the Democratic Republic of Congo, "
        "and fell in Swaziland and Cape Verde."
    )
    found = {p.name: (p.toponym.kind, p.toponym.country) for p in geoparse(text, toponyms)}
    assert found == {
        "Netherlands": ("country", "NL"),
        "Côte d'Ivoire": ("country", "CI"),
        "Democratic Republic of Congo": ("country", "CD"),
        "Swaziland": ("country", "SZ"),
        "Cape Verde": ("country", "CV"),
    }


def test_a_native_or_peoples_name_of_a_country_is_not_one_of_its_names(toponyms):
    # countryinfo spells Thailand "Ratcha Anachak Thai" and Iceland "Island": neither word names the country
    for word in ("Thai", "Island", "Nippon", "Mann"):
        assert not any(h.toponym.kind == "country" for h in toponyms.names.get(word, ())), word
    assert any(h.toponym.country == "CG" for h in toponyms.names["Congo"])  # a word of its own name


def test_names_written_without_their_accents_are_found(toponyms):
    # English news often drops diacritics: the state, the country and the city all stay found
    text = "Violence spread in Michoacan and Nuevo Leon; exports from Cote d'Ivoire reached Malmo."
    found = {p.name: (p.toponym.kind, p.toponym.country) for p in geoparse(text, toponyms)}
    assert found == {
        "Michoacan": ("region", "MX"),
        "Nuevo Leon": ("region", "MX"),
        "Cote d'Ivoire": ("country", "CI"),
        "Malmo": ("city", "SE"),
    }


def test_a_city_and_its_division_both_written_without_accents_give_the_city(toponyms):
    # "Zurich" is an unaccented other name of both the city and its canton: bare, it is the city
    (zurich,) = geoparse("Bankers met in Zurich on Monday.", toponyms)
    assert (zurich.toponym.kind, zurich.toponym.country) == ("city", "CH")


@pytest.mark.parametrize(
    "text",
    ["Apples from Washington state sold well.", "The first case was found in the state of Washington."],
)
def test_a_division_word_beside_a_capitals_name_gives_the_state(toponyms, text):
    (washington,) = geoparse(text, toponyms)
    assert (washington.toponym.kind, washington.toponym.ref) == ("region", "ne:admin1:US53")


def test_a_capitals_name_without_a_division_word_stays_the_capital(toponyms):
    (washington,) = geoparse("Talks in Washington ended without a deal.", toponyms)
    assert washington.toponym.kind == "capital"


def test_a_border_citys_state_is_its_own_not_the_one_across_the_river(toponyms):
    # El Paso's and St. Louis's points lie by the river that bounds their state on the simplified map
    text = "The trucks that left El Paso, Texas, early on Monday were bound for St. Louis by the end of the week."
    found = {p.name: p.toponym.admin1 for p in geoparse(text, toponyms)}
    assert found["El Paso"] == "ne:admin1:US48"  # Texas, not Chihuahua
    assert found["St. Louis"] == "ne:admin1:US29"  # Missouri, not Illinois


def test_a_city_region_is_the_division_only_where_a_division_is_named_after_the_city(toponyms):
    # Ukraine's and Russia's divisions bear their centres' names: "the X region" is the division
    text = "Shelling hit the Donetsk region, the Kharkiv region and, later, the Moscow region and the Leningrad region."
    kinds = {p.name: (p.toponym.kind, p.toponym.country) for p in geoparse(text, toponyms)}
    assert kinds == {
        n: ("region", c) for n, c in [("Donetsk", "UA"), ("Kharkiv", "UA"), ("Moscow", "RU"), ("Leningrad", "RU")]
    }
    # elsewhere "the X region" is the city's metropolitan area: the city, not the state it lies in
    places = places_of("Traffic in the Houston region and in the Sydney region grew this year.", toponyms)
    assert (places["Houston"].kind, places["Houston"].admin1) == ("city", "ne:admin1:US48")
    assert places["Sydney"].kind == "city" and places["Sydney"].country == "AU"
    # and an ocean's region is the ocean, not a state with a village of that name
    assert places_of("Warm water in the tropical Pacific region feeds storms.", toponyms)["Pacific"].kind == "sea"


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("Voters in Macedonia chose a new parliament.", "geonames:718075"),
        ("Mobutu ruled Zaire for three decades.", "geonames:203312"),
        ("Monks marched in Burma.", "geonames:1327865"),
        ("The king of Swaziland opened the session.", "geonames:934841"),
        ("Cocoa prices in Côte d'Ivoire rose.", "geonames:2287781"),
        ("Tulips from the Netherlands sold well.", "geonames:2750405"),
        ("Cheese from Holland sold well.", "geonames:2750405"),
        ("Peacekeepers left Bosnia.", "geonames:3277605"),
        ("Aid reached the Republic of Congo and the Democratic Republic of Congo.", "geonames:2260494"),
        ("Racing resumed in NSW on Saturday.", "ne:admin1:AUS-new-south-wales"),
    ],
)
def test_a_countrys_or_states_former_or_short_name_is_that_place(toponyms, text, ref):
    assert ref in {p.toponym.ref for p in geoparse(text, toponyms)}


def test_a_country_s_former_name_borne_by_a_place_of_the_text_is_that_place(toponyms):
    # Angola's Zaire province, the Ohio suburb and the Michigan city keep their names where the text says so
    places = places_of("Seven of Angola's provinces have cases; the latest is in Zaire province.", toponyms)
    assert (places["Zaire"].kind, places["Zaire"].country) == ("region", "AO")
    text = "The Macedonia city council met near Akron and Cleveland, in Summit County, Ohio."
    assert places_of(text, toponyms)["Macedonia"].admin1 == "ne:admin1:US39"
    text = "The Holland city council met in Ottawa County; Zeeland and Grand Haven sent officials too."
    assert places_of(text, toponyms)["Holland"].admin1 == "ne:admin1:US26"
    assert places_of("She was born in Holland, Mich.", toponyms)["Holland"].country == "US"


def test_a_name_in_a_list_of_divisions_or_countries_is_one_of_them(toponyms):
    # Oregon and Ontario are also towns of Ohio and California, which the story names: its lists say states, provinces
    text = (
        "Cases were reported in Arizona, California, Colorado, Ohio, Oklahoma, Oregon, Tennessee and Utah. "
        "In Canada, cases occurred in British Columbia, Alberta, Manitoba, Ontario and New Brunswick."
    )
    places = places_of(text, toponyms)
    assert {name: (t.kind, t.country) for name, t in places.items()}["Oregon"] == ("region", "US")
    assert (places["Ontario"].kind, places["Ontario"].country) == ("region", "CA")
    assert (places["New Brunswick"].kind, places["New Brunswick"].country) == ("region", "CA")
    # two countries joined by "and": Georgia is the country, in a story set in Texas; a list of states: the state
    text = "Oil from Georgia and Azerbaijan reached Texas."
    assert places_of(text, toponyms)["Georgia"].kind == "country"
    text = "Officials of Texas, Georgia and Ohio met in Tbilisi."
    assert (places_of(text, toponyms)["Georgia"].kind, places_of(text, toponyms)["Georgia"].country) == ("region", "US")


def test_a_list_of_cities_or_of_qualified_towns_keeps_its_towns(toponyms):
    # the list's other names read as cities: Kherson stays the city, not its oblast
    places = places_of("Shells fell on Kherson, Mykolaiv and Odesa overnight.", toponyms)
    assert [places[n].kind for n in ("Kherson", "Mykolaiv", "Odesa")] == ["town", "city", "city"]
    # towns qualified by their states keep their qualifiers in a list; a division abroad is no state of the list
    places = places_of("Fans came from Paris, Texas, Tulsa, Oklahoma, and Ontario, California.", toponyms)
    assert places["Paris"].admin1 == "ne:admin1:US48"
    assert (places["Ontario"].kind, places["Ontario"].admin1) == ("city", "ne:admin1:US06")


def test_a_countrys_own_name_places_the_texts_towns_from_the_first_reading(toponyms):
    # "Canada" is also other spellings of villages (Cañada): read as the country at once, it keeps the text's
    # London and Toronto together in Ontario, where before each was read by the other's earlier guess (Ohio)
    text = (
        "The council wants London to become a cargo hub. Freight landing in London could reach the United States "
        "by truck, and London sits close to Toronto. Canada signed an open skies deal with Europe."
    )
    places = by_name(text, toponyms)
    assert places["Toronto"]["geonameid"] == 6167865
    assert places["London"]["geonameid"] == 6058560  # London, Ontario


def test_a_state_the_text_names_still_outweighs_a_country_named_once(toponyms):
    text = (
        "The council wants London to become a cargo hub. Freight landing in London could reach Ohio by truck, and "
        "London sits close to Toronto. Canada signed an open skies deal with Europe."
    )
    places = by_name(text, toponyms)
    assert places["Toronto"]["country"] == "US" and places["London"]["country"] == "US"  # Ohio's namesakes


def test_two_towns_that_lie_together_land_together_and_two_cities_far_apart_stay_apart(toponyms):
    # Durham and Chapel Hill: the pair of North Carolina, not England's Durham
    places = by_name("A student from Durham was given a place at the university in Chapel Hill.", toponyms)
    assert (places["Durham"]["geonameid"], places["Chapel Hill"]["geonameid"]) == (4464368, 4460162)
    # the trap: two large cities of two countries keep their own, whichever is named first; names read one after
    # another (tried: bench/README.md) pulled the second to the first's country (Perth, Ontario)
    for text in ("The exhibition travels from Perth to Toronto next spring.", "The show moves from Toronto to Perth."):
        places = by_name(text, toponyms)
        assert (places["Perth"]["geonameid"], places["Toronto"]["geonameid"]) == (2063523, 6167865)


@pytest.mark.xfail(strict=True, reason="the readings are synchronous: Lancaster and York still end apart")
def test_two_towns_that_lean_on_each_other_end_in_one_country(toponyms):
    places = by_name("The runner grew up in Lancaster and trains in York.", toponyms)
    assert places["Lancaster"]["country"] == places["York"]["country"] == "GB"


def test_bc_after_a_canadian_town_or_in_a_story_about_canada_is_british_columbia(toponyms):
    bc = "ne:admin1:CA02"
    assert places_of("The ferry to Victoria, BC was cancelled.", toponyms)["BC"].ref == bc
    assert places_of("Wildfires spread across BC, officials in Canada said.", toponyms)["BC"].ref == bc
    # an era, two capitals with nothing Canadian around them, or after a place of another country: no place
    assert "BC" not in places_of("The fort near Lyon was built in 300 BC and rebuilt in 120 AD.", toponyms)
    assert "BC" not in places_of("The BC Eagles beat Boston again.", toponyms)
    assert "BC" not in places_of("He flew back to Paris, BC said.", toponyms)


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Fighting near Goma and Kinshasa spread across Congo.", "CD"),
        ("Aid reached Brazzaville as Congo voted.", "CG"),
        ("Pyongyang said Korea would test again.", "KP"),
        ("Korea's exports to Japan rose, Seoul said.", "KR"),
    ],
)
def test_a_name_two_countries_share_is_the_one_whose_places_the_text_names(toponyms, text, country):
    name = "Congo" if "Congo" in text else "Korea"
    place = places_of(text, toponyms)[name]
    assert (place.kind, place.country) == ("country", country)


def test_a_countrys_own_name_stays_that_country_beside_a_neighbours_capital(toponyms):
    # Guinea is Guinea's own name: Bissau's Guinea-Bissau is named so, not "Guinea"
    assert places_of("Officials in Bissau said Guinea closed its border.", toponyms)["Guinea"].country == "GN"


def test_a_capital_its_lists_other_divisions_surround_is_the_capital(toponyms):
    for text in (
        "Traffic jammed roads in Maryland, Virginia and Washington after the storm.",
        "Washington, Maryland and Virginia set new rules.",
    ):
        assert places_of(text, toponyms)["Washington"].geonameid == 4140963, text
    # states far from the capital: the state, as in any list of states
    for text in ("Wildfires burned in Oregon, Idaho and Washington.", "Voters in Texas, Ohio and Washington went out."):
        assert places_of(text, toponyms)["Washington"].geonameid == 5815135, text


@pytest.mark.parametrize(
    ("text", "gulf"),
    [
        ("Tankers crossed the Gulf near Iran and Kuwait.", "Persian Gulf"),
        ("A US ally in the Gulf, Qatar, was isolated.", "Persian Gulf"),
        ("Oil spilled into the Gulf off Louisiana and Texas.", "Gulf of Mexico"),
        ("Shrimp boats left Biloxi for the Gulf.", "Gulf of Mexico"),
    ],
)
def test_the_gulf_is_the_gulf_the_texts_places_lie_around(toponyms, text, gulf):
    assert places_of(text, toponyms)["Gulf"].name == gulf


def test_the_gulf_around_none_of_the_texts_places_is_no_gulf(toponyms):
    assert "Gulf" not in places_of("Storms in the Gulf worried traders in London.", toponyms)
    # a place of that name in a country of the text keeps it: Papua New Guinea's Gulf province
    gulf = places_of("Officials in Port Moresby visited the Gulf province.", toponyms)["Gulf"]
    assert (gulf.kind, gulf.country) == ("region", "PG")
