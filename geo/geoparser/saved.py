"""Saved atlases: kept on the server only when the operator names a folder (ATLAS_SAVED_DIR).

Each saved atlas is one data folder, `<root>/<slug>`, opened in the app with
`?atlas=<slug>`. A slug comes from a link, so it is checked before it touches the disk:
lowercase letters, digits and hyphens only, and the resolved folder must be a direct child
of the root (a symlink pointing out of it is refused). A save is validated the way
`python -m geo check` validates a folder, written into a hidden temporary folder inside
the root, and renamed into place in one step, so a reader never sees half an atlas and no
save ever replaces another.

What a server keeps is bounded (README, Limits): at most ATLAS_SAVED_MAX_ATLASES atlases of
ATLAS_SAVED_MAX_MB together, each at most MAX_SAVED_BYTES, and one client address (the app
reads it with geo/rooms/client.py) saves at most ATLAS_SAVES_PER_HOUR an hour. The same files
saved again give the atlas already saved, not a copy. An index beside the atlases,
`<root>/.index.sqlite3`, holds each atlas's content hash and, for an hour, a hash of the address
of each save; its transaction makes the checks and the save one step for every worker.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import re
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from geo.atlas.article_meta import load_article_meta
from geo.atlas.check import check_data
from geo.errors import DataError, InputError
from geo.geoparser.draft import DRAFT_FILES, DraftAtlas, open_folder, title_slug, write_files

SAVED_DIR_ENV = "ATLAS_SAVED_DIR"
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")  # matched whole (fullmatch): "$" would let "x\n" through
SLUG_BASE_CHARS = 50  # room for "-2", "-3"... within the 63 a slug may have
MAX_SAVED_BYTES = 20_000_000  # one atlas's data files together
INDEX_FILE = ".index.sqlite3"  # hidden: not a slug, so never listed or opened as an atlas
SAVES_WINDOW = 3600.0
INDEX_TIMEOUT = 10.0  # seconds a save waits for another worker's save


@dataclass(frozen=True)
class SavedLimits:
    """What the folder of saved atlases may hold, and how often one address may add to it."""

    max_atlases: int = 1000  # ATLAS_SAVED_MAX_ATLASES
    max_bytes: int = 500_000_000  # ATLAS_SAVED_MAX_MB: every saved atlas's files together
    saves_per_hour: int = 10  # ATLAS_SAVES_PER_HOUR, per client address


DEFAULT_LIMITS = SavedLimits()


class SaveLimit(InputError):
    """A save refused by a limit; the message says which, and what to do."""


def _positive(environ: Mapping[str, str], name: str, default: int) -> int:
    try:
        value = int(environ.get(name, "").strip())
    except ValueError:
        return default
    return value if value > 0 else default


def saved_limits(environ: Mapping[str, str]) -> SavedLimits:
    """ATLAS_SAVED_MAX_ATLASES, ATLAS_SAVED_MAX_MB and ATLAS_SAVES_PER_HOUR, with their defaults."""
    mb = _positive(environ, "ATLAS_SAVED_MAX_MB", DEFAULT_LIMITS.max_bytes // 1_000_000)
    return SavedLimits(
        max_atlases=_positive(environ, "ATLAS_SAVED_MAX_ATLASES", DEFAULT_LIMITS.max_atlases),
        max_bytes=mb * 1_000_000,
        saves_per_hour=_positive(environ, "ATLAS_SAVES_PER_HOUR", DEFAULT_LIMITS.saves_per_hour),
    )


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


def files_digest(files: dict[str, bytes]) -> str:
    """The content hash of an atlas's files: the same files, the same atlas."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(f"{name}\0{len(files[name])}\0".encode())
        digest.update(files[name])
    return digest.hexdigest()


def _client_key(client: str) -> str:
    """What the index keeps of a saver's address: a hash, to count by."""
    return hashlib.sha256(f"atlas-save-client\0{client}".encode()).hexdigest()[:32]


