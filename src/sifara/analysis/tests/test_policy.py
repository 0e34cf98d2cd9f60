"""Who sees listening analysis: analysts and digital officers; diplomats,
consular officers and liaisons get 403; alert rules are kept per unit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sifara.analysis import services
from sifara.analysis.models import Alert, AlertKind
from sifara.analysis.tests.factories import P, add_posts, make_cluster

PAGES = [
    "/listening/",
    "/listening/posts/",
    "/listening/alerts/",
    "/listening/alerts/rules/",
    "/listening/statements/",
    "/listening/claims/",
    "/listening/clusters/",
]


@pytest.mark.parametrize("role", ["analyst", "digital_officer"])
def test_listening_staff_see_every_page(
    role: str, make_user: Any, digital_unit: Any, verified_client: Any
) -> None:
    user = make_user(roles=[(role, digital_unit)])
    make_cluster(at=datetime.now(UTC) - timedelta(hours=1), text="Copy paste", accounts=5)
    client = verified_client(user)
    for url in PAGES:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["diplomat", "consular_officer", "liaison", "administrator"])
def test_others_get_403(role: str, make_user: Any, mission: Any, verified_client: Any) -> None:
    user = make_user(roles=[(role, mission)])
    client = verified_client(user)
    for url in [*PAGES, "/listening/posts/export.csv", "/listening/alerts/rules/new/"]:
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_sign_in(client: Any) -> None:
    response = client.get("/listening/")
    assert response.status_code == 302
    assert "/identity/login/" in response["Location"]


def test_an_analyst_does_not_see_another_units_rules_or_alerts(
    analyst: Any, europe_analyst: Any, europe_unit: Any, verified_client: Any
) -> None:
    rule = services.rule_create(
        actor=europe_analyst,
        data=services.RuleData(
            unit=europe_unit, name="Europe volume", kind=AlertKind.VOLUME_SPIKE, min_posts=5
        ),
    )
    # Mid-hour, so the ten recent posts share one clock hour whatever the time now.
    now = datetime.now(UTC).replace(minute=30, second=0, microsecond=0) - timedelta(hours=1)
    add_posts([P(at=now - timedelta(days=1))])
    add_posts([P(at=now - timedelta(minutes=i)) for i in range(10)])
    [alert] = services.alerts_evaluate(now=now)
    assert isinstance(alert, Alert)

    mine = verified_client(analyst)
    assert "Europe volume" not in mine.get("/listening/alerts/rules/").content.decode()
    assert "Europe volume" not in mine.get("/listening/alerts/").content.decode()
    assert mine.get(f"/listening/alerts/{alert.pk}/").status_code == 404
    assert mine.get(f"/listening/alerts/rules/{rule.pk}/").status_code == 404
    assert mine.post(f"/listening/alerts/rules/{rule.pk}/delete/").status_code == 404
    assert mine.post(f"/listening/alerts/{alert.pk}/acknowledge/").status_code == 404

    theirs = verified_client(europe_analyst)
    assert "Europe volume" in theirs.get("/listening/alerts/").content.decode()
    assert theirs.get(f"/listening/alerts/{alert.pk}/").status_code == 200
    assert theirs.post(f"/listening/alerts/{alert.pk}/acknowledge/").status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == europe_analyst


def test_rule_form_offers_only_my_units(
    analyst: Any, europe_unit: Any, digital_unit: Any, verified_client: Any
) -> None:
    client = verified_client(analyst)
    page = client.get("/listening/alerts/rules/new/").content.decode()
    assert "Digital Diplomacy Department" in page or "إدارة الدبلوماسية الرقمية" in page
    response = client.post(
        "/listening/alerts/rules/new/",
        {
            "name": "Sneaky",
            "unit": europe_unit.pk,
            "kind": "volume_spike",
            "window_hours": 1,
            "baseline_hours": 12,
            "threshold_ratio": 3,
            "min_posts": 10,
            "cooldown_minutes": 60,
        },
    )
    assert response.status_code == 200  # the form refuses the other unit
    assert not services.AlertRule.objects.filter(name="Sneaky").exists()
    response = client.post(
        "/listening/alerts/rules/new/",
        {
            "name": "Mine",
            "unit": digital_unit.pk,
            "kind": "volume_spike",
            "window_hours": 1,
            "baseline_hours": 12,
            "threshold_ratio": 3,
            "min_posts": 10,
            "cooldown_minutes": 60,
            "notify_email": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert services.AlertRule.objects.get(name="Mine").unit == digital_unit


def test_api_alerts_are_scoped_to_my_units_and_claimreview_is_served(
    analyst: Any,
    europe_analyst: Any,
    europe_unit: Any,
    verified_client: Any,
    make_user: Any,
    mission: Any,
) -> None:
    from sifara.analysis.tests.test_statements_claims import _claim

    services.rule_create(
        actor=europe_analyst,
        data=services.RuleData(
            unit=europe_unit, name="Europe volume", kind=AlertKind.VOLUME_SPIKE, min_posts=5
        ),
    )
    # Mid-hour, so the ten recent posts share one clock hour whatever the time now.
    now = datetime.now(UTC).replace(minute=30, second=0, microsecond=0) - timedelta(hours=1)
    add_posts([P(at=now - timedelta(days=1))])
    add_posts([P(at=now - timedelta(minutes=i)) for i in range(10)])
    [alert] = services.alerts_evaluate(now=now)

    theirs = verified_client(europe_analyst).get("/api/v1/listening/alerts/")
    assert theirs.status_code == 200
    assert [row["id"] for row in theirs.json()["results"]] == [alert.pk]
    mine = verified_client(analyst)
    assert mine.get("/api/v1/listening/alerts/").json()["results"] == []
    assert mine.get(f"/api/v1/listening/alerts/{alert.pk}/").status_code == 404

    claim = _claim(analyst)
    review = mine.get(f"/api/v1/listening/claims/{claim.pk}/claimreview/?language=ar")
    assert review.status_code == 200
    assert review.json()["@type"] == "ClaimReview"
    assert review.json()["inLanguage"] == "ar"
    bad = mine.get(f"/api/v1/listening/claims/{claim.pk}/claimreview/?language=fr")
    assert bad.status_code == 400
    diplomat = make_user(roles=[("diplomat", mission)])
    assert verified_client(diplomat).get("/api/v1/listening/claims/").status_code == 403
