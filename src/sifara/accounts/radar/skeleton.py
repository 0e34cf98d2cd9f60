"""Unicode TR39 confusable skeletons and mixed-script detection.

TR39 defines ``skeleton(s) = NFD(map(NFD(s)))`` where *map* replaces each
character by its *prototype* from ``confusables.txt``. We do not ship
``confusables.txt``; the installed ``confusable-homoglyphs`` package ships
``confusables.json``, generated from it, which stores every ``source ;
prototype`` line as a *symmetric* pair (each side lists the other). Because
TR39 mappings are idempotent (a prototype is never itself a source) the pairs
form stars: the prototype is the hub connected to all its sources, and each
source has exactly one neighbour (we check this while loading). We therefore
recover the one-way mapping at import time:

* a node with one neighbour whose neighbour has several is a source, mapped
  to that neighbour (e.g. Cyrillic ``а`` → ``a``, ``1`` → ``l``, ``m`` → ``rn``);
* for an isolated pair (both ends with one neighbour) the prototype is the
  multi-character side, else the ASCII side, else the lower code point.

Right-to-left entries are wrapped in LEFT-TO-RIGHT MARKs in that file; they are
stripped. The mapping is built once (lazily, ~50 ms) and cached; per-string
results are cached with ``functools.lru_cache``.
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from importlib import resources

_LRM = "\u200e"


def _load_graph() -> dict[str, set[str]]:
    try:
        text = (
            resources.files("confusable_homoglyphs")
            .joinpath("confusables.json")
            .read_text(encoding="utf-8")
        )
    except (ModuleNotFoundError, FileNotFoundError, OSError):  # pragma: no cover
        return {}
    raw = json.loads(text)
    graph: dict[str, set[str]] = {}
    for key, values in raw.items():
        k = key.replace(_LRM, "")
        if not k:
            continue
        bucket = graph.setdefault(k, set())
        for item in values:
            v = str(item.get("c", "")).replace(_LRM, "")
            if v and v != k:
                bucket.add(v)
                graph.setdefault(v, set()).add(k)
    return graph


def _pick_prototype(a: str, b: str) -> str:
    if len(a) != len(b):
        return a if len(a) > len(b) else b
    if a.isascii() != b.isascii():
        return a if a.isascii() else b
    return min(a, b)


@lru_cache(maxsize=1)
def prototype_map() -> dict[str, str]:
    """Single code point → prototype string (NFD), per TR39 confusables."""
    graph = _load_graph()
    mapping: dict[str, str] = {}
    for node, neighbours in graph.items():
        if len(node) != 1 or len(neighbours) != 1:
            continue  # hubs are prototypes; multi-char strings are never sources
        (other,) = neighbours
        if len(graph.get(other, ())) > 1:
            proto = other
        else:
            proto = _pick_prototype(node, other)
            if proto == node:
                continue
        mapping[node] = unicodedata.normalize("NFD", proto)
    return mapping


@lru_cache(maxsize=1)
def _ascii_table() -> dict[int, str]:
    pmap = prototype_map()
    return {ord(c): pmap[c] for c in map(chr, range(128)) if c in pmap}


@lru_cache(maxsize=65536)
def skeleton(text: str) -> str:
    """TR39 skeleton: NFD → prototype of each character → NFD."""
    if text.isascii():
        return text.translate(_ascii_table())
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFD", decomposed.translate(_prototype_table()))


@lru_cache(maxsize=1)
def _prototype_table() -> dict[int, str]:
    """``prototype_map`` keyed by code point, for ``str.translate``."""
    return {ord(c): proto for c, proto in prototype_map().items()}


@lru_cache(maxsize=4096)
def char_script(ch: str) -> str:
    """A coarse script name for a letter (LATIN, CYRILLIC, GREEK, ARABIC …), "" otherwise."""
    if not ch.isalpha():
        return ""
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "UNKNOWN"
    first = name.split(" ", 1)[0]
    if first in {"MATHEMATICAL", "FULLWIDTH", "HALFWIDTH", "SMALL", "MODIFIER"}:
        return "LATIN-VARIANT" if "LATIN" in name or "CAPITAL" in name else first
    return first


def scripts_of(text: str) -> set[str]:
    return {s for s in map(char_script, text) if s}


def mixed_script_tokens(text: str) -> list[str]:
    """Words that mix letters of several scripts (e.g. Latin with Cyrillic).

    Arabic next to Latin *between* words is ordinary bilingual writing; only a
    word that mixes scripts inside itself is reported.
    """
    if text.isascii():
        return []
    out = []
    for token in text.replace("_", " ").replace(".", " ").replace("-", " ").split():
        if len(scripts_of(token)) > 1:
            out.append(token)
    return out


def non_latin_lookalikes(text: str) -> list[str]:
    """Characters outside ASCII whose skeleton is ASCII (e.g. Cyrillic ``о``)."""
    pmap = prototype_map()
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if not ch.isascii() and ch in pmap and pmap[ch].isascii() and ch not in out:
            out.append(ch)
    return out
