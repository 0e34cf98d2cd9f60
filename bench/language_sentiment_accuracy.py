"""Measured accuracy of the listening pipeline's language identification and
default sentiment scorer on the labelled evaluation set.

Usage: python bench/language_sentiment_accuracy.py

Reads ``src/sifara/listening/evaluation/labelled_posts.jsonl`` (hand-labelled
Arabic and English posts), runs the same identifier on the same cleaned text
as the pipeline (script shortcuts,
function words, lingua restricted to ``SIFARA_LISTENING_LANGUAGES``) and the
same lexicon scorer the pipeline uses, and prints accuracy overall and per
language, a confusion matrix for sentiment, and macro-F1. The last line is JSON.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sifara.settings.test")

LABELS = ("neg", "neu", "pos")


def main() -> None:
    import django

    django.setup()
    from sifara.core.text import normalize
    from sifara.listening.evaluation import load
    from sifara.listening.language import LanguageIdentifier, language_sample
    from sifara.listening.sentiment import LexiconScorer

    posts = load()
    identifier = LanguageIdentifier()
    languages = identifier.identify_many([language_sample(p["text"]) for p in posts])
    scorer = LexiconScorer()
    language_ok = Counter[str]()
    sentiment_ok = Counter[str]()
    totals = Counter[str]()
    confusion: Counter[tuple[str, str]] = Counter()
    for post, found in zip(posts, languages, strict=True):
        lang = post["language"]
        totals[lang] += 1
        language_ok[lang] += int(found == lang)
        _score, label = scorer.score(normalize(post["text"]), lang)
        confusion[(post["sentiment"], label)] += 1
        sentiment_ok[lang] += int(label == post["sentiment"])
    n = len(posts)
    print(f"labelled posts: {n} ({', '.join(f'{k} {v}' for k, v in sorted(totals.items()))})")
    print(f"language identification accuracy: {sum(language_ok.values()) / n:.3f}")
    for lang in sorted(totals):
        print(f"  {lang}: {language_ok[lang] / totals[lang]:.3f}")
    print(f"sentiment accuracy (3 classes): {sum(sentiment_ok.values()) / n:.3f}")
    for lang in sorted(totals):
        print(f"  {lang}: {sentiment_ok[lang] / totals[lang]:.3f}")
    print("confusion (rows: label, columns: scorer):")
    print("        " + "  ".join(f"{c:>5}" for c in LABELS))
    f1s = []
    for gold in LABELS:
        print(f"  {gold:>5} " + "  ".join(f"{confusion[(gold, c)]:>5}" for c in LABELS))
        tp = confusion[(gold, gold)]
        predicted = sum(confusion[(g, gold)] for g in LABELS)
        actual = sum(confusion[(gold, c)] for c in LABELS)
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    macro_f1 = sum(f1s) / len(f1s)
    print(f"sentiment macro-F1: {macro_f1:.3f}")
    polar = [(g, p) for (g, p), count in confusion.items() for _ in range(count) if g != "neu"]
    polarity_ok = sum(1 for g, p in polar if p == g) / len(polar) if polar else 0.0
    print(f"polar posts labelled with the right polarity: {polarity_ok:.3f}")
    print(
        json.dumps(
            {
                "benchmark": "language_sentiment_accuracy",
                "posts": n,
                "language_accuracy": round(sum(language_ok.values()) / n, 3),
                "language_accuracy_by_language": {
                    k: round(language_ok[k] / totals[k], 3) for k in sorted(totals)
                },
                "sentiment_accuracy": round(sum(sentiment_ok.values()) / n, 3),
                "sentiment_accuracy_by_language": {
                    k: round(sentiment_ok[k] / totals[k], 3) for k in sorted(totals)
                },
                "sentiment_macro_f1": round(macro_f1, 3),
                "polar_recall": round(polarity_ok, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
