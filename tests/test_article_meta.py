"""The article's metadata (geo/atlas/article_meta.py): typed, checked, and one way to print the date."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.atlas.article_meta import ArticleMeta, Republication, date_text, load_article_meta, parse_article_meta
from geo.atlas.loader import load_atlas
from geo.errors import DataError


def test_the_shipped_metadata_is_typed(atlas):
    meta = atlas.meta
    assert isinstance(meta, ArticleMeta)
    assert meta.title == "This is not the end of the conflict between Armenia and Azerbaijan"
    assert meta.author == "Bahruz Samadov" and meta.author_byline == "Bahrüz Samadov"
    assert meta.publisher == "openDemocracy"
    assert meta.first_published == dt.date(2023, 9, 28)
    assert meta.url.startswith("https://www.opendemocracy.net/")
    assert meta.republished == Republication("Europe Solidaire Sans Frontières (ESSF)", dt.date(2023, 9, 29))
    assert meta.text_notes and "No word is changed." in meta.text_notes
    assert "\n" not in meta.attribution and "\n" not in meta.licence


def test_the_display_date_is_written_out():
    assert date_text(dt.date(2023, 9, 28)) == "28 September 2023"
    assert date_text(dt.date(2024, 1, 5)) == "5 January 2024"


def test_the_first_published_date_is_shown_the_same_everywhere(atlas):
    assert atlas.meta.first_published_text == "28 September 2023"
    assert atlas.meta.first_published_text in atlas.meta.attribution


def test_metadata_is_frozen(atlas):
    with pytest.raises(AttributeError):
        atlas.meta.title = "Something else"


def minimal() -> dict:
    return {
        "title": "T",
        "author": "A",
        "publisher": "P",
        "first_published": dt.date(2023, 9, 28),
        "url": "https://example.org/a",
        "attribution": "By A.",
        "licence": "Reuse with attribution.",
    }


def test_optional_fields_may_be_left_out():
    meta = parse_article_meta(minimal())
    assert (meta.author_byline, meta.republished, meta.text_notes) == (None, None, None)
    assert parse_article_meta({**minimal(), "url": "http://example.org/"}).url == "http://example.org/"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"titel": "T"}, "titel"),
        ({"republished": {"by": "ESSF", "date": "2023-09-29", "where": "web"}}, "republished.where"),
        ({"first_published": "28 September 2023"}, "first_published"),
        ({"first_published": "2023-02-30"}, "first_published"),
        ({"first_published": dt.datetime(2023, 9, 28, 10, 0)}, "first_published"),
        ({"republished": {"by": "ESSF", "date": "yesterday"}}, "republished.date"),
        ({"republished": {"date": dt.date(2023, 9, 29)}}, "republished.by"),
        ({"republished": "ESSF"}, "republished"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "www.opendemocracy.net/en/"}, "url"),
        ({"url": "ftp://example.org/a"}, "url"),
        ({"url": "https://"}, "url"),
        ({"title": ""}, "title"),
        ({"author": 42}, "author"),
        ({"text_notes": ""}, "text_notes"),
    ],
)
def test_bad_metadata_names_the_file_and_field(assert_data_error, change, field):
    with pytest.raises(DataError) as info:
        parse_article_meta({**minimal(), **change})
    assert_data_error(info.value, "article.yaml", None, field)


@pytest.mark.parametrize("field", ["title", "author", "publisher", "first_published", "url", "attribution", "licence"])
def test_every_required_field_is_required(assert_data_error, field):
    raw = minimal()
    raw.pop(field)
    with pytest.raises(DataError) as info:
        parse_article_meta(raw)
    assert_data_error(info.value, "article.yaml", None, field)
    assert "missing required field" in str(info.value)


def test_not_a_mapping():
    with pytest.raises(DataError, match=r"^article\.yaml: expected a mapping"):
        parse_article_meta(["title"])


def test_a_typo_in_the_real_file_stops_the_atlas(data_copy, assert_data_error):
    path = data_copy / "article.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\nlicence:", "\nlicense:"), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_data_error(info.value, "article.yaml", None, "license")
    assert "did you mean 'licence'?" in str(info.value)


def test_an_impossible_date_in_the_real_file_names_the_field(data_copy, assert_data_error):
    path = data_copy / "article.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("first_published: 2023-09-28", "first_published: 2023-09-31"), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_article_meta(path)
    assert_data_error(info.value, "article.yaml", None, "first_published")
    assert "'2023-09-31' is not a real date" in str(info.value)
