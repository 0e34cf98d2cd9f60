"""Localised numbers/dates and the shared Arabic normalisation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

from sifara.core import i18n
from sifara.core.text import normalize, query_terms

MOMENT = datetime(2026, 11, 22, 18, 5, tzinfo=UTC)


def test_arabic_numbers_and_dates_use_arabic_indic_digits_and_month_names():
    with translation.override("ar"):
        assert i18n.format_number(1234567) == "١٬٢٣٤٬٥٦٧"
        assert i18n.format_number(0.67) == "٠٫٦٧"  # the Arabic decimal separator
        text = i18n.format_datetime(MOMENT, "Asia/Tokyo")
        assert "نوفمبر" in text and "٢٣" in text  # already the 23rd in Tokyo
        assert "٣:٠٥" in text and "ص" in text


def test_english_numbers_and_dates():
    with translation.override("en"):
        assert i18n.format_number(1234567) == "1,234,567"
        assert i18n.format_datetime(MOMENT, "America/New_York") == "November 22, 2026 1:05\u202fPM"


@override_settings(SIFARA_ARABIC_DIGITS="latn")
def test_arabic_with_latin_digits_when_configured():
    with translation.override("ar"):
        assert i18n.format_number(42) == "42"
        assert i18n.format_number(1234.5) == "1,234.5"
        assert "2026" in i18n.format_date(MOMENT)


def test_template_filters_follow_active_language():
    template = Template("{% load sifara %}{{ n|lnum }} {{ t|ldatetime:'UTC' }}")
    with translation.override("ar"):
        assert template.render(Context({"n": 25, "t": MOMENT})).startswith("٢٥ ")
    with translation.override("en"):
        assert template.render(Context({"n": 25, "t": MOMENT})).startswith("25 November 22, 2026")


def test_utc_offset_label():
    assert i18n.utc_offset_label("Asia/Kolkata", MOMENT) == "UTC+05:30"
    assert i18n.utc_offset_label("America/New_York", MOMENT) == "UTC-05:00"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("إستراتيجية", "استراتيجية"),
        ("الدبلوماسيه", "الدبلوماسية"),
        ("مُسْتَشَار", "مستشار"),
        ("ســفارة", "سفارة"),
        ("مستشفى", "مستشفي"),
        ("آمال", "امال"),
        ("EMBASSY", "embassy"),
        ("٢٠٢٦", "2026"),
    ],
)
def test_arabic_normalisation_unifies_spellings(a, b):
    assert normalize(a) == normalize(b)


def test_query_terms_are_bounded():
    assert query_terms("  a  b c ") == ["a", "b", "c"]
    assert len(query_terms(" ".join("x" * 30))) == 8
