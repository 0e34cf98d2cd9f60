"""The client's address, one implementation for the audit trail and lock-outs."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def valid_ip(raw: str) -> str | None:
    """A normalised IP address, or ``None`` when ``raw`` is not one."""
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.scope_id:
        return None
    return str(address)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, validated and normalised; ``None`` when unusable.

    Directly exposed, that is ``REMOTE_ADDR``. Behind ``SIFARA_PROXY_HOPS``
    trusted reverse proxies, each of which *appends* to X-Forwarded-For, the
    client is the entry that many places from the right: entries further left
    were written by the client and can be forged.
    """
    if request is None:
        return None
    hops: int = settings.SIFARA_PROXY_HOPS
    if hops > 0:
        entries = [e for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
        if len(entries) >= hops:
            return valid_ip(entries[-hops])
        return None
    return valid_ip(request.META.get("REMOTE_ADDR") or "")
