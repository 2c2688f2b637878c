"""The page registry (geo/app/registry.py): every page exists and is served at its own path from the first visit."""

from __future__ import annotations

from geo.app.registry import LOCAL_URL, MAPANY_FILE, PAGES, TOUR_PATH, file_path_name, page_address, page_script
from geo.paths import PAGES_DIR


def test_every_page_file_exists_and_the_root_is_first():
    assert all((PAGES_DIR / p.file).is_file() for p in PAGES)
    assert PAGES[0].url_path == "" and all(p.url_path for p in PAGES[1:])


def test_each_page_file_is_named_for_its_url_path():
    for page in PAGES[1:]:
        assert file_path_name(page.file) == page.url_path, page.file


def test_the_tour_keeps_the_path_printed_in_handouts_and_qr_codes():
    assert TOUR_PATH == "Classroom_tour"
    assert file_path_name("1_Classroom_tour.py") == "Classroom_tour"


def test_a_run_without_a_browser_addresses_pages_where_streamlit_run_serves():
    assert page_address() == LOCAL_URL == "http://localhost:8501/"
    assert page_address(TOUR_PATH) == "http://localhost:8501/Classroom_tour"
    assert page_script(MAPANY_FILE) == "pages/3_Map_your_own_article.py"
    assert all((PAGES_DIR.parent / page_script(p.file)).is_file() for p in PAGES)


def test_each_run_gets_its_own_copies_of_the_pages_made_once_per_process():
    def script() -> None:
        import streamlit as st

        from geo.app import registry

        first, second = registry._pages(), registry._pages()
        first[2]._can_be_called = True  # what st.navigation does to the page it picks for a run
        st.session_state["seen"] = [
            (a is not b, a.title, a.url_path, b._can_be_called) for a, b in zip(first, second, strict=True)
        ]
        st.session_state["made"] = [id(p) for p in registry._made]

    from streamlit.testing.v1 import AppTest

    first = AppTest.from_function(script).run()
    assert not first.exception
    assert first.session_state["seen"] == [(True, p.title, p.url_path, False) for p in PAGES]
    again = AppTest.from_function(script).run()
    assert again.session_state["made"] == first.session_state["made"]  # made by the first run only
