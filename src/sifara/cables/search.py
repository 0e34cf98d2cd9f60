"""What of a cable sits in the search index (decision 0013).

The index lives in the same database, so it must never hold text that the
database itself keeps only encrypted. Every cable is indexed as a *blind
index*: each normalised, stemmed term becomes a keyed hash
(HMAC-SHA256 with a key derived from the ministry's signing key, which is kept
outside the database), written as a 16-letter token. A query is turned into
tokens the same way, so matching works, but a copy of the database shows only
tokens, never words.

| classification | terms indexed (as tokens) |
|---|---|
| UNCLASSIFIED to CONFIDENTIAL | subject, paragraphs, reference, TAGS, unit names |
| SECRET | reference, TAGS, unit names only (no content terms at all) |

Drafts are not indexed; recalled cables stay indexed (and show as recalled).
The title stored in the index is the reference number (already in clear).
Results are always restricted to ``cable_list_for_user`` by the facade, so a
search never reveals that an invisible cable exists.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings
from django.utils.html import strip_tags

from sifara.cables import content
from sifara.cables.models import Cable, CableStatus
from sifara.core import search
from sifara.core.models import Classification
from sifara.core.text import index_terms

KIND = "cable"
_ALPHABET = "bcdfghjkmnpqrtvw"  # 16 consonants: no stemmer suffix can apply
_TOKEN_LETTERS = 16
_TOKEN_RE = re.compile(rf"^[{_ALPHABET}]{{{_TOKEN_LETTERS}}}$")


def _key() -> bytes:
    return hmac.new(
        bytes(settings.SIFARA_SIGNING_KEY), b"sifara:cables:blind-index:v1", hashlib.sha256
    ).digest()


def token(term: str) -> str:
    digest = hmac.new(_key(), term.encode("utf-8"), hashlib.sha256).digest()
    return "".join(_ALPHABET[b & 0x0F] for b in digest[:_TOKEN_LETTERS])


def tokens(text: str) -> list[str]:
    return [token(term) for term in index_terms(text)]


def _metadata_text(cable: Cable) -> str:
    units = [cable.drafting_unit] + [d.unit for d in cable.deliveries.select_related("unit")]
    names = " ".join(f"{u.name_en} {u.name_ar} {u.code}" for u in units)
    return f"{cable.reference or ''} {' '.join(cable.tags)} {names}"


def document(cable_id: int) -> search.Document | None:
    """The index entry of a cable (provider for ``core.search``), or None."""
    cable = Cable.objects.select_related("drafting_unit", "data_key").filter(pk=cable_id).first()
    if cable is None or cable.status == CableStatus.DRAFT:
        return None
    words = _metadata_text(cable)
    if cable.classification < Classification.SECRET:
        opened = content.open_cable(cable)
        if opened.readable:
            paragraphs = " ".join(strip_tags(p["text"]) for p in opened.paragraphs)
            words = f"{opened.subject} {paragraphs} {words}"
    return search.Document(
        kind=KIND,
        object_id=cable.pk,
        title=cable.reference or "",
        body=" ".join(tokens(words)),
        facets={},
    )


def query_tokens(query: str) -> str:
    """The user's words as index tokens (space separated); "" for no words."""
    return " ".join(dict.fromkeys(tokens(query)))


def cable_index(*, cable_id: int) -> bool:
    return search.index_object(kind=KIND, object_id=cable_id)


def register() -> None:
    search.register(KIND, document)
