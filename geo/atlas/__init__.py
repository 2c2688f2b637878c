"""The atlas's data: places, article, events, storylines, orientation data, geometry, measures, checks.

Imports nothing of rendering, the geoparser, rooms or the app."""
