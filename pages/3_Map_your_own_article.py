"""Map your own article: paste or upload a text, check the places the geoparser finds, open it as an atlas.

The steps are geo's (geo/geoparser/ingest.py reads the text, geo/geoparser/draft.py finds the places, applies
the person's decisions and makes the data folder's files, geo/geoparser/review.py shows the review);
this page only holds the session's work and lays it out. Nothing is written on the server:
the text, the review and the draft's files live in the session state, and the draft opens
as the session's own atlas (geo/app/loaders.py). Only when the operator sets ATLAS_SAVED_DIR
does a "Save" button keep a copy there, under a slug with its own link (`?atlas=<slug>`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace

import streamlit as st

from geo.app import loaders
from geo.app.registry import EXPLORE_FILE, page_may_draw
from geo.app.style import use_css
from geo.atlas.links import page_link
from geo.errors import DataError, InputError
from geo.geoparser import saved
from geo.geoparser.draft import (
    ArticleInfo,
    Decision,
    add_name,
    apply_decisions,
    draft_files,
    find_places,
    site_zip,
    slugify,
)
from geo.geoparser.draft import zip_files as folder_zip
from geo.geoparser.gazetteer import load_toponyms
from geo.geoparser.geoparse import FoundPlace
from geo.geoparser.ingest import MAX_PASTE_CHARS, MAX_UPLOAD_BYTES, SUFFIXES, read_paste, read_upload
from geo.geoparser.review import KEEP, decision_for, review_view, with_added
from geo.render.templating import render

TEXT, UPLOAD, MODE, NEW_NAME = "mapany-text", "mapany-upload", "mapany-mode", "mapany-new-name"
FIELDS = ("title", "author", "publisher", "published", "url")
FOUND = "mapany-found"  # the Found of the last "Find places"
MESSAGE = "mapany-message-"  # + where: a message for the next run, from a callback, shown where it was asked
SAVED = "mapany-saved"  # {draft digest: slug} of the atlases this session saved
DECIDE = "mapany-decide-"  # + a place's key: its choice in the review
PASTE, FILE = "Paste the text", "Upload a file"
UPLOAD_MB = max(1, MAX_UPLOAD_BYTES // 1_000_000)  # the uploader's own cap, in MB (.streamlit/config.toml too)
FALLBACK_URL = "http://localhost:8501/"
# The session keeps what was typed and decided while its atlas is explored on other pages.
KEEP_STATE = "session"


@dataclass(frozen=True)
class Found:
    """What "Find places" found: the article as the atlas stores it and its places, with those added by hand."""

    markdown: str
    places: tuple[FoundPlace, ...]
    added: frozenset[str] = frozenset()  # keys of the places the person typed in

    @property
    def title(self) -> str:
        return self.markdown.partition("\n")[0].removeprefix("# ").strip()


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@st.cache_resource(show_spinner=False, max_entries=32, ttl=3600)
def find(text_hash: str, title: str | None, _text: str) -> tuple[str, tuple[FoundPlace, ...]]:
    """The geoparser's places, once per text and title (keyed by the text's hash; `_text` is not hashed again)."""
    markdown, places = find_places(_text, title)
    return markdown, tuple(places)


@st.cache_resource(show_spinner=False)
def countries() -> dict[str, str]:
    """Country names by ISO code, for the review."""
    return {t.country: t.name for t in load_toponyms().by_ref.values() if t.kind == "country" and t.country}


@st.cache_resource(show_spinner=False, max_entries=16, ttl=3600)
def build(key: tuple, _found: Found, _decisions: Mapping[str, Decision], _info: ArticleInfo) -> dict[str, bytes]:
    """Every file of the draft's data folder, once per text, decisions and details (`key` names them)."""
    places = apply_decisions(list(_found.places), dict(_decisions))
    return draft_files(_found.markdown, places, _info)


def html(template: str, **context) -> None:
    """A template's HTML in the page: autoescaped, and not read as Markdown (a pasted `#` stays text)."""
    st.html(render(template, **context))


def say(where: str, kind: str, text: str) -> None:
    """A message for the next run (from a callback, which cannot draw), shown beside the button pressed."""
    st.session_state[MESSAGE + where] = (kind, text)


def show_message(where: str) -> None:
    message = st.session_state.pop(MESSAGE + where, None)
    if message:
        getattr(st, message[0])(message[1])


# The text and its details --------------------------------------------------------------------


