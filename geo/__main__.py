"""`python -m geo`: see geo/cli.py."""

import os
import sys

from geo.cli import main

if __name__ == "__main__":
    # Place names and units (km²) are not ASCII: write UTF-8 whatever the locale says.
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:  # output piped into `head` and cut short: not an error worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 1
    sys.exit(status)
