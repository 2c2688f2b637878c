"""Associative mentions: names inside an organisation's name and demonyms, found as their own role (named)."""

from __future__ import annotations

import pytest

from geo.errors import DataError
from geo.geoparser.gazetteer import load_toponyms, read_demonyms
from geo.geoparser.geoparse import NAMED, PLACE, by_role, geoparse
from scripts.build_demonyms import demonyms


@pytest.fixture(scope="module")
def toponyms():
    return load_toponyms()


def roles(text: str, toponyms) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Each place found with named mentions too, by ref: its role and its mentions (text, role)."""
    return {
        p.toponym.ref: (p.role, [(m.text, m.role) for m in p.mentions]) for p in geoparse(text, toponyms, named=True)
    }


def test_a_state_inside_an_organisation_name_is_named_and_resolved(toponyms):
    found = roles("Officials of the Ohio Department of Development met on Monday.", toponyms)
    assert found == {"ne:admin1:US39": (NAMED, [("Ohio", NAMED)])}
    assert geoparse("Officials of the Ohio Department of Development met on Monday.", toponyms) == []


def test_a_city_before_a_common_noun_is_named_and_also_literal_where_the_text_says_so(toponyms):
    text = "Springfield Police arrested a man in Springfield, Illinois, on Friday."
    (springfield,) = [p for p in geoparse(text, toponyms, named=True) if p.toponym.name == "Springfield"]
    assert springfield.toponym.admin1 == "ne:admin1:US17"  # Illinois, the state the text names
    assert [m.role for m in springfield.mentions] == [NAMED, PLACE]
    literal, named = by_role(geoparse(text, toponyms, named=True))
    assert [m.role for p in literal for m in p.mentions] == [PLACE, PLACE]  # Springfield, Illinois: no named one
    assert named == []


def test_demonyms_are_named_mentions_of_their_countries(toponyms):
    text = "Iraqi officials said the Turkish army and South African troops left. A Canadian company bought the mine."
    found = roles(text, toponyms)
    assert found["geonames:99237"] == (NAMED, [("Iraqi", NAMED)])
    assert found["geonames:298795"] == (NAMED, [("Turkish", NAMED)])
    assert found["geonames:953987"] == (NAMED, [("South African", NAMED)])  # the longest demonym, not "African"
    assert found["geonames:6251999"] == (NAMED, [("Canadian", NAMED)])  # not the village of Canadian, Texas
    assert geoparse(text, toponyms) == []


def test_a_country_adjective_before_a_noun_of_place_stays_literal(toponyms):
    found = roles("The Turkish army crossed into Turkish territory.", toponyms)
    assert found == {"geonames:298795": (PLACE, [("Turkish", NAMED), ("Turkish", PLACE)])}


def test_people_named_after_places_are_neither_role(toponyms):
    assert roles("Basketball star Michael Jordan said he would retire.", toponyms) == {}
    assert roles("Mayor Lincoln Smith spoke to reporters.", toponyms) == {}


def test_an_organisation_named_after_a_person_does_not_name_a_town(toponyms):
    assert roles("The orchestra played at Lincoln Center on Friday.", toponyms) == {}


def test_a_country_that_speaks_stays_a_place(toponyms):
    found = roles("Jordan said on Tuesday it would close its border with Syria.", toponyms)
    assert found["geonames:248816"] == (PLACE, [("Jordan", PLACE)])


def test_a_company_named_after_a_state_is_named_and_placed_by_the_text(toponyms):
    found = roles("Georgia Power raised its rates for homes in Atlanta.", toponyms)
    assert found["ne:admin1:US13"] == (NAMED, [("Georgia", NAMED)])  # the US state, beside Atlanta
    assert "geonames:614540" not in found


def test_demonyms_file_is_checked_line_by_line(tmp_path):
    path = tmp_path / "demonyms.tsv"
    path.write_text("# comment\nIraqi\tIQ\n\nFrench\tFR\n", encoding="utf-8")
    assert read_demonyms(path) == {"Iraqi": "IQ", "French": "FR"}
    path.write_text("Iraqi IQ\n", encoding="utf-8")
    with pytest.raises(DataError, match="line 1"):
        read_demonyms(path)


def test_demonyms_take_the_most_populous_country_and_no_plural():
    countries = {
        "france": {"name": "France", "demonym": "French", "population": 66_000_000, "ISO": {"alpha2": "FR"}},
        "reunion": {"name": "Réunion", "demonym": "French", "population": 800_000, "ISO": {"alpha2": "RE"}},
        "iraq": {"name": "Iraq", "demonym": "Iraqi", "population": 36_000_000, "ISO": {"alpha2": "IQ"}},
        "bosnia": {
            "name": "Bosnia",
            "demonym": "Bosnian,Herzegovinian",
            "population": 3_800_000,
            "ISO": {"alpha2": "BA"},
        },
        "djibouti": {"name": "Djibouti", "demonym": "Djibouti", "population": 900_000, "ISO": {"alpha2": "DJ"}},
    }
    assert demonyms(countries) == {"Bosnian": "BA", "French": "FR", "Herzegovinian": "BA", "Iraqi": "IQ"}


def test_a_politicians_party_and_state_names_the_state(toponyms):
    text = "Rep. James Clyburn, D-S.C., spoke first; Sen. Ted Cruz, R-Texas, answered."
    found = roles(text, toponyms)
    assert found["ne:admin1:US45"] == (PLACE, [("S.C.", PLACE)])
    assert found["ne:admin1:US48"] == (PLACE, [("Texas", PLACE)])


def test_an_era_is_not_british_columbia_but_a_canadian_abbreviation_is(toponyms):
    assert "ne:admin1:CA02" not in roles("The temple was built in 500 B.C. near the river.", toponyms)
    found = roles("The mill closed in Prince George, B.C., on Monday.", toponyms)
    assert found["ne:admin1:CA02"] == (PLACE, [("B.C.", PLACE)])


def test_australian_states_by_their_usual_abbreviations(toponyms):
    found = roles("Bushfires burned in regional NSW and southern Qld on Sunday.", toponyms)
    assert found["ne:admin1:AUS-new-south-wales"] == (PLACE, [("NSW", PLACE)])
    assert found["ne:admin1:AS04"] == (PLACE, [("Qld", PLACE)])


def test_a_state_abbreviation_after_a_comma_ends_its_sentence(toponyms):
    found = roles("He lives in Harrisburg, Pa. Smith said he never left.", toponyms)
    assert found["ne:admin1:US42"] == (PLACE, [("Pa.", PLACE)])


def test_an_acronym_before_a_capitalised_word_is_named_not_a_first_name(toponyms):
    text = "Minnesota may lose one of its eight seats in the U.S. House of Representatives, officials said."
    found = roles(text, toponyms)
    assert found["geonames:6252001"] == (NAMED, [("U.S.", NAMED)])
    assert found["ne:admin1:US27"] == (PLACE, [("Minnesota", PLACE)])


def test_the_european_union_and_continents_adjectives(toponyms):
    found = roles("EU ministers met African and Asian delegates on Monday.", toponyms)
    assert found["curated:european-union"] == (PLACE, [("EU", PLACE)])
    assert found["geonames:6255146"] == (NAMED, [("African", NAMED)])
    assert found["geonames:6255147"] == (NAMED, [("Asian", NAMED)])
    found = roles("The plan was put to the EU Council on Monday.", toponyms)
    assert found["curated:european-union"] == (NAMED, [("EU", NAMED)])


def test_a_state_before_a_word_that_stands_nowhere_else_is_named(toponyms):
    assert roles("Lawmakers in the Minnesota House voted on Monday to cut taxes.", toponyms) == {
        "ne:admin1:US27": (NAMED, [("Minnesota", NAMED)])
    }
    # "Woolf" stands alone too: Virginia is a first name here
    assert roles("The novelist Virginia Woolf wrote the book, and Woolf later said so.", toponyms) == {}


def test_a_day_after_a_place_is_no_surname(toponyms):
    found = roles("The crash happened on the bridge in Alexandria Friday night.", toponyms)
    assert [role for role, _ in found.values()] == [PLACE]


def test_a_street_named_after_a_place_is_neither_role(toponyms):
    assert roles("Police closed Washington Drive after the crash.", toponyms) == {}


def test_a_town_after_a_party_is_a_place(toponyms):
    found = roles("Senate Majority Leader Larry Pogemiller, DFL-Minneapolis, said cuts may come.", toponyms)
    assert found == {"geonames:5037649": (PLACE, [("Minneapolis", PLACE)])}


def test_a_first_name_that_is_a_region_stays_a_person(toponyms):
    assert roles("Vladimir Putin met reporters on Monday.", toponyms) == {}


def test_a_direction_before_a_state_and_an_area_after_a_city(toponyms):
    found = roles("Jobless rates in Northeast Georgia fell, and Atlanta-area calls rose.", toponyms)
    assert found["ne:admin1:US13"] == (PLACE, [("Georgia", PLACE)])
    assert found["geonames:4180439"] == (PLACE, [("Atlanta", PLACE)])


def test_the_review_reads_how_a_place_is_named_associatively(toponyms):
    """The review model tells a people's adjective from a name inside an organisation's, and a literal place."""
    from geo.geoparser.confidence import DEMONYM, FEATURES, INSIDE_NAME

    text = "Iraqi officials met the Ohio Department of Development in Columbus, Ohio, on Monday."
    found = {p.toponym.ref: p for p in geoparse(text, toponyms, named=True)}
    iraq, ohio = found["geonames:99237"], found["ne:admin1:US39"]
    assert (iraq.role, iraq.associative) == (NAMED, DEMONYM)
    assert [m.role for m in ohio.mentions] == [NAMED, PLACE] and ohio.associative == ""
    columns = [FEATURES.index("named_inside_name"), FEATURES.index("named_demonym")]
    assert [iraq.features()[i] for i in columns] == [0.0, 1.0]
    assert [ohio.features()[i] for i in columns] == [0.0, 0.0]
    (ohio_named,) = geoparse("The Ohio Department of Development said so.", toponyms, named=True)
    assert ohio_named.associative == INSIDE_NAME
    assert [ohio_named.features()[i] for i in columns] == [1.0, 0.0]


def test_a_literal_place_keeps_its_flag_without_its_associative_mentions(toponyms):
    """The review reads a place's mentions of its own role, so `by_role` and the literal parse agree with it."""
    text = "Springfield Police arrested a man in Springfield, Illinois. SPRINGFIELD officers said he fled."
    (both,) = [p for p in geoparse(text, toponyms, named=True) if p.toponym.name == "Springfield"]
    (parted,) = [p for p in by_role(geoparse(text, toponyms, named=True))[0] if p.toponym.name == "Springfield"]
    assert NAMED in [m.role for m in both.mentions] and NAMED not in [m.role for m in parted.mentions]
    assert both.features() == parted.features()
    assert (both.confidence, both.review) == (parted.confidence, parted.review)


