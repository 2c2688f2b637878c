"""The Explore page (app.py) run headless with Streamlit's AppTest: query parameters, selection, notices."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import streamlit as st
from bs4 import BeautifulSoup
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from geo.app.explore import WAITING
from geo.app.folium_component import quiet_start
from geo.atlas.links import fold, search_places
from geo.paths import ROOT
from tests.apptest import (
    click_place,
    follow_link,
    html_blocks,
    listed_places,
    map_drawn,
    place_list,
    run_script,
    selected_place,
)

APP = str(ROOT / "app.py")
HOSTILE = "<script>alert(1)</script>"


def run_app(place=None) -> AppTest:
    return run_script(APP, place=place)


def markdown_values(at: AppTest, html_only: bool = False) -> list[str]:
    """The page's HTML blocks (st.html and Markdown with HTML), and with `html_only` False its plain Markdown too."""
    plain = [] if html_only else [m.value for m in at.markdown if not m.proto.allow_html]
    return html_blocks(at) + plain


def all_text(at: AppTest) -> str:
    parts = markdown_values(at)
    parts += [e.value for e in at.warning] + [e.value for e in at.info] + [e.value for e in at.caption]
    parts += [e.value for e in at.title] + [e.value for e in at.code]
    return "\n".join(parts)


def heading(at: AppTest) -> str | None:
    """The selected place's heading as the reader sees it, "## <name>" (None with no place open)."""
    for value in markdown_values(at, html_only=True):
        found = BeautifulSoup(value, "html.parser").select_one("h2.atlas-place-name")
        if found is not None:
            return "## " + found.get_text()
    return None


def picking(at: AppTest) -> bool:
    """Whether the panel asks the reader to pick a place."""
    return any(BeautifulSoup(v, "html.parser").select_one("h2.atlas-pick") for v in markdown_values(at, True))


@pytest.fixture(scope="module")
def plain():
    return run_app()


def test_no_place_shows_the_prompt_and_no_notice(plain):
    assert picking(plain)
    assert heading(plain) is None
    assert not plain.warning
    assert "place" not in plain.query_params


def test_a_first_run_draws_the_map_and_the_passage_and_the_map_s_report_draws_the_rest():
    """A session's first run leaves out everything under the map and in the sidebar, and has its map report
    once drawn (no quiet start); that report's run draws the whole page, and later runs keep the map quiet."""
    at = run_script(APP, first_only=True, place="baku")
    (component,) = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    assert quiet_start(args["returned_objects"]) and quiet_start(args["returned_objects"]) not in args["script"]
    assert heading(at) == "## Baku"
    assert place_list(at) is None and not at.get("popover")
    assert not [v for v in markdown_values(at, html_only=True) if 'class="atlas-timeline' in v]
    map_drawn(at)
    (component,) = at.get("component_instance")
    assert quiet_start(args["returned_objects"]) in json.loads(component.proto.json_args)["script"]
    assert heading(at) == "## Baku" and selected_place(at) == "baku" and at.get("popover")
    assert len([v for v in markdown_values(at, html_only=True) if 'class="atlas-timeline' in v]) == 2


def test_the_list_holds_every_place_with_its_passage_count(plain, atlas):
    assert listed_places(plain) and set(listed_places(plain)) == set(atlas.by_slug)
    shown = place_list(plain)
    baku = shown.select_one('a[data-place="baku"]')
    count = len(atlas.passages["baku"])
    assert baku.get_text() == f"Baku · {count} passage{'s' if count != 1 else ''}"
    assert baku["href"] == "?place=baku" and not baku.has_attr("aria-current")
    labels = [g.get_text() for g in shown.select(".pl-group")]
    for group in ("Countries", "Cities", "Regions", "Routes (indicative)"):
        assert group in labels
    assert selected_place(plain) == ""


def test_the_footer_credits_the_article_and_sources(plain, atlas):
    footer = next(v for v in markdown_values(plain, html_only=True) if v.startswith('<div class="atlas-credits">'))
    assert atlas.meta.author in footer
    assert "GeoNames" in footer and "Natural Earth" in footer


def test_a_valid_place_opens_its_panel_and_passages():
    at = run_app("baku")
    assert heading(at) == "## Baku"
    passages = [v for v in markdown_values(at, html_only=True) if 'class="atlas-passage"' in v]
    assert passages and all("<mark>Baku</mark>" in p for p in passages)
    assert not at.warning
    assert at.query_params["place"] == "baku"
    assert any(c.value.endswith("?place=baku") for c in at.code)
    assert selected_place(at) == "baku"


