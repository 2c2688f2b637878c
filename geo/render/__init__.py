"""Rendering: templates, view models, maps and layers, the static export, the handout, data for re-use."""
