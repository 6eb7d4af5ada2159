"""One-time asset preparation run by ``./dev``: compile the gettext catalogs, cut the letter fonts.

Safe to run repeatedly; does nothing when everything is current. The fonts go
to ``FORMSVC_CACHE_DIR`` (see :mod:`formsvc.config`), where the service looks
for them. A missing third-party package stops it with the package's name.
"""
from __future__ import annotations

import sys


def main() -> None:
    """Prepare what the package needs at run time."""
    try:
        from .letters.assets import prepare as prepare_letters
    except ModuleNotFoundError as exc:
        if not exc.name or exc.name.split(".")[0] == "formsvc":
            raise  # our own module missing is a bug, not a setup problem
        sys.exit(f"formsvc.setup_assets: the Python package {exc.name!r} is missing; "
                 "install the project's dependencies (./dev does: pip install -e '.[test]').")
    prepare_letters()


if __name__ == "__main__":
    main()