def test_case_and_spaces_in_the_link_are_forgiven():
    assert heading(run_app(" Stepanakert ")) == "## Stepanakert"


def test_unknown_place_shows_a_notice_and_suggests_baku():
    at = run_app("bakuu")
    assert len(at.warning) == 1
    assert "bakuu" in at.warning[0].value
    assert picking(at)
    suggestion = at.button(key="suggest-baku")
    assert suggestion.label == "Baku"
    suggestion.click().run()
    assert not at.exception
    assert at.query_params["place"] == "baku"
    assert heading(at) == "## Baku"
    assert not at.warning


@pytest.mark.parametrize(
    "raw",
    [HOSTILE, '"><img src=x onerror=alert(1)>', "../../etc/passwd", "x" * 500, "baku<script>"],
)
def test_hostile_values_show_a_notice_and_nothing_runs(raw):
    at = run_app(raw)
    assert len(at.warning) == 1
    notice = at.warning[0].value
    assert "<" not in notice and raw not in notice
    assert picking(at)
    for value in markdown_values(at, html_only=True):
        assert raw not in value
        assert "<script" not in value.lower()
        assert "onerror" not in value.lower()
    assert raw not in all_text(at)


def test_a_place_without_geometry_still_opens(atlas):
    slug = next(p.slug for p in atlas.places if not p.geometry_ref)
    at = run_app(slug)
    assert heading(at) == f"## {atlas.by_slug[slug].name}"


def test_a_place_the_article_does_not_name_says_why(atlas):
    slug = next(p.slug for p in atlas.places if not atlas.passages[p.slug])
    at = run_app(slug)
    counts = [BeautifulSoup(v, "html.parser").select_one(".atlas-count") for v in markdown_values(at, True)]
    assert any(c is not None and c.get_text() == "Not named in the article" for c in counts)


def test_clicking_a_listed_place_selects_it_and_sets_the_link():
    at = run_app()
    listed = place_list(at)
    click_place(at, "stepanakert")
    assert at.query_params["place"] == "stepanakert"
    assert heading(at) == "## Stepanakert"
    assert selected_place(at) == "stepanakert"
    assert place_list(at) == listed  # the same element whatever is selected: sent as a reference
    click_place(at, "baku")
    assert at.query_params["place"] == "baku"
    assert heading(at) == "## Baku"


def test_explore_draws_no_text_field_and_no_element_per_place():
    # A Streamlit text field would load its code ahead of the map's on a first visit: the list's search
    # is its own, and links open places and events.
    at = run_app("baku")
    assert not at.text_input
    assert not [b for b in at.sidebar.button if b.key and b.key.startswith("pick-")]


def searched(at: AppTest, query: str) -> list[str]:
    """The places the list's script (static/atlas/place-list.js) shows for a query: those one of whose
    names as the list carries them (folded, one a line) contains the folded query."""
    q = fold(query.strip())
    items = place_list(at).select("li[data-names]")
    return [li.a["data-place"] for li in items if not q or any(q in name for name in li["data-names"].split("\n"))]


def test_the_list_carries_every_name_its_search_needs(atlas):
    at = run_app()
    assert searched(at, "Khankendi") == ["stepanakert"]
    assert set(searched(at, "zangezur")) == {"zangezur-corridor", "southern-armenia"}
    assert searched(at, "Xankəndi") == ["stepanakert"]
    assert searched(at, "") == listed_places(at)
    for query in ("baku", "  Stepanakert ", "ARMENIA", "Şuşa", "shusha", "river", "a"):
        assert set(searched(at, query)) == {p.slug for p in search_places(atlas.places, query)}, query


def test_search_without_match_has_a_place_to_say_so():
    at = run_app()
    assert searched(at, "qwertyuiop") == []
    status = place_list(at).select_one(".atlas-place-search [role=status]")
    assert status is not None and status.has_attr("hidden")
    assert place_list(at).select_one("label[for=atlas-place-search]").get_text() == "Search names and aliases"


