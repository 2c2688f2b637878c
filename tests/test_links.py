"""Shared links (geo/atlas/links.py): reading `?place=` safely, searching names, building links."""

from __future__ import annotations

import pytest

from geo.atlas.links import (
    atlas_link,
    event_link,
    page_link,
    place_link,
    read_event_param,
    read_place_param,
    search_places,
    site_root,
    with_atlas,
)

HOSTILE = "<script>alert(1)</script>"


def slugs(places) -> list[str]:
    return [p.slug for p in places]


# read_place_param --------------------------------------------------------------------------


def test_valid_slug_opens_that_place(atlas):
    request = read_place_param("baku", atlas.places)
    assert request.slug == "baku"
    assert request.notice is None
    assert request.suggestions == ()


@pytest.mark.parametrize("raw", ["BAKU", "  baku ", "Baku\n", ["baku"], ["armenia", "baku"]])
def test_case_whitespace_and_lists_are_forgiven(atlas, raw):
    assert read_place_param(raw, atlas.places).slug == "baku"


@pytest.mark.parametrize("raw", [None, "", []])
def test_no_value_means_no_place_and_no_notice(atlas, raw):
    request = read_place_param(raw, atlas.places)
    assert (request.slug, request.notice, request.suggestions) == (None, None, ())


def test_unknown_slug_gives_a_notice_and_suggests_the_closest(atlas):
    request = read_place_param("bakuu", atlas.places)
    assert request.slug is None
    assert request.notice and "bakuu" in request.notice
    assert request.suggestions and request.suggestions[0] == "baku"


def test_misspelt_alias_suggests_the_place(atlas):
    request = read_place_param("khankendy", atlas.places)
    assert request.slug is None
    assert "stepanakert" in request.suggestions


@pytest.mark.parametrize(
    "raw",
    [
        "a" * 81,
        "baku" * 100,
        HOSTILE,
        "../../etc",
        "../../etc/passwd",
        "baku'; DROP TABLE places; --",
        'baku" onmouseover="alert(1)',
        "%3Cscript%3E",
        "javascript:alert(1)",
        "${alert(1)}",
        [HOSTILE],
        ["baku", HOSTILE],
        [123],
    ],
)
def test_malformed_values_give_a_harmless_notice_and_no_slug(atlas, raw):
    request = read_place_param(raw, atlas.places)
    assert request.slug is None
    assert request.notice
    assert "<" not in request.notice and ">" not in request.notice
    assert '"' not in request.notice and "`" not in request.notice
    value = raw[-1] if isinstance(raw, list) else raw
    if isinstance(value, str) and len(value) > 3:
        assert value not in request.notice
    assert "../" not in request.notice
    assert all(s in atlas.by_slug for s in request.suggestions)


def test_very_long_values_are_not_echoed(atlas):
    request = read_place_param("x" * 5000, atlas.places)
    assert request.slug is None
    assert len(request.notice) < 200


def test_read_place_param_never_raises_on_odd_input(atlas):
    for raw in ["\x00", "ü" * 90, "-", "--", "a-", " ", "\u202e", "😀", ["", ""], [None]]:
        request = read_place_param(raw, atlas.places)
        assert request.slug is None or request.slug in atlas.by_slug


# read_event_param: the same reader, for events ---------------------------------------------


@pytest.fixture(scope="module")
def events(atlas):
    from geo.atlas.events import load_events

    return load_events(atlas)


def test_a_valid_event_opens(events):
    assert read_event_param(" Exodus ", events).slug == "exodus"
    assert read_event_param(["four-day-war"], events).slug == "four-day-war"
    assert read_event_param(None, events) == read_event_param("", events) == read_event_param([], events)
    assert read_event_param(None, events).notice is None


def test_an_unknown_event_gives_a_notice_and_suggestions(events):
    request = read_event_param("exodos", events)
    assert request.slug is None
    assert request.notice == "This atlas has no event called “exodos”, so no event is open."
    assert request.suggestions[0] == "exodus"
    assert "four-day-war" in read_event_param("four-day", events).suggestions


@pytest.mark.parametrize("raw", [HOSTILE, '"><img src=x onerror=alert(1)>', "x" * 500, [123], "../../etc/passwd"])
def test_a_hostile_event_value_gives_a_harmless_notice(events, raw):
    request = read_event_param(raw, events)
    assert request.slug is None and request.notice
    assert not set('<>"`') & set(request.notice)
    assert "an event in a form this atlas does not use" in request.notice or "could not be read" in request.notice
    assert all(s in {e.slug for e in events} for s in request.suggestions)


