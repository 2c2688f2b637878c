"""The presentation layer: views (geo/render/view_models.py) drawn by the templates (geo/render/templates/),
escaping included."""

from __future__ import annotations

from dataclasses import replace

import pytest
from bs4 import BeautifulSoup

from geo.atlas.places import OtherName
from geo.atlas.tours import Step, Tour
from geo.render.templating import marked, render
from geo.render.view_models import (
    article_view,
    atlas_view,
    figure_sentence,
    place_figures,
    place_view,
    plural,
    step_views,
)

HOSTILE = "<script>alert(1)</script>"


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


@pytest.fixture(scope="module")
def view(atlas):
    return atlas_view(atlas)


def test_marked_escapes_text_and_wraps_each_span():
    text = "A <b>bold</b> claim about Baku & Shusha"
    out = marked(text, ((text.index("Baku"), text.index("Baku") + 4), (text.index("Shusha"), len(text))))
    assert out == "A &lt;b&gt;bold&lt;/b&gt; claim about <mark>Baku</mark> &amp; <mark>Shusha</mark>"


def test_marked_sorts_spans_and_escapes_inside_them():
    assert marked("<i>x</i> and y", ((13, 14), (0, 8))) == "<mark>&lt;i&gt;x&lt;/i&gt;</mark> and <mark>y</mark>"


def test_marked_without_spans_only_escapes():
    assert marked(HOSTILE, ()) == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_plural():
    assert [plural(n, "passage") for n in (0, 1, 2)] == ["0 passages", "1 passage", "2 passages"]


def test_passages_quote_each_sentence_with_its_paragraph_one_click_away(atlas, view):
    passages = atlas.passages["baku"]
    tree = soup(render("place_passages.html", place=view.place("baku"), heading="h3", view=view, hrefs={}))
    assert tree.h3.get_text() == f"{len(passages)} passages in the article"
    assert tree.find("a", class_="atlas-mention") is None  # no links where the page gives none
    quotes, details = tree.select("blockquote.atlas-passage"), tree.select("details.paragraph")
    assert len(quotes) == len(details) == len(passages)
    for quote, detail, passage in zip(quotes, details, passages, strict=True):
        assert quote.get_text() == passage.sentence
        assert [m.get_text() for m in quote.find_all("mark")] == list(passage.mentions)
        assert detail.p.get_text() == passage.paragraph
    assert details[1].summary.get_text() == "Read the whole paragraph (2)"


def test_a_place_the_article_does_not_name_says_so(atlas, view):
    unnamed = next(p for p in view.places if not p.named)
    tree = soup(render("place_passages.html", place=unnamed, heading="h2", view=view, hrefs={}))
    assert tree.h2.get_text() == "Not named in the article"
    assert unnamed.list_label.endswith("· not named")


def test_place_head_lists_names_kind_and_figures(atlas, view):
    tree = soup(render("place_head.html", place=view.place("stepanakert"), heading="h2"))
    assert tree.h2.get_text() == "Stepanakert"
    assert tree.select_one(".atlas-kind").get_text() == "City"
    items = [(li.b.get_text(), li.span.get_text()) for li in tree.select("ul.atlas-names > li")]
    assert ("Khankendi", "(Azerbaijani)") in items
    figures = [li.get_text() for li in tree.select(".atlas-figures li")]
    assert figures == list(place_figures(atlas, atlas.by_slug["stepanakert"]))
    route = view.place("zangezur-corridor")
    assert route.kind_line == "Route · indicative route" and route.group == "Routes (indicative)"


def test_hostile_place_text_stays_text(atlas):
    place = replace(
        atlas.by_slug["baku"], name=HOSTILE, description=HOSTILE, other_names=(OtherName(HOSTILE, HOSTILE),)
    )
    hostile = place_view(replace(atlas, places=[place if p.slug == "baku" else p for p in atlas.places]), place)
    for template in ("place_head.html", "place_passages.html"):
        tree = soup(render(template, place=hostile, heading="h2", view=atlas_view(atlas), hrefs={}))
        assert tree.find("script") is None
    assert soup(render("place_head.html", place=hostile, heading="h2")).h2.get_text() == HOSTILE


def test_figures_give_the_published_value_and_the_difference(atlas):
    sentence = figure_sentence(atlas.figure(atlas.by_slug["southern-armenia"]))
    assert sentence.startswith("Area: 4,419 km² (published: 4,506 km², ")
    assert sentence.endswith("; difference -1.9%)")


