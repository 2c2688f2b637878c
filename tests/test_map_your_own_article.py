"""The page "Map your own article" (pages/3_Map_your_own_article.py), driven with Streamlit's AppTest."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
from streamlit.testing.v1 import AppTest

from geo.app import source
from geo.app.registry import MAPANY_FILE
from geo.geoparser.ingest import MAX_PASTE_CHARS
from tests.apptest import html_blocks, listed_places

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGE = f"pages/{MAPANY_FILE}"
SAMPLE = (ROOT / "tests" / "fixtures" / "geoparse" / "draft-sample.txt").read_text(encoding="utf-8")
PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def open_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def paste_and_find(at: AppTest, text: str, **fields: str) -> AppTest:
    at.text_area(key="mapany-text").input(text)
    for name, value in fields.items():
        at.text_input(key=f"mapany-{name}").input(value)
    at.button(key="mapany-find").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def everything_shown(at: AppTest) -> str:
    """Every piece of HTML and Markdown the page sent, and every widget's label and option."""
    parts = [m.value for m in at.markdown] + [h.proto.body for h in at.get("html")]
    parts += [t.value for t in at.title] + [e.value for e in (*at.error, *at.warning, *at.info, *at.success)]
    parts += [o for s in at.selectbox for o in s.options] + [c.value for c in at.caption]
    return "\n".join(parts)


def review_text(at: AppTest) -> str:
    return next(h.proto.body for h in at.get("html") if "mapany-text" in h.proto.body)


def decision_keys(at: AppTest) -> list[str]:
    return [s.key for s in at.selectbox if s.key and s.key.startswith("mapany-decide-")]


def test_paste_find_review_reject_and_open_as_an_atlas():
    at = paste_and_find(open_page(), SAMPLE, author="A. Reporter", publisher="Test News")
    assert not at.error
    text = review_text(at)
    assert re.search(r'<mark class="mapany-mention is-kept" title="\d+\. Goris \(town, Armenia', text)
    assert text.count("<mark") - 4 == sum(1 for _ in re.finditer(r"<sup>", text))  # each mention numbered
    keys = decision_keys(at)
    assert "mapany-decide-geonames:174895" in keys and len(keys) >= 10  # Goris, and the rest
    places = [h.proto.body for h in at.get("html") if 'class="mapany-place ' in h.proto.body]
    assert len(places) == len(keys) and any("confidence" in p and "mention" in p for p in places)

    at.selectbox(key="mapany-decide-geonames:174840").select("reject").run()  # Kornidzor
    assert 'is-rejected" title="' in review_text(at) and "Kornidzor" in review_text(at)
    at.button(key="mapany-open-atlas").click().run()
    assert not at.exception and not at.error
    shown = at.session_state[source.SOURCE]
    assert shown.kind == "draft" and at.session_state[source.DRAFT].digest == shown.key

    at.switch_page("pages/explore.py").run()  # where the page sent the browser
    assert not at.exception
    picks = set(listed_places(at))
    assert {"goris", "stepanakert", "meghri"} <= picks and "kornidzor" not in picks
    assert any("Your own atlas" in m.value and "Buses leave Goris" in m.value for m in at.markdown)
    credits = next(v for v in html_blocks(at) if "atlas-credits" in v)
    assert "A. Reporter" in credits and "Test News" in credits

    at.switch_page(PAGE).run()  # "Edit this draft": the text, details and decisions are still there
    assert at.text_area(key="mapany-text").value == SAMPLE
    assert at.text_input(key="mapany-author").value == "A. Reporter"
    assert at.selectbox(key="mapany-decide-geonames:174840").value == "reject"


def test_picking_another_candidate_resolves_the_place_to_it():
    at = paste_and_find(open_page(), SAMPLE)
    box = at.selectbox(key="mapany-decide-ne:admin1:AM08")  # Syunik the province
    village = next(i for i, label in enumerate(box.options) if "village" in label)
    box.select_index(village).run()
    assert not at.exception
    rows = [h.proto.body for h in at.get("html") if 'class="mapany-place ' in h.proto.body]
    chosen = next(row for row in rows if "<b>Syunik</b>" in row)
    assert "village" in chosen.split("mapany-place-facts")[1].split("</p>")[0]


