"""Which atlas a run shows, its *source*, and the links that keep it.

A run shows one of three atlases:

- the default atlas (ATLAS_DATA_DIR, or data/): the Karabakh article;
- a saved atlas, `?atlas=<slug>`, a folder under ATLAS_SAVED_DIR (only when it is set);
- the session's own draft, made on the page "Map your own article": its files' bytes live
  in the session state, never on the server's disk.

`decide` settles the source once per run (from the link, else the session; geo/app/gate.py
calls it) and keeps it in the session state, so switching pages keeps it; everything else
reads it with `current`. What is made from the atlas is geo/app/bundle.py's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import streamlit as st

from geo.atlas.links import ATLAS_PARAM, safe_echo, with_atlas
from geo.errors import InputError
from geo.geoparser import saved

SOURCE = "atlas-source"  # session state: the Source this session shows
DRAFT = "atlas-draft"  # session state: the session's own Draft
OPENED = "atlas-opened"  # session state: a draft was just opened, so its first page starts at the top


@dataclass(frozen=True)
class Source:
    """Which atlas a run shows: its kind and key (a saved atlas's slug, a draft's content hash)."""

    kind: str = "default"  # "default", "saved" or "draft"
    key: str = ""

    @property
    def is_default(self) -> bool:
        return self.kind == "default"

    @property
    def slug(self) -> str | None:
        """The saved atlas's slug, which every internal link carries (`atlas=<slug>`)."""
        return self.key if self.kind == "saved" else None


DEFAULT = Source()


@dataclass(frozen=True)
class Draft:
    """A session's own atlas: every file of its data folder, in memory."""

    files: Mapping[str, bytes] = field(repr=False)
    title: str
    digest: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", files_digest(self.files))


def files_digest(files: Mapping[str, bytes]) -> str:
    """A hash of a data folder's names and contents: the same draft, the same cache entry."""
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return h.hexdigest()[:32]


def current() -> Source:
    """The source this session shows, as `decide` settled it on this run."""
    return st.session_state.get(SOURCE, DEFAULT)


def draft() -> Draft | None:
    """The session's draft, when this run shows it."""
    src, kept = current(), st.session_state.get(DRAFT)
    return kept if src.kind == "draft" and kept is not None and kept.digest == src.key else None


def keep_source(link: str, src: Source | None = None) -> str:
    """The link with `atlas=<slug>` added for a saved atlas, so following it stays on that atlas."""
    return with_atlas(link, (src or current()).slug)


def shareable() -> bool:
    """Whether this run's atlas has a link to share: a draft has none until it is saved."""
    return current().kind != "draft"


def unshared_notice() -> str:
    """Why a draft shows no link or QR code, and how to share it."""
    how = (
        "save the atlas on the page Map your own article to get its link"
        if saved.saved_root() is not None
        else "download its static site from the page Map your own article"
    )
    return f"This draft has no link to share yet: it lives only in this browser tab. To share it, {how}."


# Deciding the source -------------------------------------------------------------------------


def _saved_source(values: list[str]) -> tuple[Source | None, str | None]:
    """The saved atlas a link names, or a notice saying why it cannot open."""
    root = saved.saved_root()
    echo = safe_echo(values[0]) if values else ""
    if root is None:
        return None, "This server keeps no saved atlases, so here is the Karabakh atlas."
    try:
        slug = saved.check_slug(values[0]) if len(values) == 1 else None
        # A link leaving the folder is refused; a folder still being saved has no article.yaml yet.
        found = slug is not None and (saved.saved_dir(root, slug) / "article.yaml").is_file()
    except InputError:
        found = False
    if not found:
        return None, f"There is no saved atlas named “{echo}” here, so here is the Karabakh atlas."
    return Source("saved", slug), None


def resolve_source() -> tuple[Source, str | None]:
    """Which atlas this run shows, and a notice when the link names one that cannot open.

    `?atlas=` wins; without it the session keeps the atlas it shows (a page switch drops the
    link's parameters, so a saved atlas's slug is put back in the address bar).
    """
    values = st.query_params.get_all(ATLAS_PARAM)
    kept = current()
    if values:
        found, notice = _saved_source(values)
        if found is None:
            del st.query_params[ATLAS_PARAM]
            return DEFAULT, notice
        return found, None
    if kept.kind == "saved":
        st.query_params[ATLAS_PARAM] = kept.key
        return kept, None
    if kept.kind == "draft":
        if draft() is not None:
            return kept, None
        return DEFAULT, "Your draft atlas is no longer in this session, so here is the Karabakh atlas."
    return DEFAULT, None


def decide() -> tuple[Source, str | None]:
    """Settle this run's source (kept for the session) and the notice to show about it, if any."""
    src, notice = resolve_source()
    st.session_state[SOURCE] = src
    return src, notice


def use_default() -> None:
    """Back to the default atlas (the session keeps its draft, to open again)."""
    st.session_state[SOURCE] = DEFAULT
    if ATLAS_PARAM in st.query_params:
        del st.query_params[ATLAS_PARAM]


def use_draft(opened: Draft) -> None:
    """Show the session's own draft from the next run on."""
    st.session_state[DRAFT] = opened
    st.session_state[SOURCE] = Source("draft", opened.digest)
    st.session_state[OPENED] = True
    if ATLAS_PARAM in st.query_params:
        del st.query_params[ATLAS_PARAM]
