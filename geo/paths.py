"""Where the repository's folders are, named once: the package is installed in place (`pip install -e .`)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"  # the default atlas's data files
STATIC_DIR = ROOT / "static"  # what the app serves itself at /app/static/
PAGES_DIR = ROOT / "pages"  # the page scripts
