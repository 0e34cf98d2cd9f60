"""Evidence packs: the bilingual PDF and the ZIP with its manifest."""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import re
import zipfile
import zlib
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from sifara.accounts import evidence, review_services
from sifara.accounts.models import AccountStatus, OfficialAccount, Platform
from sifara.audit.models import AuditEvent
from sifara.core import pdf
from sifara.core.errors import PermissionDeniedError

pytestmark = pytest.mark.django_db


def png_bytes(color: str = "red", size: int = 320) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size // 2), color).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _fresh_index():
    review_services.registry_index_forget()


@pytest.fixture
def officer(make_user, hq_unit):
    return make_user(
        roles=[("digital_officer", hq_unit)],
        username="officer",
        full_name_en="Nour Darwish",
        full_name_ar="نور درويش",
    )


@pytest.fixture
def case(hq_unit, officer):
    x = Platform.objects.get(code="x")
    OfficialAccount.objects.create(
        unit=hq_unit,
        platform=x,
        handle="mfa_demo",
        display_name_en="Ministry of Foreign Affairs (demo)",
        display_name_ar="وزارة الخارجية (تجريبي)",
        status=AccountStatus.DOCUMENTED,
        platform_verified=True,
    )
    candidate = review_services.candidate_screen(
        actor=officer,
        platform="x",
        handle="mfa_demo_official",
        display_name="وزارة الخارجية (تجريبي)",
        bio="الحساب الرسمي لوزارة الخارجية. تأشيرات عاجلة.",
        followers=312,
        created=timezone.localdate() - timedelta(days=9),
    )
    assert candidate is not None
    case = review_services.candidate_confirm(actor=officer, candidate=candidate, note="fake")
    review_services.evidence_add(
        actor=officer,
        case=case,
        file=png_bytes("steelblue"),
        caption="صفحة الحساب المنتحل",
        captured_at=timezone.now() - timedelta(hours=2),
    )
    review_services.evidence_add(
        actor=officer,
        case=case,
        file=b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
        caption="Earlier report",
    )
    return case


def _pdf_text(data: bytes) -> str:
    """Text and metadata of a PDF: pypdf when installed, else the inflated streams
    (WeasyPrint keeps the document information in a compressed object stream)."""
    try:
        pypdf = importlib.import_module("pypdf")
    except ImportError:
        chunks = [data]
        for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
            try:
                chunks.append(zlib.decompress(match.group(1)))
            except zlib.error:
                continue
        return b"\n".join(chunks).decode("latin-1")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return text + str(reader.metadata)


def test_pdf_pack_is_a_pdf_naming_the_impersonator(case, officer):
    data = evidence.evidence_pack_pdf(actor=officer, case=case)
    assert data.startswith(b"%PDF-")
    assert b"%%EOF" in data[-64:]
    assert "mfa_demo_official" in _pdf_text(data)
    event = AuditEvent.objects.get(action="accounts.evidence_exported")
    assert event.details["format"] == "pdf"
    assert event.details["sha256"] == hashlib.sha256(data).hexdigest()
    assert event.target_id == str(case.pk)


def test_zip_pack_manifest_hashes_match_the_files(case, officer):
    data = evidence.evidence_pack_zip(actor=officer, case=case)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["impersonator"] == "mfa_demo_official"
        assert manifest["official_account"] == "mfa_demo"
        assert manifest["report_url"].startswith("https://")
        listed = {entry["path"]: entry for entry in manifest["files"]}
        assert set(listed) | {"manifest.json"} == set(names)
        assert len(listed) == 3  # the PDF and two evidence files
        for path, entry in listed.items():
            content = archive.read(path)
            assert hashlib.sha256(content).hexdigest() == entry["sha256"]
            assert entry["bytes"] == len(content)
        pdfs = [e for e in manifest["files"] if e["kind"] == "evidence_pack"]
        assert archive.read(pdfs[0]["path"]).startswith(b"%PDF-")
        for entry in manifest["files"]:
            if entry["kind"] == "evidence":
                assert entry["intact"] is True
                assert entry["sha256_recorded"] == entry["sha256"]
    event = AuditEvent.objects.get(action="accounts.evidence_exported")
    assert event.details["format"] == "zip"


def test_tampered_evidence_is_flagged_in_the_manifest(case, officer):
    item = case.evidence.order_by("pk").first()
    path = item.file.path
    with open(path, "wb") as handle:
        handle.write(png_bytes("black"))
    data = evidence.evidence_pack_zip(actor=officer, case=case)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    flags = [e["intact"] for e in manifest["files"] if e["kind"] == "evidence"]
    assert flags == [False, True]


def test_only_reviewers_export(case, make_user, mission):
    diplomat = make_user(roles=[("diplomat", mission)], username="diplomat")
    with pytest.raises(PermissionDeniedError):
        evidence.evidence_pack_pdf(actor=diplomat, case=case)
    with pytest.raises(PermissionDeniedError):
        evidence.evidence_pack_zip(actor=diplomat, case=case)
    assert not AuditEvent.objects.filter(action="accounts.evidence_exported").exists()


def test_rendering_fetches_nothing_remote():
    fetcher = pdf._url_fetcher([])
    with pytest.raises(ValueError):
        fetcher.fetch("http://169.254.169.254/latest/meta-data/")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