def _prepare(db: sqlite3.Connection, deadline: float) -> None:
    """The index's journal mode and tables, retried until `deadline`: on a new file, savers arriving at
    once meet in the switch to WAL, which SQLite refuses at once ("database is locked") rather than
    waiting its timeout when another connection holds the file."""
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS atlases (digest TEXT PRIMARY KEY, slug TEXT NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS saves (client TEXT NOT NULL, at REAL NOT NULL)")
            db.execute("CREATE INDEX IF NOT EXISTS saves_client ON saves (client, at)")
            db.execute("CREATE INDEX IF NOT EXISTS saves_at ON saves (at)")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


@contextlib.contextmanager
def _index(root: Path) -> Iterator[sqlite3.Connection]:
    """The index of saved atlases, in one write transaction: workers saving at once take turns."""
    db = sqlite3.connect(root / INDEX_FILE, timeout=INDEX_TIMEOUT, isolation_level=None)
    try:
        _prepare(db, time.monotonic() + INDEX_TIMEOUT)
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.rollback()
            raise
        db.execute("COMMIT")
    except sqlite3.Error as exc:
        raise OSError(f"the index of saved atlases cannot be used: {exc}") from exc
    finally:
        db.close()


def _saved_as(db: sqlite3.Connection, root: Path, digest: str) -> str | None:
    """The slug these files were saved under, if that atlas is still there."""
    row = db.execute("SELECT slug FROM atlases WHERE digest = ?", (digest,)).fetchone()
    if row is None:
        return None
    if (saved_dir(root, row[0]) / "article.yaml").is_file():
        return row[0]
    db.execute("DELETE FROM atlases WHERE digest = ?", (digest,))  # removed by hand since
    return None


def usage(root: Path) -> tuple[int, int]:
    """How many atlases the folder holds, and their files' bytes together (folders being saved left out)."""
    count = size = 0
    for entry in os.scandir(root):
        if SLUG_RE.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False):
            count += 1
            size += sum(f.stat().st_size for f in os.scandir(entry.path) if f.is_file(follow_symlinks=False))
    return count, size


def _check_limits(
    db: sqlite3.Connection, root: Path, size: int, client: str | None, limits: SavedLimits, now: float
) -> None:
    if client is not None:
        db.execute("DELETE FROM saves WHERE at < ?", (now - SAVES_WINDOW,))
        recent, oldest = db.execute(
            "SELECT COUNT(*), MIN(at) FROM saves WHERE client = ?", (_client_key(client),)
        ).fetchone()
        if recent >= limits.saves_per_hour:
            minutes = max(1, math.ceil((oldest + SAVES_WINDOW - now) / 60))
            raise SaveLimit(
                f"this address has saved {recent} atlases in the last hour, the most allowed "
                f"({limits.saves_per_hour}): save again in {minutes} min"
            )
    count, used = usage(root)
    if count >= limits.max_atlases:
        raise SaveLimit(
            f"the server already keeps {count} saved atlases, the most it keeps ({limits.max_atlases}): "
            "ask whoever runs it to remove some, or download the atlas instead"
        )
    if used + size > limits.max_bytes:
        raise SaveLimit(
            f"the saved atlases would take {(used + size) / 1e6:.1f} MB, more than the "
            f"{limits.max_bytes / 1e6:.0f} MB the server keeps for them: ask whoever runs it to remove some, "
            "or download the atlas instead"
        )


def save_atlas(
    root: Path,
    files: dict[str, bytes],
    title: str,
    client: str | None = None,
    *,
    limits: SavedLimits | None = None,
    clock: Callable[[], float] = time.time,
) -> str:
    """Save a checked atlas under a new slug made from its title; return the slug.

    The same files saved before give that atlas's slug (nothing is written). `client` is the
    saver's address (geo/rooms/client.py `client_address`), counted against ATLAS_SAVES_PER_HOUR;
    `limits` default to the environment's. SaveLimit (an InputError) says which limit refused it.
    """
    _check_files(files)
    limits = limits or saved_limits(os.environ)
    digest, size = files_digest(files), sum(len(content) for content in files.values())
    root.mkdir(parents=True, exist_ok=True)
    with _index(root) as db:
        if slug := _saved_as(db, root, digest):
            return slug  # before writing and checking it all again: "Save" pressed twice costs nothing
    staging = Path(tempfile.mkdtemp(prefix=".saving-", dir=root))  # hidden: list_saved skips it
    try:
        folder = staging / "atlas"
        write_files(files, folder)
        try:
            check_data(folder)
        except DataError as exc:
            raise InputError(f"the atlas cannot be saved: {exc}") from exc
        with _index(root) as db:
            if slug := _saved_as(db, root, digest):
                return slug
            now = clock()
            _check_limits(db, root, size, client, limits, now)
            slug = _new_slug(root, title)
            os.replace(folder, saved_dir(root, slug))  # onto the empty folder just reserved: one step
            db.execute("INSERT OR REPLACE INTO atlases (digest, slug) VALUES (?, ?)", (digest, slug))
            if client is not None:
                db.execute("INSERT INTO saves (client, at) VALUES (?, ?)", (_client_key(client), now))
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
