"""The article's chronology: the events it dates (data/events.yaml), each tied to its passage.

An event's date is kept at the precision the article supports (a year, a month, a week or a
day), so "in 2016" is never shown as 1 January 2016. Dates are written `YYYY`, `YYYY-MM` or
`YYYY-MM-DD`, forms every program reads; a week is its Monday with `precision: week`. Its `quote` is the
article's own dating words: found word for word in the text when the file loads, it
gives the passage (the sentence holding it) and the span to mark, so data and text
cannot drift apart. Facts from outside the article that make a date exact are kept
apart, each with its source, and must agree with the article's dates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.atlas.article import SEARCHED_KINDS, Block, Passage, sentence_bounds
from geo.atlas.article_meta import MONTHS
from geo.atlas.datafile import is_http_link, one_line_field, read_yaml, reject_unknown_keys
from geo.atlas.loader import Atlas
from geo.atlas.places import SLUG_RE
from geo.errors import DataError

EVENTS_FILE_NAME = "events.yaml"
EVENT_FIELDS = ("slug", "title", "start", "end", "precision", "quote", "resolved", "also", "places", "outside")
REQUIRED_FIELDS = ("slug", "title", "start", "quote", "places")
ALSO_FIELDS = ("quote", "resolved")
OUTSIDE_FIELDS = ("fact", "start", "end", "source", "url")
SEPTEMBER = 9
_FORMS = (
    ("year", re.compile(r"^(\d{4})$")),
    ("month", re.compile(r"^(\d{4})-(\d{2})$")),
    ("day", re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")),
)
DATE_FORMS = "YYYY, YYYY-MM or YYYY-MM-DD"
ISO_WEEK = re.compile(r"^\d{4}-W\d{2}$")
# `precision:` of an event: what its day-written dates stand for. Only a week needs saying; a
# year, a month or a day is read from how the date is written.
PRECISIONS = ("week",)


def _short_month(month: int) -> str:
    return MONTHS[month - 1][:3]


@dataclass(frozen=True)
class When:
    """A date at the precision the text supports: every day from `first` to `last` fits it."""

    iso: str  # as written: "2016", "2022-09", "2023-09-19" (also a week's Monday, with precision "week")
    precision: str  # year, month, week or day
    first: dt.date
    last: dt.date

    @property
    def text(self) -> str:
        """In words: "2016", "September 2022", "the week of 25 September 2023", "19 September 2023"."""
        d = self.first
        if self.precision == "year":
            return str(d.year)
        if self.precision == "month":
            return f"{MONTHS[d.month - 1]} {d.year}"
        if self.precision == "week":
            return f"the week of {d.day} {MONTHS[d.month - 1]} {d.year}"
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"

    @property
    def short(self) -> str:
        """For a list: "2016", "Sep 2022", "week of 25 Sep 2023", "19 Sep 2023"."""
        d = self.first
        if self.precision == "year":
            return str(d.year)
        if self.precision == "month":
            return f"{_short_month(d.month)} {d.year}"
        if self.precision == "week":
            return f"week of {d.day} {_short_month(d.month)} {d.year}"
        return f"{d.day} {_short_month(d.month)} {d.year}"

    def contains(self, other: When) -> bool:
        return self.first <= other.first and other.last <= self.last


def parse_when(value: Any, file: str, *, entry: str | None, field: str, week: bool = False) -> When:
    """An ISO 8601 date at year, month or day precision; with `week`, a Monday standing for its
    week (the timeline still shows the week). Anything else is a DataError."""
    if isinstance(value, (bool, dt.datetime)):
        raise DataError(file, f"must be a date written {DATE_FORMS}, not {value!r}", entry=entry, field=field)
    if isinstance(value, dt.date):
        value = value.isoformat()
    text = str(value).strip() if isinstance(value, (int, str)) else None
    if text and ISO_WEEK.match(text):
        raise DataError(
            file,
            f"{text!r} is an ISO week, which few programs read: write its Monday as YYYY-MM-DD "
            "and add `precision: week` to the event",
            entry=entry,
            field=field,
        )
    if week:
        return _week(text, file, entry=entry, field=field)
    for precision, pattern in _FORMS:
        match = pattern.match(text or "")
        if match is None:
            continue
        numbers = [int(g) for g in match.groups()]
        try:
            if precision == "year":
                first, last = dt.date(numbers[0], 1, 1), dt.date(numbers[0], 12, 31)
            elif precision == "month":
                first = dt.date(numbers[0], numbers[1], 1)
                following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
                last = following - dt.timedelta(days=1)
            else:
                first = last = dt.date(*numbers)
        except ValueError as exc:
            raise DataError(file, f"{text!r} is not a real date ({exc})", entry=entry, field=field) from exc
        return When(text, precision, first, last)
    raise DataError(file, f"must be a date written {DATE_FORMS}, not {value!r}", entry=entry, field=field)


def _week(text: str | None, file: str, *, entry: str | None, field: str) -> When:
    """A week written as its Monday (`precision: week`)."""
    day = parse_when(text, file, entry=entry, field=field)
    if day.precision != "day" or day.first.weekday() != 0:
        raise DataError(
            file,
            f"with `precision: week` a date must be the week's Monday, written YYYY-MM-DD, not {text!r}",
            entry=entry,
            field=field,
        )
    return When(day.iso, "week", day.first, day.first + dt.timedelta(days=6))


def span_text(start: When, end: When | None) -> str:
    """A date or a period in words: "1988–1994", "2–5 April 2016", "December 2022 – September 2023"."""
    if end is None or end.iso == start.iso:
        return start.text
    a, b = start.first, end.last
    if start.precision == end.precision == "year":
        return f"{a.year}–{b.year}"
    if start.precision == end.precision == "day" and a.year == b.year:
        if a.month == b.month:
            return f"{a.day}–{b.day} {MONTHS[b.month - 1]} {b.year}"
        return f"{a.day} {MONTHS[a.month - 1]} – {b.day} {MONTHS[b.month - 1]} {b.year}"
    return f"{start.text} – {end.text}"


def span_short(start: When, end: When | None) -> str:
    """A date or a period for a list: "1988–94", "Dec 2022 – Sep 2023"."""
    if end is None or end.iso == start.iso:
        return start.short
    if start.precision == end.precision == "year" and start.first.year // 100 == end.first.year // 100:
        return f"{start.first.year}–{end.first.year % 100:02d}"
    return f"{start.short} – {end.short}"


@dataclass(frozen=True)
class Dating:
    """Words of the article that date an event, the sentence they stand in, and how they were read."""

    quote: str
    resolved: str | None
    passage: Passage  # spans: the quote within the paragraph


@dataclass(frozen=True)
class OutsideFact:
    """A fact from outside the article that makes a date exact, with its public source."""

    fact: str
    source: str
    url: str | None = None
    start: When | None = None
    end: When | None = None

    @property
    def when(self) -> str | None:
        return None if self.start is None and self.end is None else span_text(self.start or self.end, self.end)


@dataclass(frozen=True)
class Event:
    """One dated event of the article: when, in whose words, where, and what is known from outside."""

    slug: str
    title: str
    start: When
    end: When | None
    dating: tuple[Dating, ...]  # the `quote` first, then `also`
    places: tuple[str, ...]
    outside: tuple[OutsideFact, ...] = ()

    @property
    def quote(self) -> Dating:
        return self.dating[0]

    @property
    def when(self) -> str:
        return span_text(self.start, self.end)

    @property
    def when_short(self) -> str:
        return span_short(self.start, self.end)

    @property
    def september(self) -> bool:
        """Whether the article dates it to a September: the "bloody Septembers" it counts."""
        return self.start.precision != "year" and self.start.first.month == SEPTEMBER

    @property
    def exact_first(self) -> dt.date:
        """The first day as closely as known: an outside fact's start where there is one."""
        return next((f.start.first for f in self.outside if f.start), self.start.first)

    @property
    def exact_last(self) -> dt.date:
        """The last day as closely as known."""
        exact = next((f.end.last for f in self.outside if f.end), None)
        if exact is not None:
            return exact
        if self.end is None:
            return next((f.start.last for f in self.outside if f.start), self.start.last)
        return self.end.last

    def involves(self, slug: str | None) -> bool:
        return slug is not None and slug in self.places


