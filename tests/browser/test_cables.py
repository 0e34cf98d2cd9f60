"""The cable journey in a real browser, in Arabic (RTL) and English: a desk
officer drafts a FLASH cable, a colleague clears it, the release authority
releases it, the embassy sees it in its inbox and acknowledges it with one
tap, and headquarters sees who acknowledged and when."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from sifara.cables.demo import load_demo as load_cables_demo
from sifara.cables.models import Cable, Delivery
from sifara.directory.demo import load_organisation, load_people
from sifara.directory.models import Unit, User
from sifara.directory.services import countries_sync
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(browser: Any, live_server: Any, username: str, locale: str) -> Any:
    """A fresh browser context signed in as ``username`` (second factor included)."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale=locale)
    page = context.new_page()
    sign_in(page, live_server, username)
    return page


def _shot(page: Any, screenshot_dir: Any, name: str) -> None:
    screenshot_dir.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot_dir / f"{name}.png"), full_page=True)


@pytest.fixture
def demo_world(db: Any) -> None:
    countries_sync()
    load_people(load_organisation())
    load_cables_demo(out=io.StringIO())


@pytest.mark.parametrize("language", ["ar", "en"])
def test_draft_clear_release_acknowledge(browser, live_server, demo_world, language):
    from tests.browser.conftest import ARTIFACTS

    User.objects.filter(username__in=["desk.asia", "legal.hq", "hom.tokyo"]).update(
        preferred_language=language
    )
    direction = "rtl" if language == "ar" else "ltr"
    subject = (
        "تعليمات عاجلة بشأن الاجتماع الوزاري"
        if language == "ar"
        else "Urgent instructions for the ministerial meeting"
    )
    tokyo = Unit.objects.get(code="emb-tokyo")
    london = Unit.objects.get(code="emb-london")
    legal = User.objects.get(username="legal.hq")

    # 1. The desk officer drafts.
    desk = _as(browser, live_server, "desk.asia", language)
    desk.goto(f"{live_server.url}/cables/new/")
    assert desk.locator("html").get_attribute("dir") == direction
    desk.fill("input[name=subject]", subject)
    desk.select_option("select[name=classification]", "1")
    desk.select_option("select[name=precedence]", "3")
    desk.fill("input[name=tags]", "PREL JP")
    desk.select_option("select[name=action_units]", [str(tokyo.pk)])
    desk.select_option("select[name=info_units]", [str(london.pk)])
    desk.select_option("select[name=p-0-mark]", "1")
    desk.fill(
        "textarea[name=p-0-text]",
        "يرجى إبلاغ الجانب الياباني بموقفنا قبل الجلسة."
        if language == "ar"
        else "Please convey our position before the session.",
    )
    _shot(desk, ARTIFACTS, f"cables-draft-{language}")
    desk.click("[data-testid=save-draft]")
    desk.wait_for_url(re.compile(r".*/cables/\d+/$"))
    cable = Cable.objects.get(
        drafter__username="desk.asia", status="draft", subject_sealed__isnull=False, precedence=3
    )
    # Ask the Legal Department to clear it.
    desk.select_option("select[name=clearers]", [str(legal.pk)])
    desk.click("[data-testid=request-clearance]")
    legal_name = legal.full_name_ar if language == "ar" else legal.full_name_en
    expect(desk.locator("[data-testid=clearances]")).to_contain_text(legal_name)
    assert desk.locator("[data-testid=release]").is_disabled()

    # 2. The colleague clears it.
    clearer = _as(browser, live_server, "legal.hq", language)
    clearer.goto(f"{live_server.url}/cables/drafts/")
    clearer.click(f"[data-testid=to-clear] a[href='/cables/{cable.pk}/']")
    clearer.click("[data-testid=clear]")
    expect(clearer.locator("[data-testid=clearances]")).to_contain_text(legal_name)
    clearer.context.close()

    # 3. The release authority releases it.
    desk.reload()
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.click("[data-testid=release]")
    expect(desk.locator("[data-testid=reference]")).to_have_text(re.compile(r"HQ-\d{4}-\d{6}"))
    expect(desk.locator("[data-testid=integrity-intact]")).to_be_visible()
    _shot(desk, ARTIFACTS, f"cables-released-{language}")
    reference = desk.locator("[data-testid=reference]").inner_text()

    # 4. The embassy sees it in its inbox and acknowledges with one tap.
    embassy = _as(browser, live_server, "hom.tokyo", language)
    embassy.goto(f"{live_server.url}/cables/")
    assert embassy.locator("html").get_attribute("dir") == direction
    row = embassy.locator("[data-testid=inbox-row]", has_text=reference)
    expect(row).to_be_visible()
    _shot(embassy, ARTIFACTS, f"cables-inbox-{language}")
    row.locator(f"a[href='/cables/{cable.pk}/']").first.click()
    expect(embassy.locator("[data-testid=subject]")).to_have_text(subject)
    embassy.click("[data-testid=acknowledge]")
    expect(embassy.locator("[data-testid=ack-box] .alert-success")).to_be_visible()
    _shot(embassy, ARTIFACTS, f"cables-acknowledged-{language}")
    assert Delivery.objects.get(cable=cable, unit=tokyo).acknowledged_by.username == "hom.tokyo"
    embassy.context.close()

    # 5. Headquarters sees who acknowledged, and when.
    desk.reload()
    board = desk.locator("[data-testid=ack-board]")
    ambassador = User.objects.get(username="hom.tokyo")
    expect(board).to_contain_text(
        ambassador.full_name_ar if language == "ar" else ambassador.full_name_en
    )
    _shot(desk, ARTIFACTS, f"cables-board-{language}")
    desk.context.close()


def test_delegate_sees_new_instructions_on_a_phone_and_acknowledges(
    browser, live_server, demo_world, settings
):
    """A delegation abroad: an IMMEDIATE instruction released while the inbox is
    open on a phone appears by itself (HTMX polling); one tap acknowledges."""
    from sifara.cables import services
    from sifara.cables.tests.factories import fields
    from tests.browser.conftest import ARTIFACTS

    settings.SIFARA_CABLE_INBOX_POLL_SECONDS = 2
    delegation = Unit.objects.get(code="del-climate-bonn")
    for language in ("ar", "en"):
        User.objects.filter(username="delegate.bonn").update(preferred_language=language)
        page = _as(browser, live_server, "delegate.bonn", language)
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{live_server.url}/cables/?unit={delegation.pk}")
        minister = Unit.objects.get(code="hq-minister")
        delegate = User.objects.get(username="delegate.bonn")
        cable = services.cable_draft_create(
            actor=delegate,
            drafting_unit=minister,
            fields=fields(
                action=[delegation],
                subject="تعليمات جديدة للوفد" if language == "ar" else "New instructions",
                tags=["SENV", "DE"],
                precedence=1,
                classification=2,
            ),
        )
        cable = services.cable_release(actor=delegate, cable_id=cable.pk)
        row = page.locator("[data-testid=inbox-card]", has_text=cable.reference or "")
        expect(row).to_be_visible(timeout=8000)
        _shot(page, ARTIFACTS, f"cables-phone-inbox-{language}")
        row.locator("[data-testid=inbox-acknowledge]").click()
        expect(row.locator("[data-testid=inbox-acknowledged]")).to_be_visible()
        assert Delivery.objects.get(cable=cable, unit=delegation).acknowledged_at is not None
        page.context.close()
