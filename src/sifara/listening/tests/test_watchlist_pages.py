"""The watch-list pages: topics with their terms, and who may see and change them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from sifara.audit.models import AuditEvent
from sifara.listening import services
from sifara.listening.models import Post, PostMatch, WatchTerm, WatchTopic
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
def arabic(verified_client: Any, settings: Any) -> Callable[[Any], Any]:
    def _client(user: Any) -> Any:
        client = verified_client(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
        return client

    return _client


@pytest.fixture
def analyst(make_user: Callable[..., Any], hq_unit: Any) -> Any:
    return make_user(roles=[("analyst", hq_unit)], username="analyst1")


@pytest.fixture
def topic(hq_unit: Any) -> WatchTopic:
    topic = services.watch_topic_create(
        actor=None, name_en="Visas", name_ar="التأشيرات", owner_unit=hq_unit, terms=["visa"]
    )
    services.watch_term_add(actor=None, topic=topic, text="التأشيرة", is_high_priority=True)
    return topic


def _match(topic: WatchTopic, *, ago: timedelta, n: int) -> None:
    source = SourceFactory()
    term = topic.terms.first()
    for i in range(n):
        at = timezone.now() - ago
        post = Post.objects.create(
            source=source,
            platform=source.platform,
            external_id=f"{source.pk}-{ago.days}-{i}",
            text="visa",
            published_at=at,
        )
        PostMatch.objects.create(post=post, topic=topic, term=term, published_at=at)


@pytest.mark.parametrize("role", ["diplomat", "consular_officer", "liaison", "read_only"])
def test_other_roles_cannot_see_or_change_watch_lists(
    role: str, make_user: Callable[..., Any], hq_unit: Any, verified_client: Any, topic: Any
) -> None:
    client = verified_client(make_user(roles=[(role, hq_unit)]))
    term = topic.terms.get(text="visa")
    for name, args in [
        ("listening:watch_topic_list", []),
        ("listening:watch_topic_create", []),
        ("listening:watch_topic_detail", [topic.pk]),
        ("listening:watch_topic_edit", [topic.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    posts = [
        (reverse("listening:watch_topic_create"), {"name_en": "X", "name_ar": "س"}),
        (reverse("listening:watch_topic_edit", args=[topic.pk]), {"name_en": "X"}),
        (reverse("listening:watch_topic_toggle", args=[topic.pk]), {}),
        (reverse("listening:watch_term_add", args=[topic.pk]), {"text": "passport"}),
        (reverse("listening:watch_term_remove", args=[topic.pk, term.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in {403, 404}, url
    topic.refresh_from_db()
    assert topic.is_active and topic.name_en == "Visas"
    assert sorted(topic.terms.values_list("text", flat=True)) == ["visa", "التأشيرة"]


def test_list_shows_term_counts_and_recent_matches(
    analyst: Any, english: Any, topic: Any, hq_unit: Any
) -> None:
    _match(topic, ago=timedelta(days=1), n=3)
    _match(topic, ago=timedelta(days=30), n=5)  # too old to count
    services.watch_topic_create(actor=None, name_en="Quiet", name_ar="هادئ", owner_unit=hq_unit)
    page = english(analyst).get(reverse("listening:watch_topic_list")).content.decode()
    assert "Visas" in page and "التأشيرات" in page and "Quiet" in page
    row = page[page.index("Visas") : page.index("Visas") + 1200]
    assert ">2</td>" in row  # two terms
    assert ">3</td>" in row  # three matches in the last seven days
    assert "Matches (last 7 days)" in page
    assert reverse("listening:watch_topic_create") in page


def test_arabic_page_is_translated_and_uses_the_tab_bar(
    analyst: Any, arabic: Any, topic: Any
) -> None:
    page = arabic(analyst).get(reverse("listening:watch_topic_list")).content.decode()
    assert 'data-testid="tab-watchlists"' in page
    assert reverse("analysis:dashboard") in page
    assert "التأشيرات" in page


def test_analyst_creates_edits_and_deactivates_a_topic(
    analyst: Any, english: Any, hq_unit: Any
) -> None:
    client = english(analyst)
    response = client.post(
        reverse("listening:watch_topic_create"),
        {"name_en": "Water talks", "name_ar": "مفاوضات المياه", "owner_unit": hq_unit.pk},
    )
    topic = WatchTopic.objects.get(name_en="Water talks")
    assert response.status_code == 302
    assert response["Location"] == reverse("listening:watch_topic_detail", args=[topic.pk])
    response = client.post(
        reverse("listening:watch_topic_edit", args=[topic.pk]),
        {"name_en": "Water negotiations", "name_ar": "مفاوضات المياه", "owner_unit": hq_unit.pk},
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.name_en == "Water negotiations"
    client.post(reverse("listening:watch_topic_toggle", args=[topic.pk]))
    topic.refresh_from_db()
    assert not topic.is_active
    detail = client.get(reverse("listening:watch_topic_detail", args=[topic.pk])).content.decode()
    assert "Inactive" in detail and "Activate" in detail
    client.post(reverse("listening:watch_topic_toggle", args=[topic.pk]))
    topic.refresh_from_db()
    assert topic.is_active
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "listening.watch_topic_create",
        "listening.watch_topic_update",
        "listening.watch_topic_deactivate",
        "listening.watch_topic_activate",
    } <= actions


def test_unknown_unit_is_a_form_error(
    analyst: Any, english: Any, make_user: Callable[..., Any], mission: Any
) -> None:
    response = english(analyst).post(
        reverse("listening:watch_topic_create"),
        {"name_en": "Elsewhere", "name_ar": "مكان آخر", "owner_unit": mission.pk},
    )
    assert response.status_code == 200
    assert "Choose one of your units." in response.content.decode()
    response = english(analyst).post(
        reverse("listening:watch_topic_create"),
        {"name_en": "Elsewhere", "name_ar": "مكان آخر", "owner_unit": 987654},
    )
    assert "Choose one of your units." in response.content.decode()
    assert not WatchTopic.objects.filter(name_en="Elsewhere").exists()


def test_topic_form_errors_are_translated_in_arabic(analyst: Any, arabic: Any) -> None:
    response = arabic(analyst).post(
        reverse("listening:watch_topic_create"),
        {"name_en": "", "name_ar": "", "owner_unit": 987654},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." not in page  # Django's own message, translated
    assert not WatchTopic.objects.exists()


def test_terms_are_added_and_removed_without_javascript(
    analyst: Any, english: Any, topic: Any
) -> None:
    client = english(analyst)
    url = reverse("listening:watch_term_add", args=[topic.pk])
    response = client.post(url, {"text": "  residence   permit ", "is_high_priority": "on"})
    assert response.status_code == 302
    term = topic.terms.get(text="residence permit")
    assert term.is_high_priority
    detail = client.get(reverse("listening:watch_topic_detail", args=[topic.pk])).content.decode()
    assert "residence permit" in detail and "High priority" in detail
    response = client.post(reverse("listening:watch_term_remove", args=[topic.pk, term.pk]))
    assert response.status_code == 302
    assert not WatchTerm.objects.filter(pk=term.pk).exists()
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "listening.watch_term_add" in actions and "listening.watch_term_remove" in actions
    event = AuditEvent.objects.filter(action="listening.watch_term_add").get()
    assert "residence" not in str(event.details)


def test_terms_with_htmx_answer_the_terms_card(analyst: Any, english: Any, topic: Any) -> None:
    client = english(analyst)
    url = reverse("listening:watch_term_add", args=[topic.pk])
    response = client.post(url, {"text": "passport"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith("<div") and 'id="watch-terms"' in body
    assert "passport" in body and "<html" not in body
    term = topic.terms.get(text="passport")
    response = client.post(
        reverse("listening:watch_term_remove", args=[topic.pk, term.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "passport" not in response.content.decode()
    response = client.post(url, {"text": "visa"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "This topic already has this term." in response.content.decode()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("visa", "This topic already has this term."),
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 201, "Ensure this value has at most 200 characters (it has 201)."),
        ("!!!", "A term needs at least one letter or digit."),
    ],
)
def test_bad_terms_are_form_errors(
    text: str, message: str, analyst: Any, english: Any, topic: Any
) -> None:
    response = english(analyst).post(
        reverse("listening:watch_term_add", args=[topic.pk]), {"text": text}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert topic.terms.count() == 2


def test_term_errors_are_translated(analyst: Any, arabic: Any, topic: Any) -> None:
    url = reverse("listening:watch_term_add", args=[topic.pk])
    empty = arabic(analyst).post(url, {"text": ""}).content.decode()
    assert "This field is required." not in empty and "هذا الحقل مطلوب" in empty
    too_long = arabic(analyst).post(url, {"text": "x" * 201}).content.decode()
    assert "Ensure this value" not in too_long


def test_term_of_another_topic_is_404(
    analyst: Any, verified_client: Any, topic: Any, hq_unit: Any
) -> None:
    other = services.watch_topic_create(
        actor=None, name_en="Other", name_ar="أخرى", owner_unit=hq_unit, terms=["other"]
    )
    term = other.terms.get()
    response = verified_client(analyst).post(
        reverse("listening:watch_term_remove", args=[topic.pk, term.pk])
    )
    assert response.status_code == 404
    assert WatchTerm.objects.filter(pk=term.pk).exists()


def test_sources_page_links_to_watch_lists(analyst: Any, english: Any) -> None:
    page = english(analyst).get(reverse("listening:source_list")).content.decode()
    assert reverse("listening:watch_topic_list") in page
