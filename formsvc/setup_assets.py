"""One-time asset preparation run by ``./dev``: compile the gettext catalogs.

Safe to run repeatedly; does nothing when everything is current.
"""
from __future__ import annotations


def main() -> None:
    """Prepare what the package needs at run time (hooks added per family)."""
    hooks = []
    try:
        from .letters.assets import prepare as prepare_letters
        hooks.append(prepare_letters)
    except ImportError:
        pass
    for hook in hooks:
        hook()


if __name__ == "__main__":
    main()