def test_the_groups_follow_the_map_layers_and_hold_every_place(atlas, view):
    assert [g.label for g in view.groups] == [
        "Countries",
        "Regions",
        "Azerbaijani official terms",
        "Routes (indicative)",
        "Cities",
    ]
    assert sorted(p.slug for g in view.groups for p in g.places) == sorted(p.slug for p in atlas.places)
    assert view.named_count == sum(1 for p in atlas.places if atlas.passages[p.slug])


def test_the_date_comes_from_the_metadata(atlas, view):
    assert view.published == atlas.meta.first_published_text == "28 September 2023"
    caption = soup(render("explore_caption.html", view=view)).get_text()
    assert "28 September 2023" in caption and atlas.meta.author in caption


def test_credits_name_the_article_and_every_source(atlas, view):
    tree = soup(render("credits.html", view=view, osm=True))
    text = " ".join(tree.get_text().split())
    meta = atlas.meta
    assert f"“{meta.title}” by {meta.author}, first published by {meta.publisher} on 28 September 2023" in text
    assert " ".join(meta.licence.split()) in text
    links = {a.get_text(): a["href"] for a in tree.find_all("a")}
    assert links == {
        "original": meta.url,
        "GeoNames": "https://www.geonames.org/",
        "Natural Earth": "https://www.naturalearthdata.com/",
        "GSHHG and WDBII": "https://www.soest.hawaii.edu/pwessel/gshhg/",
    }
    assert "Rivers, lakes and coasts: GSHHG and WDBII, LGPL." in text
    assert "OpenStreetMap" in text
    assert "OpenStreetMap" not in soup(render("credits.html", view=view, osm=False)).get_text()


def test_credits_escape_hostile_metadata(view):
    hostile = replace(view, title=HOSTILE, author=HOSTILE, url='javascript:alert(1)" onclick="x')
    tree = soup(render("credits.html", view=hostile, osm=False))
    assert tree.find("script") is None
    [original] = [a for a in tree.find_all("a") if a.get_text() == "original"]
    assert original.attrs == {"href": 'javascript:alert(1)" onclick="x'}
    assert f"“{HOSTILE}” by {HOSTILE}" in tree.get_text()


def test_tour_steps_number_the_storyline(atlas, view):
    tour = Tour("T", tuple(Step(p, atlas.passages[p.slug][0], 1) for p in atlas.places[:3]))
    steps = step_views(view, tour)
    assert [s.counter for s in steps] == ["1 / 3", "2 / 3", "3 / 3"]
    assert steps[0].first and steps[-1].last and not steps[1].first


def test_a_hostile_tour_step_is_escaped(atlas, view):
    place = atlas.by_slug["baku"]
    passage = atlas.passages["baku"][0]
    sentence = HOSTILE + " " + passage.sentence
    passage = replace(passage, sentence=sentence, sentence_start=0, paragraph=sentence, spans=((0, len(HOSTILE)),))
    (step,) = step_views(view, Tour("T", (Step(place, passage, 1, note=HOSTILE),)))
    tree = soup(render("tour_step.html", step=step, notes=True))
    assert tree.find("script") is None
    assert tree.select_one(".tour-passage mark").get_text() == HOSTILE
    assert tree.select_one(".tour-note").get_text() == "Teacher note: " + HOSTILE
    assert soup(render("tour_step.html", step=step, notes=False)).select_one(".tour-note") is None


def hrefs_for(atlas) -> dict[str, str]:
    return {p.slug: f"?place={p.slug}" for p in atlas.places}


def test_the_other_places_a_passage_names_are_links(atlas, view):
    tree = soup(
        render("place_passages.html", place=view.place("stepanakert"), heading="h3", view=view, hrefs=hrefs_for(atlas))
    )
    first = tree.select("blockquote.atlas-passage")[0]
    assert first.get_text() == atlas.passages["stepanakert"][0].sentence  # links change no word
    linked = {a["data-slug"]: a for a in first.select("a.atlas-mention")}
    others = {m.slug for m in atlas.mentions[atlas.passages["stepanakert"][0].block]} - {"stepanakert"}
    sentence_others = {
        m.slug
        for m in atlas.mentions[atlas.passages["stepanakert"][0].block]
        if m.slug != "stepanakert"
        and atlas.passages["stepanakert"][0].sentence_start <= m.start
        and m.end <= atlas.passages["stepanakert"][0].sentence_start + len(atlas.passages["stepanakert"][0].sentence)
    }
    assert set(linked) == sentence_others and sentence_others <= others
    for slug, a in linked.items():
        assert a["href"] == f"?place={slug}" and a["target"] == "_self"
        assert "aria-label" not in a.attrs  # in passages the link's text is its name
    assert [m.get_text() for m in first.find_all("mark")] == ["Stepanakert"]


