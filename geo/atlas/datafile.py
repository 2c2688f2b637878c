"""Reading the hand-written data files strictly, the same way for every loader.

A typo in a key must stop the load rather than quietly switch a check off (`withn:`
for `within:` would skip the within-region test), so every loader passes each mapping
it reads through `reject_unknown_keys`. YAML syntax errors and impossible dates come
back as a DataError naming the file (and the line, or the field). The checks of one field
that several files share (a text, a flag, a date, a link) are here too, so a field is held
to the same rule, with the same message, in every file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from geo.errors import DataError

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves an impossible date ("2023-02-30") as text.

    PyYAML raises a bare ValueError for those, with no line; kept as text, the loader
    that reads the field rejects it with the field's name (see parse_date).
    """

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor(TIMESTAMP_TAG, _Loader.construct_yaml_timestamp)


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """_Loader's rules on libyaml's parser, where PyYAML has it: a tenth of the time for a large file."""

    construct_yaml_timestamp = _Loader.construct_yaml_timestamp


_FastLoader.add_constructor(TIMESTAMP_TAG, _FastLoader.construct_yaml_timestamp)


def read_yaml(path: Path, *, fast: bool = False) -> Any:
    """Parse a YAML file, turning syntax errors into a DataError that names the line.

    `fast` parses with libyaml (the geoparser's aliases.yaml, read at every start): the same
    values, and a syntax error still names its line, in libyaml's words.
    """
    loader = _FastLoader if fast else _Loader
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # both are safe loaders
    except OSError as exc:
        raise DataError(path.name, f"cannot read file: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise DataError(path.name, f"invalid YAML{where}: {getattr(exc, 'problem', exc)}") from exc


MAX_YAML_DEPTH = 8  # nesting a data file given by a visitor may have


def read_untrusted_yaml(raw: bytes | str, file: str, *, max_bytes: int) -> Any:
    """Parse YAML that a visitor gave (an uploaded storyline): at most `max_bytes`, UTF-8, no anchors
    or aliases (a "billion laughs" file expands aliases into gigabytes), at most MAX_YAML_DEPTH deep;
    anything else is a DataError naming the file. Its cost is bounded by its size: the events are
    checked one by one before anything is built."""
    size = len(raw.encode("utf-8") if isinstance(raw, str) else raw)
    if size > max_bytes:
        raise DataError(file, f"the file is too large ({size:,} bytes; at most {max_bytes:,})")
    try:
        text = raw if isinstance(raw, str) else raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(file, f"not UTF-8 text (byte {exc.start + 1})") from exc
    try:
        depth = 0
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                mark = event.start_mark
                raise DataError(
                    file,
                    f"anchors and aliases (& and *) are not accepted, at line {mark.line + 1}, "
                    f"column {mark.column + 1}",
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    raise DataError(file, f"nested more than {MAX_YAML_DEPTH} levels deep")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        return yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise DataError(file, f"invalid YAML{where}: {getattr(exc, 'problem', exc)}") from exc


def reject_unknown_keys(
    raw: Mapping[Any, Any],
    allowed: Iterable[str],
    file: str,
    *,
    entry: str | None = None,
    parent: str | None = None,
) -> None:
    """Raise a DataError naming the first key of `raw` that is not in `allowed`.

    `parent` is the path of a nested mapping ("published_area_km2", "route[2]"): the
    error's field is then "published_area_km2.sorce", so the editor finds it at once.
    """
    allowed = tuple(allowed)
    unknown = sorted(str(key) for key in raw if key not in allowed)
    if not unknown:
        return
    first = unknown[0]
    close = difflib.get_close_matches(first, allowed, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else f"expected one of: {', '.join(allowed)}"
    others = f" (also unknown: {', '.join(unknown[1:])})" if len(unknown) > 1 else ""
    field = first if parent is None else f"{parent}.{first}"
    raise DataError(file, f"unknown field; {hint}{others}", entry=entry, field=field)


def parse_date(value: Any, file: str, *, field: str, entry: str | None = None) -> dt.date:
    """A calendar date written YYYY-MM-DD (unquoted or quoted); anything else is a DataError."""
    if isinstance(value, dt.datetime):
        raise DataError(file, "must be a date written YYYY-MM-DD, without a time", entry=entry, field=field)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError as exc:
            raise DataError(file, f"{value.strip()!r} is not a real date ({exc})", entry=entry, field=field) from exc
    raise DataError(file, f"must be a date written YYYY-MM-DD, not {value!r}", entry=entry, field=field)


def text_field(
    raw: Mapping[str, Any], key: str, file: str, *, entry: str | None = None, required: bool = True
) -> str | None:
    """A field that must be a non-empty string, stripped (places.yaml, context.yaml); absent and optional: None."""
    value = raw.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise DataError(file, "must be a non-empty string", entry=entry, field=key)
    return value.strip()


def one_line_field(
    raw: Mapping[str, Any], key: str, file: str, *, entry: str | None = None, field: str | None = None
) -> str:
    """A field that must be a non-empty string, its white space folded to single spaces (article.yaml,
    events.yaml: a title or a quote the pages show on one line). `field` names it where it is nested."""
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataError(file, "missing, or not a non-empty string", entry=entry, field=field or key)
    return " ".join(value.split())


def flag_field(raw: Mapping[str, Any], key: str, file: str, *, entry: str | None = None) -> bool:
    """A field that must be true or false if given (false when absent): a quoted "yes" is no flag."""
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise DataError(file, f"must be true or false, not {value!r}", entry=entry, field=key)
    return value


def is_http_link(value: object) -> bool:
    """An http(s) address with a host: what a link to an article or a source must be ("https://" alone is not)."""
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
