"""Turn what a user gives (a file on disk, an upload, a paste) into checked plain text.

The command line (`geoparse`, `new`) and the app's "Map your own article" page read
through here, so a file is accepted or refused the same way everywhere: the size is
capped before anything is decoded, the suffix decides how the text comes out (UTF-8
text, the visible text of an HTML page, the paragraphs of a Word document), and the
text must be English the geoparser can read. Every refusal is an InputError with a
one-line message that names the file.

A .docx is a zip of XML parts, so it is checked with `zipfile` before its XML is parsed:
a package that would unpack to far more than any article (a zip bomb), one that is
encrypted or password-protected, or one that carries macros is refused unread. The sizes
checked are those the zip declares; a part that holds more than it declares stops inflating
at the declared size and fails its CRC check (zipfile), so the declared sizes bound the work.
geo/geoparser/wordtext.py then reads the text from the parts in one pass, with entity
expansion off (lxml, resolve_entities=False).

`read_upload` and `read_paste` refuse what is too large at once, then hand the reading to a
worker process with limits (geo/geoparser/sandbox.py); the `*_in_process` functions are
that work, done in the process that calls them.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path, PurePath

from geo.errors import InputError
from geo.geoparser import sandbox
from geo.geoparser.textfile import check_language, decode_text, html_text
from geo.geoparser.wordtext import document_blocks

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".docx")
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
MAX_UPLOAD_BYTES = 2_000_000  # a Word document of a long article with a few pictures
MAX_PASTE_CHARS = 200_000  # the longest text read, pasted or from a file: about 35,000 words
MAX_NAME_CHARS = 80  # a file name as messages quote it
PASTE_NAME = "the pasted text"  # a paste as messages name it

# A .docx unpacks to a few hundred kB of XML; these caps are far above any real document.
DOCX_MAX_MEMBERS = 1_000
DOCX_MAX_UNPACKED = 50_000_000  # bytes, all parts together, as the zip declares them
DOCX_MAX_XML_PART = 10_000_000  # bytes of one XML part: parsed whole by lxml, about ten times that in memory
DOCX_MAX_RATIO = 100  # unpacked / packed: XML compresses 5-20 times, a bomb thousands of times
DOCX_RATIO_FROM = 1_000_000  # the ratio is judged only once a package unpacks to more than this
INFLATE_STEP = 65_536  # bytes inflated at a time while checking a part
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a password-protected .docx, or an old .doc
MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
MACRO_CONTENT_TYPE = b"macroenabled"
CONTENT_TYPES = "[Content_Types].xml"
WORD_MAIN_PART = "word/document.xml"


def display_name(name: str) -> str:
    """A file name as messages quote it: the last part of the path, printable and short."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable()).strip() or "the file"
    return base if len(base) <= MAX_NAME_CHARS else base[: MAX_NAME_CHARS - 1] + "…"


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def check_length(text: str, name: str) -> str:
    """Refuse a text too long for an article (it would make the review page and the draft unwieldy)."""
    if len(text) > MAX_PASTE_CHARS:
        raise InputError(f"{name}: the text is too long ({len(text):,} characters); the limit is {MAX_PASTE_CHARS:,}")
    return text


def _check_directory(members: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse, from what the zip's directory declares alone, a package that is no plain Word document."""
    if len(members) > DOCX_MAX_MEMBERS:
        raise InputError(f"{name}: {len(members):,} parts, more than a Word document holds; refused unread")
    if any(m.flag_bits & 0x1 for m in members):
        raise InputError(f"{name}: the document is encrypted; save it as a .docx without a password")
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    if unpacked > DOCX_MAX_UNPACKED:
        raise InputError(
            f"{name}: it would unpack to {_mb(unpacked)}, more than a Word document holds "
            f"(limit {_mb(DOCX_MAX_UNPACKED)}); refused unread"
        )
    if unpacked > DOCX_RATIO_FROM and unpacked > DOCX_MAX_RATIO * max(1, packed):
        raise InputError(
            f"{name}: it would unpack {unpacked // max(1, packed):,} times larger than it is, "
            "like a zip bomb, not a Word document; refused unread"
        )
    xml = max((m for m in members if m.filename.endswith((".xml", ".rels"))), key=lambda m: m.file_size, default=None)
    if xml is not None and xml.file_size > DOCX_MAX_XML_PART:
        raise InputError(
            f"{name}: its part {display_name(xml.filename)} would unpack to {_mb(xml.file_size)}, "
            f"more than any article's text (limit {_mb(DOCX_MAX_XML_PART)}); refused unread"
        )
    names = {m.filename for m in members}
    if any(PurePath(n).name.lower() in MACRO_PARTS for n in names):
        raise InputError(f"{name}: the document contains macros; save it as a plain .docx without them")
    if CONTENT_TYPES not in names or WORD_MAIN_PART not in names:
        raise InputError(f"{name}: not a Word document (.docx): its package has no document part")


def _docx_parts(data: bytes, name: str) -> dict[str, bytes]:
    """The Word document's parts by name, checked: the only bytes its XML is read from.

    What the zip's directory declares is checked first (sizes, ratio, encryption, macros);
    then each part is inflated in small steps, never past its declared size. A part that
    declares less than it holds is cut at its declared size, so even a package that lies
    about its sizes cannot make the reader inflate more than the caps.
    """
    if data.startswith(OLE_MAGIC):
        raise InputError(
            f"{name}: a password-protected or Word 97-2003 document; save it as a .docx without a password"
        )
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"{name}: not a Word document (.docx): it is not a zip package") from exc
    with package:
        members = package.infolist()
        _check_directory(members, name)
        parts = {m.filename: _inflate(package, m, name) for m in members if not m.is_dir()}
    if MACRO_CONTENT_TYPE in parts[CONTENT_TYPES].lower():
        raise InputError(f"{name}: a macro-enabled document; save it as a plain .docx without macros")
    return parts


