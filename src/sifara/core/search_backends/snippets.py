"""Highlighted snippets from the ORIGINAL text (not the normalised form).

Every word of the original is reduced to its search terms with the same code as
at index time, so a query for استراتيجية highlights إستراتيجيّة as written.
The text is cut into whitespace-separated chunks (fast, cached per chunk); only
the chunks of the chosen window are split into words for the ``<mark>`` tags.
"""

from __future__ import annotations

from bisect import bisect_left
from html import escape

from sifara.core.search_backends.base import Query
from sifara.core.text import chunk_terms, chunks_terms, iter_words

#: Chunks (roughly words) shown around the best match.
WINDOW = 28
#: Characters of the original text scanned for matches (longer bodies: the start).
SCAN_CHARS = 60_000


class _Matcher:
    def __init__(self, query: Query) -> None:
        exact: set[str] = set()
        prefixes: list[str] = []
        for clause in query.clauses:
            for i, term in enumerate(clause.terms):
                if clause.prefix and i == len(clause.terms) - 1:
                    prefixes.append(term)
                else:
                    exact.add(term)
        self.exact = frozenset(exact)
        self.prefixes = tuple(prefixes)
        self.wanted = len(self.exact) + len(self.prefixes)

    def matching(self, terms: frozenset[str]) -> frozenset[str]:
        found = self.exact & terms
        if self.prefixes:
            found |= {t for t in terms if t.startswith(self.prefixes)}
        return found


def _best_start(hits: list[int], found: dict[int, frozenset[str]], window: int, wanted: int) -> int:
    """The first chunk of the window holding the most distinct matching terms
    (then the most matches), starting a little before a match."""
    best, start = (-1, -1), 0
    for h in hits:
        lo = max(0, h - window // 4)
        inside = hits[bisect_left(hits, lo) : bisect_left(hits, lo + window)]
        distinct = set().union(*(found[i] for i in inside))
        score = (len(distinct), len(inside))
        if score > best:
            best, start = score, lo
            if score[0] >= wanted:
                break
    return start


def _mark_chunk(chunk: str, matcher: _Matcher) -> str:
    out: list[str] = []
    cursor = 0
    for s, e in iter_words(chunk):
        if matcher.matching(chunk_terms(chunk[s:e])):
            out.append(escape(chunk[cursor:s]))
            out.append(f"<mark>{escape(chunk[s:e])}</mark>")
            cursor = e
    out.append(escape(chunk[cursor:]))
    return "".join(out)


def highlight(text: str, query: Query, *, window: int = WINDOW) -> str:
    """An HTML-safe excerpt of ``text`` around its best-matching window, each
    matching word wrapped in ``<mark>``. The start of the text when nothing matches."""
    matcher = _Matcher(query)
    chunks = text[:SCAN_CHARS].split()
    if not chunks:
        return ""
    found: dict[int, frozenset[str]] = {}
    if matcher.prefixes:
        for i, terms in enumerate(chunks_terms(chunks)):
            if match := matcher.matching(terms):
                found[i] = match
    else:
        exact = matcher.exact
        for i, terms in enumerate(chunks_terms(chunks)):
            if not exact.isdisjoint(terms):
                found[i] = exact & terms
    hits = list(found)
    start = _best_start(hits, found, window, matcher.wanted) if hits else 0
    end = min(len(chunks), start + window)
    out = [
        _mark_chunk(chunks[j], matcher) if j in found else escape(chunks[j])
        for j in range(start, end)
    ]
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(chunks) or len(text) > SCAN_CHARS else ""
    return prefix + " ".join(out) + suffix
