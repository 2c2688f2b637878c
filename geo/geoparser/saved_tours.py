"""Saved storylines: a teacher's own tour kept on the server, beside the saved atlases (ATLAS_SAVED_DIR).

Each one is `<root>/.storylines/<slug>.yaml` (the storyline file, as downloaded) and `<slug>.json`
(the atlas it belongs to, a hash of its edit secret). Its link is `?tour=<slug>` (with
`atlas=<slug>` for a saved atlas's storyline). The slug ends in six random hex digits, so it is
never the name of a built-in storyline and cannot be guessed from the title, and it fits the name a
room carries (geo/rooms/store.py STORYLINE_RE).

Only the author changes a saved storyline: the save returns an edit secret (192 bits, shown once,
kept in the author's session; only its SHA-256 is stored), and a change names it. A change keeps
the slug, so every link a class already has opens the storyline as changed. The folder is hidden
(a dot), so it is never listed or opened as a saved atlas. What it holds is bounded: at most
MAX_FILE_BYTES per storyline (geo/atlas/storyline.py) and ATLAS_SAVED_MAX_STORYLINES storylines,
and one client address saves at most ATLAS_SAVES_PER_HOUR new ones an hour (the saved atlases'
setting), so that one student cannot take every slot; each storyline's meta file keeps a hash of the
address that saved it, and when, to count by.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from geo.atlas.storyline import MAX_FILE_BYTES
from geo.errors import InputError
from geo.geoparser.draft import title_slug
from geo.geoparser.saved import _client_key, _positive, check_slug, saved_limits

FOLDER = ".storylines"
TOUR_SLUG_RE = re.compile(r"[a-z][a-z0-9-]{0,24}-[0-9a-f]{6}")  # matched whole; at most 32 characters
SLUG_BASE_CHARS = 18
SECRET_BYTES = 24
SECRET_RE = re.compile(r"[A-Za-z0-9_-]{32,64}")
DEFAULT_MAX_STORYLINES = 500


class NotAuthor(InputError):
    """The edit secret does not change this storyline."""


@dataclass(frozen=True)
class SavedTour:
    """A saved storyline: its slug, the saved atlas it belongs to (None: the default atlas), its file's
    text, and a version that changes with every change (for caches)."""

    slug: str
    atlas: str | None
    text: str
    version: int


def max_storylines() -> int:
    return _positive(os.environ, "ATLAS_SAVED_MAX_STORYLINES", DEFAULT_MAX_STORYLINES)


def is_tour_slug(value: object) -> bool:
    return isinstance(value, str) and TOUR_SLUG_RE.fullmatch(value) is not None


def _folder(root: Path) -> Path:
    return root / FOLDER


def _paths(root: Path, slug: str) -> tuple[Path, Path]:
    if not is_tour_slug(slug):
        raise InputError(f"{repr(slug)[:50]} is not a saved storyline's name")
    folder = _folder(root)
    return folder / f"{slug}.yaml", folder / f"{slug}.json"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _write(path: Path, content: str) -> None:
    """Write in one step: a reader sees the old file or the new one, never half of one."""
    fd, tmp = tempfile.mkstemp(prefix=".saving-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _new_slug(folder: Path, title: str) -> str:
    base = title_slug(title, SLUG_BASE_CHARS).strip("-")
    if not base[:1].isalpha():
        base = f"tour-{base}".strip("-")[:SLUG_BASE_CHARS]
    while True:
        slug = f"{base}-{secrets.token_hex(3)}"
        try:
            (folder / f"{slug}.json").touch(exist_ok=False)  # reserved: two saves never take one slug
            return slug
        except FileExistsError:
            continue


def _recent_saves(folder: Path, client: str, now: float) -> int:
    """How many storylines this client key saved in the last hour (at most MAX_STORYLINES files read)."""
    count = 0
    for meta_path in folder.glob("*.json"):
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        at = meta.get("at") if isinstance(meta, dict) else None
        if meta.get("client") == client and isinstance(at, int | float) and now - 3600 < at <= now:
            count += 1
    return count


def save_tour(
    root: Path, text: str, title: str, atlas: str | None, client: str | None = None, *, now: float | None = None
) -> tuple[str, str]:
    """Save a new storyline (its checked file's text) for the default atlas (`atlas` None) or a saved
    one; return its slug and its edit secret. `client` is the saver's address (geo/rooms/client.py),
    counted against ATLAS_SAVES_PER_HOUR. InputError when it is too large, the folder is full or the
    address saved its share this hour."""
    _check_text(text)
    if atlas is not None:
        check_slug(atlas)
    now = time.time() if now is None else now
    folder = _folder(root)
    folder.mkdir(parents=True, exist_ok=True)
    if sum(1 for _ in folder.glob("*.yaml")) >= max_storylines():
        raise InputError("this server keeps no more storylines just now; download yours instead")
    key = _client_key(client) if client is not None else None
    per_hour = saved_limits(os.environ).saves_per_hour
    if key is not None and _recent_saves(folder, key, now) >= per_hour:
        raise InputError(f"this address has saved {per_hour} storylines in the last hour; try again later")
    slug = _new_slug(folder, title)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    text_path, meta_path = _paths(root, slug)
    _write(text_path, text)
    _write(meta_path, json.dumps({"atlas": atlas, "secret": _hash(secret), "client": key, "at": now}))
    return slug, secret


def change_tour(root: Path, slug: str, secret: str, text: str) -> None:
    """Replace a saved storyline's file, keeping its slug (so its links keep working), if `secret` is its
    edit secret; NotAuthor otherwise."""
    _check_text(text)
    text_path, meta_path = _paths(root, slug)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"there is no saved storyline named {slug!r}") from exc
    if not isinstance(secret, str) or not SECRET_RE.fullmatch(secret):
        raise NotAuthor("only its author can change this storyline")
    if not hmac.compare_digest(str(meta.get("secret", "")), _hash(secret)):
        raise NotAuthor("only its author can change this storyline")
    _write(text_path, text)


def load_tour_file(root: Path, slug: str) -> SavedTour:
    """A saved storyline by its slug (from a link), or an InputError when there is none."""
    text_path, meta_path = _paths(root, slug)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        stat = text_path.stat()
        if stat.st_size > MAX_FILE_BYTES:
            raise InputError(f"the saved storyline {slug!r} is too large")
        text = text_path.read_text(encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise InputError(f"there is no saved storyline named {slug!r}") from exc
    atlas = meta.get("atlas")
    return SavedTour(slug, atlas if isinstance(atlas, str) else None, text, stat.st_mtime_ns)


def _check_text(text: str) -> None:
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise InputError(f"the storyline is too large to save ({size:,} bytes; at most {MAX_FILE_BYTES:,})")
