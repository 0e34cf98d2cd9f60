"""Benchmark: impersonation-radar screening throughput vs a RapidFuzz baseline.

Usage: python bench/screen.py [--candidates N] [--officials M] [--quick] [--seed S]

Generates, deterministically and in memory (bounded batches, nothing on
disk), a synthetic registry of M official accounts and a stream of N candidate
accounts (about 5% near-duplicates of official handles — digit swaps, added
words, dropped/doubled letters, confusables, separators — and 95% ordinary
handles, 10% of them with a display name). Then, in the same run:

* **Sifara**: ``RegistryIndex(officials)`` built once (timed), then
  ``screen_batch`` over each batch (single process, one core). It answers
  with the results that are not clear, by position; every other candidate is
  clear (score 0, no match, no reasons), as ``screen()`` would say;
* **baseline**: RapidFuzz ``process.cdist`` of every candidate handle against
  every official handle with ``fuzz.ratio``, ``workers=1`` (one core, like
  Sifara), ``dtype=uint8``, in chunks of 5,000 rows to bound memory, plus the
  per-row best match (argmax) so that both produce a decision per candidate.

Both phases read the same generated batches of ``CandidateInput`` objects and
time everything from those objects to the decisions (the baseline's taking of
the handles out of the objects included).

Rates and ``speedup`` are wall clock. On a shared machine other work stretches
wall time unevenly, so each phase's CPU time (``time.process_time``; both are
single-threaded) is reported too, with ``cpu_speedup``.

Each phase runs in a forked child process so that its peak RSS
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``) is its own. Generating the
candidates is not timed in either phase. Finally the labelled-set evaluation
(``sifara.accounts.radar.evaluate``) is run at the default threshold.

``--quick``: 50,000 candidates. The last line printed is JSON.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import resource
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sifara.accounts.radar import CandidateInput, OfficialEntry  # noqa: E402

BATCH = 20_000
BASELINE_CHUNK = 5_000
PLATFORMS = ["x", "facebook", "instagram", "tiktok", "telegram", "youtube"]
_COUNTRIES = [
    "demo", "oman", "egypt", "qatar", "jordan", "tunisia", "morocco", "kuwait", "bahrain",
    "sudan", "libya", "iraq", "lebanon", "syria", "yemen", "algeria", "mauritania", "somalia",
    "djibouti", "comoros", "palestine", "emirates", "saudi", "india", "japan", "brazil",
    "france", "germany", "italy", "spain", "kenya", "nigeria", "ghana", "chile", "peru",
]  # fmt: skip
_CITIES = [
    "tokyo", "paris", "london", "cairo", "riyadh", "dubai", "berlin", "rabat", "ankara",
    "madrid", "rome", "vienna", "geneva", "brussels", "ottawa", "canberra", "beijing", "delhi",
    "jakarta", "nairobi", "dakar", "lagos", "accra", "tunis", "algiers", "amman", "doha",
    "muscat", "manama", "kuwait", "baghdad", "beirut", "damascus", "khartoum", "tripoli",
    "moscow", "kyiv", "warsaw", "prague", "lisbon", "athens", "oslo", "stockholm", "seoul",
]  # fmt: skip
_PATTERNS = [
    "{c}_embassy_{t}", "{c}in{t}", "{c}_in_{t}", "embassy_{c}_{t}", "{c}consulate_{t}",
    "mfa_{c}_{t}", "{c}mission_{t}", "{c}embassy{t}",
]  # fmt: skip
_WORDS = [
    "sun", "moon", "star", "cat", "dog", "ali", "sara", "omar", "lina", "nour", "ahmed", "maria",
    "john", "travel", "food", "photo", "music", "news", "daily", "best", "life", "style", "tech",
    "game", "sport", "art", "love", "city", "blue", "green", "king", "queen", "world", "fan",
]  # fmt: skip
_CONF = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і"}
_SWAP = {"o": "0", "l": "1", "i": "1", "e": "3", "a": "4", "s": "5", "t": "7"}


def make_registry(n: int, seed: int) -> list[OfficialEntry]:
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[OfficialEntry] = []
    while len(out) < n:
        c, t = rng.choice(_COUNTRIES), rng.choice(_CITIES)
        handle = rng.choice(_PATTERNS).format(c=c, t=t)
        if rng.random() < 0.2:
            handle += rng.choice(["_ar", "_en", "_fr", "gov"])
        if handle in seen:
            continue
        seen.add(handle)
        out.append(
            OfficialEntry(
                account_id=len(out) + 1,
                platform=rng.choice(PLATFORMS),
                handle=handle,
                display_name_en=f"Embassy of {c.title()} in {t.title()}",
                display_name_ar="",
                bio=f"Official account of the embassy of {c.title()} in {t.title()}.",
                website=f"https://{t}.mfa.gov.{c[:2]}",
            )
        )
    return out


def _mutate(handle: str, rng: random.Random) -> str:
    kind = rng.randrange(7)
    if kind == 0:
        pos = [i for i, ch in enumerate(handle) if ch in _SWAP]
        if pos:
            i = rng.choice(pos)
            return handle[:i] + _SWAP[handle[i]] + handle[i + 1 :]
    if kind == 1:
        return rng.choice(["official_", "real", "the_"]) + handle
    if kind == 2:
        return handle + rng.choice(["_official", "news", "_ar", "1"])
    if kind == 3:
        i = rng.randrange(1, len(handle) - 1)
        return handle[:i] + handle[i + 1 :]
    if kind == 4:
        i = rng.randrange(len(handle))
        return handle[:i] + handle[i] + handle[i:]
    if kind == 5:
        pos = [i for i, ch in enumerate(handle) if ch in _CONF]
        if pos:
            i = rng.choice(pos)
            return handle[:i] + _CONF[handle[i]] + handle[i + 1 :]
    return handle.replace("_", ".") if "_" in handle else handle.upper()


def candidate_batches(
    officials: list[OfficialEntry], n: int, seed: int
) -> Iterator[list[CandidateInput]]:
    rng = random.Random(seed + 1)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    done = 0
    while done < n:
        size = min(BATCH, n - done)
        batch: list[CandidateInput] = []
        for _ in range(size):
            platform = rng.choice(PLATFORMS)
            r = rng.random()
            if r < 0.05:
                off = rng.choice(officials)
                batch.append(CandidateInput(platform=platform, handle=_mutate(off.handle, rng)))
                continue
            if r < 0.5:
                handle = rng.choice(_WORDS) + rng.choice(["_", "", "."]) + rng.choice(_WORDS)
                if rng.random() < 0.6:
                    handle += str(rng.randrange(10_000))
            else:
                handle = "".join(rng.choice(alphabet) for _ in range(rng.randrange(5, 16)))
            name = ""
            if rng.random() < 0.1:
                name = f"{rng.choice(_WORDS).title()} {rng.choice(_WORDS).title()}"
            batch.append(CandidateInput(platform=platform, handle=handle, display_name=name))
        done += size
        yield batch


def _peak_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024, 1)


def phase_sifara(officials: list[OfficialEntry], n: int, seed: int) -> dict[str, Any]:
    from sifara.accounts.radar.engine import RegistryIndex

    t0, c0 = time.perf_counter(), time.process_time()
    index = RegistryIndex(officials)
    build = time.perf_counter() - t0
    screened = flagged = 0
    elapsed, cpu = build, time.process_time() - c0
    for batch in candidate_batches(officials, n, seed):
        t, c = time.perf_counter(), time.process_time()
        found = index.screen_batch(batch)  # every candidate not in ``found`` is clear
        screened += len(batch)
        flagged += sum(result.flagged for result in found.values())
        elapsed += time.perf_counter() - t
        cpu += time.process_time() - c
    return {
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "index_build_s": build,
        "screened": screened,
        "flagged": flagged,
        "peak_rss_mb": _peak_rss_mb(),
    }


def phase_baseline(officials: list[OfficialEntry], n: int, seed: int) -> dict[str, Any]:
    import numpy as np
    from rapidfuzz import fuzz, process

    choices = [o.handle for o in officials]
    screened = above = 0
    elapsed = cpu = 0.0
    for batch in candidate_batches(officials, n, seed):
        t, c = time.perf_counter(), time.process_time()
        handles = [c.handle for c in batch]
        for start in range(0, len(handles), BASELINE_CHUNK):
            chunk = handles[start : start + BASELINE_CHUNK]
            scores = process.cdist(chunk, choices, scorer=fuzz.ratio, dtype=np.uint8, workers=1)
            best = scores.argmax(axis=1)
            best_score = scores[np.arange(len(chunk)), best]
            above += int((best_score >= 80).sum())
            screened += len(chunk)
        elapsed += time.perf_counter() - t
        cpu += time.process_time() - c
    return {
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "screened": screened,
        "above_80": above,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _child(fn: Callable[..., dict[str, Any]], conn: Any, *args: Any) -> None:
    try:
        conn.send(fn(*args))
    except BaseException as exc:
        conn.send({"error": repr(exc)})
        raise
    finally:
        conn.close()


def run_in_child(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(fn, child, *args))
    proc.start()
    child.close()
    try:
        result = parent.recv()
    except EOFError:
        result = {"error": "child process died"}
    proc.join()
    if "error" in result:
        raise SystemExit(f"benchmark phase {fn.__name__} failed: {result['error']}")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--candidates", type=int, default=1_000_000)
    parser.add_argument("--officials", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--quick", action="store_true", help="50,000 candidates")
    args = parser.parse_args()
    n = 50_000 if args.quick else args.candidates
    officials = make_registry(args.officials, args.seed)
    print(f"registry: {len(officials)} official accounts; candidates: {n:,} (generated in memory)")

    sifara = run_in_child(phase_sifara, officials, n, args.seed)
    rate = sifara["screened"] / sifara["seconds"]
    print(
        f"sifara:   {sifara['seconds']:.2f} s ({rate:,.0f} candidates/s, index built in "
        f"{sifara['index_build_s']:.2f} s), {sifara['flagged']:,} flagged, "
        f"peak RSS {sifara['peak_rss_mb']} MB"
    )
    baseline = run_in_child(phase_baseline, officials, n, args.seed)
    brate = baseline["screened"] / baseline["seconds"]
    print(
        f"baseline: {baseline['seconds']:.2f} s ({brate:,.0f} candidates/s, RapidFuzz cdist "
        f"fuzz.ratio workers=1), {baseline['above_80']:,} rows with a score >= 80, "
        f"peak RSS {baseline['peak_rss_mb']} MB"
    )
    cpu_speedup = baseline["cpu_seconds"] / sifara["cpu_seconds"]
    print(
        f"speedup:  {rate / brate:.1f}x wall clock (target >= 5x); {cpu_speedup:.1f}x in CPU "
        f"time ({sifara['cpu_seconds']:.2f} s against {baseline['cpu_seconds']:.2f} s)"
    )

    from sifara.accounts.radar.evaluate import evaluate

    report = evaluate()
    print(
        f"labelled set: {report['n']} cases, precision {report['precision']:.3f}, "
        f"recall {report['recall']:.3f}, F1 {report['f1']:.3f} at threshold "
        f"{report['threshold']} (false positives {report['false_positives']}, "
        f"false negatives {report['false_negatives']})"
    )
    print(
        json.dumps(
            {
                "benchmark": "screen",
                "candidates": n,
                "officials": len(officials),
                "workers": 1,
                "candidates_per_s": round(rate, 1),
                "baseline_candidates_per_s": round(brate, 1),
                "speedup": round(rate / brate, 2),
                "seconds": round(sifara["seconds"], 3),
                "baseline_seconds": round(baseline["seconds"], 3),
                "cpu_seconds": round(sifara["cpu_seconds"], 3),
                "baseline_cpu_seconds": round(baseline["cpu_seconds"], 3),
                "cpu_speedup": round(cpu_speedup, 2),
                "index_build_s": round(sifara["index_build_s"], 3),
                "flagged": sifara["flagged"],
                "peak_rss_mb": sifara["peak_rss_mb"],
                "baseline_peak_rss_mb": baseline["peak_rss_mb"],
                "precision": report["precision"],
                "recall": report["recall"],
                "f1": report["f1"],
                "threshold": report["threshold"],
                "labelled_cases": report["n"],
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