def find_quote(blocks: list[Block], quote: str, owner: str, file: str, entry: str, field: str) -> Passage:
    """The passage holding the quote, which must occur exactly once in the searched text of the article."""
    hits = [(b, m.start()) for b in blocks if b.kind in SEARCHED_KINDS for m in re.finditer(re.escape(quote), b.text)]
    if not hits:
        raise DataError(
            file, f"{quote!r} is not in article.md (quotes are checked word for word)", entry=entry, field=field
        )
    if len(hits) > 1:
        raise DataError(
            file,
            f"{quote!r} occurs {len(hits)} times in the article; quote enough words to name one",
            entry=entry,
            field=field,
        )
    block, start = hits[0]
    end = start + len(quote)
    bounds = sentence_bounds(block.text)
    first = next(s for s, e in bounds if s <= start < e)
    last = next(e for s, e in bounds if s < end <= e)
    return Passage(owner, block.index, block.text, block.text[first:last], first, ((start, end),))


def _dating(raw: dict, atlas: Atlas, start: When, file: str, entry: str, owner: str, prefix: str = "") -> Dating:
    quote = one_line_field(raw, "quote", file, entry=entry, field=f"{prefix}quote")
    resolved = raw.get("resolved")
    if resolved is not None:
        resolved = one_line_field(raw, "resolved", file, entry=entry, field=f"{prefix}resolved")
    elif not prefix and str(start.first.year) not in quote:
        raise DataError(
            file,
            f"the quote does not name the year {start.first.year}; say in 'resolved' how the date was read",
            entry=entry,
            field="resolved",
        )
    passage = find_quote(atlas.blocks, quote, owner, file, entry, f"{prefix}quote")
    return Dating(quote, resolved, passage)


