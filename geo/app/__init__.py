"""The app's glue: the only code that imports Streamlit, shared by the page scripts in pages/."""