def test_a_missed_name_can_be_added_and_a_wrong_one_is_explained():
    # A name inside an organisation's name is not a mention for the geoparser, but the editor may add it.
    text = SAMPLE + "\n\nThe Georgia Road Agency sent engineers.\n"
    at = paste_and_find(open_page(), text)
    before = len(decision_keys(at))
    at.text_input(key="mapany-new-name").input("Atlantis")
    at.button(key="mapany-add").click().run()
    assert "not in the text" in at.error[0].value
    at.text_input(key="mapany-new-name").input("Georgia")
    at.button(key="mapany-add").click().run()
    assert not at.error and "Added Georgia" in at.success[0].value, [e.value for e in at.error]
    assert len(decision_keys(at)) == before + 1
    assert "is-added" in review_text(at)


def test_a_script_in_the_text_and_the_title_is_shown_as_text_everywhere():
    at = paste_and_find(open_page(), f"{PAYLOAD}\n\n{SAMPLE}", title=f"{PAYLOAD} Buses", author=PAYLOAD)
    assert not at.error, [e.value for e in at.error]
    shown = everything_shown(at)
    assert "&lt;script&gt;" in review_text(at)
    assert "<script>alert" not in shown and "<img src=x" not in shown
    at.button(key="mapany-open-atlas").click().run()
    for page in ("pages/explore.py", "pages/2_Article.py", "pages/1_Classroom_tour.py"):
        at.switch_page(page).run()
        assert not at.exception, page
        shown = everything_shown(at)
        assert "Buses" in shown, page
        assert "<script>alert" not in shown and "<img src=x" not in shown, page
        assert "&lt;script&gt;" in shown, page


def test_an_empty_paste_is_refused_with_a_message():
    at = paste_and_find(open_page(), "   \n  ")
    assert "empty" in at.error[0].value
    assert not decision_keys(at)


