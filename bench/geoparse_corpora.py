"""The public geoparsing corpora (LGL, TR-News, GeoWebNews, GeoVirus), read from a path and scored as EUPEG does.

The corpora are not kept in this repository: their licences are not stated. They come
from the public repository milangritta/Pragmatic-Guide-to-Geoparsing-Evaluation; give its
checkout (or a folder holding the XML files) with `--corpora DIR` or
GEOPARSE_CORPORA. Each file is checked against the SHA-256 recorded here, so that every
figure is measured on the same bytes.

Scoring follows EUPEG (Wang and Hu 2019): a gold toponym is recognised when a predicted
mention overlaps its span; a prediction is right when it overlaps a gold span; resolution
is the share of recognised toponyms placed within 161 km of the gold point, and the exact
id the share whose GeoNames id is the gold one (where the gold has one).

Every document is either `dev` (used while changing the geoparser) or `held-out` (only
ever scored), by a fixed rule on its id (`split`), so the split never moves.
"""

from __future__ import annotations

import hashlib
import math
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

RESOLVED_KM = 161.0
HELD_OUT_EVERY = 3  # one document in three is held out
CORPORA = {
    "lgl": ("data/Corpora/lgl.xml", "d251018853e8d0f7f8bf49ca6e042418a26f4718f85e1e5393a5b4ef9ae5f007"),
    "trnews": ("data/Corpora/TR-News.xml", "a1b256661e16b51fa02e7d617dc131e01237dd252872cf13fe92b0d26f5823e5"),
    "gwn": ("data/GWN.xml", "655fcf2abe9f2d12627bd22908c3675920f00d2a02ab30950a3faa68a345d687"),
    # Wikinews reports of outbreaks worldwide (Gritta et al. 2018); its gold links Wikipedia, not GeoNames
    "geovirus": ("data/Corpora/GeoVirus.xml", "2f8a928b9af4a44232493b37c5324bcb14a06873a4d97315cf3b2c7653ea06b1"),
}
# The corpora whose gold places follow GeoNames, as the gazetteer does: what the scripts under scripts/ learn
# from (their dev documents). GeoVirus's points are Wikipedia's (Canada at 60° N 95° W, GeoNames' 1,000 km west),
# so it is only ever scored.
GEONAMES_CORPORA = ("gwn", "lgl", "trnews")
ENV = "GEOPARSE_CORPORA"


@dataclass(frozen=True)
class GoldToponym:
    start: int
    end: int
    lat: float
    lon: float
    geonameid: int | None


@dataclass(frozen=True)
class Document:
    docid: str
    text: str
    gold: tuple[GoldToponym, ...]

    @property
    def split(self) -> str:
        return split(self.docid)


@dataclass(frozen=True)
class Prediction:
    start: int
    end: int
    lat: float
    lon: float
    geonameid: int | None
    review: bool = False  # the geoparser flags the place for review (FoundPlace.review)


def split(docid: str) -> str:
    """`held-out` for one document in three, by a hash of its id; `dev` for the others."""
    return "held-out" if int(hashlib.sha256(docid.encode()).hexdigest(), 16) % HELD_OUT_EVERY == 0 else "dev"


def corpus_file(name: str, root: Path | str | None) -> Path:
    """The corpus's XML file under root (a checkout, or a folder of the files); checked against its SHA-256."""
    if root is None:
        root = os.environ.get(ENV)
    if not root:
        raise SystemExit(f"give the corpora's folder with --corpora DIR or {ENV} (see bench/README.md)")
    relative, digest = CORPORA[name]
    path = Path(root) / relative
    if not path.exists():
        path = Path(root) / Path(relative).name
    if not path.exists():
        raise SystemExit(f"{name}: neither {Path(root) / relative} nor {path} exists")
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != digest:
        raise SystemExit(f"{name}: {path} has SHA-256 {actual}, not the {digest} these figures are measured on")
    return path


def _float(node: ET.Element | None) -> float | None:
    return float(node.text) if node is not None and node.text and node.text.strip() else None


def _span(text: str, start: int, end: int, phrase: str | None) -> tuple[int, int]:
    """The gold span, moved onto its phrase where the file's offsets are a few characters off (TR-News)."""
    if not phrase or text[start:end] == phrase:
        return start, end
    near = [i for i in range(max(0, start - 20), start + 21) if text.startswith(phrase, i)]
    if not near:
        return start, end
    best = min(near, key=lambda i: abs(i - start))
    return best, best + len(phrase)


