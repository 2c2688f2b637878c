"""Reading an article file: the text offsets point into, and every bad input refused in one line."""

from __future__ import annotations

import pytest

from geo.errors import InputError
from geo.textfile import MAX_BYTES, html_text, read_text_file

ENGLISH = "The road from Goris to Stepanakert was closed, and the people of the town waited in the cold.\n"


def write(tmp_path, name: str, data: bytes | str):
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_txt_and_md_are_read_as_they_are(tmp_path):
    assert read_text_file(write(tmp_path, "a.txt", ENGLISH)) == ENGLISH
    assert read_text_file(write(tmp_path, "a.md", "# Title\r\n\r\n" + ENGLISH)) == "# Title\n\n" + ENGLISH


def test_html_text_is_the_visible_text_in_blocks_without_scripts():
    markup = (
        "<html><head><title>Baku</title><script>var Yerevan = 1;</script></head><body>"
        "<h1>Goris &amp; Kapan</h1><p>First <b>para</b>.</p><style>p{}</style><p>Second</p></body></html>"
    )
    assert html_text(markup) == "Goris & Kapan\n\nFirst para.\n\nSecond"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("blank.md", b" \n\n ", "the file is empty"),
        ("binary.txt", bytes(range(256)) * 10, "binary data"),
        ("latin1.txt", "Caf\u00e9 in the town of Goris and the road".encode("latin-1"), "not a UTF-8 text file"),
        ("big.txt", "5 MB", "too large"),
        ("script.html", b"<script>alert('Baku')</script><style>p{}</style>", "no visible text"),
        ("russian.txt", ("\u0421\u0442\u0435\u043f\u0430\u043d\u0430\u043a\u0435\u0440\u0442 " * 50).encode(), "Latin"),
        (
            "french.txt",
            ("Les habitants de la ville ont quitt\u00e9 leurs maisons dans une grande peur. " * 5).encode(),
            "does not look like English",
        ),
        ("article.docx", b"PK\x03\x04", "unsupported file type .docx"),
        ("short.txt", b"Baku.", "no text to read"),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 20 else None,
)
def test_bad_input_is_one_clear_line(tmp_path, name, data, message):
    if data == "5 MB":
        data = ENGLISH.encode() * (5_000_000 // len(ENGLISH) + 1)
    with pytest.raises(InputError) as info:
        read_text_file(write(tmp_path, name, data))
    text = str(info.value)
    assert message in text and text.startswith(name) and "\n" not in text


def test_the_size_limit_is_one_megabyte():
    assert MAX_BYTES == 1_000_000