def test_event_link():
    assert event_link("http://localhost:8501/?place=baku#x", "exodus") == "http://localhost:8501/?event=exodus"


# search_places -----------------------------------------------------------------------------


def test_empty_search_lists_every_place_in_article_order(atlas):
    assert slugs(search_places(atlas.places, "")) == slugs(atlas.places)
    assert slugs(search_places(atlas.places, "   ")) == slugs(atlas.places)


def test_search_finds_stepanakert_by_its_azerbaijani_name(atlas):
    assert slugs(search_places(atlas.places, "Khankendi")) == ["stepanakert"]


def test_search_zangezur_finds_the_corridor_and_southern_armenia(atlas):
    found = slugs(search_places(atlas.places, "zangezur"))
    assert "zangezur-corridor" in found
    assert "southern-armenia" in found


@pytest.mark.parametrize("query", ["xankendi", "Xankəndi", "XANKƏNDI", "xanken"])
def test_search_ignores_case_and_accents(atlas, query):
    assert "stepanakert" in slugs(search_places(atlas.places, query))


def test_search_with_no_match_is_empty(atlas):
    assert search_places(atlas.places, "qwertyuiop") == []


def test_search_is_safe_with_regex_characters(atlas):
    for query in ["(", "[", ".*", "\\", HOSTILE]:
        assert search_places(atlas.places, query) == []


# place_link --------------------------------------------------------------------------------


def test_place_link_builds_a_query_with_the_slug():
    assert place_link("http://localhost:8501/", "baku") == "http://localhost:8501/?place=baku"
    assert place_link("http://localhost:8501", "baku") == "http://localhost:8501/?place=baku"


def test_place_link_replaces_any_previous_query_and_fragment():
    link = place_link("https://atlas.example.org/?place=armenia&x=1#top", "stepanakert")
    assert link == "https://atlas.example.org/?place=stepanakert"


def test_place_link_without_slug_is_the_bare_page():
    assert place_link("http://localhost:8501/?place=baku", None) == "http://localhost:8501/"


def test_place_link_encodes_extra_parameters():
    link = place_link("http://localhost:8501/Classroom_tour", "baku", {"step": "2 & 3"})
    assert link == "http://localhost:8501/Classroom_tour?place=baku&step=2+%26+3"


def test_page_link_keeps_the_path_and_sets_exactly_the_given_parameters():
    assert page_link("https://atlas.example.org/Classroom_tour?x=1#top", {"step": "2"}) == (
        "https://atlas.example.org/Classroom_tour?step=2"
    )
    assert page_link("https://atlas.example.org", {}) == "https://atlas.example.org/"


# Links to saved atlases and to the app -------------------------------------------------------


def test_with_atlas_adds_the_slug_once_and_keeps_the_rest_of_the_link():
    assert with_atlas("?place=baku", "my-atlas") == "?place=baku&atlas=my-atlas"
    assert with_atlas("http://h/Classroom_tour?step=2&atlas=old#x", "my-atlas") == (
        "http://h/Classroom_tour?step=2&atlas=my-atlas#x"
    )
    assert with_atlas("?place=baku", None) == "?place=baku"
    assert with_atlas("?q=a+%26+b&empty=", "s") == "?q=a+%26+b&empty=&atlas=s"


@pytest.mark.parametrize(
    ("page", "root"),
    [
        ("http://localhost:8501", "http://localhost:8501/"),
        ("http://localhost:8501/", "http://localhost:8501/"),
        ("http://h:8080/Classroom_tour", "http://h:8080/"),
        ("https://h/Article/?place=baku#top", "https://h/"),
        ("https://h/atlas/Map_your_own_article", "https://h/atlas/"),
        ("https://h/atlas", "https://h/atlas/"),  # a prefix, not a page
    ],
)
def test_site_root_cuts_the_pages_path_and_keeps_a_prefix(page, root):
    assert site_root(page, ("Classroom_tour", "Article", "Map_your_own_article")) == root


def test_atlas_link_is_the_root_with_the_slug():
    assert atlas_link("https://h/atlas/", "buses-leave-goris") == "https://h/atlas/?atlas=buses-leave-goris"
