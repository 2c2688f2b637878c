"""The airports of the geoparser's gazetteer and the names a reader knows them by (scripts/build_gazetteer.py).

News names airports all the time ("flights from Heathrow", "Ben Gurion Airport", "at O'Hare"). The
source is the `airportsdata` package (MIT): every airport with an IATA code, the airports that
airlines serve and travellers name, not the 20,000 airstrips known only by an ICAO code. Heliports
and seaplane bases are left out.

An airport is named by its full name and by forms built from it:
- the full name without its city ("Heathrow Airport", "O'Hare International Airport") and without
  "International" ("Ben Gurion Airport");
- the city's name with "Airport" ("Yerevan Airport"), and its IATA code with it ("JFK Airport"):
  the word Airport makes the whole run the airport's name, never the city's;
- the name without its generic words ("London Heathrow", "Chicago O'Hare") when the rest holds no
  common English word ("London City" is no airport's name);
- the bare short form ("Heathrow", "O'Hare", "Schiphol") only for a major city's airport (a capital,
  or a city of MAJOR_CITY people within MAJOR_CITY_KM) and only when it is one word that the English
  word list does not know at all, neither as a word nor as a name, no place of that name lies near
  the airport (then the airport is named after its town: "Domodedovo" stays the town) and none
  anywhere is a town of TOWN people or more, a country or a division (Binhai, Manas, Niue). A
  person's name that the list knows (Kennedy, Dulles, Reagan, Atatürk) or several words (Charles de
  Gaulle, Ben Gurion, John Lennon) need the word Airport, so "Kennedy said" and "Charles de Gaulle
  wrote" stay people. The geoparser reads a bare short form as a weak name: it needs a preposition of
  place or the text's country or division around it, and a verb of speech after it makes it a person's.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable

KIND = "airport"
# Words that say what an airport is, not which: dropped to find its short form.
GENERIC = frozenset(
    {"Airport", "International", "Intl", "National", "Ntl", "Regional", "Municipal", "Domestic", "Airfield"}
    | {
        "Harbour",
        "Aerodrome",
        "Airstrip",
        "Intercontinental",
        "Air",
        "Base",
        "Field",
        "Airpark",
        "Jetport",
        "Executive",
    }
)
LEFT_OUT = re.compile(r"\b(?:Heliport|Seaplane|Water Aerodrome|Helipad)\b", re.IGNORECASE)
ABBREVIATIONS = {"Ntl": "National", "Intl": "International", "Int'l": "International", "Intcntl": "Intercontinental"}
BRACKETS = re.compile(r"\s*\([^)]*\)")  # "Long Beach (Daugherty Field) Airport": another name, in brackets
INITIAL = re.compile(r"(?<= )([A-Z])(?= [A-Z])")  # "John F Kennedy" -> "John F. Kennedy"
MAJOR_CITY, MAJOR_CITY_KM = 500_000, 100.0
TOWN_KM, TOWN = 50.0, 10_000  # a place of the short name this near, or this large anywhere: its name
SHORT_MIN = 4  # a bare short form of fewer letters meets too many other words
SHORT_FORM = re.compile(r"[A-Z][^\W\d_]*(?:['’][A-Z]?[^\W\d_]+)?")  # one word: "Heathrow", "O'Hare"


def fold(word: str) -> str:
    """A word without accents, in lower case: how the word list is compared."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).lower()


def _clean(name: str) -> str:
    words = [ABBREVIATIONS.get(w, w) for w in BRACKETS.sub("", name).replace(" / ", " ").replace("/", "-").split()]
    return INITIAL.sub(r"\1.", " ".join(words))


def _city(city: str) -> str:
    """The city as written in the name: the first of several ("Arnavutköy, Istanbul", "Bale/Mulhouse")."""
    return re.split(r"[,/(]", city)[0].strip()


Near = Callable[[str, float], list[tuple[str, int]]]  # (name, km) -> (kind, population) of its places that near
SETTLEMENTS = ("city", "town", "village")


def names(
    airport: dict, known_words: frozenset[str], common_words: frozenset[str], near: Near
) -> tuple[str, list[str]]:
    """An airport's main name and its other names (see the module's docstring).

    `known_words` holds every word of the English word list, folded (`fold`): common words and
    the names it knows alike; `common_words` its lower-case words only. `near(name, km)` gives the
    kind and population of each place of that name within km of the airport.
    """
    name = _clean(airport["name"])
    city = _city(airport["city"])
    words = name.split()
    international = "International" in words
    core = [w for w in words if w not in GENERIC]
    own = core[len(city.split()) :] if city and core[: len(city.split())] == city.split() else core
    tails = ["Airport", "International Airport"] if international else ["Airport"]
    forms: list[str] = []
    if own and not all(fold(w) in common_words for w in own):  # not "City Airport", "Liberty Airport"
        forms += [" ".join(own + [tail]) for tail in tails]
        if city and words[: len(city.split())] == city.split():  # "Heathrow Airport", "O'Hare International Airport"
            forms.append(" ".join(words[len(city.split()) :]))
    if city:
        forms += [f"{city} {tail}" for tail in tails]
    if "-" in city:  # "Dallas/Fort Worth International Airport", as news writes it
        forms += [f.replace(city, city.replace("-", "/")) for f in [name, *forms] if city in f]
    if airport.get("iata"):
        forms.append(f"{airport['iata']} Airport")
    distinctive = bool(own) and all(fold(w) not in known_words for w in own if w[:1].isupper())
    if distinctive and own != core:
        forms.append(" ".join(core))  # "London Heathrow", "Chicago O'Hare"
    bare = own[0] if len(own) == 1 else ""
    major = bool(city) and any(k == "capital" or p >= MAJOR_CITY for k, p in near(city, MAJOR_CITY_KM))
    # a town or larger anywhere, a country or a division: the name is theirs
    taken = any(k not in SETTLEMENTS or p >= TOWN for k, p in near(bare, math.inf)) if bare else True
    if (
        distinctive
        and major
        and len(bare) >= SHORT_MIN
        and SHORT_FORM.fullmatch(bare)
        and not near(bare, TOWN_KM)
        and not taken
    ):
        forms.append(bare)  # "Heathrow", "O'Hare", "Schiphol"
    if "Laguardia" in own:
        forms.append(" ".join(own).replace("Laguardia", "LaGuardia"))
    others = [f for f in dict.fromkeys(forms) if f != name and f]
    return name, others


def airports(
    rows: Iterable[dict],
    known_words: frozenset[str],
    common_words: frozenset[str],
    near: Callable[[str, float, float, float], list[tuple[str, int]]],
) -> list[tuple[dict, str, list[str]]]:
    """The airports a reader means (an IATA code, no heliport or seaplane base), each with its names, by code.

    `near(name, lat, lon, km)`: `Near` at a point.
    """
    kept = [a for a in rows if a.get("iata") and not LEFT_OUT.search(a["name"])]
    return [
        (a, *names(a, known_words, common_words, lambda n, km, a=a: near(n, a["lat"], a["lon"], km)))
        for a in sorted(kept, key=lambda a: a["iata"])
    ]
