"""The geoparser: its world gazetteer, finding and resolving names, reading input, drafts, saved atlases."""
