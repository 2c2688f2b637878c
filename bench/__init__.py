"""Benchmarks: one reader, a class, a hall, the geoparser (see bench/README.md)."""
