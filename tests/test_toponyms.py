"""The geoparser's gazetteer: compact file plus curated aliases, read strictly and once."""

from __future__ import annotations

import copy
import gzip
import json
import marshal
import pickle
from dataclasses import replace

import pytest

from geo.atlas.datafile import read_yaml
from geo.errors import DataError
from geo.geoparser.gazetteer import (
    ALIASES_FILE,
    CACHE_HEADER,
    CACHE_MAGIC,
    GAZETTEER_FILE,
    GEOPARSE_DIR,
    PHYSICAL_FILE,
    Table,
    Toponym,
    cache_header,
    index_toponyms,
    load_toponyms,
    read_physical,
    read_table,
    variant_key,
)


@pytest.fixture(scope="module")
def compact() -> dict:
    return json.loads(gzip.decompress((GEOPARSE_DIR / GAZETTEER_FILE).read_bytes()))


@pytest.fixture(scope="module")
def table() -> Table:
    return read_table(GEOPARSE_DIR / GAZETTEER_FILE)


@pytest.fixture(scope="module")
def aliases() -> dict:
    return read_yaml(GEOPARSE_DIR / ALIASES_FILE)


def test_loaded_once_per_process():
    assert load_toponyms() is load_toponyms()


def test_compact_gazetteer_stays_small():
    assert (GEOPARSE_DIR / GAZETTEER_FILE).stat().st_size < 10_000_000


def test_the_cache_is_the_parsed_file(table, compact, tmp_path, monkeypatch):
    """A cached table is exactly what parsing the file gives; a rebuilt file is never read from a stale cache."""
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    first = read_table(GEOPARSE_DIR / GAZETTEER_FILE)
    assert len(list(tmp_path.glob("gazetteer-*.marshal"))) == 1
    assert read_table(GEOPARSE_DIR / GAZETTEER_FILE) == first == Table.from_compact(compact)
    assert list(first.index) == list(Table.from_compact(compact).index)  # the names in the file's order
    other = tmp_path / "other" / GAZETTEER_FILE
    other.parent.mkdir()
    small = dict(compact, entries=compact["entries"][:300])
    other.write_bytes(gzip.compress(json.dumps(small).encode()))
    assert len(read_table(other).ref) == 300
    assert len(list(tmp_path.glob("gazetteer-*.marshal"))) == 2
    assert not list(tmp_path.glob(".*.part"))  # nothing half-written left beside them


HEAD = len(CACHE_MAGIC) + CACHE_HEADER.size  # where a cache file's payload starts


def cache_file(payload: bytes) -> bytes:
    """A cache file with a sound header around `payload`: only what the payload holds is wrong."""
    return cache_header(payload) + payload


