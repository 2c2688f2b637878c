"""The page registry (geo/app/registry.py): every page exists and is served at its own path from the first visit."""

from __future__ import annotations

from geo.app.registry import PAGES, TOUR_PATH, file_path_name
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
