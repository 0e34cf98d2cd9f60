"""Full-text search facade (ARCHITECTURE rule 9). The only search API modules use.

Backends (private, :mod:`sifara.core.search_backends`): SQLite FTS5 by default,
PostgreSQL full-text search (``tsvector`` + GIN) when the database is
PostgreSQL. Text is normalised by our own code (Arabic and English
normalisation and light stemming, :mod:`sifara.core.text`) identically at index
and query time, so استراتيجية finds إستراتيجية, الدبلوماسيه finds الدبلوماسية
and دبلوماسية finds بالدبلوماسية. See docs/search.md.

Contract (stable; modules code against it):

* :func:`index` upserts one :class:`Document` (idempotent: indexing the same
  document twice leaves one entry). Call it from a task queued with
  ``transaction.on_commit``. :func:`index_many` is the bulk path (imports,
  rebuilds): one transaction per batch, the same result as many :func:`index`.
* :func:`remove` deletes one document (no error if absent); :func:`remove_many`
  several of one kind; :func:`clear` every document of a kind; :func:`rebuild`
  re-indexes a kind through its provider (after an upgrade that changes terms).
* :func:`search` returns :class:`Results`, best first: the exact title, the
  whole query as a phrase in the title, every query word in the title, the
  whole query as a phrase in the body, then the rest; by relevance (bm25 /
  ts_rank, title words weigh more) within each tier (on SQLite, queries with
  more than 1,000 matches list the last two tiers newest first). ``restrict_to`` is the
  caller's policy-filtered queryset (or iterable) of object ids the user may
  see: the backend never returns, counts or facets anything outside it, so a
  search never reveals that an invisible record exists. A QuerySet is used as
  an SQL subquery (``.values("pk")`` unless it already selects one column).
* Query syntax: words (all required), ``"quoted phrases"``, ``word*`` prefixes.
  Nothing else reaches the database's query language. A blank query lists the
  documents (newest first) so facets can be browsed.
* Facets: ``facets={"country": ["EG", "FR"], "year": ["2024"]}`` keeps documents
  having EG or FR, and 2024 (OR within a name, AND across names).
  ``Results.facets`` counts every value over all matches (not only the page).
* Snippets are HTML-safe strings from the ORIGINAL body (as written, with its
  diacritics), matching words (any spelling variant) wrapped in ``<mark>``.

Background indexing (rule 2, 5): a module registers a provider once, in its
``AppConfig.ready()``::

    search.register("agreement", provider)  # provider(object_id) -> Document | None

and after a write calls ``search.queue_index(kind="agreement", object_id=pk)``
inside the service's transaction: on commit it queues the Huey task
``sifara.core.tasks.search_index_task(kind, object_id)``, which asks the provider
for the current document and indexes it, or removes it when the provider
answers None (deleted row, or no longer searchable). Idempotent; safe to retry.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import QuerySet

from sifara.core.search_backends import backend_for
from sifara.core.search_backends.base import Backend, Prepared, Restriction
from sifara.core.search_backends.query import parse
from sifara.core.search_backends.snippets import highlight
from sifara.core.text import index_terms

logger = logging.getLogger(__name__)

#: Most hits one call returns, and the deepest offset (pagination beyond is refused).
MAX_LIMIT = 200
MAX_OFFSET = 10_000
#: Bulk indexing writes this many documents per transaction.
BATCH_SIZE = 500
_FACET_NAME_MAX = 64
_FACET_VALUE_MAX = 200


@dataclass(frozen=True)
class Document:
    kind: str  # e.g. "cable", "agreement", "archive.file"
    object_id: int
    title: str
    body: str
    language: str = ""  # "ar", "en" or "" (mixed / unknown)
    #: facet name -> values, e.g. {"country": ["EG", "FR"], "type": ["mou"], "year": ["2024"]}
    facets: Mapping[str, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    object_id: int
    score: float
    snippet: str  # HTML-safe, matches in <mark>


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    total: int
    #: facet name -> value -> count, over every match (not only this page)
    facets: dict[str, dict[str, int]]


Provider = Callable[[int], "Document | None"]
_providers: dict[str, Provider] = {}
_lock = threading.Lock()


def _backend() -> Backend:
    return backend_for(connection.vendor)


def _clean(text: str) -> str:
    return text.replace("\x00", "")  # PostgreSQL text cannot hold NUL


def prepare(doc: Document) -> Prepared:
    """Normalise and stem ``doc`` once (no database access)."""
    if not doc.kind or len(doc.kind) > 64:
        raise ValueError("search: kind must be 1 to 64 characters")
    pairs: dict[tuple[str, str], None] = {}
    for name, values in doc.facets.items():
        if isinstance(values, str):
            values = [values]
        for value in values:
            value = str(value)
            if not name or len(name) > _FACET_NAME_MAX or len(value) > _FACET_VALUE_MAX:
                raise ValueError(f"search: facet {name!r}={value!r} is too long")
            pairs[(name, value)] = None
    title, body = _clean(doc.title), _clean(doc.body)
    return Prepared(
        kind=doc.kind,
        object_id=int(doc.object_id),
        title=title,
        body=body,
        language=doc.language[:8],
        title_terms=index_terms(title),
        body_terms=index_terms(body),
        facets=list(pairs),
    )


def index(doc: Document) -> None:
    """Insert or replace ``doc`` in the index."""
    prepared = prepare(doc)
    with transaction.atomic():
        _backend().upsert([prepared])


def _batches(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(docs)
    while batch := list(islice(iterator, size)):
        yield batch


def index_many(docs: Iterable[Document], *, batch_size: int = BATCH_SIZE) -> int:
    """Insert or replace many documents: one transaction per ``batch_size``
    documents (the bulk path for imports and rebuilds). Returns how many
    documents were written.
    Within a batch the last document with the same (kind, object_id) wins."""
    backend = _backend()
    count = 0
    for batch in _batches(docs, max(1, batch_size)):
        latest = {(d.kind, d.object_id): d for d in batch}
        prepared = [prepare(d) for d in latest.values()]
        with transaction.atomic():
            backend.upsert(prepared)
        count += len(prepared)
    return count


def remove(*, kind: str, object_id: int) -> None:
    """Remove one document from the index (no error if it is not there)."""
    remove_many(kind=kind, object_ids=[object_id])


def remove_many(*, kind: str, object_ids: Iterable[int]) -> None:
    """Remove several documents of one kind (absent ones are ignored)."""
    ids = [int(i) for i in object_ids]
    if ids:
        with transaction.atomic():
            _backend().delete(kind=kind, object_ids=ids)


def clear(*, kind: str) -> int:
    """Remove every document of ``kind`` (before a full rebuild). Returns the count."""
    with transaction.atomic():
        return _backend().clear(kind=kind)


def rebuild(*, kind: str, object_ids: Iterable[int], batch_size: int = BATCH_SIZE) -> int:
    """Re-index every object of ``kind`` through its registered provider (after
    an upgrade that changes the terms, or to repair the index), then remove the
    documents of objects no longer listed or no longer searchable. Searches keep
    working meanwhile. Returns how many documents are now indexed."""
    provider = _providers.get(kind)
    if provider is None:
        raise LookupError(f"search: no provider registered for kind {kind!r}")
    kept: set[int] = set()

    def documents() -> Iterator[Document]:
        for object_id in object_ids:
            doc = provider(int(object_id))
            if doc is not None:
                kept.add(doc.object_id)
                yield doc

    index_many(documents(), batch_size=batch_size)
    stale = [i for i in _backend().indexed_ids(kind=kind) if i not in kept]
    remove_many(kind=kind, object_ids=stale)
    return len(kept)


def _restriction(restrict_to: Iterable[int] | Any | None) -> Restriction | None:
    if restrict_to is None:
        return None
    if isinstance(restrict_to, QuerySet) and restrict_to.db == "default":
        qs = restrict_to
        fields = getattr(qs, "_fields", None)  # set by values() / values_list()
        if fields is None:
            qs = qs.values("pk")
        elif len(fields) != 1:
            raise ValueError("search: restrict_to must select exactly one column (the ids)")
        try:
            sql, params = qs.query.sql_with_params()
        except EmptyResultSet:  # e.g. .none() or pk__in=[]: nothing is visible
            return Restriction(ids=[])
        return Restriction(sql=sql, params=tuple(params))
    return Restriction(ids=[int(i) for i in restrict_to])


def search(
    *,
    kind: str,
    query: str,
    facets: Mapping[str, Sequence[str]] | None = None,
    restrict_to: Iterable[int] | Any | None = None,
    limit: int = 20,
    offset: int = 0,
    count_facets: bool = True,
) -> Results:
    """Documents of ``kind`` matching ``query`` (and every facet filter), best first.

    ``restrict_to``: ids (or a queryset of ids) the caller may see; None means no
    restriction (only for operator tools that already run with full rights).
    ``limit`` is capped at :data:`MAX_LIMIT`, ``offset`` at :data:`MAX_OFFSET`.
    ``count_facets=False`` skips the facet counts (``Results.facets`` is empty).
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, min(int(offset), MAX_OFFSET))
    filters = {
        name: [str(v) for v in ([values] if isinstance(values, str) else values)]
        for name, values in (facets or {}).items()
    }
    filters = {name: values for name, values in filters.items() if values}
    parsed = parse(query)
    restriction = _restriction(restrict_to)
    if (parsed.empty and query.strip()) or (
        restriction is not None and restriction.sql is None and not restriction.ids
    ):
        return Results(hits=[], total=0, facets={})
    found = _backend().search(
        kind=kind,
        query=parsed,
        facets=filters,
        restriction=restriction,
        limit=limit,
        offset=offset,
        count_facets=count_facets,
    )
    hits = [
        Hit(
            object_id=row.object_id,
            score=row.score,
            snippet=highlight(row.body or row.title, parsed),
        )
        for row in found.rows
    ]
    return Results(hits=hits, total=found.total, facets=found.facets)


