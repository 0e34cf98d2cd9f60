"""Connectors against recorded samples of each platform's documented format.

The outside world is faked at its edge only: ``httpx.MockTransport`` serves the
samples over HTTP and a local WebSocket server replays Jetstream messages.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from sifara.listening import services
from sifara.listening.connectors.base import make_client
from sifara.listening.connectors.files import read_file
from sifara.listening.models import Platform, Post, SkippedItem, Source
from sifara.listening.pipeline import ingest
from sifara.listening.runner import Stopper, poll_source, run_stream
from sifara.listening.selectors import FLAGGED, source_health

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "samples"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def client_for(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.Client:
    return make_client(httpx.MockTransport(handler))


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def rss_source(**config: Any) -> Source:
    return services.source_create(
        actor=None,
        name="news-wire",
        title="News wire",
        platform=Platform.RSS,
        config={"url": "https://news.example/world/rss.xml", **config},
    )


def test_rss_feed_is_stored_and_polled_again_with_a_conditional_request() -> None:
    source = rss_source(country="GB")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.headers.get("If-None-Match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(
            200,
            content=sample("feed_rss2.xml"),
            headers={"ETag": '"v1"', "Last-Modified": "Fri, 20 Nov 2026 09:00:00 GMT"},
        )

    with client_for(handler) as client:
        first = poll_source(source, client=client, now=NOW)
        second = poll_source(source, client=client, now=NOW + timedelta(minutes=5))
    assert first.ok and first.report is not None
    assert (first.report.accepted, first.report.skipped) == (2, 1)
    assert second.ok and second.not_modified
    assert seen[1].headers["If-Modified-Since"] == "Fri, 20 Nov 2026 09:00:00 GMT"
    post = Post.objects.get(external_id="news-example-20261120-001")
    assert post.text.startswith("Foreign ministry announces new visa rules")
    assert "faster" in post.text and "<b>" not in post.text
    assert post.country == "GB" and post.platform == Platform.RSS
    bonn = Post.objects.get(external_id="https://news.example/world/bonn")
    assert bonn.published_at == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert SkippedItem.objects.get().reason == "invalid_date"


def test_atom_feed_in_arabic() -> None:
    source = rss_source()
    with client_for(lambda r: httpx.Response(200, content=sample("feed_atom.xml"))) as client:
        outcome = poll_source(source, client=client, now=NOW)
    assert outcome.ok
    post = Post.objects.get()
    assert post.language == "ar"
    assert post.url == "https://akhbar.example/2026/11/20/embassy"


@pytest.mark.parametrize(
    ("handler", "reason"),
    [
        (lambda r: httpx.Response(200, content=b"<html><body>Maintenance {"), "malformed"),
        (lambda r: httpx.Response(500), "HTTP 500"),
        (
            lambda r: httpx.Response(
                302, headers={"Location": "https://news.example/world/rss.xml"}
            ),
            "too many redirects",
        ),
        (
            lambda r: (_ for _ in ()).throw(httpx.ReadTimeout("slow", request=r)),
            "timed out",
        ),
    ],
)
def test_failing_feeds_are_backed_off_and_flagged_not_hammered(
    handler: Callable[[httpx.Request], httpx.Response], reason: str
) -> None:
    source = rss_source()
    calls = 0

    def counting(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return handler(request)

    now = NOW
    with client_for(counting) as client:
        for _attempt in range(services.FLAG_AFTER_FAILURES):
            outcome = poll_source(source, client=client, now=now)
            assert not outcome.ok and reason in outcome.error
            source.refresh_from_db()
            assert source.next_attempt_at is not None and source.next_attempt_at > now
            now = source.next_attempt_at
    assert source.consecutive_failures == services.FLAG_AFTER_FAILURES
    assert source.next_attempt_at - source.last_error_at == timedelta(  # type: ignore[operator]
        seconds=services.backoff_seconds(services.FLAG_AFTER_FAILURES)
    )
    assert source_health(source=source, now=now).state == FLAGGED
    assert Post.objects.count() == 0
    assert calls <= services.FLAG_AFTER_FAILURES * 6  # redirects count as requests


def test_mastodon_hashtag_timeline_resumes_with_since_id() -> None:
    source = services.source_create(
        actor=None,
        name="mastodon-diplomacy",
        title="#diplomacy",
        platform=Platform.MASTODON,
        config={"instance": "https://mastodon.social", "hashtag": "diplomacy"},
        credentials={"token": "secret-token"},
    )
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if "since_id" in request.url.params:
            return httpx.Response(200, json=[])
        return httpx.Response(200, content=sample("mastodon_tag_diplomacy.json"))

    with client_for(handler) as client:
        poll_source(source, client=client, now=NOW)
        source.refresh_from_db()
        poll_source(source, client=client, now=NOW + timedelta(minutes=5))
    assert requests[0].url.path == "/api/v1/timelines/tag/diplomacy"
    assert requests[0].headers["Authorization"] == "Bearer secret-token"
    assert requests[1].url.params["since_id"] == "113512345678901236"
    posts = {p.author_handle: p for p in Post.objects.all()}
    assert set(posts) == {"analyst@diplo.social", "citizen@mastodon.social"}  # reblog skipped
    assert posts["analyst@diplo.social"].text.startswith("The embassy's consular team")
    assert posts["analyst@diplo.social"].reach == 1520
    assert (
        posts["citizen@mastodon.social"].text
        == "تأخير التأشيرات في السفارة غير مقبول\nننتظر منذ شهرين"
    )
    assert posts["citizen@mastodon.social"].sentiment_label == "neg"


def test_telegram_channel_posts_from_bot_api_updates() -> None:
    source = services.source_create(
        actor=None,
        name="telegram-spokesperson",
        title="Spokesperson",
        platform=Platform.TELEGRAM,
        config={"channel": "@mfa_demo_spokesperson"},
        credentials={"token": "123456:ABC-DEF"},
    )
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if "offset" in request.url.params:
            return httpx.Response(200, json={"ok": True, "result": []})
        return httpx.Response(200, content=sample("telegram_get_updates.json"))

    with client_for(handler) as client:
        poll_source(source, client=client, now=NOW)
        source.refresh_from_db()
        poll_source(source, client=client, now=NOW)
    assert requests[0].url.path == "/bot123456:ABC-DEF/getUpdates"
    assert requests[1].url.params["offset"] == "872341005"
    posts = {p.external_id: p for p in Post.objects.all()}
    assert set(posts) == {"-1001987654321/1201", "-1001987654321/1202"}
    assert posts["-1001987654321/1201"].url == "https://t.me/mfa_demo_spokesperson/1201"
    assert posts["-1001987654321/1202"].text == "The minister meets the delegation in Bonn"
    assert SkippedItem.objects.get().reason == "empty_text"  # the sticker


def test_telegram_without_token_fails_clearly() -> None:
    source = services.source_create(
        actor=None, name="tg", title="TG", platform=Platform.TELEGRAM, config={"channel": "@x"}
    )
    with client_for(lambda r: httpx.Response(200)) as client:
        outcome = poll_source(source, client=client, now=NOW)
    assert not outcome.ok and "token" in outcome.error


def test_credentials_are_encrypted_at_rest() -> None:
    source = services.source_create(
        actor=None,
        name="tg2",
        title="TG",
        platform=Platform.TELEGRAM,
        config={"channel": "@x"},
        credentials={"token": "123456:VERY-SECRET"},
    )
    stored = Source.objects.get(pk=source.pk)
    assert b"VERY-SECRET" not in bytes(stored.credentials or b"")
    assert services.source_credentials(source=stored) == {"token": "123456:VERY-SECRET"}


def _serve_jetstream(lines: list[str], seen_paths: list[str]) -> tuple[int, Callable[[], None]]:
    import websockets
    from websockets.asyncio.server import serve

    ready = threading.Event()
    port_box: list[int] = []
    stop_box: list[Callable[[], None]] = []

    def run() -> None:
        async def handler(socket: Any) -> None:
            seen_paths.append(socket.request.path)
            for line in lines:
                await socket.send(line)
            await socket.close()

        async def main() -> None:
            stop = asyncio.get_running_loop().create_future()
            stop_box.append(lambda: loop.call_soon_threadsafe(stop.set_result, None))
            async with serve(handler, "127.0.0.1", 0) as server:
                port_box.append(server.sockets[0].getsockname()[1])
                ready.set()
                await stop

        loop = asyncio.new_event_loop()
        loop.run_until_complete(main())

    del websockets
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(5)
    return port_box[0], stop_box[0]


@pytest.mark.django_db(transaction=True)
def test_bluesky_jetstream_posts_from_a_websocket_with_resume_cursor() -> None:
    lines = (SAMPLES / "jetstream_posts.jsonl").read_text().splitlines()
    paths: list[str] = []
    port, stop_server = _serve_jetstream(lines, paths)
    try:
        source = services.source_create(
            actor=None,
            name="bluesky",
            title="Bluesky",
            platform=Platform.BLUESKY,
            config={"endpoint": f"ws://127.0.0.1:{port}/subscribe"},
        )
        source.cursor = "1732099999000000"
        source.save(update_fields=["cursor"])
        run_stream(source, stopper=Stopper(), max_messages=len(lines))
    finally:
        stop_server()
    assert "wantedCollections=app.bsky.feed.post" in paths[0]
    assert "cursor=1732099994000000" in paths[0]  # rewound five seconds
    posts = {p.external_id: p for p in Post.objects.all()}
    assert set(posts) == {
        "at://did:plc:eygmaihciaxprqvxpfvl6flk/app.bsky.feed.post/3lbbsdkfrcs2k",
        "at://did:plc:k644h4rq5bjfzcetgsa6tuby/app.bsky.feed.post/3lbbsdmwu2c2k",
        "at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3lbbsdp5bvk2k",
    }
    first = posts["at://did:plc:eygmaihciaxprqvxpfvl6flk/app.bsky.feed.post/3lbbsdkfrcs2k"]
    assert (
        first.url == "https://bsky.app/profile/did:plc:eygmaihciaxprqvxpfvl6flk/post/3lbbsdkfrcs2k"
    )
    assert first.published_at == datetime(2026, 11, 20, 10, 0, 0, 102000, tzinfo=UTC)
    source.refresh_from_db()
    assert source.cursor == "1732100000000007"
    assert SkippedItem.objects.get().reason == "invalid_json"


def test_x_api_v2_search_response_import(tmp_path: Path) -> None:
    source = services.source_create(actor=None, name="x-import", title="X", platform=Platform.X)
    path = tmp_path / "search.json"
    path.write_bytes(sample("x_search_recent.json"))
    report = ingest(read_file(path, source=source), source=source)
    assert report.accepted == 2
    post = Post.objects.get(external_id="1859123456789012345")
    assert post.platform == Platform.X
    assert post.author_handle == "traveller_ae" and post.author_name == "Traveller"
    assert post.reach == 830
    assert post.url == "https://x.com/traveller_ae/status/1859123456789012345"
    assert post.sentiment_label == "pos"


def test_csv_import_in_the_documented_schema(source: Source) -> None:
    path = SAMPLES / "import.csv"
    report = ingest(read_file(path, source=source), source=source)
    assert (report.accepted, report.skipped) == (2, 1)
    arabic = Post.objects.get(external_id="c2")
    assert arabic.published_at == datetime(2026, 11, 20, 5, 5, tzinfo=UTC)
    assert arabic.country == "AE" and arabic.language == "ar"
    assert SkippedItem.objects.get().reason == "invalid_date"


def test_jsonl_with_broken_lines_skips_each_with_a_reason(source: Source) -> None:
    report = ingest(read_file(SAMPLES / "import_broken.jsonl", source=source), source=source)
    assert report.accepted == 2
    assert report.skipped_reasons == {
        "invalid_json": 1,
        "missing_field": 1,
        "unknown_platform": 1,
        "bad_encoding": 1,
    }
    assert Post.objects.get(external_id="j5").platform == Platform.MASTODON
    reasons = {s.reason: s.detail for s in SkippedItem.objects.all()}
    assert reasons["invalid_json"].startswith("line 2")


def test_huge_lines_are_skipped_without_reading_them_whole(source: Source, tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("w") as handle:
        handle.write(
            json.dumps(
                {"id": "big", "text": "x" * 1_100_000, "published_at": "2026-11-20T08:00:00Z"}
            )
            + "\n"
        )
        handle.write(
            json.dumps({"id": "ok", "text": "small", "published_at": "2026-11-20T08:00:00Z"}) + "\n"
        )
    report = ingest(read_file(path, source=source), source=source)
    assert report.accepted == 1 and report.skipped_reasons == {"too_large": 1}
