"""The radar's batch path: ``RegistryIndex.screen_batch`` and its vectorised
pre-filter (``radar/batch.py``) must answer exactly what ``screen()`` answers."""

from __future__ import annotations

import random

import numpy as np
import pytest

from sifara.accounts.radar import CandidateInput, ScreenResult
from sifara.accounts.radar.batch import CodeSet, _Window, scan_handles
from sifara.accounts.radar.engine import RegistryIndex
from sifara.accounts.radar.evaluate import TODAY, load_cases, registry, to_candidate
from sifara.accounts.radar.normalise import fold_ascii, fold_handle


@pytest.fixture(scope="module")
def index() -> RegistryIndex:
    return RegistryIndex(registry(), today=TODAY)


def _variants(handle: str, rng: random.Random) -> list[str]:
    """Look-alikes of one handle, the kinds impersonators use, plus awkward spellings."""
    tokens = [t for t in handle.replace(".", "_").split("_") if t]
    out = [
        handle,
        handle.upper(),
        "@" + handle,
        f"  {handle} ",
        handle + "2024",
        handle + "_1",
        "official_" + handle,
        handle + "_news",
        "the_" + handle + "_official",
        "real" + handle + "2",
        handle[1:],
        handle[:-1],
        handle[:3] + handle[4:],
        handle[:2] + handle[3] + handle[2] + handle[4:],
        handle.replace("o", "0").replace("i", "1"),
        handle.replace("a", "а"),  # Cyrillic а
        handle.replace("_", "."),
        "_".join(reversed(tokens)),
        handle + "\n",
    ]
    pos = rng.randrange(len(handle))
    out.append(handle[:pos] + rng.choice("abcdefghijklmnopqrstuvwxyz") + handle[pos + 1 :])
    out.append(handle[:pos] + rng.choice("xyz") + handle[pos:])
    return out


def _handles() -> list[str]:
    rng = random.Random(7)
    out: list[str] = []
    for entry in registry():
        out += _variants(entry.handle, rng)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_."
    words = ["omar", "news", "sara", "the", "official", "demo", "mfa", "gov", "star", "tv"]
    for _ in range(1500):
        out.append("".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 16))))
        out.append(rng.choice(words) + rng.choice(["_", "", "."]) + rng.choice(words))
        out[-1] += str(rng.randrange(10_000)) if rng.random() < 0.5 else ""
    return [*out, "", "@", " ", "ب", "وزارة_الخارجية", "mfa\tdemo"]


def _as_map(results: list[ScreenResult]) -> dict[int, tuple[object, ...]]:
    return {
        i: (r.score, r.flagged, r.matched, r.reasons)
        for i, r in enumerate(results)
        if r.reasons or r.matched is not None
    }


def test_screen_batch_equals_screen(index: RegistryIndex) -> None:
    platforms = ["x", "facebook", "instagram", "telegram"]
    candidates = [
        CandidateInput(platform=platforms[i % len(platforms)], handle=h)
        for i, h in enumerate(_handles())
    ]
    _reg, cases = load_cases()
    candidates += [to_candidate(c["candidate"]) for c in cases]
    found = index.screen_batch(candidates)
    assert any(r.flagged for r in found.values())
    one = [index.screen(c) for c in candidates]
    got = {i: (r.score, r.flagged, r.matched, r.reasons) for i, r in found.items()}
    assert got == _as_map(one)
    # The stream form: one result per candidate, clear ones included.
    many = list(index.screen_many(candidates, batch=500))
    assert _as_map(many) == got
    assert len(many) == len(candidates)
    assert index.screen_batch([]) == {}


def test_vectorised_filter_keeps_every_handle_the_exact_filter_keeps(
    index: RegistryIndex,
) -> None:
    handles = [h for h in _handles() if "\n" not in h]
    scan = scan_handles(index._tables, "\n".join(handles).encode("utf-8"))
    kept = set(scan.sure) | set(scan.check) | set(scan.odd)
    missed = [
        h
        for i, h in enumerate(handles)
        if i not in kept and index._handle_may_match(h, fold_handle(h))
    ]
    assert missed == []
    # Keys are folded exactly as one by one; odd ones are the caller's.
    odd = set(scan.odd)
    assert all(scan.key(i) == fold_handle(h) for i, h in enumerate(handles) if i not in odd)
    assert {handles[i] for i in odd} >= {"@", " ", "ب", "وزارة_الخارجية"}


def test_exact_filter_keeps_every_handle_with_handle_evidence(index: RegistryIndex) -> None:
    for h in _handles():
        raw = h.strip().lstrip("@")
        result = index.screen(CandidateInput(platform="youtube", handle=h))
        if result.reasons:
            assert index._handle_may_match(raw, fold_handle(raw)), h


def test_code_set_is_a_set() -> None:
    rng = np.random.default_rng(3)
    members = rng.integers(0, 1 << 40, 5000)
    probe = np.concatenate((members[:1000], rng.integers(0, 1 << 40, 20_000)))
    codes = CodeSet(int(v) for v in members)
    assert np.array_equal(codes.test(probe), np.isin(probe, members))
    assert not CodeSet([]).test(probe).any()


def test_windows_cut_and_gather_like_str_methods() -> None:
    rng = random.Random(5)
    texts = [
        "".join(rng.choice("ab_.-0129") for _ in range(rng.randrange(0, 9))) for _ in range(500)
    ]
    view = _Window.split("\n".join(texts).encode("ascii"))
    assert view.gather(view.starts, view.ends).decode("ascii").split("\n") == texts
    cut = view.cut_trailing(np.array([chr(b) in "0123456789_.-" for b in range(256)]))
    stripped = view.gather(view.starts, cut).decode("ascii").split("\n")
    assert stripped == [t.rstrip("0123456789_.-") for t in texts]
    heads = view.head(3)
    assert heads.tolist() == [
        (len(t[:3]) << 24) | int.from_bytes(t[:3].encode(), "big") for t in texts
    ]


def test_fold_ascii_equals_fold_handle() -> None:
    handles = ["MFA.Dem0", "rnfa__demo", "vvashington", "", "a-b_c.d", "Mfaa", "x  y"]
    folded = fold_ascii("\n".join(handles).encode("ascii")).decode("ascii").split("\n")
    assert folded == [fold_handle(h) for h in handles]