@pytest.fixture
def small_gazetteer(compact, tmp_path, monkeypatch) -> tuple:
    """A gazetteer file of 2,000 entries and its cache, in a private cache folder: (file, its table, the cache)."""
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / GAZETTEER_FILE
    path.write_bytes(gzip.compress(json.dumps(dict(compact, entries=compact["entries"][:2000])).encode()))
    built = read_table(path)
    [cached] = (tmp_path / "cache").glob("gazetteer-*.marshal")
    return path, built, cached


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda blob: blob[: len(blob) // 2], "where its header says"),
        (lambda blob: blob[:-100] + bytes([blob[-100] ^ 1]) + blob[-99:], "checksum does not match"),
        (lambda blob: b"", "not a cache file of this version"),
        (lambda blob: pickle.dumps({"ref": []}), "not a cache file of this version"),
        (lambda blob: cache_file(b"\xff\x00 not marshal"), "unreadable"),
        (lambda blob: cache_file(marshal.dumps(["a", "list"])), "not a table's fields"),
        (lambda blob: cache_file(marshal.dumps({**marshal.loads(blob[HEAD:]), "lat": b""})), "different lengths"),
        (lambda blob: cache_file(marshal.dumps({**marshal.loads(blob[HEAD:]), "lat": "north"})), "unreadable"),
    ],
)
def test_a_damaged_cache_is_said_and_rebuilt(small_gazetteer, capsys, damage, said):
    """A cache that is cut short, altered, of another format or of another shape is never trusted: the table is
    parsed again with one line that says why, and the cache is written anew.

    Failed on 06fccd5 (a pickle): the table was parsed again without a word of the cache, so a cache that could
    not be used was parsed again at every start; a pickle also runs what the file names when it is loaded.
    """
    path, built, cached = small_gazetteer
    capsys.readouterr()
    cached.write_bytes(damage(cached.read_bytes()))
    assert read_table(path) == built
    err = capsys.readouterr().err
    assert f"cannot use the gazetteer's cache {cached} (" in err and said in err, err
    assert read_table(path) == built and capsys.readouterr().err == ""  # read from the new cache, silently


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (lambda compact: gzip.compress(b"[1, 2]"), "expected an object with a list of entries"),
        (lambda compact: gzip.compress(b'{"entries": [[1, 2'), "unexpected end of data"),
        (
            lambda compact: gzip.compress(json.dumps({"entries": [e[:7] for e in compact["entries"][:5]]}).encode()),
            "entries of 7 fields",
        ),
        (lambda compact: b"not gzip", "Not a gzipped file"),
    ],
)
def test_a_broken_gazetteer_file_is_refused_with_its_name(compact, tmp_path, monkeypatch, content, said):
    """A gazetteer file unlike what scripts/build_gazetteer.py writes stops the load with a DataError naming it."""
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / GAZETTEER_FILE
    path.write_bytes(content(compact))
    with pytest.raises(DataError) as info:
        read_table(path)
    message = str(info.value)
    assert message.startswith(f"{GAZETTEER_FILE}: cannot read the compact gazetteer (") and said in message, message
    assert "rerun scripts/build_gazetteer.py" in message


def test_sources_and_coverage(compact):
    refs = {e[0] for e in compact["entries"]}
    assert {"geonames:146970", "geonames:587084", "ne:admin1:AM08", "geonames:174982"} <= refs
    assert "geonames:174982" in compact["shapes"] and "ne:admin1:AM08" in compact["shapes"]


def test_curated_names_come_first(table, aliases):
    toponyms = index_toponyms(table, aliases)
    assert toponyms.candidates("Zangezur")[0].toponym.ref == "ne:admin1:AM08"
    assert toponyms.candidates("Khankendi")[0].toponym.kind == "city"
    assert toponyms.candidates("Armenians") == []


@pytest.mark.parametrize(
    ("change", "entry", "field"),
    [
        (lambda a: a["places"][0].update(nmes=["x"]), "ne:admin1:AM08", "nmes"),
        (lambda a: a["places"][0].update(ref="geonames:1"), "geonames:1", "ref"),
        (lambda a: a["places"][0].pop("source"), "ne:admin1:AM08", "source"),
        (lambda a: a["places"][0].update(kind="hamlet"), "ne:admin1:AM08", "kind"),
        (lambda a: next(p for p in a["places"] if p.get("id") == "lake-sevan").update(lat=120), "lake-sevan", "lat"),
        (
            lambda a: next(p for p in a["places"] if p.get("id") == "lake-sevan").update(kind="pond"),
            "lake-sevan",
            "kind",
        ),
        (
            lambda a: next(p for p in a["places"] if p.get("id") == "lachin-corridor").pop("route"),
            "lachin-corridor",
            "route",
        ),
        (
            lambda a: next(p for p in a["places"] if p.get("id") == "lake-sevan").update(geonames="Sevan"),
            "lake-sevan",
            "geonames",
        ),
        (
            lambda a: next(p for p in a["places"] if p.get("id") == "lake-sevan").update(geonames=-3),
            "lake-sevan",
            "geonames",
        ),
        (lambda a: a.update(not_place=["x"]), None, "not_place"),
    ],
)
def test_aliases_are_read_strictly(table, aliases, change, entry, field, assert_data_error):
    broken = copy.deepcopy(aliases)
    change(broken)
    with pytest.raises(Exception) as info:
        index_toponyms(table, broken)
    assert_data_error(info.value, ALIASES_FILE, entry, field)


