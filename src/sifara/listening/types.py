"""The item every connector and importer hands to the pipeline (the ingest contract)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class RawItem:
    """One post as parsed from a platform's documented format, before analysis."""

    platform: str  # a listening.models.Platform value
    external_id: str  # the platform's id (URI, status id, message id, entry id...)
    text: str
    published_at: datetime  # timezone-aware
    url: str = ""
    author_handle: str = ""
    author_name: str = ""
    #: a language the platform declares (hint only; the pipeline identifies it)
    language_hint: str = ""
    country: str = ""  # ISO 3166 alpha-2 when the source says so
    reach: int = 0
    extra: dict[str, object] = field(default_factory=dict)
    #: the connector's resume position *after* this item (stored with its batch)
    cursor: str = ""


@dataclass(slots=True)
class SkippedRaw:
    """An item a connector could not parse: counted and kept as an inspectable reason.

    ``reason`` is a short machine code (``invalid_json``, ``malformed_feed``,
    ``missing_field``, ``too_large``, ``bad_encoding``...); ``detail`` a short
    human-readable explanation (never the whole item).
    """

    reason: str
    detail: str = ""
    external_id: str = ""
    cursor: str = ""
