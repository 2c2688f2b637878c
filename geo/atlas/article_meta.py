"""The article's metadata (data/article.yaml) as one typed, checked object.

Every view credits the article the same way, so the title, author, date and link are
read here once, with their types checked, instead of as loose strings from a dict.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.atlas.datafile import is_http_link, one_line_field, parse_date, read_yaml, reject_unknown_keys
from geo.errors import DataError

REQUIRED = ("title", "author", "publisher", "first_published", "url", "attribution", "licence")
OPTIONAL = ("author_byline", "republished", "text_notes", "site_name")
DEFAULT_SITE_NAME = "Article atlas"  # what an atlas that names itself nothing is called on its pages
REPUBLISHED_FIELDS = ("by", "date")
# English month names, fixed: strftime("%B") follows the process locale.
MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


def date_text(day: dt.date) -> str:
    """A date as the atlas prints it: "28 September 2023" (no leading zero, whatever the locale)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Republication:
    """Where the text in data/article.md was taken from, when that is not the original."""

    by: str
    date: dt.date


@dataclass(frozen=True)
class ArticleMeta:
    """Who wrote the article, who published it and when, and how it may be reused."""

    title: str
    author: str
    publisher: str
    first_published: dt.date
    url: str  # the original, always http(s)
    attribution: str
    licence: str
    author_byline: str | None = None  # the author's name as the byline spells it ("Bahrüz Samadov")
    republished: Republication | None = None
    text_notes: str | None = None
    site_name: str = DEFAULT_SITE_NAME  # the atlas's own name, which its site's pages carry ("Karabakh Atlas")

    @property
    def first_published_text(self) -> str:
        """The publication date for display: "28 September 2023"."""
        return date_text(self.first_published)


def _original_link(value: str, file: str) -> str:
    if not is_http_link(value):
        raise DataError(file, f"must be an http(s) link to the original, not {value!r}", field="url")
    return value


def _republished(raw: Any, file: str) -> Republication | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise DataError(file, "must be a mapping with 'by' and 'date'", field="republished")
    reject_unknown_keys(raw, REPUBLISHED_FIELDS, file, parent="republished")
    return Republication(
        by=one_line_field(raw, "by", file, field="republished.by"),
        date=parse_date(raw.get("date"), file, field="republished.date"),
    )


def parse_article_meta(raw: Any, file: str = "article.yaml") -> ArticleMeta:
    """Validate the parsed YAML of article.yaml; raise DataError naming the field."""
    if not isinstance(raw, dict):
        raise DataError(file, "expected a mapping of metadata")
    reject_unknown_keys(raw, REQUIRED + OPTIONAL, file)
    for key in REQUIRED:
        if key not in raw:
            raise DataError(file, "missing required field", field=key)
    texts = ("author_byline", "text_notes", "site_name")
    optional = {key: one_line_field(raw, key, file) for key in texts if raw.get(key) is not None}
    return ArticleMeta(
        title=one_line_field(raw, "title", file),
        author=one_line_field(raw, "author", file),
        publisher=one_line_field(raw, "publisher", file),
        first_published=parse_date(raw["first_published"], file, field="first_published"),
        url=_original_link(one_line_field(raw, "url", file), file),
        attribution=one_line_field(raw, "attribution", file),
        licence=one_line_field(raw, "licence", file),
        republished=_republished(raw.get("republished"), file),
        **optional,
    )


def load_article_meta(path: Path) -> ArticleMeta:
    """Read and check data/article.yaml."""
    return parse_article_meta(read_yaml(path), path.name)