def test_every_passage_of_every_place_links_each_other_place_it_names(atlas, view):
    hrefs = hrefs_for(atlas)
    for place in view.places:
        for passage in place.passages:
            assert "".join(p.text for p in passage.sentence_parts) == passage.sentence
            assert "".join(p.text for p in passage.paragraph_parts) == passage.paragraph
            links = [p.slug for p in passage.paragraph_parts if p.slug]
            assert place.slug not in links and all(slug in hrefs for slug in links)


def test_a_hostile_place_name_in_a_link_stays_text(atlas):
    hostile = [
        replace(p, name=HOSTILE, other_names=(OtherName(HOSTILE, HOSTILE),)) if p.slug == "baku" else p
        for p in atlas.places
    ]
    hostile_atlas = replace(atlas, places=hostile)
    view = atlas_view(hostile_atlas)
    passage = next(
        p for p in view.place("stepanakert").passages if any(part.slug == "baku" for part in p.paragraph_parts)
    )
    stepanakert = replace(view.place("stepanakert"), passages=(passage,))
    tree = soup(render("place_passages.html", place=stepanakert, heading="h3", view=view, hrefs=hrefs_for(atlas)))
    assert tree.find("script") is None
    assert tree.find("a", attrs={"data-slug": "baku"}).get_text() == "Baku"
    article = soup(render("article_text.html", article=article_view(hostile_atlas), view=view, hrefs=hrefs_for(atlas)))
    assert article.find("script") is None
    assert HOSTILE in article.find("a", attrs={"data-slug": "baku"})["aria-label"]


def test_the_article_view_keeps_every_word_and_links_every_counted_mention(atlas):
    article = article_view(atlas)
    assert [b.kind for b in article.blocks] == [b.kind for b in atlas.blocks]
    for block, source in zip(article.blocks, atlas.blocks, strict=True):
        assert "".join(p.text for p in block.parts) == source.text
    linked = [p.slug for b in article.blocks for p in b.parts if p.slug]
    assert len(linked) == article.mention_count == sum(len(v) for v in atlas.mentions.values())
    assert not any(p.slug for b in article.blocks if b.kind == "pullquote" for p in b.parts)
    tree = soup(render("article_text.html", article=article, view=atlas_view(atlas), hrefs=hrefs_for(atlas)))
    links = tree.select("article a.atlas-mention")
    assert len(links) == article.mention_count
    assert all(a["aria-label"].startswith(a.get_text() + ": ") for a in links)
    assert {k.get_text() for k in tree.select(".atlas-key-item")} == {label for _, label in article.keys}


# The article's chronology ------------------------------------------------------------------


@pytest.fixture(scope="module")
def events(atlas):
    from geo.atlas.events import load_events

    return load_events(atlas)


@pytest.fixture(scope="module")
def timeline(atlas, events):
    from geo.render.view_models import timeline_view

    return timeline_view(atlas, events)


def links_for(timeline) -> dict[str, str]:
    return {e.slug: f"?event={e.slug}" for e in timeline.events}


def render_timeline(timeline, selected=None, place=None, place_name=None) -> BeautifulSoup:
    marked = timeline.involving(place) if place else frozenset()
    html = render(
        "timeline.html", timeline=timeline, links=links_for(timeline), selected=selected, marked=marked,
        place_name=place_name,
    )  # fmt: skip
    return soup(html)


def test_positions_are_proportional_to_time(timeline, events):
    ats = [e.at for e in timeline.events]
    assert ats == sorted(ats) and ats[0] >= 0 and ats[-1] < 100
    by = {e.slug: e for e in timeline.events}
    # 1988 to 2023 on one axis: the fifteen quiet years after the first war take far more room than 2022-23.
    quiet = by["intelligentsia-visit"].at - (by["first-karabakh-war"].at + by["first-karabakh-war"].span)
    busy = by["exodus"].at - by["escalation-2022"].at
    assert quiet > 10 * busy
    years = [t.year for t in timeline.ticks]
    assert years == list(range(1989, 2024))
    step = timeline.ticks[1].at - timeline.ticks[0].at
    assert all(abs((b.at - a.at) - step) < 0.01 for a, b in zip(timeline.ticks, timeline.ticks[1:], strict=False))
    assert [t.year for t in timeline.ticks if t.labelled] == [1990, 1995, 2000, 2005, 2010, 2015, 2020]
    assert timeline.published == "28 September 2023" and ats[-1] <= timeline.published_at


