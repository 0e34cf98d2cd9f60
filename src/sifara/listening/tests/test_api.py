"""The read-only listening API (/api/v1/listening/...): sources, posts, watch-lists."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sifara.identity.services import api_token_create
from sifara.listening import services
from sifara.listening.models import Post, PostMatch, WatchTopic
from sifara.listening.tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

BASE = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def analyst(make_user: Callable[..., Any], hq_unit: Any) -> Any:
    return make_user(roles=[("analyst", hq_unit)], username="analyst1")


def _bearer(user: Any, scopes: list[str]) -> Client:
    _row, value = api_token_create(user=user, name="t", scopes=scopes, days=5)
    return Client(HTTP_AUTHORIZATION=f"Bearer {value}")


@pytest.fixture
def api(analyst: Any) -> Client:
    return _bearer(analyst, ["listening:read"])


@pytest.fixture
def topic(hq_unit: Any) -> WatchTopic:
    topic = services.watch_topic_create(
        actor=None, name_en="Visas", name_ar="التأشيرات", owner_unit=hq_unit, terms=["visa"]
    )
    services.watch_term_add(actor=None, topic=topic, text="التأشيرة", is_high_priority=True)
    return topic


@pytest.fixture
def posts(topic: WatchTopic) -> list[Post]:
    source = SourceFactory(name="gulf-news", title="Gulf news")
    rows = [
        ("1", "ar", "neg", "AE", 0, True),
        ("2", "en", "pos", "GB", 1, False),
        ("3", "en", "neg", "AE", 2, True),
        ("4", "ar", "neu", "", 30, False),
    ]
    created = []
    for ext, language, sentiment, country, hours, matched in rows:
        at = BASE + timedelta(hours=hours)
        post = Post.objects.create(
            source=source,
            platform=source.platform,
            external_id=ext,
            text=f"post {ext}",
            language=language,
            sentiment_label=sentiment,
            country=country,
            published_at=at,
        )
        if matched:
            PostMatch.objects.create(post=post, topic=topic, published_at=at)
        created.append(post)
    return created


def _ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["external_id"] for row in response.json()["results"]]


def test_sources_come_with_their_health(api: Client) -> None:
    now = timezone.now()
    SourceFactory(title="Failing feed", consecutive_failures=6, last_error="timed out")
    SourceFactory(title="Healthy", last_success_at=now, last_item_at=now - timedelta(minutes=5))
    response = api.get("/api/v1/listening/sources/")
    assert response.status_code == 200
    rows = {row["title"]: row for row in response.json()["results"]}
    assert rows["Failing feed"]["health"]["state"] == "flagged"
    assert rows["Healthy"]["health"]["state"] == "ok"
    assert 290 <= rows["Healthy"]["health"]["lag_s"] <= 400
    assert "credentials" not in rows["Healthy"] and "config" not in rows["Healthy"]
    one = api.get(f"/api/v1/listening/sources/{rows['Healthy']['id']}/")
    assert one.status_code == 200 and one.json()["title"] == "Healthy"
    assert api.get("/api/v1/listening/sources/999999/").status_code == 404


def test_posts_are_filtered(api: Client, posts: list[Post], topic: WatchTopic) -> None:
    url = "/api/v1/listening/posts/"
    assert _ids(api.get(url)) == ["4", "3", "2", "1"]  # newest first
    assert _ids(api.get(url, {"language": "ar"})) == ["4", "1"]
    assert _ids(api.get(url, {"sentiment": "neg"})) == ["3", "1"]
    assert _ids(api.get(url, {"country": "ae"})) == ["3", "1"]
    assert _ids(api.get(url, {"topic": topic.pk})) == ["3", "1"]
    window = {"published_after": "2026-11-20T10:00:00Z", "published_before": "2026-11-21T00:00Z"}
    assert _ids(api.get(url, window)) == ["3", "2"]
    assert _ids(api.get(url, {**window, "language": "en", "sentiment": "pos"})) == ["2"]
    one = api.get(f"{url}{posts[0].pk}/").json()
    assert one["source_name"] == "gulf-news" and one["text"] == "post 1"


def test_posts_are_cursor_paginated(api: Client, posts: list[Post]) -> None:
    first = api.get("/api/v1/listening/posts/", {"page_size": 3})
    assert _ids(first) == ["4", "3", "2"]
    following = first.json()["next"]
    assert following and "cursor=" in following
    second = api.get(following)
    assert _ids(second) == ["1"] and second.json()["next"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"published_after": "yesterday"}, "published_after"),
        ({"published_before": "2026-13-45T99:00"}, "published_before"),
        ({"sentiment": "angry"}, "sentiment"),
        ({"topic": "visas"}, "topic"),
    ],
)
def test_bad_filters_answer_the_uniform_error(
    api: Client, posts: list[Post], params: dict[str, str], field: str
) -> None:
    response = api.get("/api/v1/listening/posts/", params)
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]


def test_watch_topics_come_with_their_terms(api: Client, topic: WatchTopic) -> None:
    response = api.get("/api/v1/listening/watch-topics/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["name_ar"] == "التأشيرات" and row["owner_unit_code"] == topic.owner_unit.code
    terms = {t["text"]: t["is_high_priority"] for t in row["terms"]}
    assert terms == {"visa": False, "التأشيرة": True}
    one = api.get(f"/api/v1/listening/watch-topics/{topic.pk}/")
    assert one.status_code == 200 and one.json()["name_en"] == "Visas"
    assert api.get("/api/v1/listening/watch-topics/999999/").status_code == 404


def test_the_api_is_read_only(api: Client, topic: WatchTopic) -> None:
    response = api.post(
        "/api/v1/listening/watch-topics/", {"name_en": "X"}, content_type="application/json"
    )
    assert response.status_code in {403, 405}
    assert api.delete(f"/api/v1/listening/watch-topics/{topic.pk}/").status_code in {403, 405}
    assert WatchTopic.objects.filter(pk=topic.pk).exists()


URLS = [
    "/api/v1/listening/sources/",
    "/api/v1/listening/posts/",
    "/api/v1/listening/watch-topics/",
]


def test_token_needs_the_listening_scope(analyst: Any, topic: WatchTopic) -> None:
    client = _bearer(analyst, ["directory:read"])
    for url in URLS:
        response = client.get(url)
        assert response.status_code == 403, url
        assert response.json()["error"]["code"]


@pytest.mark.parametrize("role", ["diplomat", "consular_officer", "liaison"])
def test_other_roles_are_refused(
    role: str,
    make_user: Callable[..., Any],
    hq_unit: Any,
    verified_client: Any,
    posts: list[Post],
    topic: WatchTopic,
) -> None:
    user = make_user(roles=[(role, hq_unit)])
    session = verified_client(user)
    token = _bearer(user, ["directory:read"])
    for client in (session, token):
        for url in [*URLS, f"/api/v1/listening/watch-topics/{topic.pk}/"]:
            response = client.get(url)
            assert response.status_code in {403, 404}, (role, url)
            assert "Visas" not in response.content.decode()


def test_anonymous_is_refused(posts: list[Post]) -> None:
    for url in URLS:
        assert Client().get(url).status_code in {401, 403}
