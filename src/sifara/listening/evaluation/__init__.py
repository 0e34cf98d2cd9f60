"""Labelled evaluation data of the listening pipeline (see ``labelled_posts.jsonl``).

``labelled_posts.jsonl``: 307 short posts written for this evaluation (152
English, 155 Arabic; Modern Standard Arabic, ministry and consular topics),
each labelled by hand with its language and its sentiment (``pos``, ``neg`` or
``neu``: a factual announcement is ``neu``). The lexicon was not tuned on it
beyond a handful of entries; ``bench/language_sentiment_accuracy.py`` measures
the default language identifier and sentiment scorer against it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

LABELLED_POSTS = Path(__file__).with_name("labelled_posts.jsonl")


def load() -> list[dict[str, Any]]:
    with LABELLED_POSTS.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
