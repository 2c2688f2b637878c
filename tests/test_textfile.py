"""Plain text out of bytes and HTML, and the language check: the pieces geo/geoparser/ingest.py reads
every input with."""

from __future__ import annotations

import pytest

from geo.errors import InputError
from geo.geoparser.textfile import check_language, decode_text, html_text

ENGLISH = "The road from Goris to Stepanakert was closed, and the people of the town waited in the cold.\n"


def test_text_is_decoded_with_line_endings_normalised():
    assert decode_text(("# Title\r\n\r\n" + ENGLISH).encode(), "a.md") == "# Title\n\n" + ENGLISH
    assert decode_text(b"\xef\xbb\xbf" + ENGLISH.encode(), "bom.txt") == ENGLISH  # a byte-order mark is dropped


def test_html_text_is_the_visible_text_in_blocks_without_scripts():
    markup = (
        "<html><head><title>Baku</title><script>var Yerevan = 1;</script></head><body>"
        "<h1>Goris &amp; Kapan</h1><p>First <b>para</b>.</p><style>p{}</style><p>Second</p></body></html>"
    )
    assert html_text(markup) == "Goris & Kapan\n\nFirst para.\n\nSecond"


@pytest.mark.parametrize(
    "markup",
    [
        "<p>Goris</p><SCRIPT type='text/javascript'>alert('x')</SCRIPT><p>Kapan</p>",
        "<p>Goris</p><script>if (a < b) { alert('x') }</script><p>Kapan</p>",
        "<p>Goris</p><script>document.write('</p><p>alert(x)')</script><p>Kapan</p>",
        "<p>Goris</p><noscript><p>alert('x')</p></noscript><template><p>alert('x')</p></template><p>Kapan</p>",
        "<p>Goris</p><svg><script>alert('x')</script></svg><!-- alert('x') --><p>Kapan</p>",
        "<p>Goris</p><img src=x onerror=\"alert('x')\"><a href=\"javascript:alert('x')\"></a><p>Kapan</p>",
        "<p>Goris</p><iframe srcdoc=\"<script>alert('x')</script>\">alert('x')</iframe><p>Kapan</p>",
    ],
)
def test_script_text_never_reaches_the_output(markup):
    text = html_text(markup)
    assert "alert" not in text and "<" not in text
    assert text == "Goris\n\nKapan"


def test_an_unclosed_script_hides_the_rest_rather_than_showing_code():
    assert html_text("<p>Goris</p><script>alert('x')<p>Kapan</p>") == "Goris"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b" \n\n ", "the file is empty"),
        (bytes(range(256)) * 10, "binary data"),
        ("Caf\u00e9 in the town of Goris and the road".encode("latin-1"), "not a UTF-8 text file"),
    ],
)
def test_bytes_that_are_no_text_are_refused(data, message):
    with pytest.raises(InputError, match=message):
        decode_text(data, "a.txt")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Baku.", "no text to read"),
        ("\u0421\u0442\u0435\u043f\u0430\u043d\u0430\u043a\u0435\u0440\u0442 " * 50, "Latin alphabet"),
        ("Les habitants de la ville ont quitt\u00e9 leurs maisons dans une grande peur. " * 5, "looks like French"),
        (
            "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. " * 5,
            "not look like English",
        ),
        ("Die Menschen in der Stadt haben ihre H\u00e4user verlassen und sind geflohen. " * 5, "looks like German"),
        ("Las personas de la ciudad han dejado sus casas en Stepanakert y Goris. " * 5, "looks like Spanish"),
        (
            "Xankəndi və Şuşa şəhərləri bu il bir daha çox gözəl olan. " * 5,
            "Azerbaijani",
        ),
    ],
)
def test_text_the_geoparser_cannot_read_is_refused(text, message):
    with pytest.raises(InputError, match=message) as info:
        check_language(text, "a.txt")
    assert str(info.value).startswith("a.txt: ")


def test_english_passes_the_language_check():
    check_language(ENGLISH, "a.txt")