def test_a_curated_wider_region_is_judged_by_the_review_model(toponyms):
    """The EU's point stands for a continent-wide area: the model judges it; a curated corridor keeps its own rule."""
    found = {p.toponym.ref: p for p in geoparse("EU monitors visited the Lachin corridor on Monday.", toponyms)}
    assert found["curated:european-union"].judged_by_model
    assert not found["curated:lachin-corridor"].judged_by_model


def test_a_name_with_an_age_in_apposition_is_a_persons_everywhere(toponyms):
    # "Wilson, 54," is a man; the town of Wilson is no mention, in this sentence or the next
    text = "A man was sentenced on Friday. Gary Wilson, 54, of Tyler was given two years. Wilson had pled guilty."
    assert [p.toponym.name for p in geoparse(text, toponyms, named=True)] == ["Tyler"]
    # a number after a place that is no age leaves it a place
    assert "Wilson" in [p.toponym.name for p in geoparse("Storms hit Wilson, 12 miles east of Tyler.", toponyms)]


def test_a_street_named_after_the_town_leaves_the_town_a_place(toponyms):
    # the street is neither the town nor a person: "Palestine" stays a place where the text names it
    text = "Police closed West Palestine Avenue on Monday. A Palestine man was arrested near the park."
    places = geoparse(text, toponyms)
    assert [(p.name, [m.start for m in p.mentions]) for p in places] == [("Palestine", [text.index("A ") + 2])]