def test_periods_have_a_length_and_moments_none(timeline):
    by = {e.slug: e for e in timeline.events}
    assert by["first-karabakh-war"].span > 15  # six years of thirty-six
    assert by["blockade-2022"].span > 1.5
    assert by["attack-2023"].span == 0 and by["intelligentsia-visit"].span == 0


def test_beads_in_one_lane_never_touch(timeline):
    from geo.render.view_models import BEAD_PERCENT

    lanes: dict[int, list] = {}
    for e in timeline.events:
        lanes.setdefault(e.lane, []).append(e)
    for beads in lanes.values():
        for a, b in zip(beads, beads[1:], strict=False):
            assert a.at + max(a.span, BEAD_PERCENT) <= b.at
    assert timeline.lanes == max(e.lane for e in timeline.events) + 1
    # The crowded September of 2023 stacks highest.
    assert max(timeline.events, key=lambda e: e.lane).slug == "exodus"


def test_the_septembers_stand_out(timeline):
    assert [year for year, _ in timeline.septembers] == [1991, 2020, 2022, 2023]
    assert timeline.september_years == "1991, 2020, 2022 and 2023"
    tree = render_timeline(timeline)
    september = {e.slug for e in timeline.events if e.september}
    assert {a["data-event"] for a in tree.select("a.tl-bead.tl-sep")} == september
    assert {li.a["data-event"] for li in tree.select("li.tl-sep")} == september
    assert "1991, 2020, 2022 and 2023" in tree.select_one(".tl-legend").get_text()
    assert len(tree.select(".tl-september")) == 4


def test_every_event_is_a_bead_and_a_link(timeline):
    tree = render_timeline(timeline)
    beads, items = tree.select("a.tl-bead"), tree.select("ol.tl-list li a")
    assert [a["data-event"] for a in beads] == [a["data-event"] for a in items] == [e.slug for e in timeline.events]
    assert all(a["href"] == f"?event={a['data-event']}" for a in beads + items)
    # The list is what keyboards and screen readers use: the axis is hidden from them, its beads out of the tab order.
    assert tree.select_one(".tl-axis")["aria-hidden"] == "true"
    assert all(a["tabindex"] == "-1" for a in beads) and not any(a.has_attr("tabindex") for a in items)
    first = items[0].get_text(" ", strip=True)
    assert first == "1988–94 The First Karabakh War"
    assert tree.nav["aria-label"] == "The article's events in date order"
    axis_only = soup(render("timeline.html", timeline=timeline, links=links_for(timeline), selected=None,
                            marked=(), place_name=None, parts=("axis",)))  # fmt: skip
    assert axis_only.select("a.tl-bead") and not axis_only.select(".tl-list")


def test_the_selection_and_a_place_s_events_are_marked(timeline):
    tree = render_timeline(timeline, selected="four-day-war", place="azerbaijan", place_name="Azerbaijan")
    assert [a["data-event"] for a in tree.select("a.tl-bead.is-selected")] == ["four-day-war"]
    current = tree.select('a[aria-current="true"]')
    assert [a["data-event"] for a in current] == ["four-day-war"]
    marked = {a["data-event"] for a in tree.select("a.tl-bead.is-marked")}
    assert marked == timeline.involving("azerbaijan") and "ibadoglu-imprisoned" in marked
    assert "escalation-2022" in marked and "blockade-1991" not in marked
    assert "Involves Azerbaijan" in tree.select_one(".tl-legend").get_text()
    assert render_timeline(timeline).select(".is-marked, .is-selected") == []


def test_event_panel_marks_the_dating_words_and_says_how_they_were_read(timeline):
    event = timeline.event("escalation-2022")
    tree = soup(render("event_panel.html", event=event, heading="h2", place_links={}))
    assert tree.h2.get_text() == "Another huge escalation between Azerbaijan and Armenia"
    assert tree.select_one(".atlas-event-when").get_text(" ", strip=True) == "September 2022 · a September"
    quote = tree.select_one("blockquote.atlas-event-passage")
    assert quote.mark.get_text() == "last September saw another huge escalation between Azerbaijan and Armenia"
    assert quote.get_text() == event.passage.sentence
    assert "September 2022" in tree.select_one(".atlas-resolved").get_text()
    assert tree.select_one("details.paragraph p mark").get_text() == quote.mark.get_text()
    outside = tree.select_one(".atlas-outside")
    assert outside.b.get_text() == "From outside the article (12–14 September 2022):"
    assert outside.a["href"].startswith("https://en.wikipedia.org/") and "Source:" in outside.get_text()
    assert " ".join(tree.select_one(".atlas-event-places").get_text().split()) == "Places: Azerbaijan · Armenia"
    assert tree.select_one(".atlas-event-places a") is None


