"""Query parsing: words, "quoted phrases" and trailing-* prefixes → terms.

The same normalisation and stemming as at index time (sifara.core.text).
"""

from __future__ import annotations

import re

from sifara.core.search_backends.base import Clause, Query
from sifara.core.text import index_terms

#: Most terms a query may carry (longer queries are cut, never an error).
MAX_TERMS = 16
_PART = re.compile(r'"([^"]*)"?|(\S+)')


def parse(text: str) -> Query:
    """Split ``text`` into required clauses: each quoted part is a phrase, each
    other word a term (``word*`` matches as a prefix). Punctuation and other
    syntax are ignored: user input never reaches the database's query language."""
    clauses: list[Clause] = []
    terms: list[str] = []
    for match in _PART.finditer(text[:2000]):
        phrase, word = match.group(1), match.group(2)
        if phrase is not None:
            found = index_terms(phrase)[: MAX_TERMS - len(terms)]
            if found:
                clauses.append(Clause(tuple(found)))
                terms.extend(found)
        else:
            prefix = word.endswith("*")
            # A word may normalise to several terms ("U.N." → u, n): all required.
            for i, term in enumerate(found := index_terms(word)[: MAX_TERMS - len(terms)]):
                clauses.append(Clause((term,), prefix=prefix and i == len(found) - 1))
                terms.append(term)
        if len(terms) >= MAX_TERMS:
            break
    # Drop duplicate clauses (the same word twice must not double its weight).
    unique = tuple(dict.fromkeys(clauses))
    return Query(clauses=unique, terms=tuple(terms))
