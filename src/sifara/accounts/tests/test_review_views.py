"""The review queue's pages through the real URL stack: policy matrix, HTMX
partial, forms without JavaScript, downloads."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from sifara.accounts import review_services
from sifara.accounts.models import (
    AccountStatus,
    Candidate,
    CandidateStatus,
    OfficialAccount,
    Platform,
    TakedownCase,
)
from sifara.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def png_bytes(color: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), color).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _fresh_index():
    review_services.registry_index_forget()


@pytest.fixture
def official(hq_unit):
    return OfficialAccount.objects.create(
        unit=hq_unit,
        platform=Platform.objects.get(code="x"),
        handle="mfa_demo",
        display_name_en="Ministry of Foreign Affairs (demo)",
        display_name_ar="وزارة الخارجية (تجريبي)",
        status=AccountStatus.DOCUMENTED,
    )


@pytest.fixture
def officer(make_user, hq_unit):
    return make_user(roles=[("digital_officer", hq_unit)], username="officer")


@pytest.fixture
def candidate(official, officer):
    found = review_services.candidate_screen(
        actor=officer,
        platform="x",
        handle="mfa_dem0",
        display_name="Ministry of Foreign Affairs (demo)",
    )
    assert found is not None
    return found


@pytest.fixture
def case(candidate, officer):
    return review_services.candidate_confirm(actor=officer, candidate=candidate)


def _urls(candidate: Candidate, case: TakedownCase) -> list[tuple[str, str]]:
    return [
        ("get", reverse("accounts_review:queue")),
        ("get", reverse("accounts_review:candidate_new")),
        ("get", reverse("accounts_review:candidate_detail", args=[candidate.pk])),
        ("post", reverse("accounts_review:candidate_confirm", args=[candidate.pk])),
        ("post", reverse("accounts_review:candidate_dismiss", args=[candidate.pk])),
        ("get", reverse("accounts_review:takedown_detail", args=[case.pk])),
        ("post", reverse("accounts_review:takedown_update", args=[case.pk])),
        ("post", reverse("accounts_review:evidence_add", args=[case.pk])),
        ("get", reverse("accounts_review:evidence_pack_pdf", args=[case.pk])),
        ("get", reverse("accounts_review:evidence_pack_zip", args=[case.pk])),
    ]


@pytest.fixture
def other_candidate(official, officer):
    found = review_services.candidate_screen(actor=officer, platform="x", handle="mfa_demo_news")
    assert found is not None
    return found


@pytest.mark.parametrize("role", ["diplomat", "liaison", "head_of_mission", "analyst"])
def test_other_roles_get_403(role, make_user, mission, verified_client, other_candidate, case):
    user = make_user(roles=[(role, mission)], username=f"u-{role}")
    client = verified_client(user)
    for method, url in _urls(other_candidate, case):
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
    assert Candidate.objects.get(pk=other_candidate.pk).status == CandidateStatus.PENDING
    assert not AuditEvent.objects.filter(action="accounts.evidence_exported").exists()


def test_anonymous_is_sent_to_sign_in(client, other_candidate, case):
    for method, url in _urls(other_candidate, case):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert "/identity/login/" in response["Location"]


def test_queue_shows_pending_first_with_reasons(verified_client, officer, candidate, case):
    other = review_services.candidate_screen(actor=officer, platform="x", handle="mfa_demo_news")
    assert other is not None
    client = verified_client(officer)
    response = client.get(reverse("accounts_review:queue"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("@mfa_demo_news") < html.index("@mfa_dem0<")  # pending before confirmed
    assert "@mfa_demo" in html
    # English UI shows the English reasons.
    client.post(reverse("identity:language"), {"language": "en", "next": "/"})
    html = client.get(reverse("accounts_review:queue")).content.decode()
    assert other.reasons[0]["en"].split("‘")[0] in html


def test_queue_filters_answer_htmx_with_the_partial(verified_client, officer, candidate, case):
    review_services.candidate_screen(actor=officer, platform="x", handle="mfa_demo_news")
    client = verified_client(officer)
    response = client.get(
        reverse("accounts_review:queue"), {"status": "pending"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "@mfa_demo_news" in html and "@mfa_dem0<" not in html
    response = client.get(reverse("accounts_review:queue"), {"platform": "tiktok"})
    assert "@mfa_demo_news" not in response.content.decode()


def test_candidate_page_then_confirm_without_javascript(verified_client, officer, candidate):
    client = verified_client(officer)
    detail = client.get(reverse("accounts_review:candidate_detail", args=[candidate.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert candidate.reasons[0]["ar"] in html  # Arabic by default
    assert "@mfa_demo" in html
    response = client.post(
        reverse("accounts_review:candidate_confirm", args=[candidate.pk]), {"note": "fake"}
    )
    case = TakedownCase.objects.get(candidate=candidate)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts_review:takedown_detail", args=[case.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "https://help.x.com/forms/impersonation" in page.content.decode()


def test_dismiss_form(verified_client, officer, candidate):
    client = verified_client(officer)
    url = reverse("accounts_review:candidate_dismiss", args=[candidate.pk])
    assert client.post(url, {"reason": "nonsense"}).status_code == 302
    assert Candidate.objects.get(pk=candidate.pk).status == CandidateStatus.PENDING
    response = client.post(url, {"reason": "parody", "note": "satire"})
    assert response["Location"] == reverse("accounts_review:queue")
    assert Candidate.objects.get(pk=candidate.pk).dismiss_reason == "parody"


def test_manual_entry_reports_the_outcome(verified_client, officer, official):
    client = verified_client(officer)
    url = reverse("accounts_review:candidate_new")
    assert client.get(url).status_code == 200
    x = Platform.objects.get(code="x")
    response = client.post(url, {"platform": x.pk, "handle": "https://x.com/mfa_dem0?s=20"})
    candidate = Candidate.objects.get(handle="mfa_dem0")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts_review:candidate_detail", args=[candidate.pk])
    response = client.post(url, {"platform": x.pk, "handle": "@tokyo_food_diaries"})
    assert response.status_code == 200
    assert 'data-testid="screen-outcome"' in response.content.decode()
    assert not Candidate.objects.filter(handle="tokyo_food_diaries").exists()


def test_manual_entry_refuses_bad_input_on_the_form(verified_client, officer, official):
    client = verified_client(officer)
    x = Platform.objects.get(code="x")
    url = reverse("accounts_review:candidate_new")
    fake = SimpleUploadedFile("face.png", b"not an image", content_type="image/png")
    response = client.post(url, {"platform": x.pk, "handle": "mfa_dem0", "avatar": fake})
    assert response.status_code == 200
    assert response.context["form"].errors["avatar"]
    response = client.post(url, {"platform": x.pk, "handle": "https://x.com/home"})
    assert response.context["form"].errors["handle"]
    assert not Candidate.objects.exists()


def test_takedown_form_and_evidence_upload(verified_client, officer, case):
    client = verified_client(officer)
    today = timezone.localdate()
    update = reverse("accounts_review:takedown_update", args=[case.pk])
    response = client.post(update, {"status": "reported"})
    assert response.status_code == 200
    assert response.context["form"].errors["reported_on"]
    response = client.post(
        update, {"status": "reported", "reported_on": today.isoformat(), "platform_reference": "R1"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "reported"

    add = reverse("accounts_review:evidence_add", args=[case.pk])
    text = SimpleUploadedFile("shot.png", b"hello", content_type="image/png")
    response = client.post(add, {"file": text, "caption": "x"})
    assert response.status_code == 200
    assert response.context["evidence_form"].errors["file"]
    assert not case.evidence.exists()
    image = SimpleUploadedFile("shot.png", png_bytes(), content_type="image/png")
    response = client.post(add, {"file": image, "caption": "Profile", "captured_at": ""})
    assert response.status_code == 302
    evidence = case.evidence.get()
    served = client.get(reverse("accounts_review:evidence_file", args=[case.pk, evidence.pk]))
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == png_bytes()


def test_pack_downloads(verified_client, officer, case):
    review_services.evidence_add(actor=officer, case=case, file=png_bytes(), caption="Profile")
    client = verified_client(officer)
    pdf = client.get(reverse("accounts_review:evidence_pack_pdf", args=[case.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert "attachment" in pdf["Content-Disposition"]
    archive = client.get(reverse("accounts_review:evidence_pack_zip", args=[case.pk]))
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
        assert "manifest.json" in zipped.namelist()
    assert AuditEvent.objects.filter(action="accounts.evidence_exported").count() == 2
