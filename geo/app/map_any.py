"""The page "Map your own article" (pages/3_Map_your_own_article.py): paste or upload a text, check the
places the geoparser finds, open it as an atlas.

The steps are geo's (geo/geoparser/ingest.py reads the text, geo/geoparser/draft.py finds the places, applies
the person's decisions and makes the data folder's files, geo/geoparser/review.py shows the review);
this module only holds the session's work and lays it out. Nothing is written on the server:
the text, the review and the draft's files live in the session state, and the draft opens
as the session's own atlas (geo/app/source.py). Only when the operator sets ATLAS_SAVED_DIR
does a "Save" button keep a copy there, under a slug with its own link (`?atlas=<slug>`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace

import streamlit as st

from geo.app import bundle, source
from geo.app.client import client
from geo.app.registry import EXPLORE_FILE, page_address, page_script
from geo.app.style import raw_html, use_css
from geo.atlas.links import atlas_link
from geo.errors import DataError, InputError
from geo.geoparser import saved
from geo.geoparser.draft import (
    MAX_ADDED_NAME_CHARS,
    MAX_INFO_CHARS,
    ArticleInfo,
    Decision,
    add_name,
    apply_decisions,
    draft_files,
    find_places,
    site_zip,
    title_slug,
)
from geo.geoparser.draft import zip_files as folder_zip
from geo.geoparser.geoparse import NAMED_HEADING
from geo.geoparser.ingest import MAX_PASTE_CHARS, MAX_UPLOAD_BYTES, SUFFIXES, read_paste, read_upload
from geo.geoparser.review import KEEP, DraftKey, Found, ReviewView, decisions_for

TEXT, UPLOAD, MODE, NEW_NAME = "mapany-text", "mapany-upload", "mapany-mode", "mapany-new-name"
FIELDS = ("title", "author", "publisher", "published", "url")
FOUND = "mapany-found"  # the Found of the last "Find places"
MESSAGE = "mapany-message-"  # + where: a message for the next run, from a callback, shown where it was asked
SAVED = "mapany-saved"  # {draft digest: slug} of the atlases this session saved
REVIEW_PAGE = "mapany-review-page"  # which page of the review's list is shown
# Places the review lists at a time: a selectbox per place makes a rerun slow at hundreds (a draft
# holds up to MAX_DRAFT_PLACES); the choices of the places on other pages are kept in the session.
REVIEW_PER_PAGE = 50
DECIDE = "mapany-decide-"  # + a place's key: its choice in the review
PASTE, FILE = "Paste the text", "Upload a file"
UPLOAD_MB = max(1, MAX_UPLOAD_BYTES // 1_000_000)  # the uploader's own cap, in MB (.streamlit/config.toml too)
# The session keeps what was typed and decided while its atlas is explored on other pages.
KEEP_STATE = "session"


@st.cache_resource(show_spinner=False, max_entries=32, ttl=3600)
def find(text: str, title: str | None) -> Found:
    """The geoparser's places, once per text and title, the notice of the places a draft left out, and the
    places named only inside other names."""
    found = find_places(text, title)
    return Found(found.markdown, tuple(found.places), notice=found.notice, named=tuple(found.named))


@st.cache_resource(show_spinner=False, max_entries=16, ttl=3600)
def build(key: DraftKey, _found: Found, _decisions: Mapping[str, Decision], _info: ArticleInfo) -> dict[str, bytes]:
    """Every file of the draft's data folder, once per text, decisions and details (`key` names them)."""
    places = apply_decisions(list(_found.places), dict(_decisions))
    return draft_files(_found.markdown, places, _info)


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
        "Title",
        key="mapany-title",
        max_chars=MAX_INFO_CHARS["title"],
        help="Empty: the text's first line.",
        persist_state=KEEP_STATE,
    )
    right.text_input("Author", key="mapany-author", max_chars=MAX_INFO_CHARS["author"], persist_state=KEEP_STATE)
    left.text_input(
        "Publisher", key="mapany-publisher", max_chars=MAX_INFO_CHARS["publisher"], persist_state=KEEP_STATE
    )
    right.date_input(
        "Date published",
        key="mapany-published",
        value=None,
        max_value=dt.date.today(),
        format="YYYY-MM-DD",
        persist_state=KEEP_STATE,
    )
    st.text_input(
        "Link to the original",
        key="mapany-url",
        max_chars=MAX_INFO_CHARS["url"],
        placeholder="https://…",
        persist_state=KEEP_STATE,
    )


