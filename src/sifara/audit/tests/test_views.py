"""Audit trail pages and CSV export: administrators only, filters, HTMX, export audited."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from unittest import mock

import pytest
from django.contrib.admin.sites import site as admin_site
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from sifara.audit import selectors
from sifara.audit.admin import AuditEventAdmin
from sifara.audit.models import AuditEvent
from sifara.audit.services import record

pytestmark = pytest.mark.django_db


def html_lang(html: str) -> tuple[str, str]:
    """The ``lang`` and ``dir`` of the page's ``<html>`` element."""
    tag = re.search(r"<html\b[^>]*>", html)
    assert tag, "not a full page"
    lang = re.search(r'\blang="([^"]*)"', tag.group(0))
    direction = re.search(r'\bdir="([^"]*)"', tag.group(0))
    return (lang.group(1) if lang else "", direction.group(1) if direction else "")


LIST = reverse("audit:event_list")
EXPORT = reverse("audit:event_export")
VERIFY = reverse("audit:chain_status")


@contextmanager
def at(day: int, hour: int = 12) -> Iterator[None]:
    """Record as if on 2025-03-<day>, with English labels for the targets."""
    moment = datetime(2025, 3, day, hour, 0, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=moment), translation.override("en"):
        yield


@pytest.fixture
def diplomat(make_user: Any, mission: Any) -> Any:
    return make_user(roles=[("diplomat", mission)], username="dip1", clearance=2)


@pytest.fixture
def trail(admin_user: Any, diplomat: Any, hq_unit: Any, mission: Any) -> dict[str, AuditEvent]:
    """A small, varied trail on known days (March 2025, UTC)."""
    events = {}
    with at(1):
        events["login"] = record(actor=diplomat, action="identity.login", target=diplomat)
    with at(2):
        events["unit"] = record(
            actor=admin_user,
            action="directory.unit_updated",
            target=mission,
            details={"fields": ["city_en"]},
        )
    with at(3):
        events["hq"] = record(actor=admin_user, action="directory.unit_updated", target=hq_unit)
    with at(4):
        events["failed"] = record(
            actor=None,
            action="identity.login_failed",
            actor_label="mallory",
            details={"username": "mallory"},
        )
    return events


def english(client: Client) -> Client:
    client.cookies["sifara_language"] = "en"
    return client


def seqs(response: Any) -> list[int]:
    page = response.context["page_obj"]
    return [event.seq for event in page.object_list]


def csv_rows(response: Any) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


# --- who may see it ------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, EXPORT, VERIFY])
def test_anonymous_is_sent_to_login(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:login"))
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


@pytest.mark.parametrize("url", [LIST, EXPORT, VERIFY])
def test_non_administrator_gets_403(
    verified_client: Any, diplomat: Any, trail: Any, url: str
) -> None:
    response = verified_client(diplomat).get(url)
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_non_administrator_htmx_gets_403(verified_client: Any, diplomat: Any) -> None:
    response = verified_client(diplomat).get(LIST, HTTP_HX_REQUEST="true")
    assert response.status_code == 403


def test_selectors_refuse_non_administrators(diplomat: Any, trail: Any) -> None:
    from django.core.exceptions import PermissionDenied

    for selector in (
        selectors.event_list_for_user,
        selectors.event_actions_for_user,
        selectors.event_target_types_for_user,
        selectors.chain_status_for_user,
    ):
        with pytest.raises(PermissionDenied):
            selector(user=diplomat)


def test_administrator_of_another_unit_only_is_enough(
    verified_client: Any, make_user: Any, mission: Any
) -> None:
    other_admin = make_user(roles=[("administrator", mission)], username="admin2")
    assert verified_client(other_admin).get(LIST).status_code == 200


# --- the list ------------------------------------------------------------------


def test_list_newest_first(verified_client: Any, admin_user: Any, trail: Any) -> None:
    response = english(verified_client(admin_user)).get(LIST)
    assert response.status_code == 200
    assert seqs(response) == [4, 3, 2, 1]
    html = response.content.decode()
    assert 'lang="en"' in html
    assert "Audit trail" in html
    assert "directory.unit_updated" in html
    assert "mallory" in html
    assert "السفارة في طوكيو · Embassy in Tokyo" in html
    assert 'hx-get="/audit/verify/"' in html
    assert " style=" not in html  # CSP: no inline styles
    assert "<script>" not in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_list_in_arabic_by_default(verified_client: Any, admin_user: Any, trail: Any) -> None:
    response = verified_client(admin_user).get(LIST)
    assert html_lang(response.content.decode()) == ("ar", "rtl")


def test_htmx_gets_the_table_only(verified_client: Any, admin_user: Any, trail: Any) -> None:
    response = verified_client(admin_user).get(
        LIST, {"action": "identity.login"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="audit-results"' in html
    assert seqs(response) == [1]
    assert "/audit/export.csv?action=identity.login" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"actor": "admin1"}, [3, 2]),
        ({"actor": "ADMIN1"}, [3, 2]),
        ({"actor": "mallory"}, [4]),
        ({"action": "directory.unit_updated"}, [3, 2]),
        ({"target_type": "directory.unit"}, [3, 2]),
        ({"target_type": "directory.user"}, [1]),
        ({"date_from": "2025-03-02"}, [4, 3, 2]),
        ({"date_to": "2025-03-02"}, [2, 1]),
        ({"date_from": "2025-03-02", "date_to": "2025-03-03"}, [3, 2]),
        ({"query": "tokyo"}, [2]),
        ({"action": "directory.unit_updated", "query": "IT Dep"}, [3]),
        ({"actor": "nobody"}, []),
    ],
)
def test_filters(
    verified_client: Any, admin_user: Any, trail: Any, params: dict[str, str], expected: list[int]
) -> None:
    response = verified_client(admin_user).get(LIST, params)
    assert response.status_code == 200
    assert seqs(response) == expected


