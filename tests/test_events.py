"""The article's chronology (geo/atlas/events.py): dates at the text's precision, quotes tied to
passages, strict loading."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from geo.atlas.events import events_involving, load_events, parse_events, parse_when, span_short, span_text
from geo.errors import DataError


@pytest.fixture(scope="module")
def events(atlas):
    return load_events(atlas)


def by_slug(events) -> dict:
    return {e.slug: e for e in events}


def one_event(**fields: Any) -> dict:
    """A valid event, changed by `fields` (a value of None drops the key)."""
    event = {
        "slug": "test-event",
        "title": "A test event",
        "start": "2022-12",
        "quote": "blocked and isolated the region in December 2022",
        "places": ["nagorno-karabakh"],
    }
    event.update(fields)
    return {k: v for k, v in event.items() if v is not None}


def parse(atlas, *events: dict) -> tuple:
    return parse_events({"events": list(events)}, atlas)


# The shipped chronology --------------------------------------------------------------------


def test_every_event_the_brief_names_is_there_with_its_date(events):
    dates = {e.slug: (e.start.iso, e.end.iso if e.end else None) for e in events}
    assert dates["first-karabakh-war"] == ("1988", "1994")
    assert dates["blockade-1991"] == ("1991", "1992")
    assert dates["independence-declared"] == ("1991-09", None)
    assert dates["intelligentsia-visit"] == ("2009", None)
    assert dates["hungarian-prison-rescue"] == ("2012", None)
    assert dates["four-day-war"] == ("2016", None)
    assert dates["pashinyan-prime-minister"] == ("2018", None)
    assert dates["second-karabakh-war"] == ("2020-09", None)
    assert dates["escalation-2022"] == ("2022-09", None)
    assert dates["blockade-2022"] == ("2022-12", "2023-09")
    assert dates["internal-issue"] == ("2023-05", None)
    assert dates["ibadoglu-imprisoned"] == ("2023-07", None)
    assert dates["attack-2023"] == ("2023-09-19", None)
    assert dates["ceasefire-2023"] == ("2023-09-20", None)
    assert dates["exodus"] == ("2023-09-25", None)
    assert next(e for e in events if e.slug == "exodus").start.precision == "week"


def test_events_come_in_date_order_as_closely_as_known(events):
    firsts = [e.exact_first for e in events]
    assert firsts == sorted(firsts)
    slugs = [e.slug for e in events]
    assert slugs[0] == "first-karabakh-war" and slugs[-1] == "exodus"
    # The same day keeps the file's order: the landmine before the attack it led to.
    assert slugs.index("landmine-explosion") < slugs.index("attack-2023") < slugs.index("ceasefire-2023")


def test_each_quote_is_marked_in_its_sentence(events):
    for event in events:
        for dating in event.dating:
            passage = dating.passage
            ((start, end),) = passage.spans
            assert passage.paragraph[start:end] == dating.quote
            ((s, e),) = passage.sentence_spans
            assert passage.sentence[s:e] == dating.quote
            assert passage.slug == event.slug


def test_relative_dates_say_how_they_were_read(events):
    for event in events:
        if str(event.start.first.year) not in event.quote.quote:
            assert event.quote.resolved, event.slug
    escalation = by_slug(events)["escalation-2022"]
    assert escalation.quote.quote.startswith("last September") and "September 2022" in escalation.quote.resolved


def test_outside_facts_name_a_source_and_refine_the_article_date(events):
    war = by_slug(events)["four-day-war"]
    (fact,) = war.outside
    assert (fact.start.iso, fact.end.iso) == ("2016-04-02", "2016-04-05")
    assert fact.when == "2–5 April 2016" and fact.url.startswith("https://")
    assert by_slug(events)["escalation-2022"].outside[0].when == "12–14 September 2022"
    for event in events:
        for fact in event.outside:
            assert fact.source and fact.fact
            if fact.start:
                assert event.start.contains(fact.start)


def test_the_septembers_are_the_article_s_bloody_septembers(events):
    years = sorted({e.start.first.year for e in events if e.september})
    assert years == [1991, 2020, 2022, 2023]
    assert not by_slug(events)["blockade-2022"].september  # it ends in September, it did not start in one


def test_events_involving_a_place(events):
    slugs = [e.slug for e in events_involving(events, "stepanakert")]
    assert slugs == ["intelligentsia-visit"]
    assert events_involving(events, None) == ()
    assert "ibadoglu-imprisoned" in [e.slug for e in events_involving(events, "london")]


# Dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "precision", "first", "last", "text"),
    [
        (2016, "year", "2016-01-01", "2016-12-31", "2016"),
        ("2016", "year", "2016-01-01", "2016-12-31", "2016"),
        ("2022-09", "month", "2022-09-01", "2022-09-30", "September 2022"),
        ("2022-12", "month", "2022-12-01", "2022-12-31", "December 2022"),
        ("2024-02", "month", "2024-02-01", "2024-02-29", "February 2024"),
        (dt.date(2023, 9, 19), "day", "2023-09-19", "2023-09-19", "19 September 2023"),
        ("2023-09-19", "day", "2023-09-19", "2023-09-19", "19 September 2023"),
    ],
)
def test_dates_keep_their_precision(value, precision, first, last, text):
    when = parse_when(value, "events.yaml", entry="x", field="start")
    assert (when.precision, when.first.isoformat(), when.last.isoformat(), when.text) == (precision, first, last, text)


def test_a_week_is_written_as_its_monday_and_shown_as_a_week():
    when = parse_when("2023-09-25", "events.yaml", entry="x", field="start", week=True)
    assert (when.iso, when.precision, when.first, when.last) == (
        "2023-09-25",
        "week",
        dt.date(2023, 9, 25),
        dt.date(2023, 10, 1),
    )
    assert (when.text, when.short) == ("the week of 25 September 2023", "week of 25 Sep 2023")
    assert parse_when(dt.date(2023, 9, 25), "f", entry=None, field="start", week=True) == when


@pytest.mark.parametrize("value", ["2023-09-26", "2023-09", "2023"])
def test_a_week_must_be_a_monday_written_as_a_day(assert_data_error, value):
    with pytest.raises(DataError) as info:
        parse_when(value, "events.yaml", entry="x", field="start", week=True)
    assert_data_error(info.value, "events.yaml", "x", "start")
    assert "Monday" in str(info.value)


def test_an_iso_week_says_how_to_write_it(atlas, assert_data_error):
    with pytest.raises(DataError) as info:
        parse(atlas, one_event(start="2023-W39"))
    assert_data_error(info.value, "events.yaml", "test-event", "start")
    assert "precision: week" in str(info.value)


def test_an_unknown_precision_is_refused(atlas, assert_data_error):
    with pytest.raises(DataError) as info:
        parse(atlas, one_event(precision="fortnight"))
    assert_data_error(info.value, "events.yaml", "test-event", "precision")


def test_every_date_any_program_reads(events):
    """Every date of events.yaml parses with date.fromisoformat once padded to a day (a year to its
    1 January, a month to its first), as the JSON and the CSV publish them."""
    for event in events:
        for when in (event.start, event.end, *(w for f in event.outside for w in (f.start, f.end))):
            if when is None:
                continue
            padded = when.iso + {"year": "-01-01", "month": "-01", "week": "", "day": ""}[when.precision]
            assert dt.date.fromisoformat(padded) == when.first, (event.slug, when.iso)


def test_periods_in_words():
    def w(value):
        return parse_when(value, "f", entry=None, field="start")

    assert span_text(w(1988), w(1994)) == "1988–1994"
    assert span_short(w(1988), w(1994)) == "1988–94"
    assert span_text(w("2016-04-02"), w("2016-04-05")) == "2–5 April 2016"
    assert span_text(w("2022-12"), w("2023-09")) == "December 2022 – September 2023"
    assert span_short(w("2022-12"), w("2023-09")) == "Dec 2022 – Sep 2023"
    assert span_text(w("2020-09"), None) == "September 2020"


@pytest.mark.parametrize(
    "value",
    ["2023-13", "2023-02-30", "2023-W54", "2021-W53", "Sept 2022", "22-09", "2022/09", "", True, 3.5,
     dt.datetime(2023, 9, 19, 12, 0)],
)  # fmt: skip
def test_bad_dates_are_rejected_naming_the_field(atlas, assert_data_error, value):
    with pytest.raises(DataError) as info:
        parse(atlas, one_event(start=value))
    assert_data_error(info.value, "events.yaml", "test-event", "start")


def test_a_period_cannot_end_before_it_starts(atlas, assert_data_error):
    with pytest.raises(DataError) as info:
        parse(atlas, one_event(start="2022-12", end="2022-11"))
    assert_data_error(info.value, "events.yaml", "test-event", "end")
    assert "ends (2022-11) before it starts (2022-12)" in str(info.value)


def test_an_event_after_the_publication_is_rejected(atlas, assert_data_error):
    with pytest.raises(DataError) as info:
        parse(atlas, one_event(start="2022-12", end="2023-10"))
    assert_data_error(info.value, "events.yaml", "test-event", "end")
    assert "after the article was published (28 September 2023)" in str(info.value)


# Quotes ------------------------------------------------------------------------------------


def test_a_quote_not_in_the_article_is_rejected(atlas, assert_data_error):
    with pytest.raises(DataError) as info:
        parse(atlas, one_event(quote="blocked and isolated the region in November 2022"))
    assert_data_error(info.value, "events.yaml", "test-event", "quote")
    assert "is not in article.md" in str(info.value)


def test_a_quote_must_match_word_for_word_and_case(atlas, assert_data_error):
    with pytest.raises(DataError) as info:
        parse(atlas, one_event(quote="Blocked and isolated the region in December 2022"))
    assert_data_error(info.value, "events.yaml", "test-event", "quote")


def test_a_quote_that_occurs_twice_must_say_more(atlas, assert_data_error):
    with pytest.raises(DataError) as info:
        parse(
            atlas,
            one_event(start="2023-09-25", precision="week", quote="this week", resolved="The week of publication."),
        )
    assert_data_error(info.value, "events.yaml", "test-event", "quote")
    assert "occurs 2 times" in str(info.value)


def test_whitespace_in_a_quote_is_forgiven(atlas):
    (event,) = parse(atlas, one_event(quote="blocked and isolated\n   the region in December 2022"))
    assert event.quote.quote == "blocked and isolated the region in December 2022"


def test_a_relative_date_needs_resolved(atlas, assert_data_error):
    with pytest.raises(DataError) as info:
        parse(atlas, one_event(start="2022-09", quote="last September saw another huge escalation"))
    assert_data_error(info.value, "events.yaml", "test-event", "resolved")
    assert "does not name the year 2022" in str(info.value)


def test_an_also_quote_is_checked_too(atlas, assert_data_error):
    with pytest.raises(DataError) as info:
        parse(atlas, one_event(also=[{"quote": "almost eleven months ago"}]))
    assert_data_error(info.value, "events.yaml", "test-event", "also[1].quote")


def test_a_quote_spanning_two_sentences_gives_both(atlas):
    quote = "bombardment used in 1991-92, during the First Karabakh War. Back then"
    (event,) = parse(atlas, one_event(start="1991", end="1992", quote=quote))
    passage = event.quote.passage
    assert passage.sentence.startswith("Sensing the right moment") and passage.sentence.endswith("civilians died.")


# Places and keys ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("places", "message"),
    [
        (["atlantis"], "no place with slug 'atlantis'"),
        (["baku", "baku"], "listed twice"),
        ([], "non-empty list"),
        ("baku", "non-empty list"),
    ],
)
def test_unknown_or_bad_places_are_rejected(atlas, assert_data_error, places, message):
    with pytest.raises(DataError) as info:
        parse(atlas, one_event(places=places))
    assert_data_error(info.value, "events.yaml", "test-event", "places")
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("event", "field"),
    [
        (one_event(titel="x"), "titel"),
        (one_event(also=[{"quote": "in December 2022", "resolve": "x"}]), "also[1].resolve"),
        (one_event(outside=[{"fact": "f", "source": "s", "sorce": "x"}]), "outside[1].sorce"),
    ],
)
def test_unknown_keys_are_rejected_with_their_path(atlas, assert_data_error, event, field):
    with pytest.raises(DataError) as info:
        parse(atlas, event)
    assert_data_error(info.value, "events.yaml", "test-event", field)
    assert "unknown field" in str(info.value)


def test_unknown_top_level_key(atlas, assert_data_error):
    with pytest.raises(DataError) as info:
        parse_events({"events": [one_event()], "evnts": []}, atlas)
    assert_data_error(info.value, "events.yaml", None, "evnts")


@pytest.mark.parametrize("missing", ["slug", "title", "start", "quote", "places"])
def test_required_fields(atlas, assert_data_error, missing):
    with pytest.raises(DataError) as info:
        parse(atlas, one_event(**{missing: None}))
    entry = "#1" if missing == "slug" else "test-event"
    assert_data_error(info.value, "events.yaml", entry, missing)


def test_bad_and_duplicate_slugs(atlas, assert_data_error):
    with pytest.raises(DataError) as info:
        parse(atlas, one_event(slug="Not A Slug"))
    assert_data_error(info.value, "events.yaml", "#1", "slug")
    with pytest.raises(DataError) as info:
        parse(atlas, one_event(), one_event())
    assert_data_error(info.value, "events.yaml", "test-event", "slug")


@pytest.mark.parametrize(
    ("outside", "field", "message"),
    [
        ([{"fact": "f", "source": "s", "start": "2022-11-30"}], "outside[1].start", "not within the article's date"),
        ([{"fact": "f", "source": "s", "start": "2022-12-40"}], "outside[1].start", "not a real date"),
        ([{"fact": "f", "source": "s", "url": "ftp://x"}], "outside[1].url", "http(s) link"),
        ([{"fact": "f"}], "outside[1].source", "missing"),
        ([{"source": "s"}], "outside[1].fact", "missing"),
        ({"fact": "f", "source": "s"}, "outside", "list of facts"),
    ],
)
def test_outside_facts_are_checked(atlas, assert_data_error, outside, field, message):
    with pytest.raises(DataError) as info:
        parse(atlas, one_event(outside=outside))
    assert_data_error(info.value, "events.yaml", "test-event", field)
    assert message in str(info.value)


def test_load_reads_the_file_beside_the_data_and_none_without_it(atlas, data_copy, edit_yaml):
    from dataclasses import replace

    copy = replace(atlas, data_dir=data_copy)
    assert len(load_events(copy)) == len(load_events(atlas))
    edit_yaml("events.yaml", lambda data: data["events"][0].update(places=["atlantis"]))
    with pytest.raises(DataError, match="events.yaml: entry 'first-karabakh-war': field 'places'"):
        load_events(copy)
    (data_copy / "events.yaml").unlink()
    assert load_events(copy) == ()


def test_broken_yaml_names_the_line(atlas, tmp_path):
    path = tmp_path / "events.yaml"
    path.write_text("events:\n  - slug: x\n    title: a: b\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"events.yaml: invalid YAML at line 3"):
        load_events(atlas, path)


def test_the_shipped_file_round_trips_through_yaml(atlas):
    data = yaml.safe_load((atlas.data_dir / "events.yaml").read_text(encoding="utf-8"))
    assert len(data["events"]) == len(load_events(atlas))


def test_an_empty_list_is_no_events_yet_but_a_missing_one_is_an_error(atlas, assert_data_error):
    assert parse_events({"events": []}, atlas) == ()  # a drafted atlas (python -m geo new) starts so
    for data in ({}, {"events": None}, {"events": "baku"}):
        with pytest.raises(DataError) as info:
            parse_events(data, atlas)
        assert_data_error(info.value, "events.yaml", None, "events")