def test_a_broken_data_file_gives_a_clear_error_not_a_traceback(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(Path(APP).parent / "data", data)
    places = data / "places.yaml"
    places.write_text(places.read_text(encoding="utf-8").replace("geometry: geonames:587084", "geometry: geonames:1"))
    monkeypatch.setenv("ATLAS_DATA_DIR", str(data))
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        assert not at.exception
        message = at.error[0].value
        assert "places.yaml" in message and "'baku'" in message and "'geometry'" in message
    finally:
        st.cache_resource.clear()


# The article's chronology ------------------------------------------------------------------


def run_event(event=None, place=None) -> AppTest:
    return run_script(APP, event=event, place=place)


def timeline_soup(at: AppTest) -> BeautifulSoup:
    """The timeline as the page shows it."""
    parts = [v for v in markdown_values(at, html_only=True) if 'class="atlas-timeline' in v.split(">", 1)[0]]
    assert len(parts) == 2, "the axis, then the list"
    return BeautifulSoup("".join(parts), "html.parser")


def timeline_state(at: AppTest) -> tuple[str, tuple[str, ...], str]:
    """What the timeline marks (static/atlas/timeline.js applies it): the open event, the events of
    the selected place and its name."""
    found = [v for v in markdown_values(at, html_only=True) if 'class="tl-state"' in v]
    assert len(found) == 1
    state = BeautifulSoup(found[0], "html.parser").select_one("div.tl-state[hidden]")
    return state["data-selected"], tuple(state["data-marked"].split()), state["data-place"]


def event_heading(at: AppTest) -> str | None:
    for value in markdown_values(at, html_only=True):
        found = BeautifulSoup(value, "html.parser").select_one("h2.atlas-event-title")
        if found is not None:
            return found.get_text()
    return None


def click_event(at: AppTest, slug: str) -> AppTest:
    """A click on an event in the timeline's list: its link, followed in the same session."""
    link = timeline_soup(at).select_one(f'ol.tl-list a[data-event="{slug}"]')
    assert link is not None, f"{slug} is not on the timeline"
    return follow_link(at, link["href"])


@pytest.fixture(scope="module")
def events(atlas):
    from geo.atlas.events import load_events

    return load_events(atlas)


def test_the_timeline_lists_every_event_under_the_map(plain, events):
    tree = timeline_soup(plain)
    assert [a["data-event"] for a in tree.select("ol.tl-list a")] == [e.slug for e in events]
    assert [a["href"] for a in tree.select("a.tl-bead")] == [f"?event={e.slug}" for e in events]
    assert tree.select(".is-selected, .is-marked") == []
    assert timeline_state(plain) == ("", (), "")
    assert plain.button(key="event-prev").disabled and not plain.button(key="event-next").disabled
    assert plain.button(key="event-next").label == "First event →"


def test_an_event_link_opens_its_panel_and_marks_it(events):
    at = run_event("escalation-2022")
    assert event_heading(at) == "Another huge escalation between Azerbaijan and Armenia"
    quote = next(v for v in markdown_values(at, html_only=True) if 'class="atlas-passage atlas-event-passage"' in v)
    assert "<mark>last September saw another huge escalation between Azerbaijan and Armenia</mark>" in quote
    assert any(c.value.endswith("?event=escalation-2022") for c in at.code)
    assert timeline_state(at) == ("escalation-2022", (), "")
    assert heading(at) is None and not at.warning
    assert {b.key for b in at.button if b.key.startswith("event-place-")} == {
        "event-place-azerbaijan",
        "event-place-armenia",
    }


def test_clicking_an_event_on_the_timeline_selects_it_and_sets_the_link():
    at = click_event(run_app(), "four-day-war")
    assert at.query_params["event"] == "four-day-war"
    assert event_heading(at) == "The four-day war"
    assert timeline_state(at)[0] == "four-day-war"
    click_event(at, "exodus")
    assert at.query_params["event"] == "exodus" and event_heading(at) == "The exodus of Armenians from Nagorno-Karabakh"


def test_an_event_closed_opens_again_from_its_link(events):
    at = click_event(run_app("baku"), events[-1].slug)
    assert at.query_params["event"] == events[-1].slug and "place" not in at.query_params
    at.button(key="event-close").click().run()
    assert "event" not in at.query_params and event_heading(at) is None
    click_event(at, events[-1].slug)
    assert at.query_params["event"] == events[-1].slug


def test_earlier_and_later_buttons_move_through_the_events(events):
    slugs = [e.slug for e in events]
    at = run_app()
    at.button(key="event-next").click().run()
    assert at.query_params["event"] == slugs[0] and at.button(key="event-prev").disabled
    at.button(key="event-next").click().run()
    assert at.query_params["event"] == slugs[1]
    at.button(key="event-prev").click().run()
    assert at.query_params["event"] == slugs[0]
    last = run_event(slugs[-1])
    assert last.button(key="event-next").disabled and not last.button(key="event-prev").disabled
    last.button(key="event-prev").click().run()
    assert last.query_params["event"] == slugs[-2]
    last.button(key="event-close").click().run()
    assert "event" not in last.query_params and event_heading(last) is None and picking(last)


def test_opening_an_event_closes_the_place_and_the_other_way_round():
    at = run_app("baku")
    click_event(at, "attack-2023")
    assert "place" not in at.query_params and at.query_params["event"] == "attack-2023"
    at.button(key="event-place-nagorno-karabakh").click().run()
    assert at.query_params["place"] == "nagorno-karabakh" and "event" not in at.query_params
    assert heading(at) == "## Nagorno-Karabakh" and event_heading(at) is None


def test_a_selected_place_marks_the_events_that_involve_it(events):
    at = run_app("london")
    _, marked, name = timeline_state(at)
    assert list(marked) == [e.slug for e in events if "london" in e.places] == ["ibadoglu-imprisoned"]
    assert name == "London"
    # The legend is in the markup, hidden, for the page's script to fill with the place's name.
    assert timeline_soup(at).select_one(".tl-legend .tl-legend-marked[hidden] .tl-place-name") is not None


def test_the_timeline_markup_is_the_same_whatever_is_selected():
    """Only the small state changes with the selection: the timeline travels as a reference."""
    runs = [run_app(), run_app("london"), run_event("four-day-war"), run_app("baku")]
    markups = {str(timeline_soup(at)) for at in runs}
    assert len(markups) == 1
    assert len({timeline_state(at) for at in runs}) == len(runs)


def test_an_unknown_event_suggests_the_nearest():
    at = run_event("exodos")
    assert len(at.warning) == 1 and "exodos" in at.warning[0].value
    at.button(key="suggest-event-exodus").click().run()
    assert at.query_params["event"] == "exodus" and not at.warning


@pytest.mark.parametrize("raw", [HOSTILE, '"><img src=x onerror=alert(1)>', "x" * 500, "exodus<script>"])
def test_hostile_event_values_show_a_notice_and_nothing_runs(raw):
    at = run_event(raw)
    assert len(at.warning) == 1
    notice = at.warning[0].value
    assert "event" in notice and "<" not in notice and raw not in notice
    assert picking(at) and event_heading(at) is None
    for value in markdown_values(at, html_only=True):
        assert raw not in value and "<script" not in value.lower() and "onerror" not in value.lower()


def test_the_events_can_be_downloaded():
    labels = [b.proto.label for b in run_app().get("download_button")]
    assert "Download the events (JSON)" in labels and "Download the events (CSV)" in labels


def test_the_downloads_wait_in_one_menu():
    at = run_app()
    menus = []
    blocks = [at.main]
    while blocks:
        block = blocks.pop()
        if block.type == "popover":
            menus.append(block)
        blocks += [child for child in block.children.values() if isinstance(child, Block)]
    assert [m.proto.popover.label for m in menus] == ["Download the map or the data"]
    inside = [b.proto.label for b in menus[0].get("download_button")]
    assert len(inside) == 5 and inside == [b.proto.label for b in at.get("download_button")]


def test_a_first_run_notes_the_wait_and_leaves_the_rest_to_the_map_or_the_timer():
    at = run_script(APP, first_only=True, place="baku")
    assert at.session_state[WAITING] and place_list(at) is None
    map_drawn(at)
    assert place_list(at) is not None


def fallback_script() -> None:
    """Calls the fallback's function on the first two runs only, counting runs (a rerun it asks for is one)."""
    import streamlit as st

    from geo.app.explore import complete_page

    runs = st.session_state.setdefault("runs", 0)
    st.session_state["runs"] = runs + 1
    if runs < 2:
        complete_page()


def test_the_fallback_reruns_the_page_when_its_timer_fires_on_a_page_still_incomplete():
    """Its first call (the first run drawing it) only notes the wait; the next (the timer firing, the page
    still in its first step) reruns the whole page."""
    at = AppTest.from_function(fallback_script, default_timeout=30)
    at.run()
    assert at.session_state["runs"] == 1 and at.session_state[WAITING]
    at.run()
    assert not at.exception and at.session_state["runs"] == 3