def article_info() -> ArticleInfo:
    """The details as typed (ArticleInfo tidies them, and refuses a link that is not http(s) or a field too long)."""
    return ArticleInfo(*(st.session_state.get(f"mapany-{name}") for name in FIELDS))


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
        fresh = find(text, info.title)
    except (InputError, DataError) as exc:
        say("find", "error", f"Cannot map this text: {exc}")
        return
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(DECIDE)]:
        del st.session_state[key]
    st.session_state[FOUND] = fresh
    st.session_state[REVIEW_PAGE] = 1
    if fresh.notice:
        say("find", "warning", fresh.notice)
    if not fresh.places:
        say("find", "warning", "No place found in this text. Add the names it uses below, or try another text.")


# The review ---------------------------------------------------------------------------------


def decisions(found: Found) -> dict[str, Decision]:
    """The person's choices so far, by place key (places left as they were are not listed)."""
    keys = (place.toponym.ref for place in found.places)
    return decisions_for({key: st.session_state.get(DECIDE + key, KEEP) for key in keys})


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
    st.session_state[FOUND] = found.adding(added)
    st.session_state[NEW_NAME] = ""
    say("add", "success", f"Added {added.name}: {len(added.mentions)} mention(s).")


def include_clicked(key: str) -> None:
    """ "Include": a place named only inside other names joins the list and the map."""
    found = st.session_state.get(FOUND)
    if found is None:
        return
    try:
        st.session_state[FOUND] = found.including(key)
    except InputError as exc:
        say("add", "error", f"Cannot include that place: {exc}")


def also_named(view: ReviewView) -> None:
    """The places named only inside an organisation's name or as a people: apart, each one click from the map."""
    if not view.named:
        return
    with st.expander(f"{NAMED_HEADING} ({len(view.named)})"):
        raw_html("mapany_named_hint.html")
        with st.container(height=min(560, 90 * len(view.named) + 20), key="mapany-named"):
            for row in view.named:
                raw_html("mapany_named.html", row=row)
                st.button(
                    f"Include {row.place_name} on the map",
                    key="mapany-include-" + row.key,
                    on_click=include_clicked,
                    args=(row.key,),
                    icon=":material/add_location:",
                )


def review(found: Found, chosen: dict[str, Decision]) -> None:
    pages = -(-len(found.places) // REVIEW_PER_PAGE) or 1
    page = min(max(1, int(st.session_state.get(REVIEW_PAGE, 1))), pages)
    view = found.review(chosen, page=page, per_page=REVIEW_PER_PAGE)
    st.subheader(f"2. Check the {view.total} places found")
    if view.pages > 1:
        st.number_input(
            f"Page of the list ({REVIEW_PER_PAGE} places a page, {view.pages} pages)",
            min_value=1,
            max_value=view.pages,
            step=1,
            key=REVIEW_PAGE,
            width=320,
        )
    raw_html("mapany_hint.html")
    text_col, list_col = st.columns([1, 1], gap="medium")
    with text_col:
        raw_html("mapany_text.html", segments=view.segments)
    with list_col, st.container(height=560, key="mapany-places"):
        for row in view.rows:
            raw_html("mapany_place.html", row=row)
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
            max_chars=MAX_ADDED_NAME_CHARS,
            placeholder="e.g. Lachin",
            width=360,
        )
        st.button("Add", key="mapany-add", on_click=add_clicked, icon=":material/add_location_alt:")
    show_message("add")
    also_named(view)


# The atlas ------------------------------------------------------------------------------------


def open_clicked(draft: source.Draft) -> None:
    problem = bundle.check_draft(draft)
    if problem:
        say("atlas", "error", f"The atlas cannot open: {problem}")
        return
    source.use_draft(draft)
    st.session_state["mapany-open"] = True


def save_clicked(draft: source.Draft) -> None:
    root = saved.saved_root()
    if root is None:
        return
    try:
        slug = saved.save_atlas(root, dict(draft.files), draft.title, client())
    except (InputError, DataError, OSError) as exc:
        say("atlas", "error", f"The atlas cannot be saved: {exc}")
        return
    st.session_state.setdefault(SAVED, {})[draft.digest] = slug


def atlas_actions(found: Found, chosen: dict[str, Decision]) -> None:
    st.subheader("3. Your atlas")
    try:
        info = replace(article_info(), title=None)  # the title is the text's first line by now
        files = build(found.draft_key(chosen, info), found, chosen, info)
    except (InputError, DataError) as exc:
        st.error(f"Cannot make the atlas yet: {exc}")
        return
    draft = source.Draft(files, found.title)
    name = title_slug(found.title)
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
        raw_html("mapany_saved.html", link=atlas_link(page_address(), slug))


def main() -> None:
    st.set_page_config(page_title="Map your own article · Karabakh Atlas", page_icon="🗺️", layout="wide")
    if st.session_state.pop("mapany-open", False):
        st.switch_page(page_script(EXPLORE_FILE))
    use_css("mapany.css")
    st.title("Map your own article")
    raw_html("mapany_intro.html", max_chars=MAX_PASTE_CHARS, max_mb=UPLOAD_MB, saving=saved.saved_root() is not None)
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