def test_event_panel_shows_every_dating_passage_and_links_places_when_asked(timeline):
    event = timeline.event("blockade-2022")
    links = {"nagorno-karabakh": "place/nagorno-karabakh.html"}
    tree = soup(render("event_panel.html", event=event, heading="h3", place_links=links))
    marks = [q.mark.get_text() for q in tree.select("blockquote.atlas-event-passage")]
    assert marks == [d.quote for d in event.dating] and len(marks) == 3
    assert tree.select_one(".atlas-also").get_text() == "The article dates it again:"
    assert [a["href"] for a in tree.select(".atlas-event-places a")] == ["place/nagorno-karabakh.html"]
    assert "Lachin corridor" in tree.select_one(".atlas-event-places").get_text()


def test_hostile_event_text_stays_text(timeline):
    event = replace(timeline.events[0], title=HOSTILE, when=HOSTILE, when_short=HOSTILE)
    hostile = replace(timeline, events=(event, *timeline.events[1:]))
    for tree in (render_timeline(hostile), soup(render("event_panel.html", event=event, heading="h2", place_links={}))):
        assert tree.find("script") is None
        assert HOSTILE in tree.get_text()


def test_event_steps_of_a_tour_show_the_event(atlas, view, timeline, events):
    from geo.atlas.tours import Step

    event = next(e for e in events if e.slug == "attack-2023")
    tour = Tour("T", (Step(atlas.by_slug["azerbaijan"], event.quote.passage, 0, "A note", event),), "chronology")
    (step,) = step_views(view, tour, timeline)
    assert step.title == "Azerbaijan attacks Nagorno-Karabakh" and step.place_slugs == event.places
    tree = soup(render("tour_step.html", step=step, notes=True))
    assert tree.h2.get_text() == step.title
    assert tree.select_one(".tour-passage mark").get_text() == event.quote.quote
    names = " ".join(tree.select_one(".tour-names").get_text().split())
    assert names == "19 September 2023 · Azerbaijan · Nagorno-Karabakh"
    assert tree.select_one(".tour-september") is not None
    with pytest.raises(ValueError, match="event steps"):
        step_views(view, tour)


def test_only_an_atlas_with_unnamed_places_says_it_shows_some(view, draft_sample_files):
    from geo.geoparser.draft import load_draft_atlas
    from geo.render.templating import render

    default = view
    draft = atlas_view(load_draft_atlas(draft_sample_files).atlas)
    assert default.context_count > 0 and draft.context_count == 0
    assert "without naming them" in render("explore_intro.html", view=default)
    assert "without naming them" not in render("explore_intro.html", view=draft)


def test_the_search_hint_names_places_of_the_atlas_shown(view, draft_sample_files):
    """The Karabakh aliases would find nothing in another article: a draft's hint names its own places."""
    from geo.geoparser.draft import load_draft_atlas
    from geo.render.view_models import DEFAULT_SEARCH_HINT, search_hint

    assert search_hint(view, True) == DEFAULT_SEARCH_HINT
    draft = atlas_view(load_draft_atlas(draft_sample_files).atlas)
    hint = search_hint(draft, False)
    names = hint.removeprefix("e.g. ").split(", ")
    assert 1 <= len(names) <= 3 and set(names) <= {p.name for p in draft.places}
    assert "Khankendi" not in hint


def test_the_timeline_state_keeps_a_hostile_place_name_as_text():
    """The state the Explore page's timeline script reads: the name stays an attribute's text (the script
    puts it in the legend as text, never as HTML)."""
    name = HOSTILE + '" onmouseover="alert(1)'
    tree = soup(render("timeline_state.html", selected="four-day-war", marked=["a", "b"], place_name=name))
    (state,) = tree.select("div.tl-state")
    assert state["data-place"] == name and state["data-marked"] == "a b" and state["data-selected"] == "four-day-war"
    assert state.has_attr("hidden") and not state.has_attr("onmouseover") and tree.select("script") == []