def _inflate(package: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> bytes:
    """One part's bytes, inflated INFLATE_STEP at a time and never past its declared size."""
    out = bytearray()
    try:
        with package.open(member) as stream:
            while step := stream.read(INFLATE_STEP):
                out += step
                if len(out) > member.file_size:  # zipfile stops at the declared size; this is a guard
                    raise InputError(f"{name}: a part holds more than its package declares; refused")
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
        raise InputError(f"{name}: the package is damaged ({type(exc).__name__}); it cannot be read") from exc
    return bytes(out)


def docx_text(data: bytes, name: str) -> str:
    """The text of a Word document: its paragraphs separated by blank lines, the title as `# `."""
    name = display_name(name)
    blocks = document_blocks(_docx_parts(data, name), name, MAX_PASTE_CHARS)
    if not blocks:
        raise InputError(f"{name}: the document has no text")
    return "\n\n".join(blocks)


def file_suffix(name: str) -> str:
    """The suffix that decides how a file is read; any other type is refused by name."""
    suffix = PurePath(name).suffix.lower()
    if suffix == ".docm":
        raise InputError(f"{name}: a macro-enabled document; save it as a plain .docx without macros")
    if suffix not in SUFFIXES:
        raise InputError(f"{name}: unsupported file type {suffix or '(none)'}; use .txt, .md, .html or .docx")
    return suffix


def _check_size(name: str, data: bytes) -> str:
    """The file's suffix, once its type and size pass: checked before anything is decoded or sent anywhere."""
    suffix = file_suffix(name)
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputError(f"{name}: too large ({_mb(len(data))}); the limit is {_mb(MAX_UPLOAD_BYTES)}")
    return suffix


def read_upload(name: str, data: bytes) -> str:
    """The checked text of a file by its name and bytes (an upload, or a file read from disk).

    Read in a worker process with limits on CPU, memory and time (geo/geoparser/sandbox.py):
    an input that breaks one is refused with a message, and the server keeps serving.
    """
    name = display_name(name)
    _check_size(name, data)
    return sandbox.run(read_upload_in_process, name, data, name=name)


def read_upload_in_process(name: str, data: bytes) -> str:
    """read_upload's work, in the calling process (a worker runs it)."""
    name = display_name(name)
    suffix = _check_size(name, data)
    if suffix == ".docx":
        text = docx_text(data, name)
    else:
        text = decode_text(data, name)
        if suffix in HTML_SUFFIXES:
            text = html_text(text, name)
            if not text.strip():
                raise InputError(f"{name}: the page has no visible text")
    check_length(text, name)
    check_language(text, name)
    return text


def read_paste(text: str) -> str:
    """The checked text of a paste: not empty, not too long, no binary data, English.

    Too long is refused here; the rest is read in a worker process with limits, as uploads are.
    """
    _check_paste_length(text)
    return sandbox.run(read_paste_in_process, text, name=PASTE_NAME)


def _check_paste_length(text: str) -> None:
    if len(text) > MAX_PASTE_CHARS:
        raise InputError(f"{PASTE_NAME} is too long ({len(text):,} characters); the limit is {MAX_PASTE_CHARS:,}")


def read_paste_in_process(text: str) -> str:
    """read_paste's work, in the calling process (a worker runs it)."""
    name = PASTE_NAME
    _check_paste_length(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{name} is empty: paste an article, or upload a file")
    if "\x00" in text or re.search(r"[\x01-\x08\x0e-\x1f]{4,}", text):
        raise InputError(f"{name} holds binary data, not an article")
    check_language(text, name)
    return text


def read_text_file(path: Path) -> str:
    """The checked text of an article file on disk (the command line's `geoparse` and `new`)."""
    name = display_name(path.name)
    file_suffix(name)
    try:
        size = path.stat().st_size
        if size > MAX_UPLOAD_BYTES:
            raise InputError(f"{name}: too large ({_mb(size)}); the limit is {_mb(MAX_UPLOAD_BYTES)}")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: cannot read the file ({exc.strerror or exc})") from exc
    return read_upload(name, data)
