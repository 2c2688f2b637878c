"""Serving a class: nginx in front of one Streamlit worker per core (see deploy/serve.py)."""
