"""PostgreSQL backend: a ``tsvector`` of our own terms, GIN-indexed.

The tsvector is written as a literal (``'term':1A …``) from the pre-normalised,
pre-stemmed token stream, so PostgreSQL's parser and dictionaries never change
a term: title positions carry weight A, body positions weight B. Queries are
``tsquery`` literals built the same way. Ranking tiers as on SQLite: the exact
title, the whole query as a phrase in the title, every word in the title, the
whole query as a phrase in the body, then ``ts_rank`` (title words weigh most).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from sifara.core.search_backends.base import Found, Prepared, Query, Restriction, Row

#: PostgreSQL keeps positions up to this value (later ones collapse onto it).
MAX_POSITION = 16383
#: ts_rank weights for {D, C, B, A}: title words (A) weigh most.
RANK_WEIGHTS = "{0.05, 0.1, 0.2, 1.0}"


def tsvector_literal(title_terms: Sequence[str], body_terms: Sequence[str]) -> str:
    positions: dict[str, list[str]] = {}
    for pos, term in enumerate(title_terms, start=1):
        if pos <= MAX_POSITION:
            positions.setdefault(term, []).append(f"{pos}A")
    start = min(len(title_terms) + 2, MAX_POSITION)  # a gap: no phrase spans title and body
    for pos, term in enumerate(body_terms, start=start):
        entries = positions.setdefault(term, [])
        if len(entries) < 256:  # PostgreSQL's per-lexeme limit
            entries.append(f"{min(pos, MAX_POSITION)}B")
    # Terms hold letters and digits only (sifara.core.text._WORD): quoting is safe.
    return " ".join(f"'{term}':{','.join(p)}" for term, p in positions.items())


def _lexeme(term: str, *, prefix: bool = False, weight: str = "") -> str:
    suffix = ("*" if prefix else "") + weight
    return f"'{term}'" + (f":{suffix}" if suffix else "")


def tsquery_literal(query: Query, *, weight: str = "") -> str:
    parts = []
    for clause in query.clauses:
        last = len(clause.terms) - 1
        words = [
            _lexeme(t, prefix=clause.prefix and i == last, weight=weight)
            for i, t in enumerate(clause.terms)
        ]
        parts.append("(" + " <-> ".join(words) + ")" if len(words) > 1 else words[0])
    return " & ".join(parts)


def _phrase(terms: Sequence[str], *, weight: str = "") -> str:
    return " <-> ".join(_lexeme(t, weight=weight) for t in terms)


def _filters(
    *, kind: str, facets: dict[str, list[str]], restriction: Restriction | None
) -> tuple[str, list[Any]]:
    sql = "d.kind = %s"
    params: list[Any] = [kind]
    for name, values in facets.items():
        sql += (
            " AND d.id IN (SELECT document_id FROM core_search_facet"
            " WHERE kind = %s AND name = %s AND value = ANY(%s))"
        )
        params += [kind, name, list(values)]
    if restriction is not None:
        if restriction.sql is not None:
            sql += f" AND d.object_id IN ({restriction.sql})"
            params += list(restriction.params)
        else:
            sql += " AND d.object_id = ANY(%s)"
            params.append(list(restriction.ids))
    return sql, params


class PostgresqlBackend:
    def upsert(self, docs: Sequence[Prepared]) -> None:
        with connection.cursor() as cursor:
            for d in docs:
                cursor.execute(
                    "INSERT INTO core_search_document"
                    " (kind, object_id, title, body, language, title_key, terms)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s::tsvector)"
                    " ON CONFLICT (kind, object_id) DO UPDATE SET title = EXCLUDED.title,"
                    " body = EXCLUDED.body, language = EXCLUDED.language,"
                    " title_key = EXCLUDED.title_key, terms = EXCLUDED.terms RETURNING id",
                    [
                        d.kind,
                        d.object_id,
                        d.title,
                        d.body,
                        d.language,
                        d.title_key,
                        tsvector_literal(d.title_terms, d.body_terms),
                    ],
                )
                document_id = cursor.fetchone()[0]
                cursor.execute(
                    "DELETE FROM core_search_facet WHERE document_id = %s", [document_id]
                )
                if d.facets:
                    cursor.executemany(
                        "INSERT INTO core_search_facet (document_id, kind, name, value)"
                        " VALUES (%s, %s, %s, %s)",
                        [(document_id, d.kind, name, value) for name, value in d.facets],
                    )

    def delete(self, *, kind: str, object_ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM core_search_document WHERE kind = %s AND object_id = ANY(%s)",
                [kind, list(object_ids)],
            )

    def clear(self, *, kind: str) -> int:
        with connection.cursor() as cursor:
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
        where, params = _filters(kind=kind, facets=facets, restriction=restriction)
        match_params: list[Any] = []
        score_params: list[Any] = []
        order_params: list[Any] = []
        if query.empty:
            score = "0.0"
            order = "d.id DESC"
        else:
            where = "d.terms @@ %s::tsquery AND " + where
            match_params = [tsquery_literal(query)]
            score = f"ts_rank('{RANK_WEIGHTS}', d.terms, %s::tsquery)"
            score_params = [tsquery_literal(query)]
            tiers = ["(d.title_key = %s) DESC"]
            order_params = [query.key]
            # Then the whole query as a phrase in the title, every word in the
            # title, the whole query as a phrase in the body (as on SQLite).
            cases = []
            if query.whole_phrase:
                cases.append(("d.terms @@ %s::tsquery", _phrase(query.terms, weight="A")))
            cases.append(("d.terms @@ %s::tsquery", tsquery_literal(query, weight="A")))
            if query.whole_phrase and len(query.clauses) > 1:
                cases.append(("d.terms @@ %s::tsquery", _phrase(query.terms)))
            whens = " ".join(
                f"WHEN {condition} THEN {len(cases) - i}" for i, (condition, _) in enumerate(cases)
            )
            tiers.append(f"(CASE {whens} ELSE 0 END) DESC")
            order_params += [param for _, param in cases]
            order = ", ".join([*tiers, "score DESC", "d.id"])
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.id, d.object_id, {score} AS score FROM core_search_document AS d"  # noqa: S608
                f" WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s",
                [*score_params, *match_params, *params, *order_params, limit, offset],
            )
            page = cursor.fetchall()
            if len(page) < limit and (offset == 0 or page):
                total = offset + len(page)
            else:
                cursor.execute(
                    f"SELECT count(*) FROM core_search_document AS d WHERE {where}",  # noqa: S608
                    [*match_params, *params],
                )
                total = int(cursor.fetchone()[0])
            counts: dict[str, dict[str, int]] = {}
            if count_facets and total:
                cursor.execute(
                    "SELECT name, value, count(*) FROM core_search_facet WHERE document_id IN"  # noqa: S608
                    f" (SELECT d.id FROM core_search_document AS d WHERE {where})"
                    " GROUP BY name, value ORDER BY name, count(*) DESC, value",
                    [*match_params, *params],
                )
                for name, value, count in cursor.fetchall():
                    counts.setdefault(name, {})[value] = int(count)
            texts: dict[int, tuple[str, str]] = {}
            if page:
                cursor.execute(
                    "SELECT id, title, body FROM core_search_document WHERE id = ANY(%s)",
                    [[row[0] for row in page]],
                )
                texts = {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
        rows = [
            Row(object_id=int(object_id), score=float(score), title=texts[i][0], body=texts[i][1])
            for i, object_id, score in page
        ]
        return Found(rows=rows, total=total, facets=counts)
