"""Public pages (no login): "is this account official?", the directory of
official accounts, and the signed machine-readable registry with its key.

Lookups are rate-limited per client address (cache-based fixed window); bad
input answers the page with a translated message, never an error page.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from sifara.accounts import public_selectors as selectors
from sifara.accounts import registry_export
from sifara.accounts.handles import HandleError
from sifara.core import signing
from sifara.core.net import client_ip

#: Default lookups per minute per client address (``SIFARA_VERIFY_RATE_PER_MINUTE`` overrides).
DEFAULT_LOOKUPS_PER_MINUTE = 30
_WINDOW_SECONDS = 60


def lookups_per_minute() -> int:
    return int(getattr(settings, "SIFARA_VERIFY_RATE_PER_MINUTE", DEFAULT_LOOKUPS_PER_MINUTE))


def _over_limit(request: HttpRequest) -> bool:
    """Count one lookup for the client's address; ``True`` once over the limit."""
    window = int(time.time() // _WINDOW_SECONDS)
    key = f"sifara:verify:rate:{client_ip(request) or 'unknown'}:{window}"
    cache.add(key, 0, timeout=_WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=_WINDOW_SECONDS * 2)
        count = 1
    return count > lookups_per_minute()


def _private(response: HttpResponse, **kwargs: Any) -> HttpResponse:
    # Pages carry the language switch's CSRF token and vary by language: never shared caches.
    patch_cache_control(response, private=True, **kwargs)
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response


def _public_file(response: HttpResponse, *, max_age: int) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=max_age)
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def verify_view(request: HttpRequest) -> HttpResponse:
    """``/verify/?q=…&platform=…``: one lookup, linkable, rate-limited."""
    query = request.GET.get("q", "")[:2000]
    platform = request.GET.get("platform", "")[:60]
    context: dict[str, Any] = {
        "q": query,
        "platform": platform,
        "platforms": selectors.public_platform_list(),
        "outcome": None,
        "error": None,
        "searched": "q" in request.GET,
    }
    if context["searched"]:
        if _over_limit(request):
            response = render(
                request,
                "accounts/public/rate_limited.html",
                {"per_minute": lookups_per_minute()},
                status=429,
            )
            response["Retry-After"] = str(_WINDOW_SECONDS)
            return _private(response, no_store=True)
        try:
            context["outcome"] = selectors.account_verify(text=query, platform=platform or None)
        except HandleError as exc:
            context["error"] = str(exc.message)
    response = render(request, "accounts/public/verify.html", context)
    return _private(response, no_cache=True)


@require_safe
def directory_view(request: HttpRequest) -> HttpResponse:
    """``/verify/accounts/``: every documented account, by unit (HQ first)."""
    groups = selectors.documented_account_directory()
    context = {"groups": groups, "total": sum(len(g.accounts) for g in groups)}
    return _private(render(request, "accounts/public/directory.html", context), max_age=300)


@require_safe
def about_view(request: HttpRequest) -> HttpResponse:
    """``/verify/about/``: how to verify the signed registry offline."""
    context = {
        "key_id": signing.key_id(),
        "public_key_pem": signing.public_key_pem(),
        "public_key_raw_b64": signing.public_key_raw_b64(),
    }
    return _private(render(request, "accounts/public/about.html", context), max_age=300)


@require_safe
def registry_json_view(request: HttpRequest) -> HttpResponse:
    """``/verify/registry.json``: the canonical registry, byte-stable for the same data."""
    signed = registry_export.registry_signed()
    if request.headers.get("If-None-Match") == signed.etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(signed.body, content_type="application/json; charset=utf-8")
    response["ETag"] = signed.etag
    response["X-Sifara-Key-Id"] = signed.key_id
    response["Content-Disposition"] = 'inline; filename="registry.json"'
    return _public_file(response, max_age=300)


@require_safe
def registry_signature_view(request: HttpRequest) -> HttpResponse:
    """``/verify/registry.json.sig``: base64 detached Ed25519 signature of registry.json."""
    signed = registry_export.registry_signed()
    response = HttpResponse(signed.signature_b64 + "\n", content_type="text/plain; charset=ascii")
    response["ETag"] = signed.etag
    response["X-Sifara-Key-Id"] = signed.key_id
    response["Content-Disposition"] = 'inline; filename="registry.json.sig"'
    return _public_file(response, max_age=300)


@require_safe
def public_key_view(request: HttpRequest) -> HttpResponse:
    """``/verify/public-key.pem``: the ministry's Ed25519 public key."""
    response = HttpResponse(signing.public_key_pem(), content_type="text/plain; charset=ascii")
    response["X-Sifara-Key-Id"] = signing.key_id()
    response["Content-Disposition"] = 'inline; filename="public-key.pem"'
    return _public_file(response, max_age=3600)
