"""The article reader (pages/2_Article.py) run headless with Streamlit's AppTest."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from streamlit.testing.v1 import AppTest

from geo.app.atlas_map import script_of
from geo.paths import PAGES_DIR
from tests.apptest import run_script

PAGE = str(PAGES_DIR / "2_Article.py")
HOSTILE = "<script>alert(1)</script>"


def run_page(place: str | None = None) -> AppTest:
    return run_script(PAGE, place=place)


def article_of(at: AppTest) -> BeautifulSoup:
    (value,) = [m.value for m in at.markdown if 'class="atlas-article"' in m.value]
    return BeautifulSoup(value, "html.parser")


def test_the_whole_article_is_shown_with_every_mention_a_link(atlas):
    at = run_page()
    tree = article_of(at)
    links = tree.select("a.atlas-mention")
    assert len(links) == sum(len(found) for found in atlas.mentions.values())
    assert all(a["href"] == f"?place={a['data-slug']}" and a["target"] == "_self" for a in links)
    assert tree.select_one("h2.article-title").get_text() == atlas.meta.title
    assert not at.warning
    (map_,) = at.get("component_instance")
    assert "window.atlasFocus" in script_of(json.loads(map_.proto.json_args))  # in the map's cached script


def test_a_place_link_opens_the_same_article(atlas):
    assert article_of(run_page("baku")).get_text() == article_of(run_page()).get_text()


@pytest.mark.parametrize("value", [HOSTILE, "nowhere", "x" * 500])
def test_an_unknown_or_hostile_place_gets_a_notice_and_runs_nothing(value):
    at = run_page(value)
    assert at.warning and "<script" not in at.warning[0].value
    for m in at.markdown:
        assert "<script" not in m.value.lower()
