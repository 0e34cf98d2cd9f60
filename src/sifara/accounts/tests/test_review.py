"""The radar's review side: queueing rules, review decisions, takedown cases,
evidence, re-screening and the policy around them (services tested directly)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from sifara.accounts import review_selectors, review_services
from sifara.accounts.models import (
    AccountStatus,
    Candidate,
    CandidateStatus,
    OfficialAccount,
    Platform,
    TakedownCase,
    TakedownStatus,
)
from sifara.accounts.radar import CandidateInput, OfficialEntry, Reason, ScreenResult
from sifara.audit.models import AuditEvent
from sifara.core.errors import ApplicationError, PermissionDeniedError

pytestmark = pytest.mark.django_db


def png_bytes(color: str = "red", size: int = 64, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), color).save(buffer, format=fmt)
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


@pytest.fixture(autouse=True)
def _fresh_index():
    review_services.registry_index_forget()
    yield
    review_services.registry_index_forget()


@pytest.fixture
def x():
    return Platform.objects.get(code="x")


@pytest.fixture
def official(hq_unit, x):
    return OfficialAccount.objects.create(
        unit=hq_unit,
        platform=x,
        handle="mfa_demo",
        display_name_en="Ministry of Foreign Affairs (demo)",
        display_name_ar="وزارة الخارجية (تجريبي)",
        status=AccountStatus.DOCUMENTED,
    )


@pytest.fixture
def officer(make_user, hq_unit):
    return make_user(roles=[("digital_officer", hq_unit)], username="officer")


@pytest.fixture
def diplomat(make_user, mission):
    return make_user(roles=[("diplomat", mission)], username="diplomat")


@pytest.fixture
def liaison(make_user):
    from sifara.directory.tests.factories import UnitFactory

    partner = UnitFactory(code="pm-trade", kind="partner_ministry")
    return make_user(roles=[("liaison", partner)], username="liaison")


def screen(actor, handle="mfa_dem0", **fields):
    return review_services.candidate_screen(actor=actor, platform="x", handle=handle, **fields)


@pytest.fixture
def candidate(official, officer):
    found = screen(officer, display_name="Ministry of Foreign Affairs (demo)")
    assert found is not None
    return found


# --- queueing ------------------------------------------------------------------


def test_flagged_account_is_queued_with_bilingual_reasons(official, officer):
    candidate = screen(officer, "@MFA_Dem0", display_name="Ministry of Foreign Affairs (demo)")
    assert candidate is not None
    assert candidate.handle == "mfa_dem0"  # canonicalised
    assert candidate.status == CandidateStatus.PENDING
    assert candidate.matched_account == official
    assert candidate.score >= 0.5
    assert candidate.reasons
    for reason in candidate.reasons:
        assert set(reason) == {"code", "en", "ar", "weight"}
    assert any("‘mfa_demo’" in r["en"] for r in candidate.reasons)
    event = AuditEvent.objects.get(action="accounts.candidate_queued")
    assert event.target_id == str(candidate.pk)
    assert event.details["outcome"] == "queued"


def test_not_similar_account_is_not_stored(official, officer):
    assert screen(officer, "tokyo_food_diaries", display_name="Tokyo Food Diaries") is None
    assert not Candidate.objects.exists()
    assert not AuditEvent.objects.filter(action="accounts.candidate_queued").exists()


def test_only_results_at_or_above_threshold_are_stored(official, monkeypatch):
    """The flag decides, whatever the score: below the threshold nothing is kept."""
    entry = OfficialEntry(account_id=official.pk, platform="x", handle="mfa_demo")

    class StubIndex:
        def __init__(self, score: float, flagged: bool) -> None:
            self.result = ScreenResult(
                score=score,
                flagged=flagged,
                matched=entry,
                reasons=[Reason("handle_similar", "similar", "مشابه", score)],
            )

        def screen(self, candidate):
            return self.result

    monkeypatch.setattr(review_services, "registry_index", lambda: StubIndex(0.49, False))
    assert review_services.candidate_screen(actor=None, platform="x", handle="abc_1") is None
    monkeypatch.setattr(review_services, "registry_index", lambda: StubIndex(0.5, True))
    stored = review_services.candidate_screen(actor=None, platform="x", handle="abc_2")
    assert stored is not None and stored.score == 0.5
    assert Candidate.objects.count() == 1


def test_the_official_account_itself_is_never_a_candidate(official, officer):
    assert screen(officer, "https://x.com/mfa_demo") is None
    assert not Candidate.objects.exists()


def test_bad_input_gives_clear_errors(official, officer):
    with pytest.raises(ApplicationError) as exc:
        screen(officer, "https://x.com/home")
    assert "handle" in exc.value.details
    with pytest.raises(ApplicationError):
        screen(officer, "https://www.facebook.com/mfa_dem0")  # another platform than chosen
    with pytest.raises(ApplicationError) as exc:
        screen(officer, avatar_file=b"this is not a picture")
    assert "avatar" in exc.value.details
    with pytest.raises(ApplicationError):
        screen(officer, bio="x" * 6000)
    with pytest.raises(ApplicationError):
        screen(officer, url="javascript:alert(1)")
    with pytest.raises(ApplicationError):
        screen(officer, created=timezone.localdate() + timedelta(days=2))
    with pytest.raises(ApplicationError):
        review_services.candidate_screen(actor=officer, platform="myspace", handle="mfa_dem0")
    assert not Candidate.objects.exists()


def test_avatar_is_hashed(official, officer):
    candidate = screen(officer, avatar_file=io.BytesIO(png_bytes("blue")))
    assert candidate is not None
    assert len(candidate.avatar_phash) == 16


def test_dismissed_with_same_fingerprint_is_not_requeued(candidate, officer):
    review_services.candidate_dismiss(
        actor=officer, candidate=candidate, reason="parody", note="satire"
    )
    queued = AuditEvent.objects.filter(action="accounts.candidate_queued").count()
    # Same content, different case and spacing, more followers: the same account.
    again = screen(
        officer, "MFA_DEM0", display_name="  ministry of foreign   affairs (DEMO) ", followers=9000
    )
    assert again is not None and again.pk == candidate.pk
    again.refresh_from_db()
    assert again.status == CandidateStatus.DISMISSED
    assert again.dismiss_reason == "parody"
    assert again.review_note == "satire"
    assert AuditEvent.objects.filter(action="accounts.candidate_queued").count() == queued
    outcome = review_services.candidate_screen_outcome(
        actor=officer,
        platform="x",
        handle="mfa_dem0",
        display_name="Ministry of Foreign Affairs (demo)",
    )
    assert outcome.outcome == "kept_dismissed"


def test_dismissed_then_changed_goes_back_to_pending(candidate, officer):
    review_services.candidate_dismiss(actor=officer, candidate=candidate, reason="fan")
    old_print = Candidate.objects.get(pk=candidate.pk).fingerprint
    again = screen(
        officer,
        display_name="Ministry of Foreign Affairs (demo)",
        bio="Official account. Urgent visas here.",
    )
    assert again is not None
    again.refresh_from_db()
    assert again.status == CandidateStatus.PENDING
    assert again.dismiss_reason == ""
    assert again.reviewed_by is None
    assert again.fingerprint != old_print
    assert again.bio == "Official account. Urgent visas here."
    event = AuditEvent.objects.filter(action="accounts.candidate_queued").order_by("-seq").first()
    assert event is not None
    assert event.details["outcome"] == "requeued"


def test_confirmed_stays_confirmed(candidate, officer):
    review_services.candidate_confirm(actor=officer, candidate=candidate, note="")
    again = screen(officer, bio="something new")
    assert again is not None
    again.refresh_from_db()
    assert again.status == CandidateStatus.CONFIRMED
    assert again.bio == ""


def test_pending_candidate_is_updated_in_place(candidate, officer):
    again = screen(officer, display_name="Ministry of Foreign Affairs (demo)", bio="New bio")
    assert again is not None and again.pk == candidate.pk
    assert Candidate.objects.count() == 1
    assert Candidate.objects.get().bio == "New bio"


def test_store_screened_results_for_the_cli(official):
    index = review_services.registry_index()
    inputs = [
        CandidateInput(platform="x", handle="mfa_dem0"),
        CandidateInput(platform="x", handle="mfa_demo_news"),
        CandidateInput(platform="x", handle="tokyo_food_diaries"),
        CandidateInput(platform="nowhere", handle="mfa_dem0"),
    ]
    pairs = [(inp, index.screen(inp)) for inp in inputs]
    counts = review_services.candidates_store_screened(results=pairs, source="csv")
    assert counts["screened"] == 4
    assert counts["queued"] == 2
    assert counts["skipped"] == 1
    assert counts["not_flagged"] == 1
    assert set(Candidate.objects.values_list("source", flat=True)) == {"csv"}
    again = review_services.candidates_store_screened(results=pairs[:2], source="csv")
    assert again["rescored"] == 2
    assert Candidate.objects.count() == 2


def test_registry_index_is_cached_until_the_registry_changes(official, hq_unit, x):
    first = review_services.registry_index()
    assert review_services.registry_index() is first
    OfficialAccount.objects.create(unit=hq_unit, platform=x, handle="mfa_demo_digital")
    second = review_services.registry_index()
    assert second is not first
    official.status = AccountStatus.RETIRED
    official.save()
    assert review_services.registry_index() is not second


def test_rescreen_clears_candidates_of_a_retired_account(candidate, official):
    assert review_services.candidates_rescreen_if_registry_changed() == {
        "rescreened": 1,
        "cleared": 0,
    }
    assert review_services.candidates_rescreen_if_registry_changed() is None  # unchanged
    official.status = AccountStatus.RETIRED
    official.save()
    counts = review_services.candidates_rescreen_if_registry_changed()
    assert counts == {"rescreened": 0, "cleared": 1}
    assert not Candidate.objects.exists()
    assert AuditEvent.objects.filter(action="accounts.candidate_cleared").exists()


def test_rescreen_tasks_are_thin_and_idempotent(candidate):
    from sifara.accounts import review_tasks

    review_tasks.rescreen_pending_task.call_local()
    review_tasks.rescreen_pending_when_registry_changed.call_local()
    review_tasks.rescreen_pending_when_registry_changed.call_local()
    assert Candidate.objects.filter(status=CandidateStatus.PENDING).count() == 1


# --- decisions ------------------------------------------------------------------


def test_confirm_opens_a_takedown_case(candidate, officer):
    case = review_services.candidate_confirm(actor=officer, candidate=candidate, note="fake")
    assert case.status == TakedownStatus.OPEN
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.CONFIRMED
    assert candidate.reviewed_by == officer
    assert candidate.reviewed_at is not None
    assert candidate.review_note == "fake"
    assert TakedownCase.objects.get(candidate=candidate) == case
    event = AuditEvent.objects.get(action="accounts.candidate_confirmed")
    assert event.details["takedown_case"] == case.pk
    with pytest.raises(ApplicationError):
        review_services.candidate_confirm(actor=officer, candidate=candidate)
    with pytest.raises(ApplicationError):
        review_services.candidate_dismiss(actor=officer, candidate=candidate, reason="fan")


def test_dismiss_needs_a_known_reason(candidate, officer):
    with pytest.raises(ApplicationError) as exc:
        review_services.candidate_dismiss(actor=officer, candidate=candidate, reason="boring")
    assert "reason" in exc.value.details
    review_services.candidate_dismiss(actor=officer, candidate=candidate, reason="unrelated")
    assert AuditEvent.objects.filter(action="accounts.candidate_dismissed").count() == 1


@pytest.mark.parametrize("who", ["diplomat", "liaison"])
def test_only_reviewers_may_act(request, who, candidate, officer):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDeniedError):
        screen(actor)
    with pytest.raises(PermissionDeniedError):
        review_services.candidate_confirm(actor=actor, candidate=candidate)
    with pytest.raises(PermissionDeniedError):
        review_services.candidate_dismiss(actor=actor, candidate=candidate, reason="fan")
    case = review_services.candidate_confirm(actor=officer, candidate=candidate)
    with pytest.raises(PermissionDeniedError):
        review_services.takedown_update(actor=actor, case=case, status="closed")
    with pytest.raises(PermissionDeniedError):
        review_services.evidence_add(actor=actor, case=case, file=png_bytes())
    assert not review_selectors.candidate_list_for_user(user=actor).exists()


def test_administrators_review_too(candidate, admin_user):
    case = review_services.candidate_confirm(actor=admin_user, candidate=candidate)
    assert case.pk


# --- takedown cases -------------------------------------------------------------


@pytest.fixture
def case(candidate, officer):
    return review_services.candidate_confirm(actor=officer, candidate=candidate)


def test_takedown_moves_open_reported_removed(case, officer):
    today = timezone.localdate()
    case = review_services.takedown_update(
        actor=officer,
        case=case,
        status="reported",
        reported_on=today - timedelta(days=3),
        platform_reference="X-12345",
    )
    assert case.status == "reported" and case.platform_reference == "X-12345"
    case = review_services.takedown_update(
        actor=officer,
        case=case,
        status="removed",
        reported_on=today - timedelta(days=3),
        platform_reference="X-12345",
        removed_on=today,
    )
    assert case.status == "removed" and case.removed_on == today
    with pytest.raises(ApplicationError):
        review_services.takedown_update(actor=officer, case=case, status="open")
    events = AuditEvent.objects.filter(action="accounts.takedown_updated").order_by("seq")
    assert [(e.details["from"], e.details["to"]) for e in events] == [
        ("open", "reported"),
        ("reported", "removed"),
    ]


def test_takedown_refuses_missing_and_bad_dates(case, officer):
    today = timezone.localdate()
    with pytest.raises(ApplicationError) as exc:
        review_services.takedown_update(actor=officer, case=case, status="reported")
    assert "reported_on" in exc.value.details
    with pytest.raises(ApplicationError) as exc:
        review_services.takedown_update(
            actor=officer, case=case, status="reported", reported_on=today + timedelta(days=1)
        )
    assert "reported_on" in exc.value.details
    with pytest.raises(ApplicationError) as exc:
        review_services.takedown_update(actor=officer, case=case, status="removed")
    assert "removed_on" in exc.value.details
    with pytest.raises(ApplicationError) as exc:
        review_services.takedown_update(
            actor=officer,
            case=case,
            status="removed",
            reported_on=today,
            removed_on=today - timedelta(days=1),
        )
    assert "removed_on" in exc.value.details
    with pytest.raises(ApplicationError):
        review_services.takedown_update(actor=officer, case=case, status="vanished")
    case.refresh_from_db()
    assert case.status == "open"
    assert not AuditEvent.objects.filter(action="accounts.takedown_updated").exists()


def test_closed_case_can_be_reopened(case, officer):
    case = review_services.takedown_update(actor=officer, case=case, status="closed", notes="gone")
    case = review_services.takedown_update(actor=officer, case=case, status="open")
    assert case.status == "open"


# --- evidence -------------------------------------------------------------------


def test_evidence_images_and_pdfs_are_kept_with_their_hash(case, officer):
    import hashlib

    data = png_bytes("green")
    evidence = review_services.evidence_add(
        actor=officer,
        case=case,
        file=io.BytesIO(data),
        caption="Profile",
        captured_at=timezone.now() - timedelta(hours=1),
    )
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.file.name.endswith(".png")
    with evidence.file.open("rb") as handle:
        assert handle.read() == data
    jpeg = review_services.evidence_add(actor=officer, case=case, file=png_bytes(fmt="JPEG"))
    assert jpeg.file.name.endswith(".jpg")
    pdf = review_services.evidence_add(actor=officer, case=case, file=pdf_bytes())
    assert pdf.file.name.endswith(".pdf")
    assert AuditEvent.objects.filter(action="accounts.evidence_added").count() == 3


@pytest.mark.parametrize(
    "payload",
    [
        b"GIF89a not really",
        b"<html><script>alert(1)</script></html>",
        b"\x89PNG\r\n\x1a\n truncated",
        b"",
    ],
)
def test_evidence_that_is_not_an_image_or_pdf_is_refused(case, officer, payload):
    upload = io.BytesIO(payload)
    upload.name = "shot.png"
    with pytest.raises(ApplicationError):
        review_services.evidence_add(actor=officer, case=case, file=upload)
    assert not case.evidence.exists()


def test_gif_and_oversized_evidence_are_refused(case, officer):
    with pytest.raises(ApplicationError):
        review_services.evidence_add(actor=officer, case=case, file=png_bytes(fmt="GIF"))
    big = b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024) + b"\n%%EOF\n"
    with pytest.raises(ApplicationError):
        review_services.evidence_add(actor=officer, case=case, file=big)
    with pytest.raises(ApplicationError):
        review_services.evidence_add(
            actor=officer,
            case=case,
            file=png_bytes(),
            captured_at=timezone.now() + timedelta(days=1),
        )
    assert not case.evidence.exists()


# --- selectors ------------------------------------------------------------------


def test_queue_lists_pending_first_then_by_score(official, officer, x):
    low = screen(officer, "mfa_demo_news")  # queued
    high = screen(officer, "mfa_dem0", display_name="Ministry of Foreign Affairs (demo)")
    confirmed = screen(officer, "the_mfa_demo")
    assert low and high and confirmed
    review_services.candidate_confirm(actor=officer, candidate=confirmed)
    Candidate.objects.filter(pk=low.pk).update(score=0.6)
    Candidate.objects.filter(pk=high.pk).update(score=0.9)
    Candidate.objects.filter(pk=confirmed.pk).update(score=0.99)
    order = list(review_selectors.candidate_list_for_user(user=officer))
    assert [c.pk for c in order] == [high.pk, low.pk, confirmed.pk]
    only = review_selectors.candidate_list_for_user(user=officer, status="confirmed")
    assert [c.pk for c in only] == [confirmed.pk]
    assert not review_selectors.candidate_list_for_user(user=officer, platform="tiktok").exists()


def test_reasons_follow_the_active_language():
    stored = [
        {"code": "a", "en": "weak", "ar": "ضعيف", "weight": 0.1},
        {"code": "b", "en": "strong", "ar": "قوي", "weight": 0.7},
    ]
    assert [r.message for r in review_selectors.reasons_for_display(stored, language="ar")] == [
        "قوي",
        "ضعيف",
    ]
    english = review_selectors.reasons_for_display(stored, language="en", limit=1)
    assert [(r.message, r.percent) for r in english] == [("strong", 70)]
