"""The app's glue: the only code that imports Streamlit, shared by the page scripts in pages/.

What it caches, and how: everything made from an atlas is a method of its Bundle, kept per
atlas (bundle.py says how); what a session made and the server may hold only for a while (the
bundles of saved atlases and drafts, the geoparser's results on Map your own article) is kept by
`st.cache_resource` with a bound on entries and time; small things the whole process shares and
looks up on every run (the room store, a QR code, a static style sheet or script) by
`functools.lru_cache`, which hashes nothing but its small key.
"""