def test_the_paste_box_holds_no_more_than_the_longest_text_read():
    at = open_page()
    assert at.text_area(key="mapany-text").max_chars == MAX_PASTE_CHARS
    huge = "Baku and Yerevan met in Tbilisi. " * (MAX_PASTE_CHARS // 30)
    at = paste_and_find(at, huge)  # the box takes no more, as a browser's box does; Streamlit cuts what a client sends
    assert at.text_area(key="mapany-text").value != huge
    assert not decision_keys(at)


def test_a_bad_link_is_refused_with_the_fields_name():
    at = paste_and_find(open_page(), SAMPLE, url="javascript:alert(1)")
    assert "link must be an http(s) address" in at.error[0].value
    assert at.text_area(key="mapany-text").value == SAMPLE


def docx_bytes(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_word_document_is_uploaded_and_mapped():
    at = open_page()
    at.radio(key="mapany-mode").set_value("Upload a file").run()
    data = docx_bytes([p for p in SAMPLE.split("\n\n") if p.strip()])
    mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    at.file_uploader(key="mapany-upload").set_value(("report.docx", data, mime)).run()
    at.button(key="mapany-find").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "mapany-decide-geonames:174895" in decision_keys(at)


def test_a_file_that_is_not_a_document_gets_a_message_not_a_crash():
    at = open_page()
    at.radio(key="mapany-mode").set_value("Upload a file").run()
    at.file_uploader(key="mapany-upload").set_value(("report.docx", b"\x00\x01binary" * 50, "application/octet-stream"))
    at.run()
    at.button(key="mapany-find").click().run()
    assert not at.exception
    assert "report.docx" in at.error[0].value


def test_find_without_a_file_asks_for_one():
    at = open_page()
    at.radio(key="mapany-mode").set_value("Upload a file").run()
    at.button(key="mapany-find").click().run()
    assert "choose a file" in at.error[0].value


def test_rejecting_every_place_says_there_is_nothing_to_map():
    at = paste_and_find(open_page(), SAMPLE)
    for key in decision_keys(at):
        at.selectbox(key=key).set_value("reject")
    at.run()
    assert not at.exception
    assert "nothing to map" in at.error[0].value
    assert not [b for b in at.button if b.key == "mapany-open-atlas"]


def test_save_appears_only_with_a_folder_and_gives_the_atlas_link(tmp_path, monkeypatch):
    monkeypatch.delenv("ATLAS_SAVED_DIR", raising=False)
    at = paste_and_find(open_page(), SAMPLE)
    assert not [b for b in at.button if b.key == "mapany-save"]
    monkeypatch.setenv("ATLAS_SAVED_DIR", str(tmp_path / "saved"))
    at.run()
    at.button(key="mapany-save").click().run()
    assert not at.exception and not at.error
    link = next(h.proto.body for h in at.get("html") if "mapany-saved" in h.proto.body)
    assert "?atlas=buses-leave-goris-for-stepanakert" in link
    assert (tmp_path / "saved" / "buses-leave-goris-for-stepanakert" / "places.yaml").is_file()
    assert at.button(key="mapany-save").disabled  # saved once, not again on every click


def test_both_downloads_are_offered():
    at = paste_and_find(open_page(), SAMPLE)
    labels = [d.proto.label for d in at.get("download_button")]
    assert any("data folder" in label for label in labels) and any("static site" in label for label in labels)


def test_a_long_list_of_places_is_reviewed_a_page_at_a_time_and_keeps_every_choice():
    """A text naming more places than a page lists shows a page picker; a choice made on the first
    page is kept while another page is shown, and counts in the draft."""
    capitals = [
        "Paris", "Berlin", "Madrid", "Lisbon", "Rome", "Vienna", "Prague", "Warsaw", "Budapest", "Athens",
        "Oslo", "Stockholm", "Helsinki", "Copenhagen", "Dublin", "Brussels", "Amsterdam", "Bern", "Sofia",
        "Bucharest", "Belgrade", "Zagreb", "Ljubljana", "Bratislava", "Vilnius", "Riga", "Tallinn", "Kyiv",
        "Minsk", "Chisinau", "Tbilisi", "Yerevan", "Baku", "Ankara", "Tehran", "Baghdad", "Damascus", "Beirut",
        "Amman", "Riyadh", "Cairo", "Tunis", "Algiers", "Rabat", "Nairobi", "Kampala", "Khartoum", "Addis Ababa",
        "Dakar", "Accra", "Lagos", "Kinshasa", "Luanda", "Harare", "Lusaka", "Tokyo", "Seoul", "Beijing",
    ]  # fmt: skip
    text = "Capitals of the world\n\n" + "\n\n".join(f"The delegation travelled to {c} in May." for c in capitals)
    at = paste_and_find(open_page(), text)
    picker = at.number_input(key="mapany-review-page")
    assert picker.max > 1
    first = decision_keys(at)
    assert 0 < len(first) <= 50
    at.selectbox(key=first[0]).select("reject").run()
    picker.set_value(2).run()
    assert not at.exception, [e.value for e in at.exception]
    second = decision_keys(at)
    assert second and not set(second) & set(first)
    assert at.session_state[first[0]] == "reject"  # the first page's choice is kept off screen


def test_a_place_named_only_inside_an_organisation_is_listed_apart_and_included_in_one_click():
    text = SAMPLE + "\n\nThe Georgia Road Agency sent engineers, and Iraqi officials watched.\n"
    at = paste_and_find(open_page(), text)
    keys = decision_keys(at)
    assert "mapany-decide-geonames:614540" not in keys  # Georgia, the country: not on the list nor the map
    (expander,) = [e for e in at.expander if "Also named: in an organisation's name or as an adjective" in e.label]
    named = [h.proto.body for h in at.get("html") if "mapany-named" in h.proto.body and "<b>" in h.proto.body]
    assert any("<b>Georgia</b>" in row and "Georgia Road Agency" in row for row in named)
    assert any("<b>Iraqi</b>" in row and "Iraq (country" in row for row in named)
    labels = {b.key: b.label for b in at.button if b.key and b.key.startswith("mapany-include-")}
    assert "Include Iraq on the map" in labels.values()  # the place, not the adjective the text uses
    at.button(key="mapany-include-geonames:614540").click().run()
    assert not at.exception and not at.error
    assert "mapany-decide-geonames:614540" in decision_keys(at)
    assert len(decision_keys(at)) == len(keys) + 1
    assert not [b for b in at.button if b.key == "mapany-include-geonames:614540"]  # no longer apart