def inputs() -> None:
    mode = st.radio("The article", (PASTE, FILE), key=MODE, horizontal=True, persist_state=KEEP_STATE)
    if mode == PASTE:
        st.text_area(
            "Paste the article's text",
            key=TEXT,
            max_chars=MAX_PASTE_CHARS,
            height=260,
            placeholder="Paste the whole article: its paragraphs separated by blank lines.",
            persist_state=KEEP_STATE,
        )
    else:
        st.file_uploader(
            f"Upload the article ({', '.join(s for s in SUFFIXES if s != '.markdown')}; up to {UPLOAD_MB} MB)",
            type=[s.lstrip(".") for s in SUFFIXES],
            key=UPLOAD,
            max_upload_size=UPLOAD_MB,
        )
    st.markdown("**About the article** (shown on every page of its atlas and in its credits)")
    left, right = st.columns(2)
    left.text_input(
        "Title", key="mapany-title", max_chars=300, help="Empty: the text's first line.", persist_state=KEEP_STATE
    )
    right.text_input("Author", key="mapany-author", max_chars=200, persist_state=KEEP_STATE)
    left.text_input("Publisher", key="mapany-publisher", max_chars=200, persist_state=KEEP_STATE)
    right.date_input(
        "Date published",
        key="mapany-published",
        value=None,
        max_value=dt.date.today(),
        format="YYYY-MM-DD",
        persist_state=KEEP_STATE,
    )
    st.text_input(
        "Link to the original", key="mapany-url", max_chars=2000, placeholder="https://…", persist_state=KEEP_STATE
    )


def field(name: str) -> str | None:
    value = st.session_state.get(f"mapany-{name}")
    if isinstance(value, str):
        value = " ".join(value.split()) or None
    return value


def article_info() -> ArticleInfo:
    """The details as typed (ArticleInfo refuses a link that is not http(s), or a field too long)."""
    return ArticleInfo(field("title"), field("author"), field("publisher"), field("published"), field("url"))


def read_text() -> str:
    """The article's checked text, pasted or uploaded (an InputError says what is wrong with it)."""
    if st.session_state.get(MODE) == FILE:
        upload = st.session_state.get(UPLOAD)
        if upload is None:
            raise InputError("choose a file to upload first (or paste the text)")
        return read_upload(upload.name, upload.getvalue())
    return read_paste(st.session_state.get(TEXT) or "")


def find_clicked() -> None:
    """ "Find places": the text read, the geoparser run, a new review (the old decisions dropped)."""
    try:
        info = article_info()
        text = read_text()
        markdown, places = find(digest(text), info.title, text)
    except (InputError, DataError) as exc:
        say("find", "error", f"Cannot map this text: {exc}")
        return
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(DECIDE)]:
        del st.session_state[key]
    st.session_state[FOUND] = Found(markdown, places)
    if not places:
        say("find", "warning", "No place found in this text. Add the names it uses below, or try another text.")


# The review ---------------------------------------------------------------------------------


def decisions(found: Found) -> dict[str, Decision]:
    """The person's choices so far, by place key (places left as they were are not listed)."""
    chosen = {}
    for place in found.places:
        key = place.toponym.ref
        choice = st.session_state.get(DECIDE + key, KEEP)
        if choice != KEEP:
            chosen[key] = decision_for(choice)
    return chosen


def add_clicked() -> None:
    """ "Add": a name the geoparser missed, with its mentions and best candidate."""
    found = st.session_state.get(FOUND)
    name = st.session_state.get(NEW_NAME) or ""
    if found is None:
        return
    try:
        added = add_name(found.markdown, name, list(found.places))
    except (InputError, DataError) as exc:
        say("add", "error", f"Cannot add that name: {exc}")
        return
    st.session_state[FOUND] = replace(
        found, places=tuple(with_added(found.places, added)), added=found.added | {added.toponym.ref}
    )
    st.session_state[NEW_NAME] = ""
    say("add", "success", f"Added {added.name}: {len(added.mentions)} mention(s).")


def review(found: Found, chosen: dict[str, Decision]) -> None:
    view = review_view(found.markdown, found.places, chosen, found.added, countries())
    st.subheader(f"2. Check the {len(view.rows)} places found")
    html("mapany_hint.html")
    text_col, list_col = st.columns([1, 1], gap="medium")
    with text_col:
        html("mapany_text.html", segments=view.segments)
    with list_col, st.container(height=560, key="mapany-places"):
        for row in view.rows:
            html("mapany_place.html", row=row)
            labels = {c.key: c.label for c in row.choices}
            st.selectbox(
                f"Decision for {row.name}",
                options=list(labels),
                format_func=labels.__getitem__,
                key=DECIDE + row.key,
                label_visibility="collapsed",
                persist_state=KEEP_STATE,
            )
    with st.container(horizontal=True, vertical_alignment="bottom", gap="small"):
        st.text_input(
            "Add a place the list misses (as the text writes it)",
            key=NEW_NAME,
            max_chars=100,
            placeholder="e.g. Lachin",
            width=360,
        )
        st.button("Add", key="mapany-add", on_click=add_clicked, icon=":material/add_location_alt:")
    show_message("add")


