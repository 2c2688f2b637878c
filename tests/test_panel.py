"""HTML fragments for a place (geo/panel.py): marked passages, names, figures, credits, all escaped."""

from __future__ import annotations

from dataclasses import replace

from bs4 import BeautifulSoup

from geo.gazetteer import OtherName
from geo.panel import (
    credits_html,
    figure_sentence,
    marked,
    other_names_html,
    passages_html,
    place_figures,
)

HOSTILE = "<script>alert(1)</script>"


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_marked_escapes_text_and_wraps_each_span():
    text = "A <b>bold</b> claim about Baku & Shusha"
    out = marked(text, ((text.index("Baku"), text.index("Baku") + 4), (text.index("Shusha"), len(text))))
    assert out == "A &lt;b&gt;bold&lt;/b&gt; claim about <mark>Baku</mark> &amp; <mark>Shusha</mark>"


def test_marked_sorts_spans_and_escapes_inside_them():
    text = "<i>x</i> and y"
    out = marked(text, ((13, 14), (0, 8)))
    assert out == "<mark>&lt;i&gt;x&lt;/i&gt;</mark> and <mark>y</mark>"


def test_marked_without_spans_only_escapes():
    assert marked(HOSTILE, ()) == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_passages_quote_each_sentence_with_its_paragraph_one_click_away(atlas):
    passages = atlas.passages["baku"]
    tree = soup(passages_html(passages))
    quotes = tree.select("blockquote.atlas-passage")
    details = tree.select("details.paragraph")
    assert len(quotes) == len(details) == len(passages)
    for quote, detail, passage in zip(quotes, details, passages, strict=True):
        assert quote.get_text() == passage.sentence
        assert [m.get_text() for m in quote.find_all("mark")] == list(passage.mentions)
        assert detail.p.get_text() == passage.paragraph
    assert details[1].summary.get_text() == "Read the whole paragraph (2)"


def test_other_names_list_name_and_usage(atlas):
    tree = soup(other_names_html(atlas.by_slug["stepanakert"]))
    items = [(li.b.get_text(), li.span.get_text()) for li in tree.select("ul.atlas-names > li")]
    assert ("Khankendi", "(Azerbaijani)") in items
    hostile = replace(atlas.by_slug["baku"], other_names=(OtherName(HOSTILE, HOSTILE),))
    tree = soup(other_names_html(hostile))
    assert tree.find("script") is None and tree.li.b.get_text() == HOSTILE
    assert other_names_html(replace(hostile, other_names=())) == ""


def test_figures_give_the_published_value_and_the_difference(atlas):
    figure = atlas.figure(atlas.by_slug["southern-armenia"])
    sentence = figure_sentence(figure)
    assert sentence.startswith("Area: 4,419 km² (published: 4,506 km², ")
    assert sentence.endswith("; difference -1.9%)")
    lines = place_figures(atlas, atlas.by_slug["stepanakert"])
    assert lines == [figure_sentence(d) for d in atlas.distances_for(atlas.by_slug["stepanakert"])]
    assert any(line.startswith("Stepanakert to Baku: ") for line in lines)


def test_credits_name_the_article_and_every_source(atlas):
    tree = soup(credits_html(atlas.meta))
    text = tree.get_text()
    meta = atlas.meta
    assert f"“{meta.title}” by {meta.author}, first published by {meta.publisher} on 28 September 2023" in text
    assert meta.licence in text
    links = {a.get_text(): a["href"] for a in tree.find_all("a")}
    assert links == {
        "original": meta.url,
        "GeoNames": "https://www.geonames.org/",
        "Natural Earth": "https://www.naturalearthdata.com/",
    }
    assert "CC BY 4.0" in text and "OpenStreetMap" in text
    assert "OpenStreetMap" not in soup(credits_html(meta, osm=False)).get_text()


def test_credits_escape_hostile_metadata(atlas):
    meta = replace(atlas.meta, title=HOSTILE, author=HOSTILE, url='javascript:alert(1)" onclick="x')
    tree = soup(credits_html(meta))
    assert tree.find("script") is None
    [original] = [a for a in tree.find_all("a") if a.get_text() == "original"]
    assert original.attrs == {"href": 'javascript:alert(1)" onclick="x'}  # one attribute: the quote stayed text
    assert f"“{HOSTILE}” by {HOSTILE}" in tree.get_text()
