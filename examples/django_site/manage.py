#!/usr/bin/env python3
"""The example site's manage.py: ``python examples/django_site/manage.py runserver``.

For a first try, ``runserver`` applies the migrations first (a new SQLite file next to this
script), so that one command shows a working login with the sandbox's virtual phone.
"""

import os
import sys
from pathlib import Path


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.settings")
    from django.core.management import execute_from_command_line

    # RUN_MAIN is set in the autoreloader's child: migrate once, in the parent.
    if sys.argv[1:2] == ["runserver"] and not os.environ.get("RUN_MAIN"):
        execute_from_command_line([sys.argv[0], "migrate", "--no-input", "--verbosity", "0"])
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
