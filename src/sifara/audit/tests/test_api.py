"""The read-only audit API: administrators with the audit:read scope only."""

from __future__ import annotations

import pytest
from django.test import Client

from sifara.audit.models import AuditEvent
from sifara.audit.services import record
from sifara.identity import services as identity

pytestmark = pytest.mark.django_db


def test_administrator_lists_and_filters_events(verified_client, admin_user):
    record(actor=admin_user, action="directory.unit_updated", details={"fields": ["city_en"]})
    record(actor=None, actor_label="mallory", action="auth.login_failed")
    client = verified_client(admin_user)
    response = client.get("/api/v1/audit-events/", {"action": "auth.login_failed"})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["actor_label"] for r in rows] == ["mallory"]
    assert AuditEvent.objects.filter(action="audit.read_api").exists()


def test_token_needs_the_audit_scope(admin_user):
    _token, without = identity.api_token_create(
        user=admin_user, name="dir", scopes=["directory:read"], days=5
    )
    _token, with_scope = identity.api_token_create(
        user=admin_user, name="aud", scopes=["audit:read"], days=5
    )
    assert (
        Client().get("/api/v1/audit-events/", HTTP_AUTHORIZATION=f"Bearer {without}").status_code
        == 403
    )
    assert (
        Client().get("/api/v1/audit-events/", HTTP_AUTHORIZATION=f"Bearer {with_scope}").status_code
        == 200
    )


def test_non_administrator_is_refused(verified_client, make_user, mission):
    client = verified_client(make_user(roles=[("head_of_mission", mission)], clearance=3))
    response = client.get("/api/v1/audit-events/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_bad_date_filter_is_a_clear_400(verified_client, admin_user):
    response = verified_client(admin_user).get("/api/v1/audit-events/", {"date_from": "yesterday"})
    assert response.status_code == 400
    assert "date_from" in response.json()["error"]["details"]
