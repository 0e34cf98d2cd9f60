"""Shared pytest fixtures: factories live in each app's tests/factories.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sifara.directory.tests.factories import UnitFactory, UserFactory


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    """``make_user(roles=[("administrator", unit)], clearance=2, **fields)``."""

    def _make(roles: list[tuple[str, Any]] | None = None, **fields: Any) -> Any:
        from sifara.directory.models import Membership

        user = UserFactory(**fields)
        for index, (role, unit) in enumerate(roles or []):
            Membership.objects.create(user=user, unit=unit, role=role, is_primary=index == 0)
        return user

    return _make


def login_verified(client: Client, user: Any) -> Client:
    """Log ``user`` in with a confirmed TOTP device, as after a real two-factor login."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sifara.identity.middleware import SESSION_LOGIN_AT

    device = TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).first() or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_LOGIN_AT] = timezone.now().timestamp()
    session.save()
    return client


@pytest.fixture
def verified_client(db: Any) -> Callable[[Any], Client]:
    def _client(user: Any) -> Client:
        return login_verified(Client(), user)

    return _client


@pytest.fixture
def hq_unit(db: Any) -> Any:
    return UnitFactory(
        kind="hq_department", code="hq-it", name_en="IT Department", name_ar="إدارة تقنية المعلومات"
    )


@pytest.fixture
def mission(db: Any) -> Any:
    return UnitFactory(
        kind="embassy",
        code="emb-tokyo",
        name_en="Embassy in Tokyo",
        name_ar="السفارة في طوكيو",
        host_country_id="JP",
        city_en="Tokyo",
        city_ar="طوكيو",
        timezone="Asia/Tokyo",
    )


@pytest.fixture
def admin_user(make_user: Callable[..., Any], hq_unit: Any) -> Any:
    return make_user(roles=[("administrator", hq_unit)], username="admin1", clearance=1)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate-limit counters live in the cache; every test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _iso_countries_after_flush(request: pytest.FixtureRequest) -> None:
    """Transactional tests (live server, crash/resume) flush every table between
    tests, including the ISO countries a data migration loads: put them back so
    test order never matters."""
    if not {"live_server", "transactional_db"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db")
    from sifara.directory.services import countries_sync

    countries_sync()
