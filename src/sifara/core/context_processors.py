from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext_lazy as _

from sifara.core import i18n, policy

# Modules of the platform that later issues add; shown greyed out until installed.
UPCOMING_MODULES = [
    {"label": _("Cables"), "icon": "bi-envelope-paper"},
    {"label": _("Archive"), "icon": "bi-archive"},
    {"label": _("Listening"), "icon": "bi-broadcast"},
]


def sifara(request: HttpRequest) -> dict[str, Any]:
    lang = (get_language() or settings.LANGUAGE_CODE)[:2]
    user = getattr(request, "user", None)
    return {
        "SIFARA_MINISTRY_NAME": (
            settings.SIFARA_MINISTRY_NAME_AR if lang == "ar" else settings.SIFARA_MINISTRY_NAME_EN
        ),
        "LANG": lang,
        "DIR": "rtl" if get_language_bidi() else "ltr",
        "OTHER_LANG": "en" if lang == "ar" else "ar",
        "can_manage_directory": bool(user and policy.can(user, "directory.manage")),
        "can_view_audit": bool(user and policy.can(user, "audit.view")),
        "upcoming_modules": UPCOMING_MODULES,
        "NUMBERING": i18n.numbering_system(),
    }
