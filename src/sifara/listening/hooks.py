"""Hook points for code built on top of the pipeline (the analysis app).

After every stored batch the pipeline calls each registered hook with keyword
arguments (the fields of :class:`BatchResult`): ``post_ids`` (the new posts'
ids), ``topic_post_ids`` (topic id -> matching new post ids), ``topic_ids``,
``clusters_created``, ``clusters_updated``, ``clusters_coordinated``,
``source_id`` and ``now`` (the ingest's time). Accept ``**kwargs`` so that
fields added later do not break a hook. Hooks run after the batch's transaction has committed
(inside an outer transaction: after the batch's savepoint), so they see the
stored rows. Keep them cheap: the pipeline waits for them. Enqueue a Huey task
(with ``transaction.on_commit``) for anything slow. A hook that raises is logged
and the next one still runs; the batch stays stored.

Register from an ``AppConfig.ready()``::

    from sifara.listening.hooks import register_batch_hook
    register_batch_hook(evaluate_alert_rules)

    def evaluate_alert_rules(*, post_ids, topic_ids, now, **kwargs): ...
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchResult:
    """What one stored batch added."""

    source_id: int
    now: datetime
    #: ids of the posts stored by this batch (near-duplicates included)
    post_ids: list[int]
    #: watch-list topic id -> ids of this batch's posts that matched it
    topic_post_ids: dict[int, list[int]] = field(default_factory=dict)
    clusters_created: list[int] = field(default_factory=list)
    clusters_updated: list[int] = field(default_factory=list)
    #: clusters that reached the coordinated threshold in this batch
    clusters_coordinated: list[int] = field(default_factory=list)

    @property
    def topic_ids(self) -> list[int]:
        return sorted(self.topic_post_ids)

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "source_id": self.source_id,
            "now": self.now,
            "post_ids": list(self.post_ids),
            "topic_post_ids": {k: list(v) for k, v in self.topic_post_ids.items()},
            "topic_ids": self.topic_ids,
            "clusters_created": list(self.clusters_created),
            "clusters_updated": list(self.clusters_updated),
            "clusters_coordinated": list(self.clusters_coordinated),
        }


BatchHook = Callable[..., None]
_hooks: list[BatchHook] = []


def register_batch_hook(hook: BatchHook) -> None:
    """Call ``hook`` after every stored batch (registering twice is harmless)."""
    if hook not in _hooks:
        _hooks.append(hook)


def unregister_batch_hook(hook: BatchHook) -> None:
    if hook in _hooks:
        _hooks.remove(hook)


def registered_batch_hooks() -> list[BatchHook]:
    return list(_hooks)


def run_batch_hooks(result: BatchResult) -> int:
    """Run every hook; the number that failed (logged, never raised)."""
    failed = 0
    for hook in list(_hooks):
        try:
            hook(**result.as_kwargs())
        except Exception:
            failed += 1
            log.exception("listening batch hook %r failed", getattr(hook, "__name__", hook))
    return failed
