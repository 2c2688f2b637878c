"""The one error type for bad data, so every loader reports problems the same way."""

from __future__ import annotations


class DataError(ValueError):
    """A data file is broken. The message names the file, the entry and the field."""

    def __init__(self, file: str, message: str, entry: str | None = None, field: str | None = None):
        self.file = file
        self.message = message
        self.entry = entry
        self.field = field
        where = [file]
        if entry is not None:
            where.append(f"entry '{entry}'")
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(f"{': '.join(where)}: {message}")

    def __reduce__(self) -> tuple:
        """Pickled by its parts, so a worker process can raise it in the app (geo/geoparser/sandbox.py)."""
        return (type(self), (self.file, self.message, self.entry, self.field))


class InputError(ValueError):
    """A file given to a command cannot be read as an article. The message is one line."""
