from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext_lazy as _

from sifara.core import i18n, policy

# Module entries of the main navigation: (label, icon, url name, path prefix, capability).
# An entry shows only to users holding its capability (None: every signed-in user).
MODULE_NAV = [
    (_("Directory"), "bi-diagram-3", "directory:unit_list", "/directory/", "directory.view"),
    (_("Official accounts"), "bi-patch-check", "accounts:registry", "/accounts/", "accounts.view"),
    (_("Cables"), "bi-envelope-paper", "cables:inbox", "/cables/", "cables.view"),
    (_("Operations rooms"), "bi-broadcast-pin", "rooms:room_list", "/rooms/", None),
    (_("Archive"), "bi-archive", "archive:search", "/archive/", "archive.view"),
    (_("Listening"), "bi-broadcast", "analysis:dashboard", "/listening/", "listening.view"),
]


def module_nav(request: HttpRequest) -> list[dict[str, Any]]:
    """The module links this user may follow (modules not yet routed are skipped)."""
    from django.urls import NoReverseMatch, reverse

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    entries = []
    for label, icon, url_name, prefix, capability in MODULE_NAV:
        if capability is not None and not policy.can(user, capability):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        entries.append(
            {"label": label, "icon": icon, "url": url, "active": request.path.startswith(prefix)}
        )
    return entries


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
        # Room-only guests (no role anywhere) see nothing but their rooms.
        "can_view_dashboard": bool(user and policy.can(user, "directory.view")),
        "module_nav": module_nav(request),
        "NUMBERING": i18n.numbering_system(),
    }
