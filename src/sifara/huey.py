"""Background work: the Huey instance configured in settings (SqliteHuey or RedisHuey).

Tasks live in ``<app>/tasks.py``; they take ids, tolerate missing rows, are
idempotent, declare retries and call services.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def build_huey(*, immediate: bool = False) -> Any:
    """A Huey instance on the configured storage (for operators and tests)."""
    from huey import RedisHuey, SqliteHuey

    config = settings.HUEY
    if config["huey_class"] == "huey.RedisHuey":
        return RedisHuey(config["name"], url=config["url"], immediate=immediate, utc=True)
    return SqliteHuey(config["name"], filename=config["filename"], immediate=immediate, utc=True)


def queue_ping() -> int:
    """Touch the queue's storage; raises when it is unreachable. Returns pending count."""
    huey = build_huey()
    count: int = huey.pending_count()
    return count
