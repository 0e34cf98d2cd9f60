"""The public "is this account official?" page and its selectors, and the public directory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client

from sifara.accounts import public_selectors as selectors
from sifara.accounts.handles import HandleError
from sifara.accounts.models import (
    AccountAudit,
    AccountStatus,
    Candidate,
    CandidateSource,
    CandidateStatus,
    DismissReason,
    OfficialAccount,
    Platform,
    SecurityPosture,
    TakedownCase,
    TakedownStatus,
)
from sifara.directory.tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

#: Strings that exist only in non-public records; none may ever appear publicly.
SECRETS = [
    "custodian.secret",
    "Custodian Zed",
    "SECRET-FINDING",
    "REASON-SECRET",
    "NOTE-SECRET",
    "REF-SECRET",
    "TAKEDOWN-NOTE-SECRET",
    "mofa_pend1ng",
    "mofa_parody",
    "mofa_pending",
    "Pending Unit",
    "risk_score",
    "two_factor",
]


@dataclass
class Registry:
    hq: Any
    tokyo: Any
    official: OfficialAccount
    telegram: OfficialAccount
    suspended: OfficialAccount
    retired: OfficialAccount
    pending: OfficialAccount
    impersonator: Candidate


def _candidate(platform: Platform, handle: str, status: str, **fields: Any) -> Candidate:
    return Candidate.objects.create(
        platform=platform,
        handle=handle,
        status=status,
        source=CandidateSource.MANUAL,
        score=0.97,
        reasons=["REASON-SECRET"],
        review_note="NOTE-SECRET",
        fingerprint=handle,
        **fields,
    )


def build_registry() -> Registry:
    """A small registry with every status, private data around it, and impersonators."""
    x = Platform.objects.get(code="x")
    telegram = Platform.objects.get(code="telegram")
    tiktok = Platform.objects.get(code="tiktok")
    instagram = Platform.objects.get(code="instagram")
    hq = UnitFactory(
        kind="hq_department", code="hq-media", name_en="Media Department", name_ar="إدارة الإعلام"
    )
    tokyo = UnitFactory(
        kind="embassy",
        code="emb-tokyo",
        name_en="Embassy in Tokyo",
        name_ar="السفارة في طوكيو",
        host_country_id="JP",
        city_en="Tokyo",
        city_ar="طوكيو",
        timezone="Asia/Tokyo",
    )
    pending_unit = UnitFactory(code="hq-pending", name_en="Pending Unit", name_ar="وحدة معلقة")
    official = OfficialAccount.objects.create(
        unit=hq,
        platform=x,
        handle="mofa_demo",
        handle_display="MOFA_Demo",
        display_name_en="Ministry of Foreign Affairs",
        display_name_ar="وزارة الخارجية",
        status=AccountStatus.DOCUMENTED,
        platform_verified=True,
        platform_verified_on=date(2021, 3, 1),
        documented_on=date(2020, 1, 15),
    )
    custodian = UserFactory(username="custodian.secret", full_name_en="Custodian Zed")
    official.custodians.add(custodian)
    SecurityPosture.objects.create(account=official, people_with_access=17, risk_score=93)
    AccountAudit.objects.create(
        account=official,
        audited_on=date(2025, 1, 2),
        auditor=custodian,
        findings="SECRET-FINDING",
        passed=False,
    )
    telegram_account = OfficialAccount.objects.create(
        unit=tokyo,
        platform=telegram,
        handle="embtokyo",
        display_name_en="Embassy in Tokyo",
        display_name_ar="السفارة في طوكيو",
        status=AccountStatus.DOCUMENTED,
        documented_on=date(2022, 6, 1),
    )
    telegram_account.custodians.add(custodian)
    suspended = OfficialAccount.objects.create(
        unit=tokyo, platform=x, handle="embtokyo_old", status=AccountStatus.SUSPENDED
    )
    retired = OfficialAccount.objects.create(
        unit=tokyo, platform=instagram, handle="embtokyo_2019", status=AccountStatus.RETIRED
    )
    pending = OfficialAccount.objects.create(
        unit=pending_unit, platform=instagram, handle="mofa_pending", status=AccountStatus.PENDING
    )
    impersonator = _candidate(
        x, "mofa_dem0", CandidateStatus.CONFIRMED, matched_account=official, display_name="MOFA"
    )
    TakedownCase.objects.create(
        candidate=impersonator,
        status=TakedownStatus.REPORTED,
        reported_on=date(2025, 5, 4),
        platform_reference="REF-SECRET",
        notes="TAKEDOWN-NOTE-SECRET",
    )
    # The same name as the Tokyo Telegram channel, impersonating it on TikTok.
    _candidate(tiktok, "embtokyo", CandidateStatus.CONFIRMED, matched_account=telegram_account)
    _candidate(x, "mofa_pend1ng", CandidateStatus.PENDING, matched_account=official)
    _candidate(
        x,
        "mofa_parody",
        CandidateStatus.DISMISSED,
        matched_account=official,
        dismiss_reason=DismissReason.PARODY,
    )
    return Registry(
        hq, tokyo, official, telegram_account, suspended, retired, pending, impersonator
    )


@pytest.fixture
def registry() -> Registry:
    return build_registry()


def english() -> Client:
    client = Client()
    client.cookies["sifara_language"] = "en"
    return client


def assert_no_secrets(text: str, *, asked: str = "") -> None:
    """No private string appears (except the one the visitor typed, echoed back)."""
    for secret in SECRETS:
        if secret not in asked:
            assert secret not in text, secret


# --- selectors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "platform"),
    [
        ("https://x.com/MOFA_Demo?s=20", None),
        ("x.com/mofa_demo", None),
        ("https://twitter.com/MOFA_Demo?s=20&t=abc", None),
        ("https://mobile.twitter.com/mofa_demo/", None),
        ("@MOFA_Demo", "x"),
        ("MOFA_Demo", "x"),
        ("@mofa_demo", None),
        ("https://x.com/intent/user?screen_name=MOFA_Demo", None),
    ],
)
def test_canonical_forms_find_the_official_x_account(registry, text, platform):
    outcome = selectors.account_verify(text=text, platform=platform)
    assert outcome.result == "official"
    assert [m.account.handle for m in outcome.matches if m.account] == ["mofa_demo"]


@pytest.mark.parametrize(
    "text",
    [
        "t.me/embtokyo",
        "https://t.me/s/embtokyo",
        "https://telegram.me/EmbTokyo/",
        "tg://resolve?domain=embtokyo",
    ],
)
def test_telegram_forms(registry, text):
    outcome = selectors.account_verify(text=text)
    assert outcome.result == "official"
    assert outcome.reference.platform == "telegram"
    assert outcome.matches[0].account.unit.code == "emb-tokyo"


def test_a_bare_handle_is_checked_on_every_platform(registry):
    outcome = selectors.account_verify(text="@embtokyo")
    assert outcome.result == "official"  # official on Telegram
    kinds = {(m.kind, m.platform.code) for m in outcome.matches}
    assert kinds == {("official", "telegram"), ("impersonator", "tiktok")}
    assert outcome.matches[0].kind == "official"  # official first
    on_tiktok = selectors.account_verify(text="@embtokyo", platform="tiktok")
    assert on_tiktok.result == "impersonator"


def test_impersonator_carries_report_date_and_the_imitated_account(registry):
    outcome = selectors.account_verify(text="https://x.com/mofa_dem0")
    assert outcome.result == "impersonator"
    imp = outcome.matches[0].impersonator
    assert imp.reported_on == date(2025, 5, 4)
    assert imp.imitates is not None and imp.imitates.handle == "mofa_demo"


@pytest.mark.parametrize(
    "text", ["x.com/mofa_pend1ng", "x.com/mofa_parody", "instagram.com/mofa_pending", "@nobody"]
)
def test_pending_dismissed_and_unknown_are_not_in_the_registry(registry, text):
    outcome = selectors.account_verify(text=text)
    assert outcome.result == "not_found"
    assert outcome.matches == ()


def test_suspended_and_retired_are_former_official(registry):
    for text in ("x.com/embtokyo_old", "instagram.com/embtokyo_2019"):
        outcome = selectors.account_verify(text=text)
        assert outcome.result == "not_found"
        assert [m.kind for m in outcome.matches] == ["former_official"]


def test_an_impersonator_of_a_pending_account_does_not_reveal_it(registry):
    candidate = _candidate(
        Platform.objects.get(code="instagram"),
        "mofa_pendinq",
        CandidateStatus.CONFIRMED,
        matched_account=registry.pending,
    )
    outcome = selectors.account_verify(text=f"instagram.com/{candidate.handle}")
    assert outcome.result == "impersonator"
    assert outcome.matches[0].impersonator.imitates is None


@pytest.mark.parametrize(
    ("text", "platform"),
    [
        ("https://example.org/someone", None),
        ("x.com/home", None),
        ("facebook.com/groups/123", None),
        ("", None),
        ("   ", None),
        ("a" * 5000, None),
        ("not a handle!!", None),
        ("@mofa_demo", "myspace"),
        ("<script>alert(1)</script>", None),
    ],
)
def test_bad_input_is_a_handle_error(registry, text, platform):
    with pytest.raises(HandleError):
        selectors.account_verify(text=text, platform=platform)


def test_projections_expose_public_fields_only(registry):
    account = selectors.documented_account_list()[0]
    public_fields = set(vars(account))
    assert not public_fields & {"custodians", "posture", "audits", "bio", "profile_image"}


def test_directory_groups_hq_first_then_missions_and_lists_documented_only(registry):
    extra_mission = UnitFactory(
        kind="embassy",
        code="emb-berlin",
        name_en="Embassy in Berlin",
        name_ar="السفارة في برلين",
        host_country_id="DE",
        city_en="Berlin",
        timezone="Europe/Berlin",
    )
    OfficialAccount.objects.create(
        unit=extra_mission,
        platform=Platform.objects.get(code="facebook"),
        handle="embberlin",
        status=AccountStatus.DOCUMENTED,
    )
    from django.utils import translation

    with translation.override("en"):
        groups = selectors.documented_account_directory()
    assert [g.unit.code for g in groups] == ["hq-media", "emb-berlin", "emb-tokyo"]
    handles = [a.handle for g in groups for a in g.accounts]
    assert sorted(handles) == ["embberlin", "embtokyo", "mofa_demo"]


def test_mastodon_profile_url_is_built_from_user_and_instance():
    platform = Platform(code="mastodon", profile_url_template="https://{instance}/@{user}")
    assert (
        selectors.profile_url_for(platform, "mofa@social.example") == "https://social.example/@mofa"
    )
    assert selectors.profile_url_for(platform, "nouser") == ""
    x = Platform(code="x", profile_url_template="https://x.com/{handle}")
    assert selectors.profile_url_for(x, "a", "javascript:alert(1)") == ""


# --- the page -----------------------------------------------------------------------------


def test_empty_page_is_public_bilingual_and_has_no_staff_navigation(registry, client):
    response = client.get("/verify/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert 'name="q"' in html and 'name="platform"' in html and 'method="get"' in html
    assert 'data-testid="public-language-switch"' in html
    for staff in ("/directory/", "/audit/", "/identity/tokens/", "Dashboard", "لوحة"):
        assert staff not in html
    assert "<script>" not in html and "style=" not in html  # CSP: 'self' only
    response = english().get("/verify/")
    assert 'dir="ltr"' in response.content.decode()
    assert "Is this account official?" in response.content.decode()


def test_signed_in_staff_also_see_the_public_layout(registry, verified_client, admin_user):
    html = verified_client(admin_user).get("/verify/").content.decode()
    assert "/directory/" not in html and "/audit/" not in html


def test_official_result_page(registry):
    response = english().get("/verify/", {"q": "https://x.com/MOFA_Demo?s=20"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-result="official"' in html and 'data-testid="result-official"' in html
    assert "Media Department" in html and "Ministry of Foreign Affairs" in html
    assert "@MOFA_Demo" in html
    assert "Verified by the platform" in html and "March 1, 2021" in html
    assert "January 15, 2020" in html
    assert 'href="https://x.com/mofa_demo"' in html
    assert response["Cache-Control"].startswith("private") or "private" in response["Cache-Control"]
    assert_no_secrets(html)


def test_official_result_page_in_arabic(registry, client):
    html = client.get("/verify/", {"q": "t.me/embtokyo"}).content.decode()
    assert 'data-result="official"' in html
    assert "السفارة في طوكيو" in html
    assert_no_secrets(html)


def test_impersonator_result_page(registry):
    html = english().get("/verify/", {"q": "twitter.com/mofa_dem0"}).content.decode()
    assert 'data-result="impersonator"' in html and 'data-testid="result-impersonator"' in html
    assert "Known impersonator" in html
    assert "May 4, 2025" in html
    assert "@MOFA_Demo" in html  # the account it imitates
    assert 'href="https://x.com/mofa_dem0"' not in html  # no link to the impersonator
    assert_no_secrets(html)


def test_not_found_result_page_links_the_official_list(registry):
    html = english().get("/verify/", {"q": "@somebody_else", "platform": "x"}).content.decode()
    assert 'data-result="not_found"' in html and 'data-testid="result-not-found"' in html
    assert "Not in the registry" in html
    assert 'href="/verify/accounts/"' in html
    assert_no_secrets(html)


@pytest.mark.parametrize(
    "text", ["instagram.com/mofa_pending", "x.com/mofa_pend1ng", "x.com/mofa_parody"]
)
def test_pending_and_dismissed_pages_say_not_in_the_registry(registry, text):
    html = english().get("/verify/", {"q": text}).content.decode()
    assert 'data-result="not_found"' in html
    assert "result-official" not in html and "result-impersonator" not in html
    assert_no_secrets(html, asked=text)


def test_suspended_account_wording(registry):
    html = english().get("/verify/", {"q": "x.com/embtokyo_old"}).content.decode()
    assert 'data-testid="result-former"' in html
    assert "No longer an official channel" in html
    assert "suspended this account" in html
    assert "result-official" not in html
    retired = english().get("/verify/", {"q": "instagram.com/embtokyo_2019"}).content.decode()
    assert "retired this account" in retired


@pytest.mark.parametrize(
    "params",
    [
        {"q": "https://example.org/someone"},
        {"q": "facebook.com/groups/1"},
        {"q": ""},
        {"q": "a" * 5000},
        {"q": "@mofa_demo", "platform": "myspace"},
        {"q": "\x00\x01"},
    ],
)
def test_bad_input_answers_the_form_with_a_message(registry, client, params):
    response = client.get("/verify/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="verify-error"' in html and "is-invalid" in html
    assert 'data-testid="verify-result"' not in html


def test_bad_input_message_is_translated(registry):
    html = english().get("/verify/", {"q": "https://example.org/someone"}).content.decode()
    assert "is not a platform Sifara knows" in html


def test_input_is_escaped(registry, client):
    html = client.get("/verify/", {"q": '"><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)" not in html


def test_lookups_are_rate_limited_per_address(registry, settings):
    settings.SIFARA_VERIFY_RATE_PER_MINUTE = 3
    client = english()
    statuses = [client.get("/verify/", {"q": "@mofa_demo"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/verify/", {"q": "@mofa_demo"})
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "Too many checks" in response.content.decode()
    assert client.get("/verify/").status_code == 200  # the empty form is not a lookup
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert other.get("/verify/", {"q": "@mofa_demo"}).status_code == 200


def test_rate_limit_page_is_translated(registry, settings, client):
    settings.SIFARA_VERIFY_RATE_PER_MINUTE = 0
    response = client.get("/verify/", {"q": "@mofa_demo"})
    assert response.status_code == 429
    assert 'dir="rtl"' in response.content.decode()


# --- directory and about ---------------------------------------------------------------


def test_directory_page(registry):
    response = english().get("/verify/accounts/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Media Department") < html.index("Embassy in Tokyo")
    assert "@MOFA_Demo" in html and "@embtokyo" in html
    assert "embtokyo_old" not in html and "embtokyo_2019" not in html
    assert 'href="https://t.me/embtokyo"' in html
    assert_no_secrets(html)
    arabic = Client().get("/verify/accounts/").content.decode()
    assert "إدارة الإعلام" in arabic and 'dir="rtl"' in arabic


def test_directory_page_when_empty(db, client):
    assert client.get("/verify/accounts/").status_code == 200


def test_about_page_explains_offline_verification(registry):
    from sifara.core import signing

    html = english().get("/verify/about/").content.decode()
    assert signing.key_id() in html
    assert "openssl pkeyutl -verify -pubin -inkey public-key.pem" in html
    assert "load_pem_public_key" in html
    assert 'href="/verify/registry.json.sig"' in html and 'href="/verify/public-key.pem"' in html
    assert "<script>" not in html and "style=" not in html
