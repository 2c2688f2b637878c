"""Loading the atlas (geo/atlas/loader.py): the data folder, the slug index, and figures.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.atlas.loader import load_atlas, resolve_data_dir
from geo.errors import DataError
from geo.paths import DATA_DIR


def test_by_slug_is_built_once_and_indexes_every_place(atlas):
    assert atlas.by_slug is atlas.by_slug  # not rebuilt on every access
    assert list(atlas.by_slug) == [p.slug for p in atlas.places]
    assert all(atlas.by_slug[p.slug] is p for p in atlas.places)


def test_by_slug_is_not_a_constructor_argument_and_stays_out_of_repr(atlas):
    from dataclasses import fields

    index = next(f for f in fields(atlas) if f.name == "by_slug")
    assert not index.init and not index.repr and not index.compare


def test_first_passage(atlas):
    assert atlas.first_passage(atlas.by_slug["baku"]) is atlas.passages["baku"][0]
    unnamed = next(p for p in atlas.places if not atlas.passages[p.slug])
    assert atlas.first_passage(unnamed) is None


def test_the_atlas_remembers_its_folder(atlas, data_copy):
    assert atlas.data_dir == DATA_DIR
    assert load_atlas(data_copy).data_dir == data_copy


def test_data_folder_comes_from_the_argument_then_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("ATLAS_DATA_DIR", raising=False)
    assert resolve_data_dir() == DATA_DIR
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    assert resolve_data_dir() == tmp_path
    assert resolve_data_dir(Path("elsewhere")) == Path("elsewhere")


def test_load_atlas_reads_the_environment_at_each_call(monkeypatch, data_copy):
    (data_copy / "figures.yaml").write_text("distances: []\n", encoding="utf-8")
    monkeypatch.setenv("ATLAS_DATA_DIR", str(data_copy))
    assert load_atlas().distances == []


# figures.yaml ------------------------------------------------------------------------------


def test_distances_join_the_named_ends(atlas):
    assert [d.ends for d in atlas.distances][0] == ("stepanakert", "baku")
    assert all(d.unit == "km" and d.value > 0 for d in atlas.distances)


def test_unknown_place_in_figures(edit_yaml, data_copy, assert_data_error):
    edit_yaml("figures.yaml", lambda d: d["distances"][0].update(to="atlantis"))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_data_error(info.value, "figures.yaml", "#1", "to")


def test_unknown_key_in_a_distance(edit_yaml, data_copy, assert_data_error):
    edit_yaml("figures.yaml", lambda d: d["distances"][1].update(unit="miles"))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_data_error(info.value, "figures.yaml", "#2", "unit")


def test_misspelt_key_in_a_distance_is_named_not_reported_missing(edit_yaml, data_copy, assert_data_error):
    edit_yaml("figures.yaml", lambda d: d["distances"][0].update(lable=d["distances"][0].pop("label")))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_data_error(info.value, "figures.yaml", "#1", "lable")
    assert "did you mean 'label'?" in str(info.value)


def test_unknown_top_level_key_in_figures(edit_yaml, data_copy, assert_data_error):
    edit_yaml("figures.yaml", lambda d: d.update(areas=[]))
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_data_error(info.value, "figures.yaml", None, "areas")


@pytest.mark.parametrize(
    ("text", "entry", "field"),
    [
        ("distances: nothing\n", None, "distances"),
        ("distances:\n  - stepanakert\n", "#1", None),
        ("distances:\n  - {from: baku, to: london}\n", "#1", "label"),
    ],
)
def test_malformed_figures(data_copy, assert_data_error, text, entry, field):
    (data_copy / "figures.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_atlas(data_copy)
    assert_data_error(info.value, "figures.yaml", entry, field)


def test_broken_yaml_in_figures_names_that_file(data_copy):
    (data_copy / "figures.yaml").write_text("distances:\n  - from: baku\n   to: london\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"^figures\.yaml: invalid YAML at line 3"):
        load_atlas(data_copy)
