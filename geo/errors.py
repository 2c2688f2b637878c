"""The one error type for bad data, so every loader reports problems the same way."""

from __future__ import annotations


class DataError(ValueError):
    """A data file is broken. The message names the file, the entry and the field."""

    def __init__(self, file: str, message: str, entry: str | None = None, field: str | None = None):
        self.file = file
        self.entry = entry
        self.field = field
        where = [file]
        if entry is not None:
            where.append(f"entry '{entry}'")
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(f"{': '.join(where)}: {message}")


class InputError(ValueError):
    """A file given to a command cannot be read as an article. The message is one line."""
