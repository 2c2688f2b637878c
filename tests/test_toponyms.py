"""The geoparser's gazetteer: compact file plus curated aliases, read strictly and once."""

from __future__ import annotations

import copy
import gzip
import json

import pytest

from geo.atlas.datafile import read_yaml
from geo.errors import DataError
from geo.geoparser.gazetteer import (
    ALIASES_FILE,
    GAZETTEER_FILE,
    GEOPARSE_DIR,
    Table,
    index_toponyms,
    load_toponyms,
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
    assert len(list(tmp_path.glob("gazetteer-*.pickle"))) == 1
    assert read_table(GEOPARSE_DIR / GAZETTEER_FILE) == first == Table.from_compact(compact)
    other = tmp_path / "other" / GAZETTEER_FILE
    other.parent.mkdir()
    small = dict(compact, entries=compact["entries"][:300])
    other.write_bytes(gzip.compress(json.dumps(small).encode()))
    assert len(read_table(other).ref) == 300
    assert len(list(tmp_path.glob("gazetteer-*.pickle"))) == 2


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