def test_action_select_lists_distinct_actions(
    verified_client: Any, admin_user: Any, trail: Any
) -> None:
    response = verified_client(admin_user).get(LIST)
    choices = [value for value, _label in response.context["form"].fields["action"].choices]
    assert choices == ["", "directory.unit_updated", "identity.login", "identity.login_failed"]


def test_invalid_filters_show_errors_not_500(
    verified_client: Any, admin_user: Any, trail: Any
) -> None:
    client = verified_client(admin_user)
    response = client.get(LIST, {"date_from": "2025-03-04", "date_to": "2025-03-01"})
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.get(LIST, {"date_from": "not-a-date", "page": "abc"})
    assert response.status_code == 200
    response = client.get(EXPORT, {"date_from": "not-a-date"})
    assert response.status_code == 400


def test_empty_state(verified_client: Any, admin_user: Any) -> None:
    response = english(verified_client(admin_user)).get(LIST)
    assert 'data-testid="audit-empty"' in response.content.decode()


def test_pagination(verified_client: Any, admin_user: Any) -> None:
    for n in range(60):
        record(actor=None, action="test.bulk", details={"n": n})
    client = verified_client(admin_user)
    first = client.get(LIST)
    assert seqs(first)[0] == 60 and len(seqs(first)) == 50
    second = client.get(LIST, {"page": 2, "action": "test.bulk"})
    assert seqs(second) == list(range(10, 0, -1))
    assert "page=1" in second.content.decode()


def test_details_shown_compact_and_escaped(verified_client: Any, admin_user: Any) -> None:
    record(actor=None, action="test.x", details={"b": "<b>bold</b>", "a": [1, 2]})
    html = verified_client(admin_user).get(LIST).content.decode()
    assert "a=[1, 2] · b=&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<b>bold</b>" not in html


def test_details_compact_is_cut() -> None:
    text = selectors.details_compact({"k": "x" * 500})
    assert len(text) == 160 and text.endswith("…")
    assert selectors.details_compact({}) == ""


# --- verify box ----------------------------------------------------------------


def test_chain_status_ok(verified_client: Any, admin_user: Any, trail: Any) -> None:
    client = english(verified_client(admin_user))
    response = client.get(VERIFY, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'data-testid="chain-ok"' in html
    assert "4 events verified" in html
    page = client.get(VERIFY)
    assert "<html" in page.content.decode() and 'data-testid="chain-ok"' in page.content.decode()


def test_chain_status_names_the_first_broken_event(
    verified_client: Any, admin_user: Any, trail: Any
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = %s WHERE seq = 3", ["x.y"])
    response = english(verified_client(admin_user)).get(VERIFY, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'data-testid="chain-broken"' in html
    assert "First broken event: #3" in html


# --- CSV export ----------------------------------------------------------------


def test_export_streams_filtered_rows_and_is_audited(
    verified_client: Any, admin_user: Any, trail: Any
) -> None:
    response = verified_client(admin_user).get(
        EXPORT, {"action": "directory.unit_updated", "date_from": "2025-03-01"}
    )
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="sifara-audit-')
    rows = csv_rows(response)
    assert [row["seq"] for row in rows] == ["3", "2"]
    assert {row["action"] for row in rows} == {"directory.unit_updated"}
    assert rows[1]["target"] == "السفارة في طوكيو · Embassy in Tokyo"
    assert rows[1]["details"] == '{"fields":["city_en"]}'
    assert rows[1]["occurred_at_utc"] == "2025-03-02T12:00:00+00:00"
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.actor_id == admin_user.pk
    assert exported.details["filters"] == {
        "action": "directory.unit_updated",
        "date_from": "2025-03-01",
    }
    assert exported.details["up_to_seq"] == 4


def test_export_unfiltered_is_a_snapshot(verified_client: Any, admin_user: Any, trail: Any) -> None:
    rows = csv_rows(verified_client(admin_user).get(EXPORT))
    assert [row["seq"] for row in rows] == ["4", "3", "2", "1"]  # not its own event (#5)
    assert AuditEvent.objects.filter(action="audit.exported").count() == 1


def test_export_defuses_spreadsheet_formulas(verified_client: Any, admin_user: Any) -> None:
    record(actor=None, action="test.x", actor_label='=HYPERLINK("http://evil")')
    rows = csv_rows(verified_client(admin_user).get(EXPORT, {"action": "test.x"}))
    assert rows[0]["actor"].startswith("'=")


def test_export_keeps_arabic(verified_client: Any, admin_user: Any, hq_unit: Any) -> None:
    record(actor=None, action="test.ar", details={"note": "سفارة"})
    response = verified_client(admin_user).get(EXPORT)
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    assert "سفارة" in body.decode("utf-8-sig")


# --- admin ---------------------------------------------------------------------


def test_admin_is_read_only(admin_user: Any, trail: Any) -> None:
    model_admin = AuditEventAdmin(AuditEvent, admin_site)
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, trail["hq"])
    assert not model_admin.has_delete_permission(request, trail["hq"])
    assert admin_site.is_registered(AuditEvent)


def test_admin_pages(verified_client: Any, make_user: Any, hq_unit: Any, trail: Any) -> None:
    staff = make_user(roles=[("administrator", hq_unit)], username="staff-admin", is_staff=True)
    client = verified_client(staff)
    assert client.get("/admin/audit/auditevent/").status_code == 200
    event = trail["hq"]
    change = client.get(f"/admin/audit/auditevent/{event.pk}/change/")
    assert change.status_code == 200
    assert b'name="action"' not in change.content  # shown, not editable
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert (
        client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()
