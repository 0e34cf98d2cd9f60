"""The analysis side of the ingest pipeline's post-batch hook
(:mod:`sifara.listening.hooks`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction


def on_batch(*, post_ids: Sequence[int] = (), now: datetime | None = None, **kwargs: Any) -> None:
    """After a stored batch: link its posts to statements and claims and evaluate
    the alert rules, in a background task (the pipeline does not wait for it)."""
    from sifara.analysis.tasks import analysis_batch

    ids = [int(pk) for pk in post_ids]
    moment = now.isoformat() if now is not None else ""
    transaction.on_commit(lambda: analysis_batch(ids, moment))


def register() -> None:
    """Register :func:`on_batch` with the pipeline."""
    from sifara.listening.hooks import register_batch_hook

    register_batch_hook(on_batch)
