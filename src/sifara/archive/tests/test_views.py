"""The archive's pages: recording and editing through the form, attaching a
file, a ministry's and a country's pages, the timeline, topics and export."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sifara.archive import services
from sifara.archive.models import Agreement
from sifara.archive.tests.factories import AgreementFactory
from sifara.audit.models import AuditEvent
from sifara.core.models import Classification

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "kind": "mou",
        "status": "in_force",
        "classification": "0",
        "title_ar": "مذكرة تفاهم في مجال الصحة",
        "title_en": "Memorandum of understanding on health",
        "countries": ["JO"],
        "signed_on": "2024-02-01",
        "entry_into_force": "2024-03-01",
        "duration_years": "3",
        "authentic_languages": ["ar", "en"],
        "notice_days": "90",
    }
    data.update(overrides)
    return data


def test_recording_an_agreement_through_the_form(en_client, editor, trade_ministry):
    client = en_client(editor)
    response = client.post("/archive/agreements/new/", _form(ministries=[trade_ministry.pk]))
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/archive/agreements/{agreement.pk}/"
    assert agreement.expires_on == date(2027, 3, 1)
    assert agreement.authentic_languages == ["ar", "en"]
    page = client.get(response["Location"]).content.decode()
    assert "Memorandum of understanding on health" in page and "Jordan" in page
    assert "Ministry of Trade and Industry" in page


def test_contradicting_dates_are_shown_on_the_form(en_client, editor):
    response = en_client(editor).post(
        "/archive/agreements/new/", _form(entry_into_force="2023-12-01")
    )
    assert response.status_code == 200
    assert "Entry into force cannot be before the date of signature." in response.content.decode()
    assert not Agreement.objects.exists()


def test_editing_keeps_relations(en_client, editor, trade_ministry):
    agreement = services.agreement_create(
        actor=editor,
        kind="treaty",
        title_en="Old title",
        status="signed",
        signed_on=date(2020, 1, 1),
        ministries=[trade_ministry],
    )
    response = en_client(editor).post(
        f"/archive/agreements/{agreement.pk}/edit/",
        _form(kind="treaty", title_en="New title", ministries=[trade_ministry.pk], countries=[]),
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.title_en == "New title"
    assert list(agreement.ministries.all()) == [trade_ministry]


def test_attaching_a_file_and_reading_its_text(
    en_client, editor, django_capture_on_commit_callbacks
):
    agreement = AgreementFactory(title_en="Cultural programme")
    upload = SimpleUploadedFile(
        "programme.html",
        "<html><body><h1>برنامج تنفيذي للتعاون الثقافي</h1>"
        "<script>x()</script></body></html>".encode(),
        content_type="text/html",
    )
    client = en_client(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/archive/agreements/{agreement.pk}/files/",
            {"upload": upload, "role": "signed_text", "language": "", "classification": "0"},
        )
    assert response.status_code == 302
    archive_file = agreement.files.get()
    assert archive_file.extraction == "done" and archive_file.language == "ar"
    text_page = client.get(f"/archive/files/{archive_file.pk}/").content.decode()
    assert "برنامج تنفيذي للتعاون الثقافي" in text_page and "x()" not in text_page


def test_a_refused_upload_explains_why(en_client, editor):
    agreement = AgreementFactory()
    response = en_client(editor).post(
        f"/archive/agreements/{agreement.pk}/files/",
        {
            "upload": SimpleUploadedFile("scan.pdf", b"not a pdf at all"),
            "role": "signed_text",
            "classification": "0",
        },
    )
    assert response.status_code == 400
    assert "is not a PDF document" in response.content.decode()
    assert not agreement.files.exists()


def test_ministry_country_timeline_and_topic_pages(en_client, staff, trade_ministry):
    signed = AgreementFactory(
        title_en="Signed with Egypt", signed_on=date(2021, 1, 5), expires_on=date(2026, 1, 5)
    )
    signed.ministries.add(trade_ministry)
    signed.parties.create(country_id="EG")
    AgreementFactory(title_en="Unrelated agreement")
    client = en_client(staff)
    ministry = client.get(f"/archive/ministries/{trade_ministry.pk}/").content.decode()
    assert "Signed with Egypt" in ministry and "Unrelated agreement" not in ministry
    country = client.get("/archive/countries/EG/").content.decode()
    assert "Signed with Egypt" in country and "Unrelated agreement" not in country
    assert client.get("/archive/countries/QQ/").status_code == 404
    timeline = client.get("/archive/timeline/", {"from": "2020", "to": "2027"}).content.decode()
    assert timeline.count("Signed with Egypt") == 2  # signature and expiry
    assert client.get("/archive/topics/").status_code == 200
    assert (
        client.post("/archive/topics/", {"code": "x", "name_ar": "س", "name_en": "X"}).status_code
        == 403
    )


def test_topics_are_managed_by_the_treaties_department(en_client, editor):
    response = en_client(editor).post(
        "/archive/topics/",
        {"code": "fisheries", "name_ar": "مصايد الأسماك", "name_en": "Fisheries"},
    )
    assert response.status_code == 302
    assert "Fisheries" in en_client(editor).get("/archive/topics/").content.decode()


def test_export_is_audited_and_holds_only_visible_records(en_client, staff, legal_unit):
    AgreementFactory(title_en="Visible one", un_registration="I:1")
    AgreementFactory(title_en="=HYPERLINK()", status="signed")
    AgreementFactory(
        title_en="Hidden one", classification=Classification.SECRET, owner_unit=legal_unit
    )
    client = en_client(staff)
    response = client.get("/archive/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    titles = sorted(r["title_en"] for r in rows)
    assert titles == ["'=HYPERLINK()", "Visible one"]
    data = json.loads(client.get("/archive/export.json", {"status": "signed"}).content)
    assert [r["title_en"] for r in data] == ["=HYPERLINK()"]
    assert AuditEvent.objects.filter(action="archive.exported").count() == 2


def test_api_lists_visible_agreements(verified_client, staff, legal_unit):
    AgreementFactory(title_en="Visible one")
    AgreementFactory(
        title_en="Hidden one", classification=Classification.SECRET, owner_unit=legal_unit
    )
    body = verified_client(staff).get("/api/v1/agreements/").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [r["title_en"] for r in rows] == ["Visible one"]
