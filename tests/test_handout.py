"""The printable handout (geo/render/handout.py): one offline file, escaped, with a locator per place."""

from __future__ import annotations

from dataclasses import replace

import pytest
from bs4 import BeautifulSoup

from geo.atlas.tours import Tour, default_steps, step_link
from geo.render.handout import Locators, handout_html, locator_png

HOSTILE = "<script>alert(1)</script>"
BASE_URL = "http://localhost:8501/Classroom_tour"


@pytest.fixture(scope="module")
def plain_steps(atlas):
    return default_steps(atlas)[:2]


def test_handout_is_offline_escaped_and_printable(atlas, hostile_step, plain_steps):
    # The handout shows each place as the atlas has it, so the hostile name goes into the atlas too.
    hostile_atlas = replace(atlas, places=[hostile_step.place if p.slug == "baku" else p for p in atlas.places])
    tour = Tour(HOSTILE, (hostile_step, *plain_steps))
    page = handout_html(hostile_atlas, tour, link=lambda n: step_link(BASE_URL, n), notes=True)
    assert page.lower().startswith("<!doctype html>")  # a whole HTML5 document (the doctype is case-blind)
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("script") is None and soup.find("link") is None  # nothing runs, nothing is fetched
    assert soup.title.get_text() == f"{HOSTILE}: handout"
    assert soup.h1.get_text() == HOSTILE
    steps = soup.select("section.step")
    assert len(steps) == 3
    assert all(img["src"].startswith("data:image/png;base64,") for img in soup.find_all("img"))
    assert len(soup.find_all("img")) == 3
    first = steps[0]
    assert first.h2.get_text() == f"1.{HOSTILE}"
    assert first.find("mark").get_text() == HOSTILE
    assert first.select_one(".tour-note").get_text() == f"Teacher note: {HOSTILE}"
    assert [s.select_one("p.link").get_text() for s in steps] == [f"{BASE_URL}?step={n}" for n in (1, 2, 3)]
    style = soup.style.get_text()
    assert "@media print" in style and "@page" in style and "break-inside: avoid" in style


def test_handout_credits_the_article_and_leaves_notes_and_links_out_unless_asked(atlas, plain_steps):
    soup = BeautifulSoup(handout_html(atlas, Tour("Tour", plain_steps)), "html.parser")
    assert soup.select(".tour-note") == [] and soup.select("p.link") == []
    sub = soup.select_one("p.sub").get_text()
    assert f"“{atlas.meta.title}” by {atlas.meta.author} ({atlas.meta.publisher})" in sub
    credits = soup.select_one(".atlas-credits").get_text()
    assert atlas.meta.first_published_text in credits and "OpenStreetMap" not in credits


def test_one_locator_per_place_even_when_a_place_comes_back(atlas, plain_steps):
    tour = Tour("Tour", (*plain_steps, plain_steps[0]))
    soup = BeautifulSoup(handout_html(atlas, tour), "html.parser")
    sources = [img["src"] for img in soup.find_all("img")]
    assert len(sources) == 3 and sources[0] == sources[2] != sources[1]


def test_locator_png_is_a_png(atlas):
    for slug in ("stepanakert", "zangezur-corridor", "russian-peacekeepers-zone", "russia"):
        png = locator_png(atlas, atlas.by_slug[slug])
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000


def test_the_chronology_handout_shows_each_event_with_its_places_and_links(atlas):
    from geo.atlas.tours import load_tour

    tour = load_tour(atlas, name="chronology")
    short = Tour(tour.title, tour.steps[:3], tour.name)
    soup = BeautifulSoup(handout_html(atlas, short, link=lambda n: step_link(BASE_URL, n, "chronology")), "html.parser")
    steps = soup.select("section.step")
    assert [s.h2.get_text() for s in steps] == [f"{n}.{step.event.title}" for n, step in enumerate(short.steps, 1)]
    assert steps[0].select_one("p.names").get_text().startswith("1988–1994 · Nagorno-Karabakh · Armenia")
    assert steps[0].find("mark").get_text() == short.steps[0].event.quote.quote
    assert [s.select_one("p.link").get_text() for s in steps] == [
        f"{BASE_URL}?tour=chronology&step={n}" for n in (1, 2, 3)
    ]
    assert "the marked words date the event" in soup.select_one("p.sub").get_text()
    assert "Locator map of Nagorno-Karabakh, Armenia" in steps[0].img["alt"]


def test_a_locator_can_draw_several_places(atlas):
    one = locator_png(atlas, atlas.by_slug["azerbaijan"])
    two = locator_png(atlas, atlas.by_slug["azerbaijan"], atlas.by_slug["london"])
    assert two[:8] == b"\x89PNG\r\n\x1a\n" and two != one


def test_locators_drawn_one_after_another_are_each_as_if_drawn_alone(atlas):
    """A handout draws every locator on one figure: nothing of one may stay on the next."""
    draw = Locators(atlas)
    sequence = ["russia", "stepanakert", "zangezur-corridor", "russia", "london"]
    drawn = [draw.png(atlas.by_slug[slug]) for slug in sequence]
    assert drawn == [locator_png(atlas, atlas.by_slug[slug]) for slug in sequence]
    assert drawn[0] == drawn[3] and len(set(drawn)) == 4
