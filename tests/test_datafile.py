"""The strict reading every loader shares (geo/atlas/datafile.py): YAML errors, unknown keys, dates, fields."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.atlas.datafile import (
    flag_field,
    is_http_link,
    one_line_field,
    parse_date,
    read_yaml,
    reject_unknown_keys,
    text_field,
)
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


def test_a_text_field_is_stripped_and_an_optional_one_may_be_absent():
    raw = {"name": "  Goris \n", "note": None}
    assert text_field(raw, "name", "context.yaml", entry="Goris") == "Goris"
    assert text_field(raw, "note", "context.yaml", entry="Goris", required=False) is None
    assert text_field(raw, "within", "places.yaml", entry="goris", required=False) is None


@pytest.mark.parametrize("raw", [{}, {"name": ""}, {"name": "  "}, {"name": 7}, {"name": ["Goris"]}])
def test_a_text_field_that_is_no_text_names_file_entry_and_field(assert_data_error, raw):
    with pytest.raises(DataError, match="must be a non-empty string") as info:
        text_field(raw, "name", "context.yaml", entry="towns #3")
    assert_data_error(info.value, "context.yaml", "towns #3", "name")


def test_a_one_line_field_folds_its_white_space():
    raw = {"title": " This is not\n  the end "}
    assert one_line_field(raw, "title", "article.yaml") == "This is not the end"


@pytest.mark.parametrize("raw", [{}, {"fact": " "}, {"fact": 1988}])
def test_a_one_line_field_that_is_no_text_is_named_by_its_path(assert_data_error, raw):
    with pytest.raises(DataError, match="missing, or not a non-empty string") as info:
        one_line_field(raw, "fact", "events.yaml", entry="exodus", field="outside[2].fact")
    assert_data_error(info.value, "events.yaml", "exodus", "outside[2].fact")


def test_a_flag_is_true_or_false_and_false_when_absent(assert_data_error):
    assert flag_field({"capital": True}, "capital", "context.yaml", entry="Yerevan") is True
    assert flag_field({}, "capital", "context.yaml", entry="Yerevan") is False
    with pytest.raises(DataError, match="must be true or false, not 'yes'") as info:
        flag_field({"indicative": "yes"}, "indicative", "places.yaml", entry="zangezur-corridor")
    assert_data_error(info.value, "places.yaml", "zangezur-corridor", "indicative")


@pytest.mark.parametrize("value", ["https://www.opendemocracy.net/en/a/", "http://example.org", "https://h/?q=1"])
def test_an_http_link_has_a_scheme_and_a_host(value):
    assert is_http_link(value)


@pytest.mark.parametrize("value", ["https://", "http:///path", "ftp://example.org/", "example.org", "", None, 42])
def test_anything_else_is_no_http_link(value):
    assert not is_http_link(value)