def test_the_world_s_rivers_seas_ranges_and_regions_are_found(toponyms):
    text = (
        "Barges on the Mississippi River, the Nile, the Danube and the Rhine carried grain. Climbers went to "
        "the Andes and the Himalayas, and caravans crossed the Sahara. Fishermen on Lake Victoria, tankers in "
        "the Strait of Hormuz and the Suez Canal, and ports on the Great Lakes reported delays. Drought hit "
        "the Sahel; storms struck the Midwest, New England and the West Coast."
    )
    found = {p.toponym.name: p.toponym.kind for p in geoparse(text, toponyms)}
    expected = {
        "Mississippi": "river",
        "Nile": "river",
        "Danube": "river",
        "Rhine": "river",
        "Andes": "mountains",
        "Himalayas": "mountains",
        "Sahara": "wider region",
        "Lake Victoria": "lake",
        "Strait of Hormuz": "sea",
        "Suez Canal": "canal",
        "Great Lakes": "lake",
        "Sahel": "wider region",
        "Midwest": "wider region",
        "New England": "wider region",
        "West Coast": "wider region",
    }
    assert {name: found.get(name) for name in expected} == expected
    assert "Victoria" not in found  # not the Seychelles' capital


def test_a_country_a_state_a_town_or_a_company_keeps_a_river_s_bare_name(toponyms):
    text = (
        "Amazon said on Tuesday that its warehouses in Seattle would close. King Abdullah of Jordan met "
        "officials in Amman. Voters in Mississippi went to the polls in Jackson. In Victoria, British "
        "Columbia, the harbour froze. Ships sailed up the Congo River and along the Jordan River."
    )
    places = geoparse(text, toponyms)
    by_name = {p.toponym.name: p.toponym for p in places}
    assert by_name["Jordan"].kind == "country" and by_name["Jordan River"].kind == "river"
    assert by_name["Mississippi"].kind == "region"
    assert by_name["Victoria"].country == "CA"
    assert by_name["Congo"].kind == "river" and [
        m.text for p in places if p.toponym.name == "Congo" for m in p.mentions
    ] == ["Congo River"]
    assert not any(p.toponym.kind == "river" and p.mentions[0].text == "Amazon" for p in places)
    after_the = geoparse("Floods along the Amazon cut off villages.", toponyms)
    assert [(p.toponym.name, p.toponym.kind) for p in after_the] == [("Amazon", "river")]


