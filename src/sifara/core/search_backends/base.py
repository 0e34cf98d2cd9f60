"""Value types shared by the search backends."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Prepared:
    """A document ready for storage: original text plus its term streams."""

    kind: str
    object_id: int
    title: str
    body: str
    language: str
    title_terms: list[str]
    body_terms: list[str]
    facets: list[tuple[str, str]]

    @property
    def title_key(self) -> str:
        return " ".join(self.title_terms)


@dataclass(frozen=True)
class Clause:
    """One required part of a query: a term (len 1) or a phrase (len > 1)."""

    terms: tuple[str, ...]
    prefix: bool = False  # the last term matches as a prefix (query word ended with *)


@dataclass(frozen=True)
class Query:
    clauses: tuple[Clause, ...]
    #: every query term in order: exact-title comparison and whole-query phrase
    terms: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.clauses

    @property
    def key(self) -> str:
        return " ".join(self.terms)

    @property
    def whole_phrase(self) -> bool:
        """Whether ranking should test the whole query as one phrase."""
        return len(self.terms) > 1 and not any(c.prefix for c in self.clauses)


@dataclass(frozen=True)
class Restriction:
    """Ids the caller may see: an SQL subquery (with params) or a list of ids."""

    sql: str | None = None
    params: Sequence[Any] = ()
    ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    object_id: int
    score: float
    title: str
    body: str


@dataclass(frozen=True)
class Found:
    rows: list[Row]
    total: int
    facets: dict[str, dict[str, int]]


class Backend(Protocol):
    def upsert(self, docs: Sequence[Prepared]) -> None: ...

    def delete(self, *, kind: str, object_ids: Sequence[int]) -> None: ...

    def search(
        self,
        *,
        kind: str,
        query: Query,
        facets: dict[str, list[str]],
        restriction: Restriction | None,
        limit: int,
        offset: int,
        count_facets: bool,
    ) -> Found: ...

    def clear(self, *, kind: str) -> int: ...

    def indexed_ids(self, *, kind: str) -> list[int]: ...
