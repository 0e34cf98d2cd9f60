"""The situation log: PDF and HTML, the viewer's view only, audited."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from sifara.audit.models import AuditEvent
from sifara.core.errors import PermissionDeniedError
from sifara.rooms import export, services

pytestmark = pytest.mark.django_db


def _fill(world: Any) -> None:
    services.entry_post(
        actor=world.member, room=world.room, kind="message", text="Convoy assembled at the port"
    )
    services.entry_post(
        actor=world.owner,
        room=world.room,
        kind="decision",
        text="Charter flight approved",
        classification=2,
    )


def test_pdf_export_carries_the_reference_and_is_audited(world: Any, verified_client: Any) -> None:
    _fill(world)
    services.room_close(actor=world.owner, room=world.room)
    response = verified_client(world.owner).get(
        reverse("rooms:export_pdf", kwargs={"room_id": world.room.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert world.room.reference in response["Content-Disposition"]
    data = response.content
    assert data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert world.room.reference in text
    event = AuditEvent.objects.filter(action="rooms.exported").latest("seq")
    assert event.details["format"] == "pdf"
    assert event.details["top_classification"] == 2
    assert "Charter" not in str(event.details)


def test_html_export_contains_the_timeline(world: Any, verified_client: Any) -> None:
    _fill(world)
    with translation.override("en"):
        response = verified_client(world.owner).get(
            reverse("rooms:export_html", kwargs={"room_id": world.room.pk}),
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="log-timeline"' in html
    assert "Convoy assembled at the port" in html
    assert "Charter flight approved" in html
    assert world.room.reference in html
    assert AuditEvent.objects.filter(action="rooms.exported", details__format="html").exists()


def test_export_leaves_out_what_the_viewer_may_not_see(world: Any) -> None:
    _fill(world)
    html = export.situation_log_export(actor=world.member, room=world.room, fmt="html").decode()
    assert "Convoy assembled at the port" in html
    assert "Charter flight approved" not in html  # CONFIDENTIAL; member is RESTRICTED


def test_guests_and_outsiders_cannot_export(world: Any, verified_client: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        export.situation_log_export(actor=world.guest, room=world.room, fmt="pdf")
    response = verified_client(world.outsider).get(
        reverse("rooms:export_html", kwargs={"room_id": world.room.pk})
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="rooms.exported").exists()


def test_arabic_pdf_renders(world: Any) -> None:
    services.entry_post(
        actor=world.member, room=world.room, kind="message", text="وصلت القافلة إلى الميناء"
    )
    with translation.override("ar"):
        data = export.situation_log_export(actor=world.owner, room=world.room, fmt="pdf")
    assert data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert world.room.reference in text
