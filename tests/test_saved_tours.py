"""Saved storylines (geo/geoparser/saved_tours.py): slugs, the edit secret, limits and hostile names."""

from __future__ import annotations

import json

import pytest

from geo.atlas.storyline import MAX_FILE_BYTES
from geo.errors import InputError
from geo.geoparser.saved_tours import (
    FOLDER,
    TOUR_SLUG_RE,
    NotAuthor,
    change_tour,
    is_tour_slug,
    load_tour_file,
    save_tour,
)
from geo.rooms.store import STORYLINE_RE

TEXT = "title: Mine\nsteps:\n  - place: baku\n"


def test_a_saved_storyline_has_a_slug_a_room_can_carry_and_reads_back(tmp_path):
    slug, secret = save_tour(tmp_path, TEXT, "A very long title about Nagorno-Karabakh, 2023!", None)
    assert TOUR_SLUG_RE.fullmatch(slug) and STORYLINE_RE.match(slug) and len(slug) <= 32
    assert slug not in ("places", "chronology", "mine")
    kept = load_tour_file(tmp_path, slug)
    assert (kept.slug, kept.atlas, kept.text) == (slug, None, TEXT)
    meta = json.loads((tmp_path / FOLDER / f"{slug}.json").read_text())
    assert secret not in json.dumps(meta), "only the secret's hash is kept"
    other, _ = save_tour(tmp_path, TEXT, "A very long title about Nagorno-Karabakh, 2023!", "some-atlas")
    assert other != slug and load_tour_file(tmp_path, other).atlas == "some-atlas"


def test_only_the_author_changes_it_and_the_slug_stays(tmp_path):
    slug, secret = save_tour(tmp_path, TEXT, "Mine", None)
    changed = TEXT + "  - place: armenia\n"
    for wrong in ("", "x" * 40, secret[:-1] + ("A" if secret[-1] != "A" else "B"), "../../etc"):
        with pytest.raises(NotAuthor):
            change_tour(tmp_path, slug, wrong, changed)
    assert load_tour_file(tmp_path, slug).text == TEXT
    change_tour(tmp_path, slug, secret, changed)
    assert load_tour_file(tmp_path, slug).text == changed


@pytest.mark.parametrize(
    "slug", ["../x-abcdef", "places", "x" * 40 + "-abcdef", "a-abcdeg", "A-abcdef", "a-abcdef\n", 7]
)
def test_a_name_that_is_no_saved_storylines_is_refused_before_the_disk(tmp_path, slug):
    assert not is_tour_slug(slug)
    with pytest.raises(InputError):
        load_tour_file(tmp_path, slug)


def test_a_missing_storyline_and_the_limits_are_messages(tmp_path, monkeypatch):
    with pytest.raises(InputError, match="no saved storyline"):
        load_tour_file(tmp_path, "mine-abcdef")
    with pytest.raises(InputError, match="too large"):
        save_tour(tmp_path, "#" * (MAX_FILE_BYTES + 1), "x", None)
    monkeypatch.setenv("ATLAS_SAVED_MAX_STORYLINES", "2")
    save_tour(tmp_path, TEXT, "one", None)
    save_tour(tmp_path, TEXT, "two", None)
    with pytest.raises(InputError, match="no more storylines"):
        save_tour(tmp_path, TEXT, "three", None)
    with pytest.raises(InputError):
        save_tour(tmp_path, TEXT, "x", "../escape")


def test_a_title_with_no_letter_still_gives_a_slug(tmp_path):
    slug, _ = save_tour(tmp_path, TEXT, "<script>!!!</script> 2023", None)
    assert is_tour_slug(slug) and slug[0].isalpha()


def test_one_address_saves_a_bounded_number_an_hour(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_SAVES_PER_HOUR", "2")
    save_tour(tmp_path, TEXT, "a", None, "10.0.0.1", now=1000.0)
    save_tour(tmp_path, TEXT, "b", None, "10.0.0.1", now=1001.0)
    with pytest.raises(InputError, match="saved 2 storylines in the last hour"):
        save_tour(tmp_path, TEXT, "c", None, "10.0.0.1", now=1002.0)
    save_tour(tmp_path, TEXT, "d", None, "10.0.0.2", now=1002.0)  # another address
    save_tour(tmp_path, TEXT, "e", None, "10.0.0.1", now=1000.0 + 3601)  # an hour later
    metas = [json.loads(p.read_text()) for p in (tmp_path / FOLDER).glob("*.json")]
    assert all("10.0.0" not in json.dumps(m) for m in metas), "only a hash of the address is kept"
