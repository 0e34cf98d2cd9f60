"""TAGS: subject codes and ISO country codes that classify a cable's topic."""

from __future__ import annotations

import re

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: Subject TAGS in use at the ministry (code -> label).
SUBJECT_TAGS: dict[str, str | Promise] = {
    "PREL": _("External political relations"),
    "PGOV": _("Internal government affairs"),
    "ECON": _("Economic conditions"),
    "ETRD": _("Trade"),
    "EFIN": _("Financial affairs"),
    "ENRG": _("Energy"),
    "CONS": _("Consular affairs"),
    "CASC": _("Assistance to citizens abroad"),
    "PHUM": _("Human rights"),
    "SENV": _("Environment and climate"),
    "KPAO": _("Public diplomacy and media"),
    "ASEC": _("Security of missions"),
    "AMGT": _("Management"),
    "KJUS": _("Justice and law"),
    "SOCI": _("Social affairs"),
    "UNGA": _("United Nations General Assembly"),
}

_SPLIT = re.compile(r"[\s,،;]+")


def parse_tags(text: str) -> list[str]:
    """``"prel, econ EG"`` -> ``["PREL", "ECON", "EG"]`` (order kept, duplicates dropped)."""
    seen: list[str] = []
    for raw in _SPLIT.split(text or ""):
        code = raw.strip().upper()
        if code and code not in seen:
            seen.append(code)
    return seen


def tags_index(tags: list[str]) -> str:
    return f" {' '.join(tags)} " if tags else ""


def is_country_tag(code: str) -> bool:
    return len(code) == 2 and code.isalpha()