def test_a_smaller_river_s_bare_name_is_left_to_the_names_it_is_part_of(toponyms):
    """Natural Earth's Rio Negro and upper Huang: "the Negro leagues" and "the Huang dynasty" are no rivers."""
    assert geoparse("He played in the Negro leagues; she studied the Huang dynasty.", toponyms) == []
    places = geoparse("Boats sailed up the Negro River; floods hit the Danube.", toponyms)
    assert [(p.toponym.kind, p.mentions[0].text) for p in places] == [("river", "Negro River"), ("river", "Danube")]


def test_a_place_before_a_verb_of_speech_stays_a_place_after_a_preposition(toponyms):
    # "in Austin told", "of Tyler said": the speaker is the nurse or the man, not the town
    text = (
        "A nurse at a clinic in Austin told reporters she was worried. "
        "Mark Reyes, 54, of Tyler said he was not. Lena Ortiz said little."
    )
    assert [p.name for p in geoparse(text, toponyms)] == ["Austin", "Tyler"]
    # without a preposition the same verb still makes the name a person's, wherever it stands
    assert [p.name for p in geoparse("Tyler said he was tired. Crowds filled Tyler.", toponyms)] == []


def test_a_disease_named_after_a_place_names_it_without_drawing_it(toponyms):
    places = geoparse("Rift Valley fever reached Kenya; the Rift Valley itself was spared.", toponyms, named=True)
    roles_of = {p.name: [m.role for m in p.mentions] for p in places}
    assert roles_of["Kenya"] == [PLACE]
    assert roles_of["Rift Valley"] == [NAMED, PLACE]  # the fever names it; the valley itself is a place


def test_a_text_of_one_sentence_is_not_a_headline(toponyms):
    # its capitals are not a headline's: there is no body below them
    assert [p.name for p in geoparse("Trucks left El Paso for Dallas.", toponyms)] == ["El Paso", "Dallas"]
    # above a body the same capitals are a headline, whose weak names need the body to name them
    text = "Trucks Left El Paso For Dallas\n\nThe convoy reached Dallas on Monday."
    assert [p.name for p in geoparse(text, toponyms)] == ["Dallas"]


def test_a_town_that_speaks_is_a_place_where_the_text_also_places_it(toponyms):
    # "Gainesville says no" is the town speaking through its people, as "55 Gainesville residents" shows
    text = "About 55 Gainesville residents marched on Friday. Organisers said Gainesville says no to the plan."
    assert "Gainesville" in {p.name for p in geoparse(text, toponyms)}
    # a name that only ever speaks is a person's
    assert "Gainesville" not in {p.name for p in geoparse("Gainesville said the plan was sound.", toponyms)}
