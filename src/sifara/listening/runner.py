"""Connector processes: poll due sources, stream the firehose, record health.

``sifara listen run --source NAME`` runs one source in this process;
``sifara listen run`` runs every active polling source in a loop and starts
one child process per streaming source. A poll that fails is recorded
(``last_error``, ``consecutive_failures``) and the source is backed off
exponentially (:func:`services.backoff_seconds`); after
:data:`services.FLAG_AFTER_FAILURES` failures in a row the sources page flags it.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import httpx
from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone

from sifara.listening import services
from sifara.listening.connectors.base import ConnectorError, PollConnector, make_client
from sifara.listening.connectors.mastodon import MastodonConnector
from sifara.listening.connectors.rss import RssConnector
from sifara.listening.connectors.telegram import TelegramConnector
from sifara.listening.models import Platform, Source
from sifara.listening.pipeline import IngestReport, ingest
from sifara.listening.types import RawItem, SkippedRaw

log = logging.getLogger(__name__)

POLLING: dict[str, Callable[[], PollConnector]] = {
    Platform.RSS: RssConnector,
    Platform.MASTODON: MastodonConnector,
    Platform.TELEGRAM: TelegramConnector,
}
STREAMING = frozenset({Platform.BLUESKY})


@dataclass
class PollOutcome:
    ok: bool
    report: IngestReport | None = None
    error: str = ""
    not_modified: bool = False


def poll_source(
    source: Source, *, client: httpx.Client, now: datetime | None = None
) -> PollOutcome:
    """Poll one source once and store what it delivered; never raises for the
    outside world's failures (they are recorded and backed off)."""
    now = now or timezone.now()
    factory = POLLING.get(source.platform)
    if factory is None:
        return PollOutcome(ok=False, error=f"{source.platform} sources are not polled")
    try:
        credentials = services.source_credentials(source=source)
        result = factory().poll(source, client=client, credentials=credentials)
    except ConnectorError as exc:
        services.source_record_failure(source=source, now=now, error=str(exc))
        log.warning("listening source %s failed: %s", source.name, exc)
        return PollOutcome(ok=False, error=str(exc))
    except Exception as exc:  # a connector bug must not stop the other sources
        log.exception("listening source %s crashed", source.name)
        services.source_record_failure(source=source, now=now, error=type(exc).__name__)
        return PollOutcome(ok=False, error=type(exc).__name__)
    report = ingest(result.items, source=source, now=now) if result.items else IngestReport()
    services.source_record_success(
        source=source,
        now=now,
        etag=result.etag,
        last_modified=result.last_modified,
        cursor=result.cursor,
    )
    return PollOutcome(ok=True, report=report, not_modified=result.not_modified)


def due_sources(now: datetime) -> list[Source]:
    return list(
        Source.objects.filter(is_active=True, platform__in=list(POLLING))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .select_related("credentials_key")
    )


class Stopper:
    """Set by SIGINT/SIGTERM so loops finish their batch and exit."""

    def __init__(self) -> None:
        self.stopped = False

    def install(self) -> None:
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGTERM, self._stop)

    def _stop(self, signum: int, frame: object) -> None:
        self.stopped = True


def run_polling(
    *,
    stopper: Stopper,
    once: bool = False,
    only: str | None = None,
    client: httpx.Client | None = None,
) -> int:
    """Poll due sources until stopped; the number of polls made."""
    polls = 0
    own_client = client is None
    client = client or make_client()
    try:
        while not stopper.stopped:
            close_old_connections()
            now = timezone.now()
            sources = [s for s in due_sources(now) if only is None or s.name == only]
            for source in sources:
                if stopper.stopped:
                    break
                outcome = poll_source(source, client=client, now=now)
                polls += 1
                if outcome.ok and outcome.report is not None:
                    log.info("listening %s: %s", source.name, outcome.report)
            if once:
                break
            time.sleep(1.0)
    finally:
        if own_client:
            client.close()
    return polls


def run_stream(source: Source, *, stopper: Stopper, max_messages: int | None = None) -> int:
    """Stream a firehose source until stopped, reconnecting with back-off."""
    from sifara.listening.connectors.bluesky import stream

    def store(batch: list[RawItem | SkippedRaw]) -> None:
        close_old_connections()
        ingest(batch, source=source)
        services.source_record_success(source=source, now=timezone.now())

    async def main() -> int:
        stop = asyncio.Event()

        async def watch() -> None:
            while not stopper.stopped:
                await asyncio.sleep(0.2)
            stop.set()

        watcher = asyncio.create_task(watch())
        try:
            return await stream(source, store=store, stop=stop, max_messages=max_messages)
        finally:
            watcher.cancel()

    read = 0
    while not stopper.stopped:
        try:
            read += asyncio.run(main())
            if max_messages is not None:
                break
        except Exception as exc:  # network errors: record, back off, reconnect
            now = timezone.now()
            services.source_record_failure(
                source=source, now=now, error=str(exc)[:300] or type(exc).__name__
            )
            source.refresh_from_db()
            wait = services.backoff_seconds(source.consecutive_failures)
            log.warning("listening stream %s failed (%s); retrying in %s s", source.name, exc, wait)
            deadline = time.monotonic() + wait
            while not stopper.stopped and time.monotonic() < deadline:
                time.sleep(0.5)
            if max_messages is not None:
                break
    return read
