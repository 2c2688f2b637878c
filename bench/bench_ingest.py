"""Measure "Map your own article" on the library side: reading, refusing, drafting, zipping.

    python bench/bench_ingest.py

Prints the median time (and the peak memory the step adds, from tracemalloc) of each step the
app runs for one article, on the atlas's own article (data/article.md, about 1,300 words)
written into a real Word document: reading the .docx, the paste check, finding the places,
the draft's files, the data zip, the static site zip and opening the draft as an atlas; then
how fast the hostile inputs of issue 14 are refused (a 5 MB paste, a 300 MB zip bomb, a
macro-enabled document, a document whose part holds 300 MB but declares 5 kB). Ratios
between steps matter more than the absolute numbers: the machines are noisy.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable

import docx

from bench.support import measure_step
from geo.errors import InputError
from geo.geoparser.draft import ArticleInfo, draft_files, find_places, load_draft_atlas, site_zip, zip_files
from geo.geoparser.gazetteer import load_toponyms
from geo.geoparser.ingest import read_paste, read_upload
from geo.paths import ROOT

REPEATS = 7


def word_document(markdown: str) -> bytes:
    document = docx.Document()
    for block in markdown.split("\n\n"):
        if block.startswith("# "):
            document.add_heading(block[2:], level=0)
        elif block.startswith("## "):
            document.add_heading(block[3:], level=1)
        else:
            document.add_paragraph(block.strip("*> "))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def bomb(unpacked_mb: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<w:document/>")
        with archive.open("word/media/image1.png", "w", force_zip64=True) as member:
            for _ in range(unpacked_mb):
                member.write(bytes(1_000_000))
    return out.getvalue()


def macros(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr("word/vbaProject.bin", b"Sub AutoOpen()\nEnd Sub")
    return out.getvalue()


def liar(data: bytes, unpacked_mb: int) -> bytes:
    """The document with word/document.xml holding `unpacked_mb` MB while its directory declares 5 kB."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            big = info.filename == "word/document.xml"
            target.writestr(info.filename, bytes(unpacked_mb * 1_000_000) if big else source.read(info.filename))
    raw = bytearray(out.getvalue())
    at = raw.find(b"PK\x01\x02")
    while raw[at + 46 : at + 46 + len(b"word/document.xml")] != b"word/document.xml":
        at = raw.find(b"PK\x01\x02", at + 4)
    struct.pack_into("<I", raw, at + 24, 5_000)
    return bytes(raw)


def refused(step: Callable[[], object]) -> Callable[[], str]:
    def run() -> str:
        try:
            step()
        except InputError as exc:
            return str(exc)
        raise SystemExit("not refused")

    return run


def main() -> None:
    load_toponyms()  # warm, as in a running app
    markdown = (ROOT / "data" / "article.md").read_text(encoding="utf-8")
    data = word_document(markdown)
    words = len(markdown.split())
    print(f"article: data/article.md, {words:,} words; as .docx {len(data) / 1e3:.0f} kB; {REPEATS} runs each\n")
    text = read_upload("article.docx", data)
    found = find_places(text, None)
    files = draft_files(*found, ArticleInfo())
    steps: list[tuple[str, Callable[[], object]]] = [
        ("read the .docx (read_upload)", lambda: read_upload("article.docx", data)),
        ("check a paste of it (read_paste)", lambda: read_paste(text)),
        ("find the places (find_places)", lambda: find_places(text, None)),
        ("make the draft's files (draft_files)", lambda: draft_files(*found, ArticleInfo())),
        ("zip the data folder (zip_files)", lambda: zip_files(files, "draft")),
        ("zip the static site (site_zip)", lambda: site_zip(files)),
        ("open the draft as an atlas (load_draft_atlas)", lambda: load_draft_atlas(files)),
    ]
    print(f"{'step':48} {'median':>9} {'peak mem':>9}")
    for label, step in steps:
        seconds, _, peak, result = measure_step(step, REPEATS)
        size = f"  ({len(result) / 1e3:.0f} kB)" if isinstance(result, bytes) else ""
        print(f"{label:48} {seconds * 1e3:7.1f} ms {peak:6.1f} MB{size}")

    print("\nrefused inputs (the paste's memory is the 5 MB string itself)")
    bomb_bytes, macro_bytes, liar_bytes = bomb(300), macros(data), liar(data, 300)
    hostile = [
        ("a 5 MB paste", lambda: read_paste("x" * 5_000_000)),
        ("a 300 MB zip bomb (.docx)", lambda: read_upload("bomb.docx", bomb_bytes)),
        ("a .docx with macros", lambda: read_upload("macros.docx", macro_bytes)),
        ("a 300 MB part declaring 5 kB (.docx)", lambda: read_upload("liar.docx", liar_bytes)),
    ]
    print(f"(the bomb is {len(bomb_bytes) / 1e3:.0f} kB packed, the lying document {len(liar_bytes) / 1e3:.0f} kB)")
    for label, step in hostile:
        seconds, _, peak, message = measure_step(refused(step), REPEATS)
        print(f"{label:48} {seconds * 1e3:7.1f} ms {peak:6.1f} MB  {message}")


if __name__ == "__main__":
    main()
