"""The signed public registry of official accounts.

``registry.json`` is canonical JSON — keys sorted, UTF-8 (not ``\\u`` escapes),
separators ``(",", ":")``, no trailing newline — built only from the data, so
the same registry gives the same bytes on every request and on every server:
``generated_at`` is the latest change among the included accounts (and their
units and platforms), never the clock. ``registry.json.sig`` is the detached
Ed25519 signature of exactly those bytes, in base64; the public key is
published as PEM next to them.

Offline verification (OpenSSL 3)::

    base64 -d registry.json.sig > registry.sig.bin
    openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin \\
        -in registry.json -sigfile registry.sig.bin
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

from sifara.accounts.public_selectors import PublicAccount, documented_account_list
from sifara.core import signing

#: Bumped only when the document's shape changes incompatibly.
FORMAT_VERSION = 1


@dataclass(frozen=True)
class SignedRegistry:
    body: bytes
    signature: bytes
    key_id: str

    @property
    def signature_b64(self) -> str:
        return base64.b64encode(self.signature).decode("ascii")

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'


def _iso_utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _entry(account: PublicAccount) -> dict[str, Any]:
    return {
        "unit": {
            "code": account.unit.code,
            "kind": account.unit.kind,
            "name_ar": account.unit.name_ar,
            "name_en": account.unit.name_en,
        },
        "platform": account.platform.code,
        "handle": account.handle,
        "profile_url": account.profile_url,
        "platform_account_id": account.platform_account_id or None,
        "kind": account.kind,
        "display_name_ar": account.display_name_ar,
        "display_name_en": account.display_name_en,
        "office_title_ar": account.office_title_ar,
        "office_title_en": account.office_title_en,
        "platform_verified": account.platform_verified,
        "documented_on": account.documented_on.isoformat() if account.documented_on else None,
    }


def registry_document() -> dict[str, Any]:
    """The registry as a Python structure (documented accounts only)."""
    accounts = documented_account_list()
    latest = max((a.updated_at for a in accounts), default=None)
    return {
        "format": "sifara-official-accounts",
        "version": FORMAT_VERSION,
        "publisher": {
            "ar": settings.SIFARA_MINISTRY_NAME_AR,
            "en": settings.SIFARA_MINISTRY_NAME_EN,
        },
        "generated_at": _iso_utc(latest) if latest is not None else None,
        "key_id": signing.key_id(),
        "accounts": [_entry(a) for a in accounts],
    }


def canonical_json(document: Any) -> bytes:
    """The one serialisation that is signed: sorted keys, compact, UTF-8."""
    return json.dumps(
        document, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def registry_json() -> bytes:
    """The exact bytes published as ``registry.json``."""
    return canonical_json(registry_document())


def registry_signed() -> SignedRegistry:
    """``registry.json``'s bytes with their detached Ed25519 signature."""
    body = registry_json()
    return SignedRegistry(body=body, signature=signing.sign(body), key_id=signing.key_id())
