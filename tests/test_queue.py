"""The configured queue really stores and hands back work: SqliteHuey by
default, RedisHuey when SIFARA_REDIS_URL is set (as in CI)."""

from __future__ import annotations

import uuid

from django.conf import settings

from sifara.huey import build_huey, queue_ping


def test_task_round_trips_through_configured_storage():
    huey = build_huey(immediate=False)
    huey.flush()
    marker = uuid.uuid4().hex

    @huey.task(retries=2)
    def echo(value: str) -> str:
        return value.upper()

    result = echo(marker)
    assert huey.pending_count() == 1
    message = huey.dequeue()
    assert message is not None and message.args == (marker,)
    huey.execute(message)
    assert result.get() == marker.upper()
    assert huey.pending_count() == 0


def test_backend_matches_configuration():
    huey = build_huey()
    expected = "RedisHuey" if settings.HUEY["huey_class"] == "huey.RedisHuey" else "SqliteHuey"
    assert type(huey).__name__ == expected
    assert queue_ping() >= 0
