"""Saved atlases: kept on the server only when the operator names a folder (ATLAS_SAVED_DIR).

Each saved atlas is one data folder, `<root>/<slug>`, opened in the app with
`?atlas=<slug>`. A slug comes from a link, so it is checked before it touches the disk:
lowercase letters, digits and hyphens only, and the resolved folder must be a direct child
of the root (a symlink pointing out of it is refused). A save is validated the way
`python -m geo check` validates a folder, written into a hidden temporary folder inside
the root, and renamed into place in one step, so a reader never sees half an atlas and no
save ever replaces another.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from geo.atlas.article_meta import load_article_meta
from geo.atlas.check import check_data
from geo.errors import DataError, InputError
from geo.geoparser.draft import DRAFT_FILES, DraftAtlas, open_folder, title_slug, write_files

SAVED_DIR_ENV = "ATLAS_SAVED_DIR"
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")  # matched whole (fullmatch): "$" would let "x\n" through
SLUG_BASE_CHARS = 50  # room for "-2", "-3"... within the 63 a slug may have
MAX_SAVED_BYTES = 20_000_000  # one atlas's data files together


def saved_root() -> Path | None:
    """The folder of saved atlases, from ATLAS_SAVED_DIR (read at each call); None when unset: nothing is kept."""
    value = os.environ.get(SAVED_DIR_ENV, "").strip()
    return Path(value) if value else None


def check_slug(slug: str) -> str:
    """A saved atlas's slug, as a link gives it, or an InputError: never a path."""
    if not isinstance(slug, str) or not SLUG_RE.fullmatch(slug):
        shown = repr(slug)[:70]
        raise InputError(f"{shown} is not a saved atlas's name (lowercase letters, digits and hyphens, at most 63)")
    return slug


def saved_dir(root: Path, slug: str) -> Path:
    """The folder of a saved atlas: a direct child of the root, symlinks resolved, or an InputError."""
    base = root.resolve()
    path = (base / check_slug(slug)).resolve()
    if path.parent != base:
        raise InputError(f"the saved atlas {slug!r} points outside the folder of saved atlases")
    return path


def _check_files(files: dict[str, bytes]) -> None:
    unknown = sorted(set(files) - set(DRAFT_FILES))
    if unknown:
        raise InputError(f"{unknown[0]!r} is not a file of an atlas's data folder")
    missing = [name for name in DRAFT_FILES if name not in files]
    if missing:
        raise InputError(f"the atlas lacks {missing[0]}")
    size = sum(len(content) for content in files.values())
    if size > MAX_SAVED_BYTES:
        limit = MAX_SAVED_BYTES / 1e6
        raise InputError(f"the atlas is too large to save ({size / 1e6:.1f} MB; the limit is {limit:.0f} MB)")


def _new_slug(root: Path, title: str) -> str:
    """A slug from the title not yet taken in the root; reserved by creating its (empty) folder."""
    base = title_slug(title, SLUG_BASE_CHARS)
    n = 1
    while True:
        slug = base if n == 1 else f"{base}-{n}"
        try:
            (root / slug).mkdir()  # atomic: two saves of one title cannot both take it
            return slug
        except FileExistsError:
            n += 1


def save_atlas(root: Path, files: dict[str, bytes], title: str) -> str:
    """Save a checked atlas under a new slug made from its title; return the slug."""
    _check_files(files)
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".saving-", dir=root))  # hidden: list_saved skips it
    try:
        folder = staging / "atlas"
        write_files(files, folder)
        try:
            check_data(folder)
        except DataError as exc:
            raise InputError(f"the atlas cannot be saved: {exc}") from exc
        slug = _new_slug(root, title)
        os.replace(folder, saved_dir(root, slug))  # onto the empty folder just reserved: one step
        return slug
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def list_saved(root: Path) -> list[tuple[str, str]]:
    """(slug, title) of every saved atlas, by slug; folders that are not a saved atlas are left out."""
    if not root.is_dir():
        return []
    saved = []
    for entry in sorted(root.iterdir()):
        if not SLUG_RE.fullmatch(entry.name) or entry.is_symlink() or not entry.is_dir():
            continue
        try:
            saved.append((entry.name, load_article_meta(entry / "article.yaml").title))
        except DataError:
            continue  # being saved (still empty) or damaged by hand: not offered
    return saved


def load_saved(root: Path, slug: str) -> DraftAtlas:
    """A saved atlas by its slug (from a link: `?atlas=<slug>`), read whole; InputError if there is none."""
    folder = saved_dir(root, slug)
    if not (folder / "article.yaml").is_file():
        raise InputError(f"there is no saved atlas named {slug!r}")
    return open_folder(folder)
