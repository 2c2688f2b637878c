"""How the atlas counts things in English, the same on every page and in `python -m geo check`."""

from __future__ import annotations


def plural(n: int, word: str) -> str:
    """'1 passage', '3 passages'."""
    return f"{n} {word}{'' if n == 1 else 's'}"