# The atlas ------------------------------------------------------------------------------------


def open_clicked(draft: loaders.Draft) -> None:
    problem = loaders.check_draft(draft)
    if problem:
        say("atlas", "error", f"The atlas cannot open: {problem}")
        return
    loaders.use_draft(draft)
    st.session_state["mapany-open"] = True


def save_clicked(draft: loaders.Draft) -> None:
    root = saved.saved_root()
    if root is None:
        return
    try:
        slug = saved.save_atlas(root, dict(draft.files), draft.title)
    except (InputError, DataError, OSError) as exc:
        say("atlas", "error", f"The atlas cannot be saved: {exc}")
        return
    st.session_state.setdefault(SAVED, {})[draft.digest] = slug


def atlas_actions(found: Found, chosen: dict[str, Decision]) -> None:
    st.subheader("3. Your atlas")
    try:
        info = article_info()
        key = (
            digest(found.markdown),
            tuple(sorted(found.added)),
            tuple(sorted((k, repr(v)) for k, v in chosen.items())),
            info,
        )
        files = build(key, found, chosen, replace(info, title=None))
    except (InputError, DataError) as exc:
        st.error(f"Cannot make the atlas yet: {exc}")
        return
    draft = loaders.Draft(files, found.title)
    name = slugify(found.title, set())[:60].strip("-") or "atlas"
    with st.container(horizontal=True, gap="small"):
        st.button(
            "Open as an atlas",
            key="mapany-open-atlas",
            type="primary",
            on_click=open_clicked,
            args=(draft,),
            icon=":material/map:",
            help="Explore, the classroom tour and the article reader, on your article, in this browser tab.",
        )
        # Callables: each zip is made when its button is pressed, from the files held here.
        st.download_button(
            "Download the data folder (zip)",
            data=lambda: folder_zip(dict(files), name),
            file_name=f"{name}-data.zip",
            mime="application/zip",
            key="mapany-data-zip",
            on_click="ignore",
            icon=":material/folder_zip:",
            help="The atlas's data files: `ATLAS_DATA_DIR=FOLDER streamlit run app.py` serves it.",
        )
        st.download_button(
            "Download the static site (zip)",
            data=lambda: site_zip(dict(files), f"{name}-site"),
            file_name=f"{name}-site.zip",
            mime="application/zip",
            key="mapany-site-zip",
            on_click="ignore",
            icon=":material/public:",
            help="A website that opens from disk or any static host, with no server.",
        )
        if saved.saved_root() is not None:
            st.button(
                "Save",
                key="mapany-save",
                on_click=save_clicked,
                args=(draft,),
                icon=":material/save:",
                disabled=draft.digest in st.session_state.get(SAVED, {}),
                help="Keep this atlas on the server, with a link anyone can open.",
            )
    show_message("atlas")
    slug = st.session_state.get(SAVED, {}).get(draft.digest)
    if slug:
        base = page_link(st.context.url or FALLBACK_URL, {}).rsplit("/", 1)[0] + "/"
        html("mapany_saved.html", link=page_link(base, {loaders.PARAM: slug}))


def main() -> None:
    st.set_page_config(page_title="Map your own article · Karabakh Atlas", page_icon="🗺️", layout="wide")
    if st.session_state.pop("mapany-open", False):
        st.switch_page(f"pages/{EXPLORE_FILE}")
    use_css("mapany.css")
    st.title("Map your own article")
    html("mapany_intro.html", max_chars=MAX_PASTE_CHARS, max_mb=UPLOAD_MB, saving=saved.saved_root() is not None)
    st.subheader("1. Your article")
    inputs()
    st.button("Find places", key="mapany-find", type="primary", on_click=find_clicked, icon=":material/travel_explore:")
    show_message("find")
    found = st.session_state.get(FOUND)
    if found is None:
        return
    chosen = decisions(found)
    review(found, chosen)
    atlas_actions(found, chosen)


if page_may_draw():
    main()