def read_corpus(name: str, root: Path | str | None = None) -> list[Document]:
    """Every document of a corpus with its gold toponyms that have a point (those EUPEG scores)."""
    docs = []
    for i, article in enumerate(ET.parse(corpus_file(name, root)).getroot().iter("article")):
        text = article.findtext("text") or ""
        docid = article.get("docid") or article.get("file") or article.findtext("source") or str(i)
        gold = []
        for node in article.iter("location"):  # GeoVirus
            lat, lon = _float(node.find("lat")), _float(node.find("lon"))
            if lat is not None and lon is not None:
                start, end = int(node.findtext("start") or 0), int(node.findtext("end") or 0)
                start, end = _span(text, start, end, node.findtext("name"))
                gold.append(GoldToponym(start, end, lat, lon, None))
        for node in article.iter("toponym"):
            start, end = int(node.findtext("start") or 0), int(node.findtext("end") or 0)
            tag = node.find("gaztag")
            if tag is not None:  # LGL and TR-News
                lat, lon, gid = _float(tag.find("lat")), _float(tag.find("lon")), tag.get("geonameid")
                phrase = node.findtext("phrase")
            else:  # GeoWebNews
                lat, lon = _float(node.find("latitude")), _float(node.find("longitude"))
                gid = node.findtext("geonamesID")
                phrase = node.findtext("extractedName")
            if lat is None or lon is None:
                continue
            start, end = _span(text, start, end, phrase)
            gold.append(GoldToponym(start, end, lat, lon, int(gid) if gid and gid.strip().isdigit() else None))
        docs.append(Document(f"{name}:{docid}", text, tuple(sorted(gold, key=lambda g: g.start))))
    return docs


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742 * math.asin(math.sqrt(min(1.0, h)))


@dataclass
class Tally:
    predicted: int = 0
    predicted_right: int = 0
    gold: int = 0
    recognised: int = 0
    within: int = 0
    with_id: int = 0
    same_id: int = 0
    unflagged: int = 0  # recognised toponyms whose place is not flagged for review
    unflagged_within: int = 0  # ... and placed within 161 km
    flagged_wrong: int = 0  # recognised toponyms placed farther, and flagged
    words: int = 0
    seconds: float = 0.0

    def add(self, other: Tally) -> None:
        for key in self.__dataclass_fields__:
            setattr(self, key, getattr(self, key) + getattr(other, key))

    def figures(self) -> dict[str, float]:
        p = self.predicted_right / self.predicted if self.predicted else 0.0
        r = self.recognised / self.gold if self.gold else 0.0
        return {
            "gold": self.gold,
            "P": p,
            "R": r,
            "F1": 2 * p * r / (p + r) if p + r else 0.0,
            "161km": self.within / self.recognised if self.recognised else 0.0,
            "id": self.same_id / self.with_id if self.with_id else 0.0,
            # the review flag: the share of answers it leaves unflagged, their accuracy, the wrong answers it catches
            "unflagged": self.unflagged / self.recognised if self.recognised else 0.0,
            "unflagged_acc": self.unflagged_within / self.unflagged if self.unflagged else 0.0,
            "caught": self.flagged_wrong / (self.recognised - self.within) if self.recognised > self.within else 0.0,
            "words/s": self.words / self.seconds if self.seconds else 0.0,
        }


def overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def score_document(doc: Document, predictions: Iterable[Prediction]) -> Tally:
    """EUPEG's counts for one document: each gold toponym is matched to the first prediction overlapping it."""
    preds = sorted(predictions, key=lambda p: p.start)
    tally = Tally(predicted=len(preds), gold=len(doc.gold), words=len(doc.text.split()))
    tally.predicted_right = sum(1 for p in preds if any(overlaps(p.start, p.end, g.start, g.end) for g in doc.gold))
    for g in doc.gold:
        match = next((p for p in preds if overlaps(p.start, p.end, g.start, g.end)), None)
        if match is None:
            continue
        tally.recognised += 1
        within = km(g.lat, g.lon, match.lat, match.lon) <= RESOLVED_KM
        tally.within += within
        tally.unflagged += not match.review
        tally.unflagged_within += within and not match.review
        tally.flagged_wrong += match.review and not within
        if g.geonameid is not None:
            tally.with_id += 1
            tally.same_id += match.geonameid == g.geonameid
    return tally


def evaluate(
    docs: list[Document], parse: Callable[[str], list[Prediction]], clock: Callable[[], float]
) -> dict[str, Tally]:
    """The tallies of the dev and held-out parts of a corpus."""
    out = {"dev": Tally(), "held-out": Tally()}
    for doc in docs:
        start = clock()
        predictions = parse(doc.text)
        elapsed = clock() - start
        tally = score_document(doc, predictions)
        tally.seconds = elapsed
        out[doc.split].add(tally)
    return out