def test_variant_keys_fold_transliterations():
    assert variant_key("Djulfa") == variant_key("Julfa") == variant_key("Dzhul’fa")
    assert variant_key("Ts’khinvali") == variant_key("Tskhinvali")
    assert variant_key("Şuşa") == variant_key("Shusha")
    assert variant_key("Kapan") != variant_key("Ghapan")


def test_variants_only_for_the_regions_places():
    toponyms = load_toponyms()
    assert {h.toponym.ref for h in toponyms.variant_hits("Djulfa")} == {"geonames:148251", "geonames:130081"}
    assert all(h.how == "variant" for h in toponyms.variant_hits("Djulfa"))
    assert toponyms.variant_hits("Londres") == []  # abroad, spelling is left alone
    assert toponyms.variant_hits("Gori") == []  # too short to fold safely


def test_an_adjective_must_name_a_known_place(table, aliases):
    bad = copy.deepcopy(aliases)
    bad["adjectives"]["Atlantean"] = "geonames:1"
    with pytest.raises(DataError, match="adjectives"):
        index_toponyms(table, bad)


def test_every_admin1_unit_has_a_ref_and_an_outline_of_its_own(compact):
    """Natural Earth's FIPS codes repeat (AJ55) or cross borders (Sharur carried Vayots Dzor's AM10)."""
    from shapely.geometry import Point, shape

    refs = [e[0] for e in compact["entries"]]
    assert len(refs) == len(set(refs))
    for ref, _gid, name, _kind, _country, lat, lon, *_ in compact["entries"]:
        if ref.startswith("ne:admin1:") and _country in ("AM", "AZ", "GE"):
            assert shape(compact["shapes"][ref]).buffer(0.02).contains(Point(lon, lat)), (ref, name)
    by_ref = {e[0]: e for e in compact["entries"]}
    assert by_ref["ne:admin1:AM10"][2] == "Vayots Dzor" and by_ref["ne:admin1:AM10"][4] == "AM"


def test_countries_by_code_are_every_country_of_the_file(table, compact, aliases):
    toponyms = index_toponyms(table, aliases)
    expected = {e[4]: e[0] for e in compact["entries"] if e[3] == "country"}
    assert {code: t.ref for code, t in toponyms.countries.items()} == expected
    assert toponyms.countries["AM"].name == "Armenia" and toponyms.countries["AM"].kind == "country"


def _physical(tmp_path, change=None) -> list:
    """physical.json as shipped, or a copy with one change, read as the gazetteer reads it."""
    raw = json.loads((GEOPARSE_DIR / PHYSICAL_FILE).read_text(encoding="utf-8"))
    if change is not None:
        change(raw)
    path = tmp_path / PHYSICAL_FILE
    path.write_text(json.dumps(raw), encoding="utf-8")
    return read_physical(path)


def _aral(raw: dict) -> dict:
    """The Aral Sea's entry of physical.json: the first of those a test breaks."""
    return next(f for f in raw["features"] if f["name"] == "Aral Sea")


def test_natural_earth_features_are_read_with_their_source(tmp_path):
    features = dict((t.name, (t, names)) for t, names in _physical(tmp_path))
    lake, names = features["Lake Victoria"]
    assert (lake.kind, lake.ref, lake.country) == ("lake", "ne:physical:lake-victoria", None)
    assert "Natural Earth 1:50m lake" in lake.source
    assert -3 < lake.lat < 1 and 31 < lake.lon < 35  # in the lake, not in the Seychelles
    assert {"Nile", "Nile River", "River Nile"} <= set(features["Nile"][1])


