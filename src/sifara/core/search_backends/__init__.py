"""Private search backends behind :mod:`sifara.core.search` (do not import elsewhere).

``base`` holds the shared value types, ``query`` parses queries into terms,
``snippets`` highlights the original text, ``sqlite`` (FTS5) and ``postgresql``
(tsvector + GIN) store and rank. :func:`backend_for` picks one by database vendor.
"""

from __future__ import annotations

from sifara.core.search_backends.base import Backend


def backend_for(vendor: str) -> Backend:
    """The backend serving a database of ``vendor`` (``connection.vendor``)."""
    if vendor == "sqlite":
        from sifara.core.search_backends.sqlite import SqliteBackend

        return SqliteBackend()
    if vendor == "postgresql":
        from sifara.core.search_backends.postgresql import PostgresqlBackend

        return PostgresqlBackend()
    raise NotImplementedError(f"search: no backend for database vendor {vendor!r}")
