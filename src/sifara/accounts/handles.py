"""Turn whatever people paste — ``@handle``, ``x.com/handle``,
``twitter.com/handle?s=20``, ``https://www.facebook.com/handle/``,
``t.me/handle``, mobile and share links — into one canonical
``(platform, handle)``.

Canonical handles are lower case without ``@``. Accounts known only by a
numeric or opaque id (``facebook.com/profile.php?id=…``,
``youtube.com/channel/UC…``, WhatsApp channel ids, Bluesky DIDs) are returned
with ``by_id=True``. Mastodon handles are ``user@instance``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from django.utils.translation import gettext_lazy as _

from sifara.accounts.platforms import PLATFORMS
from sifara.core.errors import ApplicationError

MAX_INPUT = 500
_HANDLE = re.compile(r"^[a-z0-9._-]{1,100}$")
_DOMAIN_HANDLE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")  # Bluesky handles are domains
_MASTODON = re.compile(r"^@?([a-z0-9_]{1,64})@([a-z0-9-]+(\.[a-z0-9-]+)+)$")

# Path segments that are site pages, not profiles.
_RESERVED = {
    "x": {
        "home",
        "search",
        "explore",
        "i",
        "intent",
        "share",
        "hashtag",
        "settings",
        "login",
        "messages",
        "notifications",
        "compose",
        "tos",
        "privacy",
    },
    "facebook": {
        "groups",
        "events",
        "watch",
        "marketplace",
        "login",
        "sharer",
        "sharer.php",
        "share",
        "hashtag",
        "help",
        "policies",
        "photo",
        "photo.php",
        "story.php",
        "permalink.php",
        "reel",
        "stories",
    },
    "instagram": {"p", "reel", "reels", "stories", "explore", "accounts", "direct", "tv"},
    "tiktok": {"video", "tag", "discover", "music", "login", "foryou", "following"},
    "telegram": {"joinchat", "addstickers", "share", "proxy", "socks", "c"},
    "threads": {"search", "login", "t"},
    "linkedin": {"feed", "jobs", "posts", "pulse", "login", "search"},
}


class HandleError(ApplicationError):
    code = "invalid_account_reference"


@dataclass(frozen=True)
class CanonicalHandle:
    platform: str | None  # None: a bare handle, platform unknown
    handle: str
    by_id: bool = False


def default_domains() -> dict[str, str]:
    return {domain: code for code, _en, _ar, domains, _t, _r in PLATFORMS for domain in domains}


def _clean_handle(raw: str, platform: str | None) -> str:
    handle = unquote(raw).strip().lstrip("@").rstrip("/").lower()
    if platform == "bluesky" and _DOMAIN_HANDLE.match(handle):
        return handle
    if not _HANDLE.match(handle):
        raise HandleError(_("“%(value)s” is not a valid account name.") % {"value": raw[:60]})
    return handle


def _not_a_profile() -> HandleError:
    return HandleError(
        _("This link points to a post or a page, not to an account. Paste the account's address.")
    )


def _from_path(platform: str, segments: list[str], query: dict[str, list[str]]) -> CanonicalHandle:
    first = segments[0] if segments else ""
    low = first.lower()
    if platform == "x":
        if low == "intent" and "screen_name" in query:
            return CanonicalHandle("x", _clean_handle(query["screen_name"][0], "x"))
        if low in _RESERVED["x"] or not first:
            raise _not_a_profile()
        return CanonicalHandle("x", _clean_handle(first, "x"))
    if platform == "facebook":
        if low == "profile.php" and query.get("id"):
            return CanonicalHandle(
                "facebook", _clean_handle(query["id"][0], "facebook"), by_id=True
            )
        if low == "people" and len(segments) >= 3:
            return CanonicalHandle("facebook", _clean_handle(segments[2], "facebook"), by_id=True)
        if low == "pg" and len(segments) >= 2:
            return CanonicalHandle("facebook", _clean_handle(segments[1], "facebook"))
        if low in _RESERVED["facebook"] or not first:
            raise _not_a_profile()
        return CanonicalHandle("facebook", _clean_handle(first, "facebook"))
    if platform == "youtube":
        if first.startswith("@"):
            return CanonicalHandle("youtube", _clean_handle(first, "youtube"))
        if low in {"c", "user"} and len(segments) >= 2:
            return CanonicalHandle("youtube", _clean_handle(segments[1], "youtube"))
        if low == "channel" and len(segments) >= 2:
            return CanonicalHandle("youtube", _clean_handle(segments[1], "youtube"), by_id=True)
        raise _not_a_profile()
    if platform in {"tiktok", "threads"}:
        if first.startswith("@"):
            return CanonicalHandle(platform, _clean_handle(first, platform))
        raise _not_a_profile()
    if platform == "telegram":
        if low == "s" and len(segments) >= 2:
            first, low = segments[1], segments[1].lower()
        if low in _RESERVED["telegram"] or not first or first.startswith("+"):
            raise _not_a_profile()
        return CanonicalHandle("telegram", _clean_handle(first, "telegram"))
    if platform == "whatsapp":
        if low == "channel" and len(segments) >= 2:
            return CanonicalHandle("whatsapp", _clean_handle(segments[1], "whatsapp"), by_id=True)
        raise _not_a_profile()
    if platform == "linkedin":
        if low in {"company", "in", "showcase", "school"} and len(segments) >= 2:
            return CanonicalHandle("linkedin", _clean_handle(segments[1], "linkedin"))
        raise _not_a_profile()
    if platform == "bluesky":
        if low == "profile" and len(segments) >= 2:
            value = segments[1].lower()
            if value.startswith("did:"):
                return CanonicalHandle("bluesky", value, by_id=True)
            return CanonicalHandle("bluesky", _clean_handle(value, "bluesky"))
        raise _not_a_profile()
    if platform == "snapchat":
        if low == "add" and len(segments) >= 2:
            return CanonicalHandle("snapchat", _clean_handle(segments[1], "snapchat"))
        if first.startswith("@"):
            return CanonicalHandle("snapchat", _clean_handle(first, "snapchat"))
        raise _not_a_profile()
    if platform == "instagram":
        if low in _RESERVED["instagram"] or not first:
            raise _not_a_profile()
        return CanonicalHandle("instagram", _clean_handle(first, "instagram"))
    # A platform added by configuration: the first path segment names the account.
    if not first:
        raise _not_a_profile()
    return CanonicalHandle(platform, _clean_handle(first, platform))


def canonicalise(
    text: str, *, platform: str | None = None, domains: Mapping[str, str] | None = None
) -> CanonicalHandle:
    """Canonical ``(platform, handle)`` for a pasted handle or profile link.

    ``platform`` is a hint used for bare handles. ``domains`` maps host names
    to platform codes (defaults to the built-in platforms; pass the configured
    ones to include platforms added by administrators).
    """
    if text is None:
        raise HandleError(_("Enter an account name or a profile link."))
    value = unicodedata.normalize("NFKC", str(text)).strip()
    value = "".join(ch for ch in value if unicodedata.category(ch) not in {"Cf", "Cc"})
    if not value:
        raise HandleError(_("Enter an account name or a profile link."))
    if len(value) > MAX_INPUT:
        raise HandleError(_("That is too long to be an account name or a profile link."))
    lowered = value.lower()
    mastodon = _MASTODON.match(lowered)
    if mastodon and "/" not in lowered:
        return CanonicalHandle("mastodon", f"{mastodon.group(1)}@{mastodon.group(2)}")
    if lowered.startswith("tg://"):
        query = parse_qs(urlsplit(value).query)
        if query.get("domain"):
            return CanonicalHandle("telegram", _clean_handle(query["domain"][0], "telegram"))
        raise _not_a_profile()
    looks_like_url = "/" in value or re.match(r"^[\w.-]+\.[a-z]{2,}(/|$)", lowered) is not None
    if not looks_like_url:
        return CanonicalHandle(platform, _clean_handle(value, platform))
    if not re.match(r"^[a-z][a-z0-9+.-]*://", lowered):
        value = "https://" + value
    try:
        parts = urlsplit(value)
        host = (parts.hostname or "").lower()
    except ValueError as exc:
        raise HandleError(_("That is not a valid link.")) from exc
    if parts.scheme not in {"http", "https"} or not host:
        raise HandleError(_("That is not a valid link."))
    host = host.removeprefix("www.")
    known = dict(domains) if domains is not None else default_domains()
    code = known.get(host)
    segments = [s for s in parts.path.split("/") if s]
    query = parse_qs(parts.query)
    if code is None:
        if host in {"youtu.be", "vm.tiktok.com", "vt.tiktok.com", "fb.me", "t.co", "bit.ly"}:
            raise HandleError(
                _(
                    "Short links cannot be checked offline. "
                    "Open the link and paste the account's full address."
                )
            )
        # Any other host with /@user is a Mastodon (or other fediverse) profile.
        if (
            len(segments) == 1
            and segments[0].startswith("@")
            and _HANDLE.match(segments[0][1:].lower())
        ):
            return CanonicalHandle("mastodon", f"{segments[0][1:].lower()}@{host}")
        raise HandleError(_("“%(host)s” is not a platform Sifara knows.") % {"host": host[:80]})
    return _from_path(code, segments, query)
