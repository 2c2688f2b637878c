"""`python -m geo new`: a draft data folder that `geo check` accepts and the app serves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import streamlit as st
import yaml
from streamlit.testing.v1 import AppTest

from geo.atlas import load_atlas
from geo.check import check_data
from geo.cli import main
from geo.draft import ArticleInfo, article_markdown, slugify, write_draft
from geo.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "fixtures" / "geoparse" / "draft-sample.txt"


@pytest.fixture(scope="module")
def draft(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("draft")
    argv = ["new", str(SAMPLE), "--out", str(out), "--author", "A. Reporter", "--publisher", "A Paper"]
    assert main([*argv, "--published", "2024-05-01", "--url", "https://example.com/story"]) == 0
    return out


def places(folder: Path) -> dict[str, dict]:
    data = yaml.safe_load((folder / "places.yaml").read_text(encoding="utf-8"))
    return {p["slug"]: p for p in data["places"]}


def test_the_draft_passes_geo_check(draft):
    reports = {r.file: r.summary for r in check_data(draft)}
    assert reports["places.yaml"].startswith(f"{len(places(draft))} places")
    assert set(reports) >= {"geometry.geojson", "article.md", "article.yaml", "figures.yaml", "tour.yaml"}


def test_places_carry_sources_geometry_and_review_notes(draft):
    found = places(draft)
    assert found["stepanakert"]["sources"]["geonames"] == 146970
    assert found["stepanakert"]["geometry"] == "geonames:146970"
    assert found["armenia"]["geometry"] == "ne:country:AM"
    assert found["syunik"]["geometry"] == "ne:admin1:AM08"
    assert found["lachin-corridor"]["kind"] == "route" and len(found["lachin-corridor"]["route"]) == 5
    assert "village" in found["kornidzor"]["review"]
    assert found["sarsang-reservoir"]["geometry"] is None and "review" in found["sarsang-reservoir"]
    assert "review" not in found["baku"]


def test_metadata_and_article(draft):
    meta = load_atlas(draft).meta
    assert (meta.title, meta.author, meta.first_published) == (
        "Buses leave Goris for Stepanakert",
        "A. Reporter",
        dt.date(2024, 5, 1),
    )
    assert (draft / "article.md").read_text(encoding="utf-8").startswith("# Buses leave Goris for Stepanakert\n\n")


def test_the_app_serves_the_draft(draft, monkeypatch):
    monkeypatch.setenv("ATLAS_DATA_DIR", str(draft))
    st.cache_resource.clear()
    try:
        for page in ("app.py", "pages/1_Classroom_tour.py", "pages/2_Article.py"):
            at = AppTest.from_file(str(ROOT / page), default_timeout=60)
            at.run()
            assert not at.exception, (page, [e.value for e in at.exception])
            assert not at.error, (page, [e.value for e in at.error])
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params["place"] = "stepanakert"
        at.run()
        assert not at.exception
        assert any("Stepanakert" in m.value for m in at.markdown)
    finally:
        st.cache_resource.clear()


def test_export_works_on_the_draft(draft, tmp_path):
    from geo.export import export_site

    export_site(load_atlas(draft), tmp_path / "site")
    assert (tmp_path / "site" / "index.html").exists()


def test_markdown_gets_a_title():
    assert article_markdown("Goris\nThe road to Kapan.", None) == "# Goris\n\nThe road to Kapan.\n"
    assert article_markdown("The road to Kapan.", "Roads").startswith("# Roads\n\n")
    with pytest.raises(InputError):
        article_markdown("The road to Kapan.", None)


def test_slugs_are_unique_and_url_safe():
    taken: set[str] = set()
    assert [slugify(n, taken) for n in ("Şuşa", "Şuşa", "Laçın")] == ["susa", "susa-2", "lacin"]


def test_a_text_without_places_is_refused(tmp_path):
    with pytest.raises(InputError, match="no place"):
        write_draft("Nothing here\n\nThe weather was fine and the people were well.", tmp_path, ArticleInfo())


def test_bad_dates_and_links_are_usage_errors(tmp_path):
    with pytest.raises(SystemExit):
        main(["new", str(SAMPLE), "--out", str(tmp_path), "--published", "2024-02-30"])
    with pytest.raises(SystemExit):
        main(["new", str(SAMPLE), "--out", str(tmp_path), "--url", "javascript:alert(1)"])


def test_a_draft_never_overwrites_a_folder(tmp_path):
    (tmp_path / "places.yaml").write_text("places: []\n", encoding="utf-8")
    with pytest.raises(InputError, match="not an empty folder"):
        write_draft(SAMPLE.read_text(encoding="utf-8"), tmp_path, ArticleInfo())
    assert (tmp_path / "places.yaml").read_text(encoding="utf-8") == "places: []\n"


def test_bad_input_to_new_is_one_line(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["new", str(empty), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: empty.txt: the file is empty") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()
