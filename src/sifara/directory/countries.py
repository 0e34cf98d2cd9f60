"""ISO 3166-1 countries with English and Arabic names, from pycountry.

pycountry carries the ISO list and the iso-codes project's Arabic
translations; nothing here is typed by hand except fallbacks for the few names
that translation lacks.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from typing import Any, NamedTuple

import pycountry

# Names the iso-codes Arabic catalogue does not (yet) translate.
_ARABIC_FALLBACK = {"TR": "تركيا"}


class CountryRow(NamedTuple):
    code: str
    alpha3: str
    numeric: str
    name_en: str
    name_ar: str


def iso_countries() -> Iterator[CountryRow]:
    arabic = gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=["ar"], fallback=True
    )
    for country in pycountry.countries:
        name_en = getattr(country, "common_name", None) or country.name
        name_ar = arabic.gettext(country.name)
        if name_ar == country.name:
            name_ar = _ARABIC_FALLBACK.get(country.alpha_2, country.name)
        yield CountryRow(country.alpha_2, country.alpha_3, country.numeric, name_en, name_ar)


def upsert_countries(country_model: Any) -> int:
    """Create or update every ISO country in ``country_model`` (the model class,
    so data migrations can pass their historical model). Returns how many."""
    count = 0
    for row in iso_countries():
        country_model.objects.update_or_create(
            code=row.code,
            defaults={
                "alpha3": row.alpha3,
                "numeric": row.numeric,
                "name_en": row.name_en,
                "name_ar": row.name_ar,
            },
        )
        count += 1
    return count