# --- Background indexing ------------------------------------------------------


def register(kind: str, provider: Provider) -> None:
    """Declare how to build the current :class:`Document` of ``kind`` from an
    object id (None: not searchable / gone). Call from ``AppConfig.ready()``."""
    with _lock:
        _providers[kind] = provider


def provider_for(kind: str) -> Provider | None:
    return _providers.get(kind)


def index_object(*, kind: str, object_id: int) -> bool:
    """Index the current state of one object through its provider (or remove it
    when the provider answers None). Returns whether it is now in the index."""
    provider = _providers.get(kind)
    if provider is None:
        raise LookupError(f"search: no provider registered for kind {kind!r}")
    doc = provider(object_id)
    if doc is None:
        remove(kind=kind, object_id=object_id)
        return False
    index(doc)
    return True


def queue_index(*, kind: str, object_id: int) -> None:
    """After the current transaction commits, queue the background task that
    (re)indexes — or removes — one object (see the module docstring)."""
    from sifara.core.tasks import search_index_task

    transaction.on_commit(lambda: search_index_task(kind, object_id))


def queue_remove(*, kind: str, object_id: int) -> None:
    """After the current transaction commits, queue removing one document."""
    from sifara.core.tasks import search_remove_task

    transaction.on_commit(lambda: search_remove_task(kind, object_id))
