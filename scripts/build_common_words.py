"""Rebuild data/geoparse/common_words.txt.gz: English words that are not also names (police, mayor, fire).

The geoparser reads a place name followed by a capitalised word as a person's first name
("Emin Milli") and then drops that name wherever it stands. Followed by a common noun
("Mansfield Police", "Mansfield Mayor Curtis McCoy") it is a place qualifying the noun, not
a first name. This list says which words are common nouns or adjectives: the lower-case
words of SCOWL (Debian's wamerican) less those it also lists capitalised as names (Baker,
Henry, Young), so a surname that is also a word still reads as a surname.

    apt-get install wamerican
    python scripts/build_common_words.py
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from pathlib import Path

from geo.paths import ROOT

OUT = ROOT / "data" / "geoparse" / "common_words.txt.gz"
WORDS = Path("/usr/share/dict/american-english")  # Debian's wamerican (SCOWL)


def common_words(lines: list[str]) -> list[str]:
    """The lower-case words of the list that it does not also give as a capitalised name, sorted."""
    lower = {w for w in lines if re.fullmatch(r"[a-z]+", w)}
    names = {w.lower() for w in lines if re.fullmatch(r"[A-Z][a-z]+", w)}
    return sorted(lower - names)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=Path, default=WORDS, help="an English word list (Debian's wamerican)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if not args.words.exists():
        parser.error(f"{args.words} is missing: apt-get install wamerican (or give --words)")
    words = common_words(args.words.read_text(encoding="utf-8").splitlines())
    # mtime=0: the same list gives the same bytes.
    with open(args.out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
        out.write("\n".join(words).encode("utf-8"))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB, {len(words)} words)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
