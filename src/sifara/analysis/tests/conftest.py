"""Fixtures of the analysis tests: people in each role, two units."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sifara.directory.tests.factories import UnitFactory


@pytest.fixture
def digital_unit(db: Any) -> Any:
    return UnitFactory(
        code="hq-digital",
        kind="hq_department",
        name_en="Digital Diplomacy Department",
        name_ar="إدارة الدبلوماسية الرقمية",
    )


@pytest.fixture
def europe_unit(db: Any) -> Any:
    return UnitFactory(
        code="hq-europe", kind="hq_department", name_en="Europe Desk", name_ar="إدارة أوروبا"
    )


@pytest.fixture
def analyst(make_user: Callable[..., Any], digital_unit: Any) -> Any:
    return make_user(
        roles=[("analyst", digital_unit)], username="analyst1", email="analyst1@mfa.example"
    )


@pytest.fixture
def digital_officer(make_user: Callable[..., Any], digital_unit: Any) -> Any:
    return make_user(
        roles=[("digital_officer", digital_unit)],
        username="digital1",
        email="digital1@mfa.example",
        preferred_language="en",
    )


@pytest.fixture
def europe_analyst(make_user: Callable[..., Any], europe_unit: Any) -> Any:
    return make_user(roles=[("analyst", europe_unit)], username="analyst.europe")


@pytest.fixture(autouse=True)
def _english_messages(settings: Any) -> Iterator[None]:
    """Messages are asserted in English here (services and pages without a language
    cookie); the Arabic catalogue has its own tests (tests/test_translations.py)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
