"""The official-accounts registry: services, selectors, pages, API and the
policy around them (only digital officers and administrators edit; security
posture visible only to them)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from sifara.accounts import selectors, services
from sifara.accounts.models import (
    OfficialAccount,
    PersonalAccount,
    Platform,
    PlatformUsage,
    SecurityPosture,
)
from sifara.audit.models import AuditEvent
from sifara.core import policy
from sifara.core.errors import ApplicationError, PermissionDeniedError
from sifara.directory.models import Country

pytestmark = pytest.mark.django_db


def png_bytes(color: str = "red", size: int = 64) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), color).save(buffer, format="PNG")
    return buffer.getvalue()


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


@pytest.fixture
def x():
    return Platform.objects.get(code="x")


@pytest.fixture
def account(officer, mission, x):
    return services.official_account_create(
        actor=officer,
        unit=mission,
        platform=x,
        handle="@Demo_Embassy_Tokyo",
        status="documented",
        display_name_en="Embassy in Tokyo (demo)",
        display_name_ar="السفارة في طوكيو (تجريبي)",
    )


# --- services -------------------------------------------------------------------


def test_pasted_link_is_canonicalised(officer, mission, x):
    account = services.official_account_create(
        actor=officer, unit=mission, platform=x, handle="https://twitter.com/Foo?s=20"
    )
    assert (account.platform.code, account.handle) == ("x", "foo")
    assert account.profile_url == "https://x.com/foo"
    assert account.posture.risk_score == 100
    assert AuditEvent.objects.filter(action="accounts.account_created").count() == 1


def test_link_of_another_platform_is_refused(officer, mission, x):
    with pytest.raises(ApplicationError) as caught:
        services.official_account_create(
            actor=officer, unit=mission, platform=x, handle="https://t.me/demo_channel"
        )
    assert "handle" in caught.value.details
    assert not OfficialAccount.objects.exists()


def test_duplicate_handle_is_refused_and_nothing_half_written(account, officer, hq_unit, x):
    before = (OfficialAccount.objects.count(), SecurityPosture.objects.count())
    with pytest.raises(ApplicationError) as caught:
        services.official_account_create(
            actor=officer, unit=hq_unit, platform=x, handle="x.com/demo_embassy_tokyo"
        )
    assert caught.value.code == "duplicate_account"
    assert (OfficialAccount.objects.count(), SecurityPosture.objects.count()) == before


def test_documenting_sets_the_date_and_is_audited(officer, mission, x):
    account = services.official_account_create(
        actor=officer, unit=mission, platform=x, handle="demo_x"
    )
    assert account.status == "pending" and account.documented_on is None
    services.official_account_set_status(actor=officer, account=account, status="documented")
    account.refresh_from_db()
    assert account.documented_on == timezone.localdate()
    event = AuditEvent.objects.filter(action="accounts.account_updated").latest("seq")
    assert event.details["status"] == {"from": "pending", "to": "documented"}


def test_custodians_must_be_ministry_staff(account, officer, liaison, make_user):
    services.official_account_set_custodians(actor=officer, account=account, custodians=[officer])
    assert list(account.custodians.all()) == [officer]
    with pytest.raises(ApplicationError):
        services.official_account_set_custodians(
            actor=officer, account=account, custodians=[liaison]
        )
    nobody = make_user(username="no-role")
    assert not policy.may_be_custodian(nobody)
    assert list(account.custodians.all()) == [officer]


def test_profile_image_is_checked_and_hashed(account, officer):
    services.official_account_set_profile_image(
        actor=officer, account=account, data=png_bytes("blue")
    )
    account.refresh_from_db()
    assert len(account.profile_image_phash) == 16 and account.profile_image.name.endswith(".png")
    with pytest.raises(ApplicationError) as caught:
        services.official_account_set_profile_image(
            actor=officer, account=account, data=b"%PDF-1.4 not an image"
        )
    assert caught.value.code == "not_an_image"
    with pytest.raises(ApplicationError):
        services.official_account_set_profile_image(
            actor=officer, account=account, data=b"\x89PNG" + b"0" * (2 * 1024 * 1024)
        )


def test_personal_accounts_are_separate(officer, diplomat, account, x):
    personal = services.personal_account_create(
        actor=officer, person=diplomat, platform=x, handle="@omar_personal"
    )
    assert personal.handle == "omar_personal"
    listed = selectors.official_account_list_for_user(user=officer)
    assert [a.handle for a in listed] == ["demo_embassy_tokyo"]
    with pytest.raises(PermissionDeniedError):
        services.personal_account_create(
            actor=diplomat, person=diplomat, platform=x, handle="other"
        )


def test_only_editors_write(diplomat, liaison, mission, x):
    for user in (diplomat, liaison):
        with pytest.raises(PermissionDeniedError):
            services.official_account_create(actor=user, unit=mission, platform=x, handle="z")


def test_platform_usage_needs_source_and_administrator(admin_user, officer):
    japan = Country.objects.get(code="JP")
    x = Platform.objects.get(code="x")
    with pytest.raises(ApplicationError):
        services.platform_usage_set(
            actor=admin_user, country=japan, platform=x, share_percent=40, source=" "
        )
    with pytest.raises(ApplicationError):
        services.platform_usage_set(
            actor=admin_user, country=japan, platform=x, share_percent=140, source="s"
        )
    with pytest.raises(PermissionDeniedError):
        services.platform_usage_set(
            actor=officer, country=japan, platform=x, share_percent=40, source="s"
        )
    usage = services.platform_usage_set(
        actor=admin_user, country=japan, platform=x, share_percent="45.5", source="Survey"
    )
    assert str(usage.share_percent) == "45.50"


def _guide(admin_user, country: str, shares: dict[str, int]) -> None:
    found = Country.objects.get(code=country)
    for code, share in shares.items():
        services.platform_usage_set(
            actor=admin_user,
            country=found,
            platform=Platform.objects.get(code=code),
            share_percent=share,
            source="Demo figures (fictional)",
        )


def test_unit_coverage_flags_gaps(admin_user, officer, mission, account, diplomat):
    _guide(admin_user, "JP", {"x": 45, "youtube": 60, "instagram": 40, "facebook": 5})
    pending = services.official_account_create(
        actor=officer,
        unit=mission,
        platform=Platform.objects.get(code="youtube"),
        handle="youtube.com/@demo_embassy_tokyo",
    )
    coverage = selectors.unit_coverage_for_user(user=diplomat, unit=mission)
    assert coverage is not None
    covered = {row.usage.platform.code: row.covered for row in coverage.rows}
    # facebook (5 %) is still a main platform: among the top five
    assert covered == {"x": True, "youtube": False, "instagram": False, "facebook": False}
    assert pending in coverage.accounts


# --- pages ------------------------------------------------------------------------


def test_registry_pages_for_a_diplomat_show_no_posture(verified_client, diplomat, account):
    client = verified_client(diplomat)
    page = client.get(reverse("accounts:registry"))
    assert page.status_code == 200 and "demo_embassy_tokyo" in page.content.decode()
    filtered = client.get(reverse("accounts:registry"), {"platform": "facebook"})
    assert "demo_embassy_tokyo" not in filtered.content.decode()
    partial = client.get(reverse("accounts:registry"), {"q": "tokyo"}, HTTP_HX_REQUEST="true")
    assert (
        "<html" not in partial.content.decode() and "demo_embassy_tokyo" in partial.content.decode()
    )
    detail = client.get(reverse("accounts:account_detail", args=[account.pk]))
    body = detail.content.decode()
    assert detail.status_code == 200 and 'data-testid="posture-block"' not in body
    assert 'data-testid="risk-factors"' not in body


def test_diplomat_and_liaison_denied_edit_and_posture(verified_client, diplomat, liaison, account):
    for user in (diplomat, liaison):
        client = verified_client(user)
        assert client.get(reverse("accounts:account_create")).status_code == 403
        assert client.get(reverse("accounts:account_edit", args=[account.pk])).status_code == 403
        assert client.get(reverse("accounts:personal_list")).status_code == 403
        assert client.get(reverse("accounts:account_posture", args=[account.pk])).status_code == 404
        assert client.get(reverse("accounts:security_board")).status_code == 404
        response = client.post(
            reverse("accounts:audit_record", args=[account.pk]), {"audited_on": "2026-01-01"}
        )
        assert response.status_code == 404
        created = client.post(
            reverse("accounts:account_create"),
            {"unit": account.unit_id, "platform": "x", "handle": "sneaky", "kind": "institutional"},
        )
        assert created.status_code == 403
    assert not OfficialAccount.objects.filter(handle="sneaky").exists()


def test_anonymous_is_sent_to_login(client, account):
    for url in (
        reverse("accounts:registry"),
        reverse("accounts:account_detail", args=[account.pk]),
        reverse("accounts:security_board"),
        reverse("accounts:guide_index"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_officer_creates_account_with_image_through_the_form(verified_client, officer, mission):
    client = verified_client(officer)
    response = client.post(
        reverse("accounts:account_create"),
        {
            "unit": mission.pk,
            "platform": "instagram",
            "handle": "https://www.instagram.com/Demo_Embassy_Tokyo/?hl=en",
            "kind": "institutional",
            "status": "documented",
            "custodians": [officer.pk],
            "profile_image": SimpleUploadedFile("a.png", png_bytes(), content_type="image/png"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    account = OfficialAccount.objects.get(handle="demo_embassy_tokyo", platform__code="instagram")
    assert account.profile_image_phash and list(account.custodians.all()) == [officer]


def test_form_reports_non_image_and_duplicate(verified_client, officer, mission, account):
    client = verified_client(officer)
    bad = client.post(
        reverse("accounts:account_create"),
        {
            "unit": mission.pk,
            "platform": "facebook",
            "handle": "demo_new",
            "kind": "institutional",
            "status": "pending",
            "profile_image": SimpleUploadedFile("a.png", b"MZ\x90 not png", "image/png"),
        },
    )
    assert bad.status_code == 200 and "invalid-feedback" in bad.content.decode()
    assert not OfficialAccount.objects.filter(handle="demo_new").exists()
    dup = client.post(
        reverse("accounts:account_create"),
        {
            "unit": mission.pk,
            "platform": "x",
            "handle": "https://mobile.twitter.com/demo_embassy_tokyo",
            "kind": "institutional",
            "status": "pending",
        },
    )
    assert dup.status_code == 200
    assert OfficialAccount.objects.filter(handle="demo_embassy_tokyo").count() == 1


def test_officer_sees_posture_and_records_audit(verified_client, officer, account):
    client = verified_client(officer)
    detail = client.get(reverse("accounts:account_detail", args=[account.pk]))
    assert 'data-testid="posture-block"' in detail.content.decode()
    saved = client.post(
        reverse("accounts:account_posture", args=[account.pk]),
        {
            "two_factor_enabled": "on",
            "recovery_email_institutional": "on",
            "recovery_phone_institutional": "on",
            "login_alerts_enabled": "on",
            "people_with_access": "2",
            "last_password_rotation": (timezone.localdate() - timedelta(days=10)).isoformat(),
        },
    )
    assert saved.status_code == 302
    account.posture.refresh_from_db()
    assert account.posture.risk_score == 15  # never audited
    recorded = client.post(
        reverse("accounts:audit_record", args=[account.pk]),
        {"audited_on": timezone.localdate().isoformat(), "passed": "on", "findings": "ok"},
    )
    assert recorded.status_code == 302
    account.posture.refresh_from_db()
    assert account.posture.risk_score == 0
    assert account.posture.last_audit_on == timezone.localdate()
    future = client.post(
        reverse("accounts:audit_record", args=[account.pk]),
        {"audited_on": (timezone.localdate() + timedelta(days=3)).isoformat()},
    )
    assert future.status_code == 400


def test_security_board_ranks_weakest_first(verified_client, officer, mission, account):
    strong = services.official_account_create(
        actor=officer, unit=mission, platform=Platform.objects.get(code="youtube"), handle="strong"
    )
    services.posture_update(
        actor=officer,
        account=strong,
        two_factor_enabled=True,
        recovery_email_institutional=True,
        recovery_phone_institutional=True,
        login_alerts_enabled=True,
        last_password_rotation=timezone.localdate(),
    )
    rows = selectors.security_board_for_user(user=officer)
    assert [r.account.handle for r in rows] == ["demo_embassy_tokyo", "strong"]
    assert rows[0].score == 100 and rows[0].audit_overdue
    page = verified_client(officer).get(reverse("accounts:security_board"))
    body = page.content.decode()
    assert body.index("demo_embassy_tokyo") < body.index("strong") and "table-warning" in body


def test_platform_guide_pages(verified_client, admin_user, diplomat):
    admin = verified_client(admin_user)
    saved = admin.post(
        reverse("accounts:guide_country", args=["JP"]),
        {"platform": "x", "share_percent": "45", "source": "Demo figures (fictional)"},
    )
    assert saved.status_code == 302
    assert PlatformUsage.objects.get(country="JP", platform__code="x").share_percent == 45
    missing_source = admin.post(
        reverse("accounts:guide_country", args=["JP"]), {"platform": "x", "share_percent": "45"}
    )
    assert (
        missing_source.status_code == 200 and "invalid-feedback" in missing_source.content.decode()
    )
    reader = verified_client(diplomat)
    page = reader.get(reverse("accounts:guide_country", args=["JP"]))
    assert (
        page.status_code == 200 and '<form method="post" class="card"' not in page.content.decode()
    )
    denied = reader.post(
        reverse("accounts:guide_country", args=["JP"]),
        {"platform": "x", "share_percent": "1", "source": "me"},
    )
    assert denied.status_code == 403
    assert reader.get(reverse("accounts:guide_country", args=["ZZZ"])).status_code == 404
    assert reader.get(reverse("accounts:guide_country", args=["QQ"])).status_code == 404


def test_personal_accounts_page(verified_client, officer, diplomat):
    client = verified_client(officer)
    response = client.post(
        reverse("accounts:personal_list"),
        {"person": diplomat.pk, "platform": "x", "handle": "https://x.com/Omar_Personal"},
    )
    assert response.status_code == 302
    assert PersonalAccount.objects.get().handle == "omar_personal"
    page = client.get(reverse("accounts:personal_list"))
    assert "omar_personal" in page.content.decode()
    registry = client.get(reverse("accounts:registry"))
    assert "omar_personal" not in registry.content.decode()


def test_unit_page_shows_accounts_and_gaps(verified_client, admin_user, diplomat, mission, account):
    _guide(admin_user, "JP", {"x": 45, "youtube": 60})
    page = verified_client(diplomat).get(reverse("directory:unit_detail", args=[mission.pk]))
    body = page.content.decode()
    assert 'data-testid="unit-accounts"' in body and "demo_embassy_tokyo" in body
    assert 'data-platform="youtube" data-covered="no"' in body
    assert 'data-platform="x" data-covered="yes"' in body


def test_navigation_links_to_the_registry(verified_client, diplomat):
    page = verified_client(diplomat).get(reverse("core:dashboard"))
    assert reverse("accounts:registry") in page.content.decode()


# --- API --------------------------------------------------------------------------


def test_api_read_hides_posture_from_diplomat(verified_client, diplomat, officer, account):
    listed = verified_client(diplomat).get("/api/v1/official-accounts/")
    assert listed.status_code == 200
    item = listed.json()["results"][0]
    assert item["handle"] == "demo_embassy_tokyo" and "posture" not in item
    one = verified_client(diplomat).get(f"/api/v1/official-accounts/{account.pk}/")
    assert "posture" not in one.json() and "risk_score" not in one.content.decode()
    as_officer = verified_client(officer).get(f"/api/v1/official-accounts/{account.pk}/").json()
    assert as_officer["posture"]["risk_score"] == 100
    assert {f["code"] for f in as_officer["posture"]["risk_factors"]} >= {"no_two_factor"}


def test_api_write_and_denials(verified_client, officer, diplomat, mission, account, client):
    created = verified_client(officer).post(
        "/api/v1/official-accounts/",
        {"unit": mission.pk, "platform": "telegram", "handle": "t.me/s/Demo_Embassy_Tokyo"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["handle"] == "demo_embassy_tokyo"
    duplicate = verified_client(officer).post(
        "/api/v1/official-accounts/",
        {"unit": mission.pk, "platform": "x", "handle": "@demo_embassy_tokyo"},
        content_type="application/json",
    )
    assert duplicate.status_code == 400
    assert duplicate.json()["error"]["code"] == "duplicate_account"
    garbage = verified_client(officer).post(
        "/api/v1/official-accounts/",
        {"unit": mission.pk, "platform": "x", "handle": "not a handle!!" * 100},
        content_type="application/json",
    )
    assert garbage.status_code == 400
    patched = verified_client(officer).patch(
        f"/api/v1/official-accounts/{account.pk}/",
        {"status": "suspended"},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["status"] == "suspended"
    denied = verified_client(diplomat).post(
        "/api/v1/official-accounts/",
        {"unit": mission.pk, "platform": "x", "handle": "intruder"},
        content_type="application/json",
    )
    assert denied.status_code == 403
    assert client.get("/api/v1/official-accounts/").status_code in (401, 403)
    assert verified_client(diplomat).get("/api/v1/official-accounts/abc/").status_code == 404
    assert verified_client(diplomat).get("/api/v1/official-accounts/99999/").status_code == 404


def test_demo_loads_idempotently():
    from sifara.directory.demo import load_demo

    load_demo(out=io.StringIO())
    counts = (OfficialAccount.objects.count(), PlatformUsage.objects.count())
    out = io.StringIO()
    load_demo(out=out)
    assert (OfficialAccount.objects.count(), PlatformUsage.objects.count()) == counts
    assert "Official accounts (fictional)" in out.getvalue()
    assert OfficialAccount.objects.filter(unit__code="hq", handle="mfa_demo").count() >= 5
    assert OfficialAccount.objects.filter(handle="demo_embassy_tokyo").exists()
    assert SecurityPosture.objects.filter(risk_score__gte=50).count() >= 2
    assert not PlatformUsage.objects.exclude(source="Demo figures (fictional)").exists()
    handles = set(OfficialAccount.objects.values_list("handle", flat=True))
    assert all(h.startswith(("demo", "mfa_demo", "mfa-demo", "fm_demo")) for h in handles)
    # every demo mission has at least one account
    from sifara.directory.models import MISSION_KINDS, Unit

    for unit in Unit.objects.filter(kind__in=MISSION_KINDS):
        assert unit.official_accounts.exists(), unit.code


def test_liaison_sees_no_custodians_outside_own_unit(verified_client, liaison, officer, account):
    services.official_account_set_custodians(actor=officer, account=account, custodians=[officer])
    client = verified_client(liaison)
    page = client.get(reverse("accounts:account_detail", args=[account.pk]))
    assert page.status_code == 200 and officer.display_name not in page.content.decode()
    api = client.get(f"/api/v1/official-accounts/{account.pk}/").json()
    assert api["custodians"] == [] and "posture" not in api
    assert verified_client(officer).get(f"/api/v1/official-accounts/{account.pk}/").json()[
        "custodians"
    ] == ["officer"]


def test_api_rejects_unknown_kind_and_status(verified_client, officer, mission):
    response = verified_client(officer).post(
        "/api/v1/official-accounts/",
        {"unit": mission.pk, "platform": "x", "handle": "demo_k", "kind": "fan", "status": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert {"kind", "status"} <= set(response.json()["error"]["details"])


def test_garbage_handle_is_reported_on_the_field(verified_client, officer, mission):
    response = verified_client(officer).post(
        reverse("accounts:account_create"),
        {
            "unit": mission.pk,
            "platform": "x",
            "handle": "https://x.com/home",
            "kind": "institutional",
            "status": "pending",
        },
    )
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert not OfficialAccount.objects.exists()


def test_changing_the_handle_moves_the_profile_url(officer, account):
    services.official_account_update(actor=officer, account=account, handle="@demo_tokyo_new")
    account.refresh_from_db()
    assert account.handle == "demo_tokyo_new"
    assert account.profile_url == "https://x.com/demo_tokyo_new"


def test_api_token_scopes(officer, mission, account):
    from django.test import Client

    from sifara.identity.services import api_token_create

    _token, read_only = api_token_create(
        user=officer, name="reader", scopes=["accounts:read"], days=5
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {read_only}")
    assert client.get("/api/v1/official-accounts/").status_code == 200
    refused = client.post(
        "/api/v1/official-accounts/",
        {"unit": mission.pk, "platform": "x", "handle": "demo_token"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    _token, writer = api_token_create(
        user=officer, name="writer", scopes=["accounts:read", "accounts:write"], days=5
    )
    created = Client(HTTP_AUTHORIZATION=f"Bearer {writer}").post(
        "/api/v1/official-accounts/",
        {"unit": mission.pk, "platform": "x", "handle": "demo_token"},
        content_type="application/json",
    )
    assert created.status_code == 201
    _token, raw = api_token_create(user=officer, name="dir", scopes=["directory:read"], days=5)
    assert (
        Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/official-accounts/").status_code
        == 403
    )


def test_bad_input_never_500(verified_client, officer, account):
    client = verified_client(officer)
    for params in (
        {"unit": "abc", "platform": "nope", "status": "<script>", "kind": "x", "page": "zz"},
        {"q": "@" * 500},
        {"unit": "99999999999999999999"},
    ):
        assert client.get(reverse("accounts:registry"), params).status_code == 200
        assert client.get("/api/v1/official-accounts/", params).status_code == 200
    assert client.get(reverse("accounts:guide_index"), {"country": "??"}).status_code == 200
    assert client.get("/accounts/99999999999999999999/").status_code == 404
    assert client.get(reverse("accounts:account_detail", args=[999999])).status_code == 404
    bad_dates = client.post(
        reverse("accounts:account_posture", args=[account.pk]),
        {"people_with_access": "-4", "last_password_rotation": "2026-13-45"},
    )
    assert bad_dates.status_code == 200 and "invalid-feedback" in bad_dates.content.decode()
    huge = client.post(
        "/api/v1/official-accounts/",
        {"unit": account.unit_id, "platform": "x", "handle": "a" * 400},
        content_type="application/json",
    )
    assert huge.status_code == 400
