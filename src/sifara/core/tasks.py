"""Background work of the core: the search index (thin: calls the facade)."""

from __future__ import annotations

import logging

from huey.contrib.djhuey import db_task

from sifara.core import search

logger = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=30)
def search_index_task(kind: str, object_id: int) -> None:
    """(Re)index one object from its registered provider; removes it when the
    provider answers None (deleted meanwhile). Idempotent."""
    indexed = search.index_object(kind=kind, object_id=object_id)
    logger.info("search %s %s:%s", "indexed" if indexed else "removed", kind, object_id)


@db_task(retries=3, retry_delay=30)
def search_remove_task(kind: str, object_id: int) -> None:
    """Remove one document from the index (no error if it is absent)."""
    search.remove(kind=kind, object_id=object_id)
