"""SQLite backend: FTS5 over the pre-stemmed token streams, bm25 with a title weight.

Tables (migration core/0002_search_index): ``core_search_document`` (narrow:
kind, object id; its id is the FTS rowid), ``core_search_text`` (the original
title and body, read only for the page of hits), ``core_search_fts`` and
``core_search_facet`` (counted over the match set), ``core_search_title`` (the
titles' terms alone: small doclists for the title tiers of the ranking).

The FTS table has three columns, tokenizer ``ascii`` (our terms are already
normalised, stemmed and separated by spaces; every non-ASCII character is a
token character):

* ``title``: the title's terms between two ``ـ`` markers. Tatweel never
  survives normalisation, so the markers cannot collide with a real word, and
  the phrase ``"ـ t1 t2 ـ"`` matches exactly the documents whose whole title
  is the query;
* ``body``: the body's terms;
* ``tags``: one token for the kind and one per facet value (hex of the UTF-8),
  so the kind and the facet filters are intersected inside FTS5 itself and a
  count never touches another table.

Ranking, in tiers: (1) the exact title, (2) the whole query as a phrase in the
title, (3) every query word in the title, (4) the whole query as a phrase in
the body, (5) the rest; bm25 (title words weigh :data:`TITLE_WEIGHT`) inside
each tier. bm25 costs a lookup per matching row, so when a query matches more
than :data:`RANK_ALL_LIMIT` documents, tiers 1-3 come from the small title table
(which carries the tags too) ranked by its own bm25, and tiers 4 and 5 are
listed newest first (FTS5 walks its rowids backwards and stops at the page).

Costs (decision 0016): bm25 walks the whole doclist of every phrase of its MATCH
once, so the ranking statements leave the kind token (in every document of the
kind; weight 0) out and check the kind on the document row; the exact-title tier
compares the stored title instead of a phrase with the markers (in every title);
phrase queries are counted up to RANK_ALL_LIMIT + 1 before any full count.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection

from sifara.core.search_backends.base import Found, Prepared, Query, Restriction, Row

#: bm25 column weights (title, body, tags): a title word counts as this many body words.
TITLE_WEIGHT = 8.0
#: Title boundary marker (see the module docstring).
MARK = "\u0640"
#: Above this many matches, body-only matches are listed newest first, not by bm25.
RANK_ALL_LIMIT = 1000


def kind_token(kind: str) -> str:
    return "k" + kind.encode().hex()


def facet_token(name: str, value: str) -> str:
    return "f" + f"{name}\x1f{value}".encode().hex()


def _quote(terms: Sequence[str], *, prefix: bool = False) -> str:
    # Terms hold letters and digits only (sifara.core.text._WORD): quoting is safe.
    return '"' + " ".join(terms) + '"' + (" *" if prefix else "")


def match_expression(query: Query) -> str:
    return " AND ".join(_quote(c.terms, prefix=c.prefix) for c in query.clauses)


def _facet_scope(facets: dict[str, list[str]]) -> list[str]:
    """The MATCH expressions of every facet filter."""
    parts = []
    for name, values in facets.items():
        either = " OR ".join(f'"{facet_token(name, v)}"' for v in values)
        parts.append(f"tags : ({either})")
    return parts


def _scope(kind: str, facets: dict[str, list[str]]) -> str:
    """The MATCH expression for the kind and every facet filter."""
    return " AND ".join([f'tags : "{kind_token(kind)}"', *_facet_scope(facets)])


def _restrict(restriction: Restriction | None, alias: str = "f") -> tuple[str, str, list[Any]]:
    """(join, condition, params) limiting matches to the ids the caller may see."""
    if restriction is None:
        return "", "", []
    join = f" CROSS JOIN core_search_document AS d ON d.id = {alias}.rowid"
    if restriction.sql is not None:
        return join, f" AND d.object_id IN ({restriction.sql})", list(restriction.params)
    return (
        join,
        " AND d.object_id IN (SELECT value FROM json_each(%s))",
        [json.dumps(restriction.ids)],
    )


_DELETE = (
    "DELETE FROM core_search_title WHERE rowid IN (SELECT id FROM core_search_document"
    " WHERE kind = %s AND object_id = %s)",
    "DELETE FROM core_search_fts WHERE rowid IN (SELECT id FROM core_search_document"
    " WHERE kind = %s AND object_id = %s)",
    "DELETE FROM core_search_facet WHERE document_id IN (SELECT id FROM core_search_document"
    " WHERE kind = %s AND object_id = %s)",
    "DELETE FROM core_search_text WHERE id IN (SELECT id FROM core_search_document"
    " WHERE kind = %s AND object_id = %s)",
    "DELETE FROM core_search_document WHERE kind = %s AND object_id = %s",
)


class SqliteBackend:
    def upsert(self, docs: Sequence[Prepared]) -> None:
        keys = [(d.kind, d.object_id) for d in docs]
        with connection.cursor() as cursor:
            for statement in _DELETE:
                cursor.executemany(statement, keys)
            # The write transaction is held (IMMEDIATE): ids after the highest are ours.
            cursor.execute("SELECT coalesce(max(id), 0) FROM core_search_document")
            first = int(cursor.fetchone()[0]) + 1
            ids = range(first, first + len(docs))
            numbered = list(zip(ids, docs, strict=True))
            cursor.executemany(
                "INSERT INTO core_search_document (id, kind, object_id, language)"
                " VALUES (%s, %s, %s, %s)",
                [(i, d.kind, d.object_id, d.language) for i, d in numbered],
            )
            cursor.executemany(
                "INSERT INTO core_search_text (id, title, body) VALUES (%s, %s, %s)",
                [(i, d.title, d.body) for i, d in numbered],
            )
            fts_rows = [
                (
                    i,
                    f"{MARK} {d.title_key} {MARK}",
                    " ".join(d.body_terms),
                    " ".join([kind_token(d.kind), *(facet_token(n, v) for n, v in d.facets)]),
                )
                for i, d in numbered
            ]
            cursor.executemany(
                "INSERT INTO core_search_fts (rowid, title, body, tags) VALUES (%s, %s, %s, %s)",
                fts_rows,
            )
            cursor.executemany(
                "INSERT INTO core_search_title (rowid, title, tags) VALUES (%s, %s, %s)",
                [(i, title, tags) for i, title, _, tags in fts_rows],
            )
            cursor.executemany(
                "INSERT INTO core_search_facet (document_id, name, value) VALUES (%s, %s, %s)",
                [(i, name, value) for i, d in numbered for name, value in d.facets],
            )

    def delete(self, *, kind: str, object_ids: Sequence[int]) -> None:
        keys = [(kind, object_id) for object_id in object_ids]
        with connection.cursor() as cursor:
            for statement in _DELETE:
                cursor.executemany(statement, keys)

    def clear(self, *, kind: str) -> int:
        with connection.cursor() as cursor:
            ids = "SELECT id FROM core_search_document WHERE kind = %s"
            cursor.execute(f"DELETE FROM core_search_title WHERE rowid IN ({ids})", [kind])  # noqa: S608
            cursor.execute(f"DELETE FROM core_search_fts WHERE rowid IN ({ids})", [kind])  # noqa: S608
            cursor.execute(f"DELETE FROM core_search_facet WHERE document_id IN ({ids})", [kind])  # noqa: S608
            cursor.execute(f"DELETE FROM core_search_text WHERE id IN ({ids})", [kind])  # noqa: S608
            cursor.execute("DELETE FROM core_search_document WHERE kind = %s", [kind])
            return int(cursor.rowcount)

    def indexed_ids(self, *, kind: str) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT object_id FROM core_search_document WHERE kind = %s", [kind])
            return [int(row[0]) for row in cursor.fetchall()]

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
    ) -> Found:
        scope = _scope(kind, facets)
        # The query before the scope: FTS5 then checks the kind and facets only on
        # the query's candidates (measured: 15-20% less work on common phrases).
        match = scope if query.empty else f"{match_expression(query)} AND {scope}"
        join, condition, restrict_params = _restrict(restriction)
        base = f"FROM core_search_fts AS f{join} WHERE f.core_search_fts MATCH %s{condition}"
        with connection.cursor() as cursor:

            def count(expression: str) -> int:
                cursor.execute(f"SELECT count(*) {base}", [expression, *restrict_params])
                return int(cursor.fetchone()[0])

            found: tuple[list[tuple[int, float]], int, dict[str, dict[str, int]]] | None = None
            total = -1
            if not query.empty:
                ranker = _Ranker(
                    cursor,
                    kind,
                    facets,
                    query,
                    scope,
                    match,
                    join,
                    condition,
                    restrict_params,
                    restriction,
                )
                if all(len(c.terms) == 1 for c in query.clauses):
                    # Words only: the count is cheap (no positions) and is the total.
                    total = count(match)
                    if total == 0:
                        found = ([], 0, {})
                    elif total <= RANK_ALL_LIMIT:
                        found = ranker.small(limit=limit, offset=offset, count_facets=count_facets)
                else:
                    # Phrases: checking positions is the cost. Count at most
                    # RANK_ALL_LIMIT + 1 matches first (FTS5 stops there), and the
                    # whole match set only when it is larger.
                    cursor.execute(
                        f"SELECT count(*) FROM (SELECT 1 {base} LIMIT {RANK_ALL_LIMIT + 1})",  # noqa: S608
                        [match, *restrict_params],
                    )
                    capped = int(cursor.fetchone()[0])
                    if capped == 0:
                        found = ([], 0, {})
                    elif capped <= RANK_ALL_LIMIT:
                        found = ranker.small(limit=limit, offset=offset, count_facets=count_facets)
                    else:
                        total = count(match)
            if found is not None:
                page, total, counts = found
            else:
                if total < 0:
                    total = count(match)
                if not total or offset >= total:
                    page = []
                elif query.empty:
                    cursor.execute(
                        f"SELECT f.rowid, 0.0 {base} ORDER BY f.rowid DESC LIMIT %s OFFSET %s",
                        [match, *restrict_params, limit, offset],
                    )
                    page = cursor.fetchall()
                else:
                    page = ranker.walk(total=total, limit=limit, offset=offset)
                counts = {}
                if count_facets and total:
                    cursor.execute(
                        f"SELECT fc.name, fc.value, count(*) FROM core_search_fts AS f{join}"  # noqa: S608
                        " CROSS JOIN core_search_facet AS fc ON fc.document_id = f.rowid"
                        f" WHERE f.core_search_fts MATCH %s{condition} GROUP BY fc.name, fc.value",
                        [match, *restrict_params],
                    )
                    counts = _facet_counts(cursor.fetchall())
            texts: dict[int, tuple[int, str, str]] = {}
            if page:
                marks = ", ".join(["%s"] * len(page))
                cursor.execute(
                    "SELECT d.id, d.object_id, t.title, t.body FROM core_search_document AS d"  # noqa: S608
                    f" JOIN core_search_text AS t ON t.id = d.id WHERE d.id IN ({marks})",
                    [row[0] for row in page],
                )
                texts = {row[0]: (row[1], row[2], row[3]) for row in cursor.fetchall()}
        rows = []
        for rowid, score_ in page:
            object_id, title, body = texts[rowid]
            rows.append(Row(object_id=int(object_id), score=float(score_), title=title, body=body))
        return Found(rows=rows, total=total, facets=counts)


def _facet_counts(rows: list[tuple[str, str, int]]) -> dict[str, dict[str, int]]:
    """{name: {value: count}}, names sorted, values by count (highest first) then value."""
    counts: dict[str, dict[str, int]] = {}
    for name, value, count in sorted(rows, key=lambda r: (r[0], -r[2], r[1])):
        counts.setdefault(name, {})[value] = int(count)
    return counts


_TITLE_SET = "SELECT rowid FROM core_search_title WHERE core_search_title MATCH %s"
_SCORE = f"-bm25(core_search_fts, {TITLE_WEIGHT}, 1.0, 0.0)"


class _Ranker:
    """One page of a non-empty query, in the tiers of the module docstring."""

    def __init__(
        self,
        cursor: Any,
        kind: str,
        facets: dict[str, list[str]],
        query: Query,
        scope: str,
        match: str,
        join: str,
        condition: str,
        restrict_params: list[Any],
        restriction: Restriction | None,
    ) -> None:
        self.cursor = cursor
        self.match = match
        self.join = join
        self.condition = condition
        self.restrict_params = restrict_params
        clauses = match_expression(query)
        # Title-table expressions (column filter: the table also holds the tags).
        self.title_all = f"title : ({clauses})"
        # The exact title: the stored title compared whole, only on rows already
        # holding every query word in the title (the phrase "ـ t1 t2 ـ" would walk
        # the marker's doclist, which holds every document).
        self.exact = f"{MARK} {query.key} {MARK}"
        self.title_phrase = f"title : {_quote(query.terms)}" if query.whole_phrase else None
        self.scoped_title = f"{self.title_all} AND {scope}"
        self.restriction = restriction
        self.kind = kind
        self.unkinded = " AND ".join([clauses, *_facet_scope(facets)])
        self.unkinded_title = " AND ".join([self.title_all, *_facet_scope(facets)])
        # The body-phrase tier only differs from the match for several clauses.
        self.phrase = _quote(query.terms)
        self.body_phrase = (
            f"{self.phrase} AND {scope}" if query.whole_phrase and len(query.clauses) > 1 else None
        )

    def _title_order(
        self, column: str, exact: str, exact_params: list[Any]
    ) -> tuple[list[str], list[Any]]:
        tiers = [exact]
        params: list[Any] = [*exact_params]
        if self.title_phrase:
            tiers.append(f"({column} IN ({_TITLE_SET})) DESC")
            params.append(self.title_phrase)
        return tiers, params

    def small(
        self, *, limit: int, offset: int, count_facets: bool
    ) -> tuple[list[tuple[int, float]], int, dict[str, dict[str, int]]] | None:
        """Rank every match by tiers and bm25 in one statement (one FTS5 pass,
        materialised), with the total and the facet counts. None when the query
        matches more than RANK_ALL_LIMIT documents."""
        # The stored title is read only for matches with every word in the title.
        tiers, params = self._title_order(
            "m.id",
            f"(CASE WHEN m.id IN ({_TITLE_SET}) THEN (SELECT x.title FROM core_search_title"  # noqa: S608
            " AS x WHERE x.rowid = m.id) = %s ELSE 0 END) DESC",
            [self.title_all, self.exact],
        )
        tiers.append(f"(m.id IN ({_TITLE_SET})) DESC")
        params.append(self.title_all)
        if self.body_phrase:
            tiers.append(
                "(m.id IN (SELECT rowid FROM core_search_fts WHERE core_search_fts MATCH %s)) DESC"
            )
            params.append(self.body_phrase)
        order = ", ".join([*tiers, "m.score DESC", "m.id"])
        facets = (
            " UNION ALL SELECT * FROM (SELECT 2, count(*), NULL, fc.name, fc.value FROM m"
            " CROSS JOIN core_search_facet AS fc ON fc.document_id = m.id"
            " GROUP BY fc.name, fc.value)"
            if count_facets
            else ""
        )
        # bm25 scans the whole doclist of every phrase of its MATCH once (document
        # frequencies), the kind token's included: it matches every document of the
        # kind. Its weight is 0, so the kind is checked on the narrow document row
        # instead (at most RANK_ALL_LIMIT + 1 lookups); the scores are unchanged.
        join = self.join or " CROSS JOIN core_search_document AS d ON d.id = f.rowid"
        self.cursor.execute(
            f"WITH m AS MATERIALIZED (SELECT f.rowid AS id, {_SCORE} AS score"  # noqa: S608
            f" FROM core_search_fts AS f{join}"
            f" WHERE f.core_search_fts MATCH %s{self.condition} AND d.kind = %s"
            f" LIMIT {RANK_ALL_LIMIT + 1})"
            " SELECT 0, id, score, pos, NULL FROM (SELECT m.id AS id, m.score AS score,"
            f" row_number() OVER (ORDER BY {order}) AS pos FROM m ORDER BY pos LIMIT %s OFFSET %s)"
            f" UNION ALL SELECT 1, count(*), NULL, NULL, NULL FROM m{facets}",
            [self.unkinded, *self.restrict_params, self.kind, *params, limit, offset],
        )
        page: list[tuple[int, float, int]] = []
        facet_rows: list[tuple[str, str, int]] = []
        total = 0
        for part, number, score, name, value in self.cursor.fetchall():
            if part == 0:
                page.append((int(number), float(score), int(name)))
            elif part == 1:
                total = int(number)
            else:
                facet_rows.append((name, value, int(number)))
        if total > RANK_ALL_LIMIT:
            return None
        page.sort(key=lambda row: row[2])
        return [(rowid, score) for rowid, score, _ in page], total, _facet_counts(facet_rows)

    def walk(self, *, total: int, limit: int, offset: int) -> list[tuple[int, float]]:
        """Large match sets: the title tiers ranked by the title table's bm25, then
        the rest newest first (score 0: bm25 would cost a pass over every match)."""
        t_join, t_condition, t_params = _restrict(self.restriction, alias="t")
        main = f"core_search_fts AS f{self.join}"
        # "+f.rowid": never let SQLite turn the set into rowid lookups inside FTS5
        # (one seek of every doclist per row, orders of magnitude slower than a scan).
        not_title = (
            " AND +f.rowid NOT IN (SELECT rowid FROM core_search_title"
            " WHERE core_search_title MATCH %s)"
        )
        tiers_order, order_params = self._title_order(
            "t.rowid", "(t.title = %s) DESC", [self.exact]
        )
        # (FROM, WHERE, its params, score, ORDER BY, ORDER BY params). Every word of
        # the query in the title implies a match, so the title tier lives wholly in
        # the small title table (kind and facets are in its tags too).
        # The kind on the document row, not by its token (bm25: see small()).
        t_join = t_join or " CROSS JOIN core_search_document AS d ON d.id = t.rowid"
        parts: list[tuple[str, str, list[Any], str, str, list[Any]]] = [
            (
                f"core_search_title AS t{t_join}",
                f"t.core_search_title MATCH %s{t_condition} AND d.kind = %s",
                [self.unkinded_title, *t_params, self.kind],
                "t.rowid, -bm25(core_search_title, 1.0, 0.0)",
                ", ".join([*tiers_order, "2 DESC", "t.rowid"]),
                order_params,
            )
        ]
        rest = self.match
        if self.body_phrase:
            phrase = self.phrase
            parts.append(
                (
                    main,
                    f"f.core_search_fts MATCH %s{self.condition}{not_title}",
                    [f"{self.match} AND {phrase}", *self.restrict_params, self.scoped_title],
                    "f.rowid, 0.0",
                    "f.rowid DESC",
                    [],
                )
            )
            rest = f"({self.match}) NOT {phrase}"
        parts.append(
            (
                main,
                f"f.core_search_fts MATCH %s{self.condition}{not_title}",
                [rest, *self.restrict_params, self.scoped_title],
                "f.rowid, 0.0",
                "f.rowid DESC",
                [],
            )
        )
        page: list[tuple[int, float]] = []
        skip, used = offset, 0
        for number, (source, where, where_params, columns, order, params) in enumerate(parts):
            # A part's size only matters while the offset is not used up: a part
            # read from its start that does not fill the page has been read whole.
            if skip:
                if number == len(parts) - 1:
                    size = total - used
                else:
                    self.cursor.execute(
                        f"SELECT count(*) FROM {source} WHERE {where}",  # noqa: S608
                        where_params,
                    )
                    size = int(self.cursor.fetchone()[0])
                used += size
                if skip >= size:
                    skip -= size
                    continue
            self.cursor.execute(
                f"SELECT {columns} FROM {source}"  # noqa: S608
                f" WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s",
                [*where_params, *params, limit - len(page), skip],
            )
            page += self.cursor.fetchall()
            skip = 0
            if len(page) >= limit:
                break
        return page
