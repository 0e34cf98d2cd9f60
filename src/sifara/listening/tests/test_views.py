"""The sources pages and who may see and change them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from sifara.audit.models import AuditEvent
from sifara.listening import services
from sifara.listening.models import Platform, SkippedItem, Source
from sifara.listening.tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(verified_client: Any, settings: Any) -> Callable[[Any], Any]:
    def _client(user: Any) -> Any:
        client = verified_client(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return _client


@pytest.fixture
def analyst(make_user: Callable[..., Any], hq_unit: Any) -> Any:
    return make_user(roles=[("analyst", hq_unit)], username="analyst1")


@pytest.fixture
def digital_officer(make_user: Callable[..., Any], hq_unit: Any) -> Any:
    return make_user(roles=[("digital_officer", hq_unit)], username="digital1")


@pytest.mark.parametrize("role", ["diplomat", "administrator", "read_only", "liaison"])
def test_other_roles_cannot_see_sources(
    role: str, make_user: Callable[..., Any], hq_unit: Any, verified_client: Any
) -> None:
    user = make_user(roles=[(role, hq_unit)])
    source = SourceFactory()
    client = verified_client(user)
    assert client.get(reverse("listening:source_list")).status_code == 404
    assert client.get(reverse("listening:source_detail", args=[source.pk])).status_code == 404
    assert client.get(reverse("listening:source_create")).status_code == 404
    response = client.post(reverse("listening:source_toggle", args=[source.pk]))
    assert response.status_code == 404
    assert Source.objects.get(pk=source.pk).is_active


def test_anonymous_is_sent_to_sign_in(client: Any) -> None:
    response = client.get(reverse("listening:source_list"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("who", ["analyst", "digital_officer"])
def test_analysts_and_digital_officers_see_sources_with_health(
    who: str, request: Any, english: Any
) -> None:
    user = request.getfixturevalue(who)
    now = timezone.now()
    SourceFactory(
        title="Failing feed",
        platform=Platform.RSS,
        consecutive_failures=6,
        last_error="timed out: https://news.example/rss",
        last_error_at=now,
        next_attempt_at=now + timedelta(hours=1),
    )
    healthy = SourceFactory(
        title="Healthy stream",
        last_item_at=now - timedelta(minutes=3),
        last_success_at=now,
        items_total=1234,
    )
    SkippedItem.objects.create(
        source=healthy, reason="invalid_json", detail="line 7: Expecting value", created_at=now
    )
    client = english(user)
    page = client.get(reverse("listening:source_list")).content.decode()
    assert "Failing feed" in page and "Failing" in page and "timed out" in page
    assert "keeps failing" in page
    assert "Healthy stream" in page and "3 minutes" in page
    detail = client.get(reverse("listening:source_detail", args=[healthy.pk])).content.decode()
    assert "invalid_json" in detail and "line 7: Expecting value" in detail


def test_analyst_adds_a_source_with_an_encrypted_token(analyst: Any, english: Any) -> None:
    client = english(analyst)
    response = client.post(
        reverse("listening:source_create"),
        {
            "name": "mfa-channel",
            "title": "Spokesperson channel",
            "platform": Platform.TELEGRAM,
            "channel": "@mfa_demo",
            "token": "123:SECRET-TOKEN",
            "poll_interval_s": 120,
            "is_active": "on",
        },
    )
    source = Source.objects.get(name="mfa-channel")
    assert response.status_code == 302
    assert source.config == {"channel": "@mfa_demo"}
    assert services.source_credentials(source=source) == {"token": "123:SECRET-TOKEN"}
    detail = client.get(reverse("listening:source_detail", args=[source.pk])).content.decode()
    assert "SECRET-TOKEN" not in detail and "Stored encrypted" in detail
    event = AuditEvent.objects.filter(action="listening.source_create").get()
    assert "SECRET" not in str(event.details)


def test_source_form_shows_what_is_missing(analyst: Any, english: Any) -> None:
    client = english(analyst)
    response = client.post(
        reverse("listening:source_create"),
        {"name": "feed", "title": "Feed", "platform": Platform.RSS, "poll_interval_s": 300},
    )
    assert response.status_code == 200
    assert "This platform needs: url." in response.content.decode()
    assert not Source.objects.exists()


def test_pausing_and_reactivating_clears_the_back_off(
    digital_officer: Any, verified_client: Any
) -> None:
    source = SourceFactory(consecutive_failures=7, next_attempt_at=timezone.now())
    client = verified_client(digital_officer)
    client.post(reverse("listening:source_toggle", args=[source.pk]))
    source.refresh_from_db()
    assert not source.is_active
    client.post(reverse("listening:source_toggle", args=[source.pk]))
    source.refresh_from_db()
    assert source.is_active and source.consecutive_failures == 0
    assert source.next_attempt_at is None


def test_services_refuse_people_without_the_capability(
    make_user: Callable[..., Any], hq_unit: Any
) -> None:
    from sifara.core.errors import PermissionDeniedError

    diplomat = make_user(roles=[("diplomat", hq_unit)])
    with pytest.raises(PermissionDeniedError):
        services.source_create(actor=diplomat, name="x-feed", title="X", platform=Platform.FILE)
    with pytest.raises(PermissionDeniedError):
        services.watch_topic_create(actor=diplomat, name_en="A", name_ar="أ", owner_unit=hq_unit)


def test_unknown_source_is_404(analyst: Any, verified_client: Any) -> None:
    client = verified_client(analyst)
    assert client.get(reverse("listening:source_detail", args=[999999])).status_code == 404
