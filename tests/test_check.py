"""Checking every data file (geo/atlas/check.py); the command line around it is tested in test_cli.py."""

from __future__ import annotations

import pytest

from geo.atlas.check import FileReport, check_data
from geo.errors import DataError


def reports_by_file(reports: list[FileReport]) -> dict[str, str]:
    return {r.file: r.summary for r in reports}


def test_every_file_is_reported_once(atlas):
    reports = reports_by_file(check_data())
    assert set(reports) == {
        "geometry.geojson", "places.yaml", "article.md", "article.yaml", "figures.yaml", "tour.yaml", "context.yaml",
        "water.geojson", "events.yaml", "tour-chronology.yaml",
    }  # fmt: skip
    assert reports["geometry.geojson"] == f"{len(atlas.shapes)} features"
    passages = sum(len(v) for v in atlas.passages.values())
    assert reports["article.md"] == f"{len(atlas.blocks)} blocks, {passages} passages"


def test_a_folder_without_tour_falls_back_to_the_article_order(data_copy, atlas):
    (data_copy / "tour.yaml").unlink()
    named = sum(1 for p in atlas.places if atlas.passages[p.slug])
    assert reports_by_file(check_data(data_copy))["tour.yaml"] == f"{named} steps (no file: the article's order)"


def test_a_broken_tour_fails_the_check(data_copy, assert_data_error):
    (data_copy / "tour.yaml").write_text("title: T\nsteps: [baku, atlantis]\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        check_data(data_copy)
    assert_data_error(info.value, "tour.yaml", "step 2 (atlantis)", "place")


def test_events_are_skipped_without_a_file(data_copy):
    (data_copy / "tour-chronology.yaml").unlink()  # it needs the events
    (data_copy / "events.yaml").unlink()
    assert reports_by_file(check_data(data_copy))["events.yaml"] == "not present, skipped"


def test_the_shipped_events_are_loaded_and_counted(atlas):
    from geo.atlas.events import load_events

    assert reports_by_file(check_data())["events.yaml"] == f"{len(load_events(atlas))} events"


def test_a_broken_shipped_events_file_fails_the_check(edit_yaml, data_copy, assert_data_error):
    edit_yaml("events.yaml", lambda data: data["events"][0].update(start="1988-13"))
    with pytest.raises(DataError) as info:
        check_data(data_copy)
    assert_data_error(info.value, "events.yaml", "first-karabakh-war", "start")


def test_an_events_file_is_counted_as_it_loads(data_copy, edit_yaml):
    (data_copy / "tour-chronology.yaml").unlink()  # it needs the shipped events
    edit_yaml("events.yaml", lambda data: data.update(events=data["events"][:1]))
    assert reports_by_file(check_data(data_copy))["events.yaml"] == "1 event"
    (data_copy / "events.yaml").write_text("events: []\n", encoding="utf-8")  # a drafted atlas's
    assert reports_by_file(check_data(data_copy))["events.yaml"] == "0 events"


def test_an_events_file_without_a_list_fails_the_check(data_copy, assert_data_error):
    (data_copy / "events.yaml").write_text("events: broken\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        check_data(data_copy)
    assert_data_error(info.value, "events.yaml", None, "events")


def test_context_is_reported_apart_from_the_places(atlas):
    reports = reports_by_file(check_data())
    assert reports["context.yaml"].startswith("14 towns, 4 named waters, 2 rivers")
    named = sum(1 for p in atlas.places if atlas.passages[p.slug])
    assert reports["places.yaml"] == f"{len(atlas.places)} places: {named} named in the article, 3 shown for context"


def test_a_broken_context_file_fails_the_check(data_copy, edit_yaml, assert_data_error):
    edit_yaml("context.yaml", lambda data: data["towns"][0].update(nmae="Yerevan"))
    with pytest.raises(DataError) as info:
        check_data(data_copy)
    assert_data_error(info.value, "context.yaml", "Yerevan", "nmae")


def test_a_missing_water_file_fails_the_check(data_copy):
    (data_copy / "water.geojson").unlink()
    with pytest.raises(DataError, match=r"^water.geojson: .*build_water.py"):
        check_data(data_copy)


def test_the_chronology_tour_is_checked_against_the_events(data_copy, edit_yaml, assert_data_error):
    assert reports_by_file(check_data(data_copy))["tour-chronology.yaml"].endswith(" steps")
    edit_yaml("tour-chronology.yaml", lambda data: data["steps"].append({"event": "moon-landing"}))
    with pytest.raises(DataError) as info:
        check_data(data_copy)
    steps = len(__import__("yaml").safe_load((data_copy / "tour-chronology.yaml").read_text())["steps"])
    assert_data_error(info.value, "tour-chronology.yaml", f"step {steps} (moon-landing)", "event")
    (data_copy / "tour-chronology.yaml").unlink()
    assert reports_by_file(check_data(data_copy))["tour-chronology.yaml"] == "not present, skipped"
