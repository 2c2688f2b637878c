"""The atlas a run shows (geo/app/source.py): the default one, a saved one (`?atlas=<slug>`), or the
session's draft."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.app import source
from geo.geoparser.draft import ArticleInfo, draft_files, find_places
from geo.geoparser.saved import save_atlas
from tests.apptest import html_blocks, listed_places, map_drawn, run_script

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SAMPLE = ROOT / "tests" / "fixtures" / "geoparse" / "draft-sample.txt"


@pytest.fixture(scope="module")
def sample_files() -> dict[str, bytes]:
    """The draft data folder of the sample news item, every place kept."""
    markdown, found = find_places(SAMPLE.read_text(encoding="utf-8"), None)
    return draft_files(markdown, found, ArticleInfo(author="A. Reporter", publisher="Test News"))


@pytest.fixture
def saved_root(tmp_path, monkeypatch, sample_files) -> Path:
    root = tmp_path / "saved"
    monkeypatch.setenv("ATLAS_SAVED_DIR", str(root))
    save_atlas(root, sample_files, "Buses leave Goris")
    return root


def run(page: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    map_drawn(at.run())
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def banner(at: AppTest) -> str:
    return next((m.value for m in at.markdown if "atlas-source-banner" in m.value), "")


def places(at: AppTest) -> set[str]:
    return set(listed_places(at))


def test_the_default_atlas_has_no_banner_and_its_own_places(atlas):
    at = run()
    assert banner(at) == ""
    assert at.title[0].value == "Karabakh Atlas"
    assert places(at) == {p.slug for p in atlas.places}
    assert at.session_state[source.SOURCE] == source.DEFAULT


def test_a_saved_atlas_opens_from_its_link_with_a_banner_and_keeps_its_slug_in_links(saved_root):
    at = run(atlas="buses-leave-goris", place="goris")
    assert "A saved atlas" in banner(at) and "Buses leave Goris for Stepanakert" in banner(at)
    assert 'href="./"' in banner(at)  # back to the Karabakh atlas
    assert {"goris", "stepanakert", "kornidzor"} <= places(at) and "nakhchivan" not in places(at)
    assert at.session_state[source.SOURCE] == source.Source("saved", "buses-leave-goris")
    link = at.code[0].value
    assert "place=goris" in link and "atlas=buses-leave-goris" in link
    passages = next(v for v in html_blocks(at) if "atlas-passage" in v)
    assert "?place=stepanakert&amp;atlas=buses-leave-goris" in passages


def test_a_saved_atlas_survives_a_page_switch(saved_root):
    at = run(atlas="buses-leave-goris")
    del at.query_params["atlas"]  # as the app's navigation drops a link's parameters
    at.switch_page("pages/2_Article.py").run()
    assert not at.exception
    assert "A saved atlas" in banner(at)
    assert at.query_params["atlas"] == "buses-leave-goris"  # put back in the address bar
    article = next(m.value for m in at.markdown if "atlas-article" in m.value)
    assert "Kornidzor" in article and "atlas=buses-leave-goris" in article


def test_the_tour_of_a_saved_atlas_offers_no_presenting_and_keeps_the_slug(saved_root):
    at = run("pages/1_Classroom_tour.py", atlas="buses-leave-goris")
    assert "A saved atlas" in banner(at)
    keys = {b.key for b in at.button}
    assert "tour-next" in keys and "room-start" not in keys
    link = next(m.value for m in at.markdown if "tour-link" in m.value)
    assert "atlas=buses-leave-goris" in link


@pytest.mark.parametrize("value", ["../x", "..", "/etc", "UPPER", "a/b", "x" * 100, "<script>alert(1)</script>"])
def test_a_hostile_slug_gives_a_notice_and_the_default_atlas(saved_root, value, atlas):
    at = run(atlas=value)
    assert banner(at) == ""
    assert places(at) == {p.slug for p in atlas.places}
    notice = at.warning[0].value
    assert "no saved atlas" in notice and "Karabakh atlas" in notice
    assert "<script>" not in notice and "../" not in notice and "/" not in notice.split("“")[1].split("”")[0]
    assert "atlas" not in at.query_params


def test_a_saved_atlas_that_links_out_of_the_folder_is_refused(saved_root, tmp_path, sample_files):
    outside = tmp_path / "outside"
    (saved_root / "buses-leave-goris").rename(outside)
    (saved_root / "escape").symlink_to(outside, target_is_directory=True)
    at = run(atlas="escape")
    assert "no saved atlas named “escape”" in at.warning[0].value
    assert banner(at) == "" and at.title[0].value == "Karabakh Atlas"


def test_a_folder_still_being_saved_is_not_an_atlas_yet(saved_root):
    (saved_root / "half-saved").mkdir()  # what save_atlas reserves before it moves the files in
    at = run(atlas="half-saved")
    assert "no saved atlas named “half-saved”" in at.warning[0].value
    assert not at.error and banner(at) == ""


def test_an_unknown_slug_gives_a_notice_and_the_default_atlas(saved_root):
    at = run(atlas="no-such-atlas")
    assert "no saved atlas named “no-such-atlas”" in at.warning[0].value
    assert at.title[0].value == "Karabakh Atlas" and banner(at) == ""


def test_without_a_folder_of_saved_atlases_a_link_opens_the_default_atlas(monkeypatch):
    monkeypatch.delenv("ATLAS_SAVED_DIR", raising=False)
    at = run(atlas="buses-leave-goris")
    assert "keeps no saved atlases" in at.warning[0].value
    assert banner(at) == ""


def test_the_sessions_draft_opens_on_every_page_and_the_default_is_one_click_away(sample_files, atlas):
    at = AppTest.from_file(APP, default_timeout=60)
    draft = source.Draft(sample_files, "Buses leave Goris for Stepanakert")
    at.session_state[source.DRAFT] = draft
    at.session_state[source.SOURCE] = source.Source("draft", draft.digest)
    map_drawn(at.run())
    assert not at.exception
    assert "Your own atlas" in banner(at) and "Buses leave Goris" in banner(at)
    assert "goris" in places(at) and "nakhchivan" not in places(at)
    for page in ("pages/1_Classroom_tour.py", "pages/2_Article.py"):
        at.switch_page(page).run()
        assert not at.exception and "Your own atlas" in banner(at)
    at.switch_page("pages/explore.py").run()
    at.button(key="atlas-source-back").click().run()
    assert at.session_state[source.SOURCE] == source.DEFAULT
    at.run()
    assert banner(at) == "" and places(at) == {p.slug for p in atlas.places}


def test_a_draft_no_longer_in_the_session_falls_back_to_the_default_with_a_notice():
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[source.SOURCE] = source.Source("draft", "0" * 32)
    at.run()
    assert "no longer in this session" in at.warning[0].value
    assert at.title[0].value == "Karabakh Atlas"


def test_links_keep_a_saved_atlas_and_nothing_else():
    saved = source.Source("saved", "my-atlas")
    assert source.keep_source("?place=baku", saved) == "?place=baku&atlas=my-atlas"
    assert source.keep_source("http://h/Classroom_tour?step=2&atlas=old", saved) == (
        "http://h/Classroom_tour?step=2&atlas=my-atlas"
    )
    assert source.keep_source("?place=baku", source.DEFAULT) == "?place=baku"
    assert source.keep_source("?place=baku", source.Source("draft", "abc")) == "?place=baku"


def open_draft(files: dict[str, bytes], page: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    draft = source.Draft(files, "Buses leave Goris for Stepanakert")
    at.session_state[source.DRAFT] = draft
    at.session_state[source.SOURCE] = source.Source("draft", draft.digest)
    at.run()
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(at: AppTest) -> str:
    texts = [m.value for m in at.markdown] + [c.value for c in at.code]
    return "\n".join(texts + [h.proto.body for h in at.get("html")])


STEM = "buses-leave-goris-for-stepanakert"
STORYLINES, LINK = 'class="tour-title tour-storylines"', 'class="tour-link'  # the storylines, a step's link


def test_a_drafts_tour_tells_only_its_storyline_shares_nothing_and_says_why(sample_files, downloads, monkeypatch):
    monkeypatch.delenv("ATLAS_SAVED_DIR", raising=False)
    at = open_draft(sample_files, "pages/1_Classroom_tour.py", tour="chronology")
    assert "first tour is shown" in at.warning[0].value  # a draft has no events: no chronology to tell
    page = shown(at)
    assert STORYLINES not in page and LINK not in page and "Classroom_tour?step=" not in page
    assert "tour-qr" not in {t.key for t in at.toggle}
    assert 'target="_self"' not in page  # a link that reloads the page would lose the draft
    assert [link.proto.page for link in at.get("page_link") if link.proto.label == "Explore the map"]
    notice = at.info[0].value
    assert "no link to share" in notice and "static site" in notice
    handout = downloads[f"{STEM}-tour-handout.html"]
    assert "Goris" in handout and 'class="link"' not in handout and "step=" not in handout


def test_a_drafts_explore_names_downloads_after_it_and_shows_no_link(sample_files, downloads, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_SAVED_DIR", str(tmp_path / "saved"))
    at = open_draft(sample_files, "pages/explore.py", place="goris")
    assert not at.code  # no "link to this place": it would open the Karabakh atlas
    assert any("no link to share" in c.value and "save the atlas" in c.value for c in at.caption)
    assert {f"{STEM}-goris.html", f"{STEM}-places.geojson", f"{STEM}-places.csv"} <= set(downloads)
    assert all(name.startswith(f"{STEM}-") for name in downloads)
    one_file = downloads[f"{STEM}-goris.html"]  # made when clicked (read), from the draft's own layers
    assert "Goris" in one_file and "Sisian" not in one_file


def test_a_saved_atlas_handout_links_keep_its_slug(saved_root, downloads):
    at = run("pages/1_Classroom_tour.py", atlas="buses-leave-goris")
    assert STORYLINES not in shown(at) and not at.info
    assert "tour-qr" in {t.key for t in at.toggle}
    handout = downloads["buses-leave-goris-for-stepanakert-tour-handout.html"]
    links = re.findall(r'<p class="link">([^<]+)</p>', handout)
    assert links and all("atlas=buses-leave-goris" in link for link in links)


def test_the_default_atlas_keeps_its_storylines_links_and_file_names(downloads):
    at = run("pages/1_Classroom_tour.py")
    assert STORYLINES in shown(at) and LINK in shown(at) and not at.info
    assert "karabakh-tour-handout.html" in downloads
    at.switch_page("pages/explore.py").run()
    assert {"karabakh-atlas-all-places.html", "karabakh-atlas-events.json"} <= set(downloads)


def test_a_notice_about_the_link_s_atlas_stays_while_explore_completes_its_first_visit(saved_root):
    """Explore's first run is followed at once by the run that draws the rest: the notice is on both, then goes."""
    at = run_script("app.py", first_only=True, atlas="../x")
    assert "no saved atlas named" in at.warning[0].value
    map_drawn(at)
    assert "no saved atlas named" in at.warning[0].value and places(at)
    at.run()
    assert not at.warning