def _outside(
    raw: Any, event_start: When, event_end: When | None, published: dt.date, file: str, entry: str
) -> tuple[OutsideFact, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        raise DataError(
            file, "must be a list of facts, each {fact, source, url, start, end}", entry=entry, field="outside"
        )
    facts = []
    for n, item in enumerate(raw, 1):
        where = f"outside[{n}]"
        if not isinstance(item, dict):
            raise DataError(file, "must be a mapping {fact, source, url, start, end}", entry=entry, field=where)
        reject_unknown_keys(item, OUTSIDE_FIELDS, file, entry=entry, parent=where)
        fact = one_line_field(item, "fact", file, entry=entry, field=f"{where}.fact")
        source = one_line_field(item, "source", file, entry=entry, field=f"{where}.source")
        url = item.get("url")
        if url is not None and not is_http_link(url):
            raise DataError(file, f"must be an http(s) link, not {url!r}", entry=entry, field=f"{where}.url")
        start = parse_when(item["start"], file, entry=entry, field=f"{where}.start") if "start" in item else None
        end = parse_when(item["end"], file, entry=entry, field=f"{where}.end") if "end" in item else None
        # An exact date refines the article's own: it must fall inside it.
        if start is not None and not event_start.contains(start):
            raise DataError(
                file,
                f"{start.iso} is not within the article's date {event_start.iso}",
                entry=entry,
                field=f"{where}.start",
            )
        # Where the article gives no end, an exact end may extend the event, up to the publication.
        if end is not None and event_end is not None and not event_end.contains(end):
            raise DataError(
                file, f"{end.iso} is not within the article's date {event_end.iso}", entry=entry, field=f"{where}.end"
            )
        if end is not None and event_end is None and not event_start.first <= end.first <= published:
            raise DataError(
                file,
                f"{end.iso} is not between the article's date {event_start.iso} and its publication",
                entry=entry,
                field=f"{where}.end",
            )
        if start is not None and end is not None and end.last < start.first:
            raise DataError(file, "ends before it starts", entry=entry, field=f"{where}.end")
        facts.append(OutsideFact(fact, source, url, start, end))
    return tuple(facts)


def _places(raw: Any, atlas: Atlas, file: str, entry: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        raise DataError(file, "must be a non-empty list of place slugs", entry=entry, field="places")
    for slug in raw:
        if not isinstance(slug, str) or slug not in atlas.by_slug:
            raise DataError(file, f"no place with slug {slug!r} in places.yaml", entry=entry, field="places")
    if len(set(raw)) != len(raw):
        raise DataError(file, "a place is listed twice", entry=entry, field="places")
    return tuple(raw)


def parse_event(raw: Any, index: int, atlas: Atlas, file: str = EVENTS_FILE_NAME) -> Event:
    """One entry of events.yaml, checked against the article and the gazetteer."""
    entry = f"#{index}"
    if not isinstance(raw, dict):
        raise DataError(file, "each event must be a mapping", entry=entry)
    slug = raw.get("slug")
    if isinstance(slug, str) and SLUG_RE.fullmatch(slug):
        entry = slug
    reject_unknown_keys(raw, EVENT_FIELDS, file, entry=entry)
    for key in REQUIRED_FIELDS:
        if key not in raw:
            raise DataError(file, "missing required field", entry=entry, field=key)
    if entry != slug:
        raise DataError(
            file, "slug must be lowercase letters, digits and single hyphens (URL-safe)", entry=entry, field="slug"
        )
    title = one_line_field(raw, "title", file, entry=entry)
    precision = raw.get("precision")
    if precision is not None and precision not in PRECISIONS:
        raise DataError(
            file,
            f"must be {' or '.join(PRECISIONS)} (a year, a month or a day is read from how the date is written)",
            entry=entry,
            field="precision",
        )
    week = precision == "week"
    start = parse_when(raw["start"], file, entry=entry, field="start", week=week)
    end = parse_when(raw["end"], file, entry=entry, field="end", week=week) if raw.get("end") is not None else None
    if end is not None and (end.last < start.first or end.first < start.first):
        raise DataError(file, f"the event ends ({end.iso}) before it starts ({start.iso})", entry=entry, field="end")
    published = atlas.meta.first_published
    for key, when in (("start", start), ("end", end)):
        if when is not None and when.first > published:
            raise DataError(
                file,
                f"{when.iso} is after the article was published ({atlas.meta.first_published_text})",
                entry=entry,
                field=key,
            )
    dating = [_dating(raw, atlas, start, file, entry, slug)]
    also = raw.get("also")
    if also is not None:
        if not isinstance(also, list) or not also:
            raise DataError(file, "must be a list of {quote, resolved}", entry=entry, field="also")
        for n, item in enumerate(also, 1):
            where = f"also[{n}]"
            if not isinstance(item, dict):
                raise DataError(file, "must be a mapping {quote, resolved}", entry=entry, field=where)
            reject_unknown_keys(item, ALSO_FIELDS, file, entry=entry, parent=where)
            dating.append(_dating(item, atlas, start, file, entry, slug, prefix=f"{where}."))
    places = _places(raw.get("places"), atlas, file, entry)
    outside = _outside(raw.get("outside"), start, end, published, file, entry)
    return Event(slug, title, start, end, tuple(dating), places, outside)


def parse_events(data: Any, atlas: Atlas, file: str = EVENTS_FILE_NAME) -> tuple[Event, ...]:
    """Every event of the parsed YAML, in date order (ties keep the file's order)."""
    if not isinstance(data, dict):
        raise DataError(file, "expected a mapping with an 'events' list")
    reject_unknown_keys(data, ("events",), file)
    items = data.get("events")
    if not isinstance(items, list):
        raise DataError(file, "must be a list of events (`events: []` while there are none)", field="events")
    events = [parse_event(raw, n, atlas, file) for n, raw in enumerate(items, 1)]
    seen: set[str] = set()
    for event in events:
        if event.slug in seen:
            raise DataError(file, "two events have this slug", entry=event.slug, field="slug")
        seen.add(event.slug)
    return tuple(sorted(events, key=lambda e: e.exact_first))  # stable: ties keep the file's order


def load_events(atlas: Atlas, path: Path | None = None) -> tuple[Event, ...]:
    """The events in `path`, by default the events.yaml beside the atlas's data; none without the file."""
    path = atlas.data_dir / EVENTS_FILE_NAME if path is None else path
    if not path.exists():
        return ()
    return parse_events(read_yaml(path), atlas, path.name)


def events_involving(events: Iterable[Event], slug: str | None) -> tuple[Event, ...]:
    """The events that involve a place, in date order."""
    return tuple(e for e in events if e.involves(slug))
