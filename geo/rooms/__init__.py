"""Rooms: a class follows its presenter through a store every worker shares (SQLite or Redis)."""
