"""Reading what a user gives (a file, an upload, a paste): every bad input refused in one clear line, no crash."""

from __future__ import annotations

import io
import json
import os
import struct
import tracemalloc
import zipfile

import docx
import pytest

from geo.cli import main
from geo.errors import InputError
from geo.geoparser import ingest
from geo.geoparser.ingest import (
    DOCX_MAX_UNPACKED,
    MAX_PASTE_CHARS,
    MAX_UPLOAD_BYTES,
    SUFFIXES,
    docx_text,
    read_paste,
    read_text_file,
    read_upload,
    read_upload_in_process,
)

ENGLISH = "The road from Goris to Stepanakert was closed, and the people of the town waited in the cold.\n"
MACRO_CONTENT_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def word_document() -> bytes:
    """A real .docx, written by python-docx: a title, a heading, paragraphs and a table."""
    document = docx.Document()
    document.add_heading("Buses leave Goris for Stepanakert", level=0)  # the Title style
    document.add_paragraph("Buses now leave Goris, in Armenia's Syunik province, for Stepanakert twice a day.")
    document.add_paragraph("   ")  # an empty paragraph is left out
    document.add_heading("The road", level=1)
    paragraph = document.add_paragraph("The road follows the Lachin corridor ")
    paragraph.add_run("through Berdzor").bold = True
    paragraph.add_run(" and Shushi.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Baku said the route would be closed."
    table.cell(0, 1).text = "Passengers from Yerevan wait at the border."
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def repacked(data: bytes, add: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None) -> bytes:
    """The package with parts added or replaced, the way a hand-made hostile document is put together."""
    add, replace = add or {}, replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, content in add.items():
            target.writestr(name, content)
    return out.getvalue()


def with_macros(data: bytes, *, part: bool = True, content_type: bool = True) -> bytes:
    """A macro-enabled document: the VBA project part and/or the macro-enabled main content type."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        types = source.read("[Content_Types].xml")
    replace = {"[Content_Types].xml": types.replace(DOCX_CONTENT_TYPE.encode(), MACRO_CONTENT_TYPE.encode())}
    add = {"word/vbaProject.bin": b'\xd0\xcf\x11\xe0 Attribute VB_Name = "ThisDocument"\nSub AutoOpen()\nEnd Sub'}
    return repacked(data, add=add if part else None, replace=replace if content_type else None)


def bomb(unpacked_mb: int) -> bytes:
    """A .docx-looking zip whose one extra part inflates from a few hundred kB to `unpacked_mb` MB of zeros."""
    out = io.BytesIO()
    chunk = bytes(1_000_000)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<w:document/>")
        with archive.open("word/media/image1.png", "w", force_zip64=True) as member:
            for _ in range(unpacked_mb):
                member.write(chunk)
    return out.getvalue()


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    return word_document()


@pytest.fixture(scope="module")
def big_bomb() -> bytes:
    return bomb(300)


def test_the_suffixes_read():
    assert SUFFIXES == (".txt", ".md", ".markdown", ".html", ".htm", ".docx")


# Text files ---------------------------------------------------------------------------------


def test_txt_and_md_are_read_as_they_are(tmp_path):
    (tmp_path / "a.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "a.md").write_bytes(("# Title\r\n\r\n" + ENGLISH).encode())
    assert read_text_file(tmp_path / "a.txt") == ENGLISH
    assert read_text_file(tmp_path / "a.md") == "# Title\n\n" + ENGLISH
    assert read_upload("a.md", ("# Title\r\n\r\n" + ENGLISH).encode()) == "# Title\n\n" + ENGLISH


def test_html_upload_is_its_visible_text_and_never_its_scripts():
    markup = (
        "<html><head><title>t</title><script>alert('Baku')</script></head><body>"
        f"<h1>Roads</h1><p onclick=\"alert('x')\">{ENGLISH}</p><script>document.write('Yerevan')</script>"
        "<img src=x onerror=\"alert('x')\"></body></html>"
    )
    text = read_upload("page.html", markup.encode())
    assert text == "Roads\n\n" + ENGLISH.strip()
    assert "alert" not in text and "Yerevan" not in text and "Baku" not in text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("blank.md", b" \n\n ", "the file is empty"),
        ("binary.txt", bytes(range(256)) * 10, "binary data"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(4000), "binary data"),
        ("latin1.txt", "Caf\u00e9 in the town of Goris and the road".encode("latin-1"), "not a UTF-8 text file"),
        ("big.txt", "5 MB", "too large (5.0 MB); the limit is 2.0 MB"),
        ("long.txt", "300,000 characters", f"too long (300,000 characters); the limit is {MAX_PASTE_CHARS:,}"),
        ("script.html", b"<script>alert('Baku')</script><style>p{}</style>", "no visible text"),
        ("russian.txt", ("\u0421\u0442\u0435\u043f\u0430\u043d\u0430\u043a\u0435\u0440\u0442 " * 50).encode(), "Latin"),
        (
            "french.txt",
            ("Les habitants de la ville ont quitt\u00e9 leurs maisons dans une grande peur. " * 5).encode(),
            "looks like French",
        ),
        ("article.pdf", b"%PDF-1.7", "unsupported file type .pdf"),
        ("article", ENGLISH.encode(), "unsupported file type (none)"),
        ("article.docm", b"PK\x03\x04", "macro-enabled"),
        ("short.txt", b"Baku.", "no text to read"),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 20 else None,
)
def test_bad_files_are_one_clear_line(tmp_path, name, data, message):
    if data == "5 MB":
        data = ENGLISH.encode() * (5_000_000 // len(ENGLISH) + 1)
    elif data == "300,000 characters":
        data = (ENGLISH * (300_000 // len(ENGLISH) + 1))[:300_000].encode()
    for read in (lambda: read_upload(name, data), lambda: read_text_file(write(tmp_path, name, data))):
        with pytest.raises(InputError) as info:
            read()
        text = str(info.value)
        assert message in text and text.startswith(name) and "\n" not in text


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = write(tmp_path, "huge.txt", b"a" * (MAX_UPLOAD_BYTES + 1))
    monkeypatch.setattr(type(path), "read_bytes", lambda self: pytest.fail("read a file over the limit"))
    with pytest.raises(InputError, match="huge.txt: too large"):
        read_text_file(path)


def test_a_missing_file_is_one_line(tmp_path):
    with pytest.raises(InputError, match="gone.txt: cannot read the file"):
        read_text_file(tmp_path / "gone.txt")


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\me\\story.txt", "story.txt"),
        ("bad\x1b[31mname\n.txt", "bad[31mname.txt"),
        ("a" * 300 + ".txt", "a" * 79 + "…"),
    ],
)
def test_a_browser_given_file_name_is_quoted_plainly(name, shown):
    with pytest.raises(InputError) as info:
        read_upload(name, b"")
    assert str(info.value).startswith(f"{shown}: ") and "\n" not in str(info.value)


# Pastes --------------------------------------------------------------------------------------


def test_a_paste_is_read_as_text_with_its_line_endings_normalised():
    assert read_paste("Roads\r\n\r\n" + ENGLISH) == "Roads\n\n" + ENGLISH


def test_a_pasted_script_is_kept_as_text_not_stripped_or_run():
    pasted = "<script>alert('x')</script> " + ENGLISH
    assert read_paste(pasted) == pasted  # it is the article's text; every page escapes it (tests/test_draft.py)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the pasted text is empty"),
        ("  \n\t\n ", "the pasted text is empty"),
        ("x" * 5_000_000, "the pasted text is too long (5,000,000 characters); the limit is 200,000"),
        ("\x00\x01\x02\x03 binary " + ENGLISH, "binary data"),
        ("\x89PNG\x1a\x1a\x1a\x1a\x1a" + ENGLISH, "binary data"),
        ("Baku.", "no text to read"),
        ("\u0421\u0442\u0435\u043f\u0430\u043d\u0430\u043a\u0435\u0440\u0442 " * 50, "Latin"),
        ("Las personas de la ciudad han dejado sus casas en Stepanakert y Goris. " * 5, "looks like Spanish"),
    ],
    ids=lambda value: value[:20] if isinstance(value, str) else None,
)
def test_bad_pastes_are_one_clear_line(text, message):
    with pytest.raises(InputError) as info:
        read_paste(text)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_the_limits():
    assert MAX_UPLOAD_BYTES == 2_000_000 and MAX_PASTE_CHARS == 200_000


# Word documents ------------------------------------------------------------------------------


def test_a_word_document_gives_its_paragraphs_with_title_and_headings_marked(docx_bytes):
    assert docx_text(docx_bytes, "story.docx") == (
        "# Buses leave Goris for Stepanakert\n\n"
        "Buses now leave Goris, in Armenia's Syunik province, for Stepanakert twice a day.\n\n"
        "## The road\n\n"
        "The road follows the Lachin corridor through Berdzor and Shushi.\n\n"
        "Baku said the route would be closed.\n\n"
        "Passengers from Yerevan wait at the border."
    )
    assert read_upload("story.docx", docx_bytes) == docx_text(docx_bytes, "story.docx")


def test_a_merged_table_cell_is_read_once():
    document = docx.Document()
    document.add_paragraph("The road from Goris to Stepanakert was closed, and the town waited.")
    table = document.add_table(rows=1, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "Kapan is in the south of the province of Syunik."
    buffer = io.BytesIO()
    document.save(buffer)
    assert docx_text(buffer.getvalue(), "t.docx").count("Kapan") == 1


def test_the_command_line_reads_word_documents(tmp_path, docx_bytes, capsys):
    path = write(tmp_path, "story.docx", docx_bytes)
    assert main(["geoparse", str(path), "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    text = read_text_file(path)
    assert {"Goris", "Stepanakert", "Syunik", "Berdzor", "Baku", "Yerevan"} <= {r["name"] for r in records}
    for record in records:
        for mention in record["mentions"]:
            assert text[mention["start"] : mention["end"]] == mention["text"]
    out = tmp_path / "draft"
    assert main(["new", str(path), "--out", str(out)]) == 0
    assert (out / "article.md").read_text(encoding="utf-8").startswith("# Buses leave Goris for Stepanakert\n\n")


@pytest.mark.parametrize(
    ("part", "content_type"), [(True, True), (True, False), (False, True)], ids=["both", "vba-part", "content-type"]
)
def test_a_document_with_macros_is_refused(docx_bytes, part, content_type, monkeypatch):
    data = with_macros(docx_bytes, part=part, content_type=content_type)
    monkeypatch.setattr(ingest, "document_blocks", lambda *a: pytest.fail("parsed a document with macros"))
    with pytest.raises(InputError) as info:
        read_upload_in_process("report.docx", data)  # in this process, where the guard above is seen
    assert str(info.value).startswith("report.docx: ") and "macro" in str(info.value)


def test_a_zip_bomb_is_refused_quickly_without_inflating_it(big_bomb, monkeypatch):
    assert len(big_bomb) < MAX_UPLOAD_BYTES  # it passes the upload cap: the zip check must catch it
    with zipfile.ZipFile(io.BytesIO(big_bomb)) as archive:
        assert sum(i.file_size for i in archive.infolist()) > 300_000_000
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, name, *a, **k: opened.append(name))
    monkeypatch.setattr(ingest, "document_blocks", lambda *a: pytest.fail("parsed a zip bomb"))
    with pytest.raises(InputError) as info:
        read_upload_in_process("bomb.docx", big_bomb)
    assert opened == []  # nothing was inflated
    assert str(info.value) == (
        f"bomb.docx: it would unpack to 300.0 MB, more than a Word document holds "
        f"(limit {DOCX_MAX_UNPACKED / 1e6:.1f} MB); refused unread"
    )


def lying_about_its_size(data: bytes, part: str, content: bytes, declared: int) -> bytes:
    """The package with `part` replaced by `content`, its directory entry declaring only `declared` bytes."""
    raw = bytearray(repacked(data, replace={part: content}))
    at = raw.find(b"PK\x01\x02")  # the central directory's first entry
    while at >= 0:
        length = struct.unpack_from("<H", raw, at + 28)[0]
        if raw[at + 46 : at + 46 + length] == part.encode():
            struct.pack_into("<I", raw, at + 24, declared)  # the uncompressed size it declares
            return bytes(raw)
        at = raw.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{part} not in the central directory")


def test_a_part_that_lies_about_its_size_is_never_inflated_past_it(docx_bytes):
    data = lying_about_its_size(docx_bytes, "word/document.xml", b"<w:p>" + b" " * 40_000_000, declared=5_000)
    assert len(data) < MAX_UPLOAD_BYTES
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="liar.docx: the package is damaged"):
            read_upload_in_process("liar.docx", data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000  # inflated in full, the part alone would take 40 MB


def test_a_small_bomb_is_refused_by_its_compression_ratio(monkeypatch):
    data = bomb(40)  # under the size cap, but 40 MB out of about 40 kB
    monkeypatch.setattr(ingest, "document_blocks", lambda *a: pytest.fail("parsed a zip bomb"))
    with pytest.raises(InputError, match=r"small.docx: it would unpack [\d,]+ times larger .* like a zip bomb"):
        read_upload_in_process("small.docx", data)


def test_an_xml_part_too_large_to_parse_is_refused_unread(docx_bytes, monkeypatch):
    words = os.urandom(6_000_000).hex().encode()  # 12 MB that compress about twofold: no bomb, just too big
    data = repacked(docx_bytes, replace={"word/document.xml": words})
    monkeypatch.setattr(ingest, "document_blocks", lambda *a: pytest.fail("parsed an oversized part"))
    with pytest.raises(InputError) as info:
        docx_text(data, "long.docx")
    assert str(info.value).startswith("long.docx: its part document.xml would unpack to 1")
    assert "limit 10.0 MB" in str(info.value)


def test_entity_expansion_in_a_part_is_refused_not_expanded(docx_bytes):
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as source:
        document = source.read("word/document.xml").decode()
    laughs = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
    )  # &j; would be 10 GB of "a"
    hostile = document.replace("?>", f"?><!DOCTYPE w:document [{laughs}]>", 1).replace("Buses now", "&j; Buses now")
    data = repacked(docx_bytes, replace={"word/document.xml": hostile.encode()})
    with pytest.raises(InputError, match="laughs.docx: cannot be read as a Word document"):
        read_upload("laughs.docx", data)


def encrypted_flag(data: bytes) -> bytes:
    """The package with every part flagged as encrypted (ZIP's traditional encryption)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
            target.filelist[-1].flag_bits |= 0x1  # written into the central directory on close
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (ENGLISH.encode(), "not a Word document (.docx): it is not a zip package"),
        (b"PK\x03\x04" + bytes(100), "not a zip package"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "password-protected or Word 97-2003"),
        ("encrypted", "encrypted"),
        ("plain zip", "its package has no document part"),
        ("broken xml", "cannot be read as a Word document"),
        ("no text", "the document has no text"),
    ],
)
def test_a_file_that_is_not_a_readable_word_document_is_refused(docx_bytes, data, message):
    if data == "encrypted":
        data = encrypted_flag(docx_bytes)
    elif data == "plain zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("notes.txt", ENGLISH)
        data = buffer.getvalue()
    elif data == "broken xml":
        data = repacked(docx_bytes, replace={"word/document.xml": b"<w:document><w:body><w:p>"})
    elif data == "no text":
        buffer = io.BytesIO()
        docx.Document().save(buffer)
        data = buffer.getvalue()
    with pytest.raises(InputError) as info:
        read_upload("story.docx", data)
    assert str(info.value).startswith("story.docx: ") and message in str(info.value)
    assert "\n" not in str(info.value)


def test_a_word_document_in_another_language_is_refused():
    document = docx.Document()
    document.add_paragraph("Les habitants de la ville ont quitt\u00e9 leurs maisons dans une grande peur. " * 5)
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(InputError, match="lettre.docx: the text looks like French"):
        read_upload("lettre.docx", buffer.getvalue())
