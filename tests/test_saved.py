"""Saved atlases: kept only under ATLAS_SAVED_DIR, checked before they are written, never escaping their folder."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.atlas.loader import load_atlas
from geo.errors import InputError
from geo.geoparser.draft import ArticleInfo, draft_files, find_places
from geo.geoparser.saved import check_slug, list_saved, load_saved, save_atlas, saved_dir, saved_root
from geo.paths import ROOT

SAMPLE = ROOT / "tests" / "fixtures" / "geoparse" / "draft-sample.txt"
TITLE = "Buses leave Goris for Stepanakert"


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    markdown, places = find_places(SAMPLE.read_text(encoding="utf-8"), None)
    return draft_files(markdown, places, ArticleInfo(author="A. Reporter"), today=dt.date(2024, 6, 1))


def test_nothing_is_saved_unless_the_operator_names_a_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("ATLAS_SAVED_DIR", raising=False)
    assert saved_root() is None
    monkeypatch.setenv("ATLAS_SAVED_DIR", "  ")
    assert saved_root() is None
    monkeypatch.setenv("ATLAS_SAVED_DIR", str(tmp_path))
    assert saved_root() == tmp_path


@pytest.mark.parametrize("slug", ["a", "goris-2024", "0", "a" * 63])
def test_good_slugs(slug):
    assert check_slug(slug) == slug


@pytest.mark.parametrize(
    "slug",
    [
        "",
        ".",
        "..",
        "../etc",
        "a/b",
        "a\\b",
        "%2e%2e",
        "%2e%2e%2fetc",
        "/etc/passwd",
        "Goris",
        "-goris",
        "goris\n",
        "goris\x00",
        ".saving-x",
        "a b",
        "šuša",
        "a" * 64,
        None,
        ["goris"],
    ],
)
def test_slugs_that_could_escape_or_are_not_slugs_are_refused(slug, tmp_path):
    for call in (lambda: check_slug(slug), lambda: saved_dir(tmp_path, slug)):
        with pytest.raises(InputError) as info:
            call()
        assert "not a saved atlas's name" in str(info.value) and "\n" not in str(info.value)


def test_a_symlink_inside_the_root_pointing_out_is_refused(tmp_path):
    root, outside = tmp_path / "saved", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "escape").symlink_to(outside)
    (root / "inside").mkdir()
    with pytest.raises(InputError, match="points outside"):
        saved_dir(root, "escape")
    assert saved_dir(root, "inside") == (root / "inside").resolve()


def test_save_writes_a_checked_atlas_under_a_new_slug(files, tmp_path):
    root = tmp_path / "saved"
    slug = save_atlas(root, files, TITLE)
    assert slug == "buses-leave-goris-for-stepanakert"
    folder = saved_dir(root, slug)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == files
    assert load_atlas(folder).meta.title == TITLE
    assert [p.name for p in root.iterdir()] == [slug]  # no staging folder left behind
    assert list_saved(root) == [(slug, TITLE)]
    saved = load_saved(root, slug)
    assert saved.atlas.meta.title == TITLE and saved.tour.title == f"{TITLE}: a tour of the places"


@pytest.mark.parametrize("slug", ["missing", "../saved", "%2e%2e"])
def test_loading_a_saved_atlas_that_is_not_there_is_one_line(tmp_path, slug):
    with pytest.raises(InputError) as info:
        load_saved(tmp_path, slug)
    assert "\n" not in str(info.value)


def test_a_save_never_overwrites(files, tmp_path):
    root = tmp_path / "saved"
    (root / "buses-leave-goris-for-stepanakert").mkdir(parents=True)
    (root / "buses-leave-goris-for-stepanakert" / "mine.txt").write_text("keep me", encoding="utf-8")
    first = save_atlas(root, files, TITLE)
    second = save_atlas(root, files, TITLE)
    assert (first, second) == ("buses-leave-goris-for-stepanakert-2", "buses-leave-goris-for-stepanakert-3")
    assert (root / "buses-leave-goris-for-stepanakert" / "mine.txt").read_text(encoding="utf-8") == "keep me"
    assert [s for s, _ in list_saved(root)] == [first, second]  # the folder that is no atlas is not offered


@pytest.mark.parametrize(
    ("title", "slug"), [("", "atlas"), ("«»!", "atlas"), ("../../etc", "etc"), ("Ş" * 80, "s" * 50)]
)
def test_the_slug_comes_from_the_title_and_is_always_safe(files, tmp_path, title, slug):
    assert save_atlas(tmp_path, files, title) == slug


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"places.yaml": b"places: [{slug: goris, nmae: Goris}]\n"}, "cannot be saved: places.yaml"),
        ({"../evil.yaml": b"x"}, "not a file of an atlas's data folder"),
        ({"article.md": None}, "lacks article.md"),
    ],
)
def test_a_broken_atlas_is_refused_and_nothing_is_left(files, tmp_path, change, message):
    broken = {**files, **change}
    broken = {k: v for k, v in broken.items() if v is not None}
    with pytest.raises(InputError, match=message):
        save_atlas(tmp_path / "saved", broken, TITLE)
    assert not (tmp_path / "saved").exists() or list((tmp_path / "saved").iterdir()) == []
    assert not (tmp_path / "evil.yaml").exists()


def test_list_saved_skips_what_is_not_a_saved_atlas(files, tmp_path):
    slug = save_atlas(tmp_path, files, TITLE)
    (tmp_path / ".saving-abc").mkdir()
    (tmp_path / "Upper").mkdir()
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / slug)
    (tmp_path / "empty").mkdir()
    assert list_saved(tmp_path) == [(slug, TITLE)]
    assert list_saved(tmp_path / "missing") == []
