"""Saved atlases: kept only under ATLAS_SAVED_DIR, checked before they are written, never escaping their folder."""

from __future__ import annotations

import datetime as dt
import shutil
import threading

import pytest

from geo.atlas.loader import load_atlas
from geo.errors import InputError
from geo.geoparser.draft import ArticleInfo, draft_files, find_places
from geo.geoparser.saved import (
    SavedLimits,
    SaveLimit,
    check_slug,
    list_saved,
    load_saved,
    save_atlas,
    saved_dir,
    saved_limits,
    saved_root,
    usage,
)
from geo.paths import ROOT

SAMPLE = ROOT / "tests" / "fixtures" / "geoparse" / "draft-sample.txt"
TITLE = "Buses leave Goris for Stepanakert"


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    markdown, places = find_places(SAMPLE.read_text(encoding="utf-8"), None)
    return draft_files(markdown, places, ArticleInfo(author="A. Reporter"), today=dt.date(2024, 6, 1))


def edited(files: dict[str, bytes], n: int = 1) -> dict[str, bytes]:
    """The atlas with one character more in its article: another atlas to save."""
    return {**files, "article.md": files["article.md"] + b"!" * n}


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
    assert [p.name for p in root.iterdir() if not p.name.startswith(".index")] == [slug]  # no staging left
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
    second = save_atlas(root, edited(files), TITLE)
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
    left = list((tmp_path / "saved").iterdir()) if (tmp_path / "saved").exists() else []
    assert [p.name for p in left if not p.name.startswith(".index")] == []  # the index of saved atlases stays
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


# Limits -------------------------------------------------------------------------------------

STUDENT = "198.51.100.23"


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def test_the_same_atlas_saved_again_is_the_atlas_already_saved(files, tmp_path):
    root = tmp_path / "saved"
    first = save_atlas(root, files, TITLE, STUDENT)
    assert save_atlas(root, dict(files), TITLE, STUDENT) == first
    assert save_atlas(root, files, "Another title", "192.0.2.1") == first  # the files decide, not the caller
    assert [slug for slug, _ in list_saved(root)] == [first] and usage(root)[0] == 1
    assert save_atlas(root, edited(files), TITLE) != first  # one character more is another atlas


def test_an_atlas_removed_by_hand_is_saved_again(files, tmp_path):
    root = tmp_path / "saved"
    first = save_atlas(root, files, TITLE)
    shutil.rmtree(root / first)
    assert save_atlas(root, files, TITLE) == first and load_saved(root, first).atlas.meta.title == TITLE


def test_an_address_saves_only_so_many_atlases_an_hour(files, tmp_path):
    root, clock, limits = tmp_path / "saved", Clock(), SavedLimits(saves_per_hour=3)
    first = clock.now
    for n in range(3):
        save_atlas(root, edited(files, n), TITLE, STUDENT, limits=limits, clock=clock)
        clock.now += 600
    message = r"this address has saved 3 atlases in the last hour, the most allowed \(3\): save again in 30 min"
    with pytest.raises(SaveLimit, match=message):
        save_atlas(root, edited(files, 9), TITLE, STUDENT, limits=limits, clock=clock)
    assert usage(root)[0] == 3 and not any(p.name.startswith(".saving") for p in root.iterdir())
    save_atlas(root, edited(files, 9), TITLE, "192.0.2.1", limits=limits, clock=clock)  # another address
    assert save_atlas(root, edited(files, 1), TITLE, STUDENT, limits=limits, clock=clock)  # a save already made
    clock.now = first + 3601  # the first save has left the hour
    save_atlas(root, edited(files, 10), TITLE, STUDENT, limits=limits, clock=clock)


def test_the_folder_holds_only_so_many_atlases_and_bytes(files, tmp_path):
    root = tmp_path / "saved"
    for n in range(2):
        save_atlas(root, edited(files, n), TITLE, limits=SavedLimits(max_atlases=2))
    with pytest.raises(SaveLimit, match=r"already keeps 2 saved atlases, the most it keeps \(2\)"):
        save_atlas(root, edited(files, 5), TITLE, limits=SavedLimits(max_atlases=2))
    count, size = usage(root)
    assert count == 2 and size == sum(len(v) for v in files.values()) * 2 + 1
    tight = SavedLimits(max_bytes=size + sum(len(v) for v in files.values()))
    with pytest.raises(SaveLimit, match="MB the server keeps for them"):
        save_atlas(root, edited(files, 5), TITLE, limits=tight)
    assert usage(root) == (count, size)


def test_the_limits_come_from_the_environment():
    assert saved_limits({}) == SavedLimits()
    env = {"ATLAS_SAVED_MAX_ATLASES": "50", "ATLAS_SAVED_MAX_MB": "20", "ATLAS_SAVES_PER_HOUR": " 4 "}
    assert saved_limits(env) == SavedLimits(50, 20_000_000, 4)
    assert saved_limits({"ATLAS_SAVED_MAX_MB": "-1", "ATLAS_SAVES_PER_HOUR": "lots"}) == SavedLimits()


def test_workers_saving_the_same_atlas_at_once_keep_one_copy(files, tmp_path):
    root, slugs = tmp_path / "saved", []
    threads = [threading.Thread(target=lambda: slugs.append(save_atlas(root, files, TITLE))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(slugs) == 4 and len(set(slugs)) == 1 and usage(root)[0] == 1
