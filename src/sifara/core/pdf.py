"""PDF rendering with WeasyPrint, shared by every module that exports PDFs.

Templates get the vendored IBM Plex Sans Arabic fonts as ``file://`` URLs
(:func:`font_faces`) so Arabic is shaped correctly. Rendering fetches nothing
from the network: only ``data:`` URLs and files under the font directory are
allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.contrib.staticfiles import finders

FONT_DIR = "vendor/ibm-plex-sans-arabic/files"
#: (weight, file name pattern) for the @font-face rules; Arabic and Latin subsets.
FONT_WEIGHTS = (400, 600, 700)
#: Each subset is its own family (WeasyPrint picks per glyph along the font stack).
FONT_SUBSETS = {"latin": "Plex Latin", "arabic": "Plex Arabic", "latin-ext": "Plex Latin Ext"}


def font_faces() -> list[dict[str, Any]]:
    """``@font-face`` sources (``file://`` URLs) for the vendored fonts found."""
    faces = []
    for weight in FONT_WEIGHTS:
        for subset, family in FONT_SUBSETS.items():
            found = finders.find(f"{FONT_DIR}/ibm-plex-sans-arabic-{subset}-{weight}-normal.woff")
            if found:
                path = Path(found if isinstance(found, str) else found[0]).resolve()
                faces.append({"weight": weight, "url": path.as_uri(), "family": family})
    return faces


def _font_root() -> Path | None:
    found = finders.find(FONT_DIR)
    if not found:
        return None
    return Path(found if isinstance(found, str) else found[0]).resolve()


def _url_fetcher(roots: list[Path]) -> Any:
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        """``data:`` URLs and files under ``roots``; nothing else, no network."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower()
            if scheme == "file":
                path = Path(url2pathname(urlsplit(url).path)).resolve()
                if not any(path.is_relative_to(root) for root in roots):
                    raise ValueError("file outside the allowed directories")
            elif scheme != "data":
                raise ValueError("only local resources are fetched")
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols=("file", "data"), timeout=5)


def render_pdf(html: str) -> bytes:
    """The PDF of ``html`` (rendered with local fonts only)."""
    from weasyprint import HTML

    root = _font_root()
    roots = [root] if root else []
    document = HTML(
        string=html,
        base_url=root.as_uri() + "/" if root else None,
        url_fetcher=_url_fetcher(roots),
    )
    pdf: bytes = document.write_pdf()
    return pdf
