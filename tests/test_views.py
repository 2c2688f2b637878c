"""The presentation layer: views (geo/views.py) drawn by the templates (geo/templates/), escaping included."""

from __future__ import annotations

from dataclasses import replace

import pytest
from bs4 import BeautifulSoup

from geo.gazetteer import OtherName
from geo.templating import marked, render
from geo.tour import Step, Tour
from geo.views import article_view, atlas_view, figure_sentence, place_figures, place_view, plural, step_views

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
