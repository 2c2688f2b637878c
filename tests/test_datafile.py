"""The strict reading every loader shares (geo/atlas/datafile.py): YAML errors, unknown keys, dates."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.atlas.datafile import parse_date, read_yaml, reject_unknown_keys
from geo.errors import DataError


def test_known_keys_pass():
    reject_unknown_keys({"name": "Baku", "usage": "Azerbaijani"}, ("name", "usage"), "places.yaml", entry="baku")


def test_an_unknown_key_names_file_entry_and_field_and_suggests_the_right_one(assert_data_error):
    with pytest.raises(DataError) as info:
        reject_unknown_keys({"withn": "azerbaijan", "slug": "baku"}, ("slug", "within"), "places.yaml", entry="baku")
    assert_data_error(info.value, "places.yaml", "baku", "withn")
    assert "did you mean 'within'?" in str(info.value)


def test_a_key_far_from_any_known_one_lists_the_allowed_keys(assert_data_error):
    with pytest.raises(DataError) as info:
        reject_unknown_keys({"colour": "red"}, ("place", "passage", "note"), "tour.yaml", entry="step 1")
    assert_data_error(info.value, "tour.yaml", "step 1", "colour")
    assert "expected one of: place, passage, note" in str(info.value)


def test_every_unknown_key_is_reported_and_the_first_in_order_is_the_field(assert_data_error):
    with pytest.raises(DataError) as info:
        reject_unknown_keys({"zeta": 1, "alpha": 2, "ok": 3}, ("ok",), "figures.yaml")
    assert_data_error(info.value, "figures.yaml", None, "alpha")
    assert "also unknown: zeta" in str(info.value)


def test_a_nested_key_is_named_by_its_path(assert_data_error):
    with pytest.raises(DataError) as info:
        reject_unknown_keys(
            {"value": 1, "sorce": "x"}, ("value", "source"), "places.yaml", entry="armenia", parent="published_area_km2"
        )
    assert_data_error(info.value, "places.yaml", "armenia", "published_area_km2.sorce")


def test_non_string_keys_are_reported_too(assert_data_error):
    with pytest.raises(DataError) as info:
        reject_unknown_keys({1: "x"}, ("title",), "article.yaml")
    assert_data_error(info.value, "article.yaml", None, "1")


def test_read_yaml_names_the_line_of_a_syntax_error(tmp_path):
    path = tmp_path / "tour.yaml"
    path.write_text("title: x\nsteps: [a\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"^tour\.yaml: invalid YAML at line 3, column 1"):
        read_yaml(path)


def test_read_yaml_of_a_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match=r"^nothing\.yaml: cannot read file"):
        read_yaml(tmp_path / "nothing.yaml")


def test_read_yaml_keeps_an_impossible_date_as_text_for_its_loader_to_reject(tmp_path):
    path = tmp_path / "article.yaml"
    path.write_text("good: 2023-09-28\nbad: 2023-02-30\n", encoding="utf-8")
    assert read_yaml(path) == {"good": dt.date(2023, 9, 28), "bad": "2023-02-30"}


@pytest.mark.parametrize("value", [dt.date(2023, 9, 28), "2023-09-28", " 2023-09-28 "])
def test_parse_date_accepts_a_calendar_date(value):
    assert parse_date(value, "article.yaml", field="first_published") == dt.date(2023, 9, 28)


@pytest.mark.parametrize(
    "value",
    ["2023-02-30", "28 September 2023", "2023/09/28", "20230928", 20230928, None, dt.datetime(2023, 9, 28, 10)],
)
def test_parse_date_rejects_anything_else_naming_the_field(assert_data_error, value):
    with pytest.raises(DataError) as info:
        parse_date(value, "events.yaml", entry="offensive", field="date")
    assert_data_error(info.value, "events.yaml", "offensive", "date")