@pytest.mark.parametrize(
    ("change", "entry", "field"),
    [
        (lambda r: _aral(r).update(kind="pond"), "Aral Sea", "kind"),
        (lambda r: _aral(r).update(lat=95), "Aral Sea", "lat"),
        (lambda r: _aral(r).update(names=[]), "Aral Sea", "names"),
        (lambda r: _aral(r).update(scalerank="0"), "Aral Sea", "scalerank"),
        (lambda r: _aral(r).update(wikidata="35883"), "Aral Sea", "wikidata"),
        (lambda r: _aral(r).update(scale="1m"), "Aral Sea", "scale"),
        (lambda r: _aral(r).update(country="Greece"), "Aral Sea", "country"),
        (lambda r: _aral(r).update(course=[[45.0, 200.0]]), "Aral Sea", "course"),
        (lambda r: _aral(r).update(course=[[45.0]]), "Aral Sea", "course"),
        (lambda r: _aral(r).update(nmes=["x"]), "Aral Sea", "nmes"),
        (lambda r: r["features"][1].pop("name"), "#2", "name"),
        (lambda r: r.pop("source"), None, "source"),
        (lambda r: r.update(sorce="Natural Earth"), None, "sorce"),
        (lambda r: r.update(features={}), None, "features"),
    ],
)
def test_a_broken_physical_feature_is_named(tmp_path, change, entry, field, assert_data_error):
    with pytest.raises(Exception) as info:
        _physical(tmp_path, change)
    assert_data_error(info.value, PHYSICAL_FILE, entry, field)


def test_a_physical_feature_never_takes_a_curated_a_country_s_or_a_town_s_name(table, aliases, tmp_path):
    """The Aras stays aliases.yaml's; Congo and Mississippi stay the country's and the state's; Nile is the river's."""
    physical = _physical(tmp_path)
    curated_river = (replace(physical[0][0], ref="ne:physical:aras", name="Aras"), ["Aras", "Araks"])
    toponyms = index_toponyms(table, aliases, physical=[*physical, curated_river])
    assert toponyms.candidates("Aras")[0].toponym.ref == "curated:aras-river"
    assert all(h.toponym.ref != "ne:physical:aras" for h in toponyms.candidates("Araks"))
    assert toponyms.candidates("Congo")[0].toponym.kind != "river"
    assert toponyms.candidates("Congo River")[0].toponym.ref == "ne:physical:congo"
    assert toponyms.candidates("Mississippi")[0].toponym.ref == "ne:admin1:US28"
    assert toponyms.candidates("Nile")[0].toponym.ref == "ne:physical:nile"
    assert all(h.toponym.kind != "lake" for h in toponyms.candidates("Cedar Lake"))  # the town in Indiana


def _island(name: str, names: list[str], country: str | None = None) -> tuple[Toponym, list[str]]:
    """An island of physical.json, as read_physical gives it."""
    slug = name.lower().replace(" ", "-")
    island = Toponym(f"ne:physical:{slug}", None, name, "island", country, 0.0, 100.0, source="Natural Earth")
    return island, names


def test_an_island_shares_a_village_s_name_but_not_a_country_s_a_division_s_or_a_town_s(table, aliases):
    """Java is the island and a village of Georgia; Cyprus stays the country, Rota the Spanish town of 29,000,
    each the island's only with the word island ("the island of Cyprus", "Rota Island")."""
    islands = [_island("Java", ["Java"], "ID"), _island("Cyprus", ["Cyprus"]), _island("Rota", ["Rota"])]
    toponyms = index_toponyms(table, aliases, physical=islands)
    java = [h.toponym for h in toponyms.candidates("Java")]
    assert {t.kind for t in java} == {"island", "village"} and java[0].country == "ID"
    for name in ("Cyprus", "Rota"):
        assert all(h.toponym.kind != "island" for h in toponyms.candidates(name)), name
        for form in (f"island of {name}", f"{name} Island", f"Island of {name}"):
            assert [h.toponym.ref for h in toponyms.candidates(form)] == [f"ne:physical:{name.lower()}"], form
    assert toponyms.candidates("Java Island")[0].toponym.kind == "island"
