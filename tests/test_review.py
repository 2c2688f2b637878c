"""The review of a draft's places (geo/geoparser/review.py): the marked text and one row per place."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.errors import InputError
from geo.geoparser.draft import ArticleInfo, Decision, add_name, find_places
from geo.geoparser.review import KEEP, REJECT, Found, decision_for, decisions_for, named_row, review_view, with_added
from geo.render.templating import render

SAMPLE = Path(__file__).resolve().parent / "fixtures" / "geoparse" / "draft-sample.txt"
COUNTRIES = {"AM": "Armenia", "AZ": "Azerbaijan", "IR": "Iran", "GE": "Georgia"}


@pytest.fixture(scope="module")
def found():
    return find_places(SAMPLE.read_text(encoding="utf-8"), None)


def test_the_segments_rebuild_the_text_and_mark_every_mention(found):
    markdown, places = found
    view = review_view(markdown, places, {}, countries=COUNTRIES)
    assert "".join(s.text for s in view.segments) == markdown
    marked = [s for s in view.segments if s.place is not None]
    assert len(marked) == sum(len(p.mentions) for p in places)
    for seg in marked:
        row = view.rows[seg.place - 1]
        assert seg.state == row.state and seg.label == row.resolved


def test_each_row_says_what_the_place_was_resolved_to_and_how_sure(found):
    markdown, places = found
    view = review_view(markdown, places, {}, countries=COUNTRIES)
    goris = next(r for r in view.rows if r.name == "Goris")
    assert goris.resolved == "Goris (town, Armenia, GeoNames 174895)"
    assert goris.country == "Armenia" and goris.mentions == 2 and 0 < goris.confidence <= 100
    assert [c.key for c in goris.choices[:2]] == [KEEP, REJECT]
    syunik = next(r for r in view.rows if r.name == "Syunik")
    assert any("village" in c.label for c in syunik.alternatives)  # Syunik the village, the runner-up


def test_decisions_show_in_the_rows_and_the_marks(found):
    markdown, places = found
    goris, syunik = (next(p for p in places if p.name == n) for n in ("Goris", "Syunik"))
    village = next(c.toponym.ref for c in syunik.runners_up if c.toponym.kind == "village")
    decisions = {goris.toponym.ref: decision_for(REJECT), syunik.toponym.ref: decision_for(village)}
    view = review_view(markdown, places, decisions, countries=COUNTRIES)
    rows = {r.name: r for r in view.rows}
    assert rows["Goris"].state == "rejected" and view.kept == len(places) - 1
    assert "village" in rows["Syunik"].resolved and rows["Syunik"].state == "kept"
    assert {s.state for s in view.segments if s.text == "Goris"} == {"rejected"}


def test_choices_become_the_librarys_decisions():
    assert decision_for(KEEP) == Decision()
    assert decision_for(REJECT) == Decision("reject")
    assert decision_for("geonames:174895") == Decision("choose", "geonames:174895")


def test_an_added_name_is_a_new_row_in_text_order_or_more_mentions_of_a_known_place(found):
    markdown, places = found
    extra = markdown + "\nLater, Kornidzor again, then Gori.\n"
    added = add_name(extra, "Gori", list(places))
    merged = with_added(places, added)
    assert len(merged) == len(places) + 1 and merged[-1].name == "Gori"
    kornidzor = next(p for p in places if p.name == "Kornidzor")
    more = with_added(places, kornidzor.__class__(kornidzor.toponym, kornidzor.mentions[:1], 1.0, ()))
    assert len(more) == len(places)
    view = review_view(extra, merged, {}, added={added.toponym.ref}, countries=COUNTRIES)
    assert view.rows[-1].added and view.rows[-1].state == "added"


def test_the_marked_text_is_escaped(found):
    markdown, places = found
    text = "<script>alert(1)</script> " + markdown
    shifted = [
        p.__class__(p.toponym, tuple(m.__class__(m.text, m.start + 26, m.end + 26) for m in p.mentions), p.score, ())
        for p in places
    ]
    view = review_view(text, shifted, {}, countries=COUNTRIES)
    html = render("mapany_text.html", segments=view.segments)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<mark class="mapany-mention is-kept" title="' in html


def test_choices_left_as_kept_are_no_decision():
    choices = {"geonames:1": KEEP, "geonames:2": REJECT, "geonames:3": "geonames:4"}
    assert decisions_for(choices) == {"geonames:2": Decision("reject"), "geonames:3": Decision("choose", "geonames:4")}


def test_what_was_found_has_its_title_its_review_and_its_added_places(found):
    markdown, places = found
    first = Found(markdown, tuple(places))
    assert first.title == "Buses leave Goris for Stepanakert"
    review = first.review({})
    goris = next(r for r in review.rows if r.name == "Goris")
    assert goris.country == "Armenia"  # named from the gazetteer's countries
    extra = Found(markdown + "\nThen Gori.\n", tuple(places))
    gori = add_name(extra.markdown, "Gori", list(places))
    more = extra.adding(gori)
    assert more.added == {gori.toponym.ref} and more.places[-1].name == "Gori"
    assert more.review({}).rows[-1].state == "added"


def test_the_draft_key_changes_with_the_text_the_added_places_the_decisions_and_the_details(found):
    markdown, places = found
    first = Found(markdown, tuple(places))
    goris = next(p.toponym.ref for p in places if p.name == "Goris")
    info = ArticleInfo(author="A. Reporter")
    key = first.draft_key({goris: Decision("reject")}, info)
    hash(key)
    assert key == Found(markdown, tuple(places)).draft_key(
        {goris: Decision("reject")}, ArticleInfo(author="A. Reporter")
    )
    others = [
        Found(markdown + "\nMore.\n", tuple(places)).draft_key({goris: Decision("reject")}, info),
        Found(markdown, tuple(places), frozenset({goris})).draft_key({goris: Decision("reject")}, info),
        first.draft_key({}, info),
        first.draft_key({goris: Decision("choose", "geonames:1")}, info),
        first.draft_key({goris: Decision("choose", 1)}, info),
        first.draft_key({goris: Decision("reject")}, ArticleInfo(author="B. Reporter")),
    ]
    assert key not in others and len(set(others)) == len(others) - 1  # a GeoNames id and its key are one choice


def test_a_page_of_rows_numbers_them_as_the_text_does_and_counts_every_row(found):
    markdown, places = found
    goris = next(p for p in places if p.name == "Goris")
    decisions = {goris.toponym.ref: decision_for(REJECT)}
    whole = review_view(markdown, places, decisions, countries=COUNTRIES)
    assert (whole.total, whole.pages, whole.page, len(whole.rows)) == (len(places), 1, 1, len(places))
    pages = [review_view(markdown, places, decisions, countries=COUNTRIES, page=n, per_page=4) for n in (1, 2, 3, 4)]
    assert pages[0].pages == -(-len(places) // 4) and all(p.total == len(places) for p in pages)
    assert [row for p in pages[: pages[0].pages] for row in p.rows] == list(whole.rows)
    assert all(p.segments == whole.segments and p.kept == whole.kept == len(places) - 1 for p in pages)
    assert [row.number for row in pages[1].rows] == [5, 6, 7, 8]
    assert pages[0].page_of(5) == 2 and pages[0].page_of(4) == 1 and whole.page_of(len(places)) == 1


def test_a_page_past_either_end_shows_the_nearest(found):
    markdown, places = found
    last = -(-len(places) // 3)
    assert review_view(markdown, places, {}, page=99, per_page=3).page == last
    assert review_view(markdown, places, {}, page=0, per_page=3).rows[0].number == 1
    with pytest.raises(ValueError):
        review_view(markdown, places, {}, per_page=-1)


def test_what_was_found_gives_its_review_a_page_at_a_time(found):
    markdown, places = found
    second = Found(markdown, tuple(places)).review({}, page=2, per_page=4)
    assert [row.number for row in second.rows] == [5, 6, 7, 8] and second.total == len(places)


def test_places_named_inside_other_names_are_listed_apart_and_included_one_at_a_time():
    text = "Buses left Goris for Kapan. The Georgia Road Agency and Iraqi officials watched."
    made = find_places(text, "Roads")
    assert [p.name for p in made.places] == ["Goris", "Kapan"]
    assert [p.name for p in made.named] == ["Georgia", "Iraqi"]
    found = Found(made.markdown, tuple(made.places), named=tuple(made.named))
    view = found.review({})
    assert [row.name for row in view.rows] == ["Goris", "Kapan"]
    georgia, iraq = view.named
    assert georgia.example == "Goris for Kapan. The Georgia Road Agency and Iraqi"  # four words either side
    assert "Iraq (country" in iraq.resolved
    assert all(s.place is None for s in view.segments if "Georgia" in s.text)  # not marked in the text
    included = found.including(georgia.key)
    assert [row.name for row in included.review({}).rows] == ["Goris", "Kapan", "Georgia"]
    assert [row.name for row in included.review({}).named] == ["Iraqi"]
    assert georgia.key in included.added
    with pytest.raises(InputError, match="no longer among"):
        included.including(georgia.key)


def test_a_place_named_inside_a_name_is_shown_escaped_with_the_words_around_it():
    from geo.geoparser.geoparse import by_role, geoparse

    text = 'Title\n\nThe <script>alert("x")</script> Iraqi officials <img src=x onerror=alert(1)> met.\n'
    _, named = by_role(geoparse(text, named=True))
    (iraq,) = [p for p in named if p.toponym.name == "Iraq"]
    row = named_row(text, iraq, COUNTRIES)
    assert row.name == "Iraqi" and row.place_name == "Iraq"
    html = render("mapany_named.html", row=row)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img" in html and "<b>Iraqi</b>" in html
