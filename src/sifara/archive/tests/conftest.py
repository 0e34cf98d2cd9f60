"""Fixtures of the archive tests: the treaties department, a partner ministry
and the people the policy tests need."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sifara.directory.tests.factories import UnitFactory


@pytest.fixture
def legal_unit(db: Any) -> Any:
    return UnitFactory(
        code="hq-legal",
        kind="hq_department",
        name_en="Legal and Treaties Department",
        name_ar="إدارة الشؤون القانونية والمعاهدات",
    )


@pytest.fixture
def trade_ministry(db: Any) -> Any:
    return UnitFactory(
        code="pm-trade",
        kind="partner_ministry",
        name_en="Ministry of Trade and Industry",
        name_ar="وزارة التجارة والصناعة",
    )


@pytest.fixture
def health_ministry(db: Any) -> Any:
    return UnitFactory(
        code="pm-health",
        kind="partner_ministry",
        name_en="Ministry of Health",
        name_ar="وزارة الصحة",
    )


@pytest.fixture
def other_unit(db: Any) -> Any:
    return UnitFactory(
        code="hq-europe", kind="hq_department", name_en="Europe Desk", name_ar="إدارة أوروبا"
    )


@pytest.fixture
def editor(make_user: Callable[..., Any], legal_unit: Any) -> Any:
    """A legal adviser of the treaties department, cleared SECRET."""
    return make_user(
        roles=[("diplomat", legal_unit)],
        username="legal",
        clearance=3,
        email="legal@example.org",
        preferred_language="en",
    )


@pytest.fixture
def liaison(make_user: Callable[..., Any], trade_ministry: Any) -> Any:
    return make_user(
        roles=[("liaison", trade_ministry)],
        username="liaison",
        preferred_language="en",
        clearance=2,
        email="liaison@example.org",
    )


@pytest.fixture
def staff(make_user: Callable[..., Any], other_unit: Any) -> Any:
    """Ministry staff outside the treaties department, cleared SECRET."""
    return make_user(
        roles=[("diplomat", other_unit)], username="desk", clearance=3, preferred_language="en"
    )


@pytest.fixture
def admin(make_user: Callable[..., Any], hq_unit: Any) -> Any:
    return make_user(
        roles=[("administrator", hq_unit)],
        username="sysadmin",
        clearance=3,
        preferred_language="en",
    )


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Messages are asserted in English (the default language is Arabic)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def en_client(verified_client: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A verified client whose pages are in English."""
    from django.conf import settings

    def _client(user: Any) -> Any:
        client = verified_client(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return _client
