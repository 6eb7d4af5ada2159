"""The one URL fetcher of every WeasyPrint document, configured per document family.

WeasyPrint asks its URL fetcher for every resource a document names
(stylesheets, fonts, images). Case text ends up in those documents, so the
fetcher decides what may be read at all. One class, :class:`RestrictedFetcher`,
serves what a family's :class:`FetchPolicy` allows, in this order, and refuses
everything else (``http:``, other ``file:`` paths, unknown schemes …):

1. ``files``: resources held in memory, by exact URL (the letters' subset fonts
   under their own scheme, ``formsvc-asset:``);
2. ``data:`` URIs of the ``data_types`` given, base64 only (the letters' GiroCode
   and logo images);
3. ``file:`` URLs whose resolved path is an existing file below one of
   ``directories`` (the application's templates and the system fonts).

The families' policies are :func:`letter_policy` and :func:`form_policy`. A
refused resource raises :class:`ValueError` naming the family; WeasyPrint logs
it (at a level the service does not show) and leaves the resource out.
"""
from __future__ import annotations

import base64
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The image types a letter may embed as ``data:`` URIs.
LETTER_DATA_TYPES = ("image/svg+xml", "image/png")
#: System fonts the application's stylesheet may name by file.
SYSTEM_FONT_DIRS = (Path("/usr/share/fonts"),)


@dataclass(frozen=True)
class FetchPolicy:
    """What one document family may fetch (see the module): nothing unless listed here."""

    family: str  # named in the refusal ("letter", "application")
    files: Mapping[str, bytes] = field(default_factory=dict)  # URL -> bytes, served as font/ttf
    scheme: str | None = None  # the scheme of ``files`` ("formsvc-asset:")
    data_types: tuple[str, ...] = ()  # ``data:`` URI types served (base64 only)
    directories: tuple[Path, ...] = ()  # ``file:`` URLs served below these folders

    def protocols(self) -> tuple[str, ...]:
        """The URL schemes WeasyPrint's own fetching may use under this policy."""
        out: list[str] = []
        if self.scheme is not None:
            out.append(self.scheme.rstrip(":"))
        if self.data_types:
            out.append("data")
        if self.directories:
            out.append("file")
        return tuple(out)


def letter_policy(files: Mapping[str, bytes], *, scheme: str,
                  data_types: tuple[str, ...] = LETTER_DATA_TYPES) -> FetchPolicy:
    """The letters' policy: their fonts from memory under ``scheme`` and embedded images."""
    return FetchPolicy(family="letter", files=files, scheme=scheme, data_types=data_types)


def form_policy(template_dir: Path) -> FetchPolicy:
    """The application's policy: files below its templates folder and the system fonts."""
    return FetchPolicy(family="application", directories=(template_dir, *SYSTEM_FONT_DIRS))


def restricted_fetcher(policy: FetchPolicy) -> Any:
    """A WeasyPrint URL fetcher that serves what ``policy`` allows and refuses everything else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class RestrictedFetcher(URLFetcher):
        """Serve what the policy lists (in-memory files, data images, files below folders); refuse the rest."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=policy.protocols(), fail_on_errors=False)
            self.policy = policy
            self.files = policy.files

        def fetch(self, url: str, headers: Any = None) -> Any:
            """The resource at ``url`` when the policy allows it; :class:`ValueError` otherwise."""
            if policy.scheme is not None and url.startswith(policy.scheme) and url in policy.files:
                return URLFetcherResponse(url, policy.files[url], {"Content-Type": "font/ttf"})
            if url.startswith("data:") and policy.data_types:
                header, _, payload = url[5:].partition(",")
                mime = header.split(";")[0]
                if mime in policy.data_types and header.endswith(";base64"):
                    return URLFetcherResponse(url, base64.b64decode(payload), {"Content-Type": mime})
            if policy.directories and _allowed_file(url, policy.directories):
                return super().fetch(url, headers)
            raise ValueError(f"resource refused by the {policy.family} renderer: {urllib.parse.quote(url[:80])}")

    return RestrictedFetcher()


def _allowed_file(url: str, directories: tuple[Path, ...]) -> bool:
    """True for a ``file:`` URL naming an existing file below one of ``directories`` (links resolved)."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme != "file":
        return False
    path = Path(urllib.parse.unquote(parsed.path)).resolve()
    return path.is_file() and any(path.is_relative_to(folder.resolve()) for folder in directories)
